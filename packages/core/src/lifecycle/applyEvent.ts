/**
 * The pure write path: one event on one snapshot → the next snapshot and what happened.
 *
 * @since 0.1.0
 */
import { transition } from "xstate";
import type {
  ChargeStatus,
  ErrorDetail,
  PaymentCallback,
  SessionStatus,
  WebhookEvent,
} from "../schemas/index.js";
import { captureAmountIssues } from "./chargeMachine.js";
import { toPaymentSession } from "./render.js";
import { chargeForEvent, confirmationIssues, type RelayedRefusal, sessionMachine } from "./sessionMachine.js";
import { type SessionSnapshot, sessionStatus } from "./status.js";
import type {
  Operation,
  Outcome,
  RefusalCode,
  RefusalParams,
  Refused,
  SessionEvent,
  SessionEventType,
} from "./types.js";

/**
 * The operation each event stands for, as refusal messages name it.
 *
 * @since 0.1.0
 */
export const operationOfEvent: Readonly<Record<SessionEventType, Operation>> = {
  CONFIRM: "confirm",
  CANCEL: "cancel",
  CAPTURE: "capture",
  CUSTOMER_AUTHENTICATING: "authenticate",
  CHARGE_PROCESSING: "process",
  AUTHORIZED: "authorize",
  PAYMENT_RECEIVED: "pay",
  CHARGE_FAILED: "fail",
  CHARGE_EXPIRED: "expire charge",
  EXPIRE: "expire",
};

/**
 * The message of a refusal: it names the operation and the status (L2). A wrong state reads as the
 * gateway's does ("… is not allowed to confirm payment session": clients match this text).
 *
 * @example
 * refusalMessage("invalid_state", "confirm", "PAID") // "Payment session in status PAID is not allowed to confirm payment session"
 * @since 0.1.0
 */
export const refusalMessage = (
  code: RefusalCode,
  operation: Operation,
  status: SessionStatus | null,
  chargeStatus?: ChargeStatus,
): string => {
  const where = status === null ? "" : ` in status ${status}`;
  const charge = chargeStatus === undefined ? "" : ` (charge ${chargeStatus})`;
  switch (code) {
    case "invalid_state":
      return `Payment session${where} is not allowed to ${operation} payment session${charge}`;
    case "amount_mismatch":
      return `Cannot ${operation}: the amount does not match the payment session amount${charge}`;
    case "validation":
      return `Cannot ${operation}: the request breaks a payment method rule`;
    case "unknown_charge":
      return `Cannot ${operation}: the charge is not a charge of this payment session`;
    case "charge_required":
      return `Cannot ${operation}: this operation opens a charge and no issued charge was given`;
  }
};

const detailsFor = (
  params: RefusalParams,
  snapshot: SessionSnapshot,
  event: SessionEvent,
): ReadonlyArray<ErrorDetail> | undefined => {
  if (params.check === "confirmation" && event.type === "CONFIRM") {
    return confirmationIssues(snapshot.context, event);
  }
  if (params.check === "captureAmount" && event.type === "CAPTURE") {
    const charge = chargeForEvent(snapshot.context, event);
    return charge === null ? undefined : captureAmountIssues(charge.context, event.amount);
  }
  return undefined;
};

/**
 * The result of {@link applyEvent}: the next snapshot (the input itself when refused) and the
 * outcome.
 *
 * @since 0.1.0
 */
export interface Applied {
  readonly snapshot: SessionSnapshot;
  readonly outcome: Outcome;
}

/**
 * Applies one event to a session snapshot, purely (XState `transition`, no actor, no clock).
 *
 * - Refused (`refuse` / `relayChargeRefusal` action in the machine) → the SAME snapshot object and a
 *   {@link Refused} with code, message (operation + status), `details` for `validation`.
 * - Otherwise → the next snapshot and the callbacks to send (`emitWebhook` actions, W1), each with
 *   the session rendered after the change; `Duplicate` for a repeat (P2), `LatePaymentRecorded` for
 *   a payment after the end (P3), else `Accepted`.
 *
 * Gotcha (L4): an event at or past `expiryAt` first expires the session. If the event is then
 * refused (a confirm on the now EXPIRED session), the input snapshot is returned unchanged and the
 * refusal names status EXPIRED; to store the expiry, apply `{ type: "EXPIRE", at }` first, as the
 * provider's write path does (load → EXPIRE at now → event → store).
 *
 * @example
 * const { snapshot, outcome } = applyEvent(s, { type: "PAYMENT_RECEIVED", at, chargeId, amount })
 * if (outcome._tag === "Refused") return http422(outcome)
 * @since 0.1.0
 */
export const applyEvent = (snapshot: SessionSnapshot, event: SessionEvent): Applied => {
  const [next, actions] = transition(sessionMachine, snapshot, event);
  const operation = operationOfEvent[event.type];
  const status = sessionStatus(next);
  const webhookEvents: Array<WebhookEvent> = [];
  let duplicate = false;
  let refusal: RefusalParams | RelayedRefusal | null = null;
  let chargeStatus: ChargeStatus | undefined;
  for (const action of actions) {
    switch (action.type) {
      case "refuse":
        refusal = action.params as RefusalParams;
        break;
      case "relayChargeRefusal": {
        const relayed = action.params as RelayedRefusal;
        refusal = relayed;
        chargeStatus = relayed.chargeStatus;
        break;
      }
      case "ignoreDuplicate":
        duplicate = true;
        break;
      case "emitWebhook":
        webhookEvents.push((action.params as { event: WebhookEvent }).event);
        break;
    }
  }
  if (refusal !== null) {
    const details = detailsFor(refusal, snapshot, event);
    const refused: Refused = {
      _tag: "Refused",
      code: refusal.code,
      message: refusalMessage(refusal.code, operation, status, chargeStatus),
      operation,
      status,
      ...(chargeStatus === undefined ? {} : { chargeStatus }),
      ...(details === undefined ? {} : { details }),
    };
    return { snapshot, outcome: refused };
  }
  const webhooks: ReadonlyArray<PaymentCallback> =
    webhookEvents.length === 0
      ? []
      : ((data) => webhookEvents.map((name) => ({ event: name, data })))(toPaymentSession(next));
  if (duplicate) return { snapshot: next, outcome: { _tag: "Duplicate", operation, status, webhooks } };
  const before = snapshot.context.latePayments.length;
  const late = next.context.latePayments[before];
  if (late !== undefined) {
    return {
      snapshot: next,
      outcome: { _tag: "LatePaymentRecorded", operation, status, latePayment: late, webhooks },
    };
  }
  return { snapshot: next, outcome: { _tag: "Accepted", operation, status, webhooks } };
};

/**
 * Applies events one after the other (refused ones leave the snapshot as it was) and returns the
 * last snapshot with every outcome. Handy in tests and for replaying a stored event log.
 *
 * @since 0.1.0
 */
export const applyEvents = (
  snapshot: SessionSnapshot,
  events: ReadonlyArray<SessionEvent>,
): { readonly snapshot: SessionSnapshot; readonly outcomes: ReadonlyArray<Outcome> } => {
  let current = snapshot;
  const outcomes: Array<Outcome> = [];
  for (const event of events) {
    const applied = applyEvent(current, event);
    current = applied.snapshot;
    outcomes.push(applied.outcome);
  }
  return { snapshot: current, outcomes };
};
