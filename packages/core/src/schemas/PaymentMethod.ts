/**
 * The `paymentMethod` object, in requests and responses (facts §7.3).
 *
 * @since 0.1.0
 */
import { Schema } from "effect";
import { EwalletChannel, PaymentMethodType, QrAcquirer, QrType, VirtualAccountChannel } from "./Enums.js";
import { Instant } from "./Instant.js";
import { FreeText, Text } from "./internal/text.js";

/**
 * The longest `encryptedCard` accepted: 16 384 characters (decision S3). The docs' table says 0–500,
 * but their own scheme (facts §13: an RSA-OAEP-wrapped AES key, a nonce and the AES-GCM ciphertext of
 * the card and device, as base64 of a JSON object) gives at least 460 characters for the RSA-2048
 * wrapped key alone and about 1 000–2 000 with a real device description; the bound leaves room for
 * an RSA-4096 key and a long user agent, and still refuses an abusive value with 400.
 *
 * @since 0.2.0
 */
export const encryptedCardMaxLength = 16_384;

/**
 * Card data of a payment method. All parts optional: a saved card sends `token`; the API-mode
 * encryption flow sends `encryptedCard` on confirm; PCI-DSS SAQ-D merchants may send the PAN.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const PaymentMethodCard = Schema.Struct({
  encryptedCard: Schema.optionalKey(Text(0, encryptedCardMaxLength)),
  token: Schema.optionalKey(FreeText),
  number: Schema.optionalKey(FreeText),
  expMonth: Schema.optionalKey(Schema.Int),
  expYear: Schema.optionalKey(Schema.Int),
  cvc: Schema.optionalKey(Text(0, 4)),
  cardHolderFirstName: Schema.optionalKey(FreeText),
  cardHolderLastName: Schema.optionalKey(FreeText),
  cardHolderEmail: Schema.optionalKey(FreeText),
  cardHolderPhone: Schema.optionalKey(FreeText),
}).annotate({ identifier: "PaymentMethodCard" });
/** @since 0.1.0 @category Schemas */
export type PaymentMethodCard = typeof PaymentMethodCard.Type;

/**
 * Virtual-account data of a payment method (API flow; a static VA shows `expiryAt`
 * `0001-01-01T00:00:00Z`).
 *
 * @since 0.1.0
 * @category Schemas
 */
export const PaymentMethodVirtualAccount = Schema.Struct({
  channel: Schema.optionalKey(VirtualAccountChannel),
  virtualAccountNumber: Schema.optionalKey(Text(0, 100)),
  virtualAccountName: Schema.optionalKey(Text(0, 100)),
  expiryAt: Schema.optionalKey(Instant),
}).annotate({ identifier: "PaymentMethodVirtualAccount" });
/** @since 0.1.0 @category Schemas */
export type PaymentMethodVirtualAccount = typeof PaymentMethodVirtualAccount.Type;

/** QR data of a payment method (a static QR of a MULTIPLE session carries it). @since 0.1.0 @category Schemas */
export const PaymentMethodQr = Schema.Struct({
  acquirer: Schema.optionalKey(QrAcquirer),
  qrContent: Schema.optionalKey(FreeText),
  qrUrl: Schema.optionalKey(FreeText),
  qrType: Schema.optionalKey(QrType),
  storeId: Schema.optionalKey(FreeText),
  merchantName: Schema.optionalKey(FreeText),
  expiryAt: Schema.optionalKey(Instant),
}).annotate({ identifier: "PaymentMethodQr" });
/** @since 0.1.0 @category Schemas */
export type PaymentMethodQr = typeof PaymentMethodQr.Type;

/** E-wallet data of a payment method: the customer's registered phone (API flow). @since 0.1.0 @category Schemas */
export const PaymentMethodEwallet = Schema.Struct({
  channel: Schema.optionalKey(EwalletChannel),
  accountIdentifier: Schema.optionalKey(FreeText),
}).annotate({ identifier: "PaymentMethodEwallet" });
/** @since 0.1.0 @category Schemas */
export type PaymentMethodEwallet = typeof PaymentMethodEwallet.Type;

/**
 * `paymentMethod`: a `type` plus the part for that type. Parts may be absent or `null`.
 *
 * Gotcha: the schema does not insist that the part matches `type` (a REDIRECT card session sends
 * only `{ type: "CARD" }`); the lifecycle decides what it needs.
 *
 * @example
 * const pm: PaymentMethod = { type: "VIRTUAL_ACCOUNT" }
 * @since 0.1.0
 * @category Schemas
 */
export const PaymentMethod = Schema.Struct({
  type: PaymentMethodType,
  card: Schema.optionalKey(Schema.NullOr(PaymentMethodCard)),
  virtualAccount: Schema.optionalKey(Schema.NullOr(PaymentMethodVirtualAccount)),
  qr: Schema.optionalKey(Schema.NullOr(PaymentMethodQr)),
  ewallet: Schema.optionalKey(Schema.NullOr(PaymentMethodEwallet)),
}).annotate({ identifier: "PaymentMethod" });
/** @since 0.1.0 @category Schemas */
export type PaymentMethod = typeof PaymentMethod.Type;
