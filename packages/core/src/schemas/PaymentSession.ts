/**
 * The payment-session object (facts §7.1): what create, confirm, get, list and cancel answer, and
 * what a payment callback carries.
 *
 * @since 0.1.0
 */
import { Schema } from "effect";
import { Amount } from "./Amount.js";
import { Charge } from "./Charge.js";
import { Customer } from "./Customer.js";
import {
  CancellationReason,
  ExpirationMode,
  InvestigationStatus,
  Mode,
  PaymentType,
  SessionStatus,
} from "./Enums.js";
import { Instant } from "./Instant.js";
import { JsonObject } from "./internal/text.js";
import { Order } from "./Order.js";
import { PaymentMethod } from "./PaymentMethod.js";
import { PaymentMethodOptions } from "./PaymentMethodOptions.js";
import { RedirectUrl } from "./RedirectUrl.js";

const optionalNullable = <S extends Schema.Constraint>(schema: S) =>
  Schema.optionalKey(Schema.NullOr(schema));

/**
 * A payment that arrived after the session was EXPIRED or CANCELLED (decision P3): recorded, not
 * applied, so that it can be refunded or reconciled. No webhook is sent for it.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const LateCharge = Schema.Struct({
  chargeId: Schema.String,
  amount: Amount,
  receivedAt: Instant,
}).annotate({ identifier: "LateCharge" });
/** @since 0.1.0 @category Schemas */
export type LateCharge = typeof LateCharge.Type;

/**
 * The payment session. Always present: `id`, `clientReferenceId`, `amount`, `autoConfirm`, `mode`,
 * `paymentType`, `paymentMethod` (null until chosen), `status`, `createdAt`, `updatedAt`, `expiryAt`
 * (null for some MULTIPLE sessions) and `chargeDetails` (null until a charge exists).
 *
 * Gotchas: on cancel, `expiryAt` becomes the cancel instant (decision L3); expiry sets no
 * `cancellationReason` (L4); `lateCharges` is this project's record of late payments (P3);
 * `encryptionKey` appears only for CARD + API + autoConfirm=false.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const PaymentSession = Schema.Struct({
  id: Schema.String,
  clientReferenceId: Schema.String,
  amount: Amount,
  autoConfirm: Schema.Boolean,
  mode: Mode,
  paymentType: PaymentType,
  bypassStatusPage: Schema.optionalKey(Schema.Boolean),
  redirectUrl: optionalNullable(RedirectUrl),
  paymentMethod: Schema.NullOr(PaymentMethod),
  paymentMethodOptions: optionalNullable(PaymentMethodOptions),
  statementDescriptor: Schema.optionalKey(Schema.String),
  expirationMode: optionalNullable(ExpirationMode),
  saveForFutureUse: Schema.optionalKey(Schema.Boolean),
  showSavedPayment: Schema.optionalKey(Schema.Boolean),
  status: SessionStatus,
  investigationStatus: optionalNullable(InvestigationStatus),
  createdAt: Instant,
  updatedAt: Instant,
  expiryAt: Schema.NullOr(Instant),
  encryptionKey: optionalNullable(Schema.String),
  paymentUrl: optionalNullable(Schema.String),
  chargeDetails: Schema.NullOr(Schema.Array(Charge)),
  customerId: optionalNullable(Schema.String),
  customer: optionalNullable(Customer),
  orderInformation: optionalNullable(Order),
  cancelledAt: optionalNullable(Instant),
  cancellationReason: optionalNullable(CancellationReason),
  metadata: optionalNullable(JsonObject),
  lateCharges: Schema.optionalKey(Schema.Array(LateCharge)),
}).annotate({ identifier: "PaymentSession" });
/** @since 0.1.0 @category Schemas */
export type PaymentSession = typeof PaymentSession.Type;
/** @since 0.1.0 @category Schemas */
export type PaymentSessionEncoded = typeof PaymentSession.Encoded;
