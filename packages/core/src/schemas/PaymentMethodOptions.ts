/**
 * The `paymentMethodOptions` object (facts §7.4).
 *
 * @since 0.1.0
 */
import { Schema } from "effect";
import { CaptureMethod, EwalletChannel, QrAcquirer, ThreeDsMethod, VirtualAccountChannel } from "./Enums.js";
import { Instant } from "./Instant.js";
import { FreeText, JsonObject, Text } from "./internal/text.js";

/** Card options: capture and 3-D Secure policy, facilitator and card-on-file data, installments. @since 0.1.0 @category Schemas */
export const CardOptions = Schema.Struct({
  captureMethod: Schema.optionalKey(CaptureMethod),
  threeDsMethod: Schema.optionalKey(ThreeDsMethod),
  threeDsInfo: Schema.optionalKey(JsonObject),
  processingConfig: Schema.optionalKey(
    Schema.Struct({
      bankMerchantId: Schema.optionalKey(Text(0, 50)),
      merchantIdTag: Schema.optionalKey(Text(0, 50)),
    }),
  ),
  cardOnFile: Schema.optionalKey(
    Schema.Struct({
      initiator: Schema.optionalKey(FreeText),
      type: Schema.optionalKey(FreeText),
      previousNetworkTransactionId: Schema.optionalKey(FreeText),
    }),
  ),
  installment: Schema.optionalKey(JsonObject),
}).annotate({ identifier: "CardOptions" });
/** @since 0.1.0 @category Schemas */
export type CardOptions = typeof CardOptions.Type;

/**
 * Virtual-account options: the bank `channel` (mandatory), a custom name (some banks) or number
 * (inside the dashboard's static range), and `expiryAt` (optional for MULTIPLE).
 *
 * @since 0.1.0
 * @category Schemas
 */
export const VirtualAccountOptions = Schema.Struct({
  channel: VirtualAccountChannel,
  virtualAccountName: Schema.optionalKey(Text(0, 100)),
  virtualAccountNumber: Schema.optionalKey(Text(0, 100)),
  expiryAt: Schema.optionalKey(Instant),
}).annotate({ identifier: "VirtualAccountOptions" });
/** @since 0.1.0 @category Schemas */
export type VirtualAccountOptions = typeof VirtualAccountOptions.Type;

/**
 * E-wallet options: the wallet `channel`. `expiryAt` is documented mandatory but read as optional
 * (decision C7: the session's expiry serves).
 *
 * @since 0.1.0
 * @category Schemas
 */
export const EwalletOptions = Schema.Struct({
  channel: EwalletChannel,
  expiryAt: Schema.optionalKey(Instant),
}).annotate({ identifier: "EwalletOptions" });
/** @since 0.1.0 @category Schemas */
export type EwalletOptions = typeof EwalletOptions.Type;

/** QR options: `expiryAt` (optional for MULTIPLE) and, optionally, the acquirer. @since 0.1.0 @category Schemas */
export const QrOptions = Schema.Struct({
  acquirer: Schema.optionalKey(QrAcquirer),
  expiryAt: Schema.optionalKey(Instant),
}).annotate({ identifier: "QrOptions" });
/** @since 0.1.0 @category Schemas */
export type QrOptions = typeof QrOptions.Type;

/**
 * `paymentMethodOptions`: per-method options, plus `id` of a stored preset.
 *
 * @example
 * const o: PaymentMethodOptions = { virtualAccount: { channel: "PERMATA", virtualAccountName: "Reforza Harsya" } }
 * @since 0.1.0
 * @category Schemas
 */
export const PaymentMethodOptions = Schema.Struct({
  id: Schema.optionalKey(FreeText),
  card: Schema.optionalKey(CardOptions),
  virtualAccount: Schema.optionalKey(VirtualAccountOptions),
  ewallet: Schema.optionalKey(EwalletOptions),
  qr: Schema.optionalKey(QrOptions),
}).annotate({ identifier: "PaymentMethodOptions" });
/** @since 0.1.0 @category Schemas */
export type PaymentMethodOptions = typeof PaymentMethodOptions.Type;
