/**
 * Choosing the payment method after create: `POST /v2/payments/{id}/confirm` and the "Define Payment
 * Method" body of the seed page.
 *
 * @since 0.1.0
 */
import { Schema } from "effect";
import { PaymentMethod } from "./PaymentMethod.js";
import { PaymentMethodOptions } from "./PaymentMethodOptions.js";

/**
 * The confirm body: the method (and its options) that replace any earlier one (decision L1).
 *
 * Gotcha: one docs example nests `paymentMethodOptions` inside `paymentMethod`; that nested copy is
 * ignored like any unknown field — send it at the top level.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const ConfirmPaymentSessionRequest = Schema.Struct({
  paymentMethod: PaymentMethod,
  paymentMethodOptions: Schema.optionalKey(PaymentMethodOptions),
}).annotate({ identifier: "ConfirmPaymentSessionRequest" });
/** @since 0.1.0 @category Schemas */
export type ConfirmPaymentSessionRequest = typeof ConfirmPaymentSessionRequest.Type;

/**
 * The "Define Payment Method" body: `{ paymentMethod, paymentMethodOptions, autoConfirm? }`, used
 * to finalise the method of an incomplete session (seed page).
 *
 * @since 0.1.0
 * @category Schemas
 */
export const PaymentMethodSelection = Schema.Struct({
  paymentMethod: PaymentMethod,
  paymentMethodOptions: PaymentMethodOptions,
  autoConfirm: Schema.optionalKey(Schema.Boolean),
}).annotate({ identifier: "PaymentMethodSelection" });
/** @since 0.1.0 @category Schemas */
export type PaymentMethodSelection = typeof PaymentMethodSelection.Type;
