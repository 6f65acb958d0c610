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
 */
export const SimulationRequest = Schema.Struct({
  paymentSessionId: Text(1, 100),
  chargeStatus: Schema.Literals(["SUCCESS", "EXPIRED"]),
  amount: Schema.optionalKey(RequestAmount),
}).annotate({ identifier: "SimulationRequest" });
/** @since 0.1.0 */
export type SimulationRequest = typeof SimulationRequest.Type;

/**
 * Simulation answer: `{ updated: "true" }` (documented Boolean, example string: both are read).
 *
 * @since 0.1.0
 */
export const SimulationResult = Schema.Struct({
  updated: Schema.Union([Schema.String, Schema.Boolean]),
}).annotate({ identifier: "SimulationResult" });
/** @since 0.1.0 */
export type SimulationResult = typeof SimulationResult.Type;
