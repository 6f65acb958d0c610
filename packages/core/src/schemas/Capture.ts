/**
 * Manual capture of a card authorisation: `POST /v2/payments/{id}/capture` (facts §7.8, decision P6).
 *
 * @since 0.1.0
 */
import { Schema } from "effect";
import { Amount, RequestAmount } from "./Amount.js";
import { CaptureStatus } from "./Enums.js";
import { Instant } from "./Instant.js";

/**
 * Capture body: `releaseRemainingAmount` (void the rest of the authorisation; the docs type it
 * "Object", it is a boolean) and an optional `amount` ≤ the authorised amount (default: all of it).
 *
 * @since 0.1.0
 * @category Schemas
 */
export const CapturePaymentSessionRequest = Schema.Struct({
  releaseRemainingAmount: Schema.Boolean,
  amount: Schema.optionalKey(RequestAmount),
}).annotate({ identifier: "CapturePaymentSessionRequest" });
/** @since 0.1.0 @category Schemas */
export type CapturePaymentSessionRequest = typeof CapturePaymentSessionRequest.Type;

/**
 * The capture object returned by the capture call (the gateway answers `PENDING`, asynchronously).
 *
 * @since 0.1.0
 * @category Schemas
 */
export const Capture = Schema.Struct({
  id: Schema.String,
  paymentSessionId: Schema.String,
  paymentSessionClientReferenceId: Schema.String,
  releaseRemainingAmount: Schema.Boolean,
  amount: Amount,
  status: CaptureStatus,
  createdAt: Instant,
  updatedAt: Instant,
}).annotate({ identifier: "Capture" });
/** @since 0.1.0 @category Schemas */
export type Capture = typeof Capture.Type;
