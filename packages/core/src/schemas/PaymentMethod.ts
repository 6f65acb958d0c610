/**
 * The `paymentMethod` object, in requests and responses (facts §7.3).
 *
 * @since 0.1.0
 */
import { Schema } from "effect";
import { EwalletChannel, QrAcquirer, QrType, VirtualAccountChannel } from "./Enums.js";
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
 * @category Schemas
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

const part = <S extends Schema.Constraint>(schema: S) => Schema.optionalKey(Schema.NullOr(schema));

/** `paymentMethod` of type `CARD`, with its optional `card` part. @since 0.2.0 @category Schemas */
export const CardPaymentMethod = Schema.Struct({
  type: Schema.Literal("CARD"),
  card: part(PaymentMethodCard),
}).annotate({ identifier: "CardPaymentMethod" });
/** @since 0.2.0 @category Schemas */
export type CardPaymentMethod = typeof CardPaymentMethod.Type;

/** `paymentMethod` of type `VIRTUAL_ACCOUNT`, with its optional `virtualAccount` part. @since 0.2.0 @category Schemas */
export const VirtualAccountPaymentMethod = Schema.Struct({
  type: Schema.Literal("VIRTUAL_ACCOUNT"),
  virtualAccount: part(PaymentMethodVirtualAccount),
}).annotate({ identifier: "VirtualAccountPaymentMethod" });
/** @since 0.2.0 @category Schemas */
export type VirtualAccountPaymentMethod = typeof VirtualAccountPaymentMethod.Type;

/** `paymentMethod` of type `QR`, with its optional `qr` part. @since 0.2.0 @category Schemas */
export const QrPaymentMethod = Schema.Struct({
  type: Schema.Literal("QR"),
  qr: part(PaymentMethodQr),
}).annotate({ identifier: "QrPaymentMethod" });
/** @since 0.2.0 @category Schemas */
export type QrPaymentMethod = typeof QrPaymentMethod.Type;

/** `paymentMethod` of type `EWALLET`, with its optional `ewallet` part. @since 0.2.0 @category Schemas */
export const EwalletPaymentMethod = Schema.Struct({
  type: Schema.Literal("EWALLET"),
  ewallet: part(PaymentMethodEwallet),
}).annotate({ identifier: "EwalletPaymentMethod" });
/** @since 0.2.0 @category Schemas */
export type EwalletPaymentMethod = typeof EwalletPaymentMethod.Type;

/**
 * `paymentMethod`: a union discriminated by `type`, each member carrying only the part of its
 * type (`CARD` → `card`, `VIRTUAL_ACCOUNT` → `virtualAccount`, `QR` → `qr`, `EWALLET` → `ewallet`).
 * Narrow on `type` to reach the part: `if (pm.type === "VIRTUAL_ACCOUNT") pm.virtualAccount?.channel`.
 * The OpenAPI document shows it as a `oneOf` with a `discriminator` on `type`.
 *
 * Gotchas: the part may still be absent or `null` (a REDIRECT card session sends only
 * `{ type: "CARD" }`); the lifecycle decides what it needs. A part of another type (`{ type: "CARD",
 * virtualAccount: … }`) is an unknown field of that member, so it is ignored (decision C7), never
 * read. A missing or unknown `type` is a 400 on `paymentMethod.type`.
 *
 * @example
 * const pm: PaymentMethod = { type: "VIRTUAL_ACCOUNT", virtualAccount: { channel: "BCA" } }
 * @since 0.1.0
 * @category Schemas
 */
export const PaymentMethod = Schema.Union([
  VirtualAccountPaymentMethod,
  QrPaymentMethod,
  CardPaymentMethod,
  EwalletPaymentMethod,
]).annotate({ identifier: "PaymentMethod" });
/** @since 0.1.0 @category Schemas */
export type PaymentMethod = typeof PaymentMethod.Type;
