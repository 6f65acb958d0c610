/**
 * `POST /v2/payments/{id}/cancel` body.
 *
 * @since 0.1.0
 */
import { Schema } from "effect";
import { MerchantCancellationReason } from "./Enums.js";

/**
 * Cancel body: one of the three merchant reasons (decision L3). `CHARGE_FAILED` and `FRAUDULENT` are
 * the gateway's to set and are refused here.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const CancelPaymentSessionRequest = Schema.Struct({
  cancellationReason: MerchantCancellationReason,
}).annotate({ identifier: "CancelPaymentSessionRequest" });
/** @since 0.1.0 @category Schemas */
export type CancelPaymentSessionRequest = typeof CancelPaymentSessionRequest.Type;
