/**
 * The sandbox's `POST /v2/payments/simulations` as a lifecycle event: which event a simulation is,
 * decided once for the server that serves it and the checkers that predict it.
 *
 * @since 0.1.0
 */
import type { ErrorDetail, SimulationRequest } from "../schemas/index.js";
import { currentCharge } from "./sessionMachine.js";
import type { SessionSnapshot } from "./status.js";
import type { SessionEvent } from "./types.js";

/**
 * What a simulation does to a session: the `Event` to apply, or `AmountRequired` (400 with these
 * `details`) when nothing says how much was paid.
 *
 * @since 0.1.0
 * @category Simulation
 */
export type SimulationPlan =
  | { readonly _tag: "Event"; readonly event: SessionEvent }
  | { readonly _tag: "AmountRequired"; readonly details: ReadonlyArray<ErrorDetail> };

/**
 * The event of a simulation at instant `at`:
 *
 * - `EXPIRED` → `CHARGE_EXPIRED`;
 * - `SUCCESS` → `PAYMENT_RECEIVED` for the session's current charge (SINGLE), or for a new charge
 *   (`newChargeId()`, a MULTIPLE session's payment is a new transfer), of `amount` (default: the
 *   charge's amount, else a closed session's amount). An open-amount MULTIPLE session without
 *   `amount` → `AmountRequired`.
 *
 * `newChargeId` is called only when a new charge is needed.
 *
 * @example
 * const plan = simulationEvent(snapshot, { chargeStatus: "SUCCESS" }, at, () => ids.chargeId())
 * if (plan._tag === "Event") applyEvent(snapshot, plan.event)
 * @since 0.1.0
 * @category Simulation
 */
export const simulationEvent = (
  snapshot: SessionSnapshot,
  request: Pick<SimulationRequest, "chargeStatus" | "amount">,
  at: number,
  newChargeId: () => string,
): SimulationPlan => {
  if (request.chargeStatus === "EXPIRED") return { _tag: "Event", event: { type: "CHARGE_EXPIRED", at } };
  const session = snapshot.context;
  const charge = session.settings.paymentType === "MULTIPLE" ? null : currentCharge(session);
  const amount =
    request.amount ?? charge?.context.amount ?? (session.amount.value > 0 ? session.amount : undefined);
  if (amount === undefined) {
    return {
      _tag: "AmountRequired",
      details: [{ field: "amount", message: "amount is required for an open-amount MULTIPLE session" }],
    };
  }
  const chargeId = charge?.context.id ?? newChargeId();
  return { _tag: "Event", event: { type: "PAYMENT_RECEIVED", at, chargeId, amount } };
};
