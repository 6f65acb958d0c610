/**
 * Which public endpoint causes which lifecycle event: the one place that says what a merchant can
 * do through the API. An event no endpoint causes is a channel's (a bank, an acquirer, a card
 * issuer); its transitions are reported but never demanded of the contracts.
 *
 * @since 0.1.0
 */
import {
  ALWAYS,
  type SessionEventType,
  type SessionSnapshot,
  SimulationRequest,
  seedPath,
  simulationEvent,
} from "@payment-session/core";

/**
 * The endpoints (as `METHOD /path`) that cause each session event, or none.
 *
 * @since 0.1.0
 * @category Coverage
 */
export type EventCauses = Readonly<Record<SessionEventType | typeof ALWAYS, ReadonlyArray<string>>>;

const reads = ["GET /v2/payments/{id}", "GET /v2/payments", "GET /v2/charges"];

/** The simulation's chargeStatus values, from the core's request schema. */
const simulationStatuses = (): ReadonlyArray<"SUCCESS" | "EXPIRED"> =>
  SimulationRequest.fields.chargeStatus.literals as ReadonlyArray<"SUCCESS" | "EXPIRED">;

/**
 * The event each simulation `chargeStatus` becomes, asked of the core's {@link simulationEvent} on a
 * session waiting for payment (SINGLE and MULTIPLE), not restated here.
 */
const simulationCauses = (): ReadonlyMap<string, ReadonlyArray<string>> => {
  const samples: ReadonlyArray<SessionSnapshot> = [
    seedPath({ status: "REQUIRE_ACTION" }, 0)?.snapshot,
    seedPath({ status: "ACTIVE", amount: 20_000 }, 0)?.snapshot,
  ].filter((s): s is SessionSnapshot => s !== undefined);
  const causes = new Map<string, Array<string>>();
  for (const chargeStatus of simulationStatuses()) {
    for (const snapshot of samples) {
      const plan = simulationEvent(snapshot, { chargeStatus }, 0, () => "probe");
      if (plan._tag !== "Event") continue;
      const list = causes.get(plan.event.type) ?? [];
      const cause = `POST /v2/payments/simulations (chargeStatus ${chargeStatus})`;
      if (!list.includes(cause)) list.push(cause);
      causes.set(plan.event.type, list);
    }
  }
  return causes;
};

/**
 * The public API's causes of each event: create (the eventless C1 transitions), confirm, cancel,
 * capture, the sandbox simulation (as the core maps it), and time — every read and write applies
 * `EXPIRE` at the request's instant first (decision L4). The card and e-wallet steps and a charge
 * failure have no endpoint: only channels cause them.
 *
 * @since 0.1.0
 * @category Coverage
 */
export const eventCauses = (): EventCauses => {
  const simulated = simulationCauses();
  const sim = (type: SessionEventType) => simulated.get(type) ?? [];
  return {
    [ALWAYS]: ["POST /v2/payments"],
    CONFIRM: ["POST /v2/payments/{id}/confirm"],
    CANCEL: ["POST /v2/payments/{id}/cancel"],
    CAPTURE: ["POST /v2/payments/{id}/capture"],
    CUSTOMER_AUTHENTICATING: sim("CUSTOMER_AUTHENTICATING"),
    CHARGE_PROCESSING: sim("CHARGE_PROCESSING"),
    AUTHORIZED: sim("AUTHORIZED"),
    PAYMENT_RECEIVED: sim("PAYMENT_RECEIVED"),
    CHARGE_FAILED: sim("CHARGE_FAILED"),
    CHARGE_EXPIRED: sim("CHARGE_EXPIRED"),
    EXPIRE: [...reads, "any write past expiryAt"],
  } as EventCauses;
};
