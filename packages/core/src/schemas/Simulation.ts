/**
 * Sandbox payment simulation: `POST /v2/payments/simulations` (facts §12).
 *
 * @since 0.1.0
 */
import { Schema } from "effect";
import { RequestAmount } from "./Amount.js";
import { Text } from "./internal/text.js";

/**
 * Settle (`SUCCESS`) or expire (`EXPIRED`) the open QRIS / VA / e-wallet charge of a session.
 * `amount` is needed for MULTIPLE sessions (each simulated payment).
 *
 * @since 0.1.0
 * @category Schemas
 */
export const SimulationRequest = Schema.Struct({
  paymentSessionId: Text(1, 100),
  chargeStatus: Schema.Literals(["SUCCESS", "EXPIRED"]),
  amount: Schema.optionalKey(RequestAmount),
}).annotate({ identifier: "SimulationRequest" });
/** @since 0.1.0 @category Schemas */
export type SimulationRequest = typeof SimulationRequest.Type;

/**
 * What a simulated notification did to the session (decision P3; this project's addition, so
 * optional when read): `APPLIED` (it moved the charge or the session), `DUPLICATE` (a repeat of one
 * already taken, P2), `RECORDED_LATE` (a payment after the session ended, kept in `lateCharges`).
 *
 * @since 0.1.0
 * @category Schemas
 */
export const SimulationApplication = Schema.Literals(["APPLIED", "DUPLICATE", "RECORDED_LATE"]).annotate({
  identifier: "SimulationApplication",
});
/** @since 0.1.0 @category Schemas */
export type SimulationApplication = typeof SimulationApplication.Type;

/**
 * Simulation answer: `{ updated: "true", result }` (`updated`: documented Boolean, example string:
 * both are read; `result`: see {@link SimulationApplication}, absent from the real gateway).
 *
 * @since 0.1.0
 * @category Schemas
 */
export const SimulationResult = Schema.Struct({
  updated: Schema.Union([Schema.String, Schema.Boolean]),
  result: Schema.optionalKey(SimulationApplication),
}).annotate({ identifier: "SimulationResult" });
/** @since 0.1.0 @category Schemas */
export type SimulationResult = typeof SimulationResult.Type;
