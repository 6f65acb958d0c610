/**
 * What a machine answers, concretely: one representative event of each type applied to a sample
 * snapshot in each state with XState's pure `transition()` — the same call the core's `applyEvent`
 * makes — and the outcome read from the actions it returns (`refuse`, `relayChargeRefusal`,
 * `ignoreDuplicate`, `emitWebhook`), as `applyEvent` reads them.
 */
import {
  type Amount,
  type Operation,
  operationOfEvent,
  type RefusalCode,
  refusalMessage,
  type SessionStatus,
} from "@payment-session/core";
import { type AnyEventObject, type AnyStateMachine, transition } from "xstate";

const MINUTE = 60_000;

/** The outcome of one example event. */
export type ExampleOutcome =
  | {
      readonly _tag: "Refused";
      readonly code: string;
      readonly status: string;
      readonly message: string | null;
    }
  | { readonly _tag: "Duplicate"; readonly status: string }
  | { readonly _tag: "LatePaymentRecorded"; readonly status: string }
  | {
      readonly _tag: "Accepted";
      readonly status: string;
      readonly changed: boolean;
      readonly webhooks: ReadonlyArray<string>;
    };

/** The parts of a session or charge context the example events are built from. */
interface ExampleContext {
  readonly amount?: Amount;
  readonly updatedAt?: number;
  readonly id?: string;
  readonly charges?: ReadonlyArray<{ readonly context: { readonly id: string } }>;
  readonly latePayments?: ReadonlyArray<unknown>;
}

const isOperationEvent = (type: string): type is keyof typeof operationOfEvent =>
  Object.hasOwn(operationOfEvent, type);

/**
 * A representative event of `type` for a snapshot with `context`: one minute after its last change,
 * paying or authorising exactly its amount, naming its current charge.
 */
export const exampleEvent = (type: string, context: ExampleContext): AnyEventObject => {
  const at = (context.updatedAt ?? 0) + MINUTE;
  const amount: Amount =
    context.amount === undefined || context.amount.value === 0
      ? { value: 10_000, currency: "IDR" }
      : context.amount;
  const charges = context.charges ?? [];
  const chargeId = charges[charges.length - 1]?.context.id ?? context.id ?? "charge-example";
  switch (type) {
    case "CONFIRM":
      return {
        type,
        at,
        paymentMethod: { type: "VIRTUAL_ACCOUNT" },
        paymentMethodOptions: { virtualAccount: { channel: "PERMATA" } },
        charge: { id: "charge-confirmed" },
      };
    case "CANCEL":
      return { type, at, cancellationReason: "REQUESTED_BY_CUSTOMER" };
    case "CAPTURE":
      return { type, at, captureId: "capture-example", releaseRemainingAmount: false };
    case "AUTHORIZED":
      return { type, at, authorizedAmount: amount };
    case "PAYMENT_RECEIVED":
      return { type, at, chargeId, amount };
    case "CHARGE_FAILED":
      return { type, at, failureCode: "DECLINED_BY_CHANNEL" };
    // Refund machine: a refund of a paid 20 000 IDR charge that nothing else has refunded.
    case "SUBMIT":
      return {
        type,
        at,
        payment: {
          sessionStatus: "PAID",
          paymentType: "SINGLE",
          chargeId: "charge-va-1",
          chargeStatus: "SUCCESS",
          captured: { value: 20_000, currency: "IDR" },
          held: 0,
        },
      };
    case "REFUND_FAILED":
      return { type, at, failureReason: "ACCOUNT_NOT_FOUND" };
    default:
      return { type, at };
  }
};

/** A short description of an example event's payload (what the table's reader needs to know). */
export const describeExampleEvent = (event: AnyEventObject): string => {
  switch (event.type) {
    case "CONFIRM":
      return "VA PERMATA";
    case "CANCEL":
      return String(event.cancellationReason);
    case "AUTHORIZED":
      return `${(event.authorizedAmount as Amount).value} IDR`;
    case "PAYMENT_RECEIVED":
      return `${(event.amount as Amount).value} IDR for ${String(event.chargeId)}`;
    case "CHARGE_FAILED":
      return String(event.failureCode);
    case "CAPTURE":
      return "all of the authorisation";
    case "SUBMIT":
      return "a paid 20 000 IDR charge, nothing refunded yet";
    case "REFUND_FAILED":
      return String(event.failureReason);
    default:
      return "";
  }
};

interface ActionLike {
  readonly type: string;
  readonly params?: unknown;
}

const paramsOf = (action: ActionLike): Readonly<Record<string, unknown>> =>
  typeof action.params === "object" && action.params !== null
    ? (action.params as Readonly<Record<string, unknown>>)
    : {};

/**
 * Applies `event` to the machine's snapshot `{ value, context }` with the pure `transition()` and
 * reads the outcome from the returned actions, as the core's `applyEvent` does. `messages`: also
 * render the refusal message the API would send (session machine only).
 */
export const exampleOutcome = (
  machine: AnyStateMachine,
  value: string,
  context: unknown,
  event: AnyEventObject,
  options: { readonly messages: boolean } = { messages: true },
): ExampleOutcome => {
  const snapshot = machine.resolveState({ value, context });
  const [next, actions] = transition(machine, snapshot, event);
  const status = String(next.value);
  let refusal: Readonly<Record<string, unknown>> | null = null;
  let duplicate = false;
  const webhooks: Array<string> = [];
  for (const action of actions as ReadonlyArray<ActionLike>) {
    if (action.type === "refuse" || action.type === "relayChargeRefusal") refusal = paramsOf(action);
    else if (action.type === "ignoreDuplicate") duplicate = true;
    else if (action.type === "emitWebhook") webhooks.push(String(paramsOf(action).event));
  }
  if (refusal !== null) {
    const code = String(refusal.code);
    const operation: Operation | null = isOperationEvent(event.type) ? operationOfEvent[event.type] : null;
    const chargeStatus = typeof refusal.chargeStatus === "string" ? refusal.chargeStatus : undefined;
    const message =
      operation === null || !options.messages
        ? null
        : refusalMessage(
            code as RefusalCode,
            operation,
            status as SessionStatus,
            chargeStatus as Parameters<typeof refusalMessage>[3],
          );
    return { _tag: "Refused", code, status, message };
  }
  if (duplicate) return { _tag: "Duplicate", status };
  const before = (context as ExampleContext).latePayments?.length ?? 0;
  const after = (next.context as ExampleContext).latePayments?.length ?? 0;
  if (after > before) return { _tag: "LatePaymentRecorded", status };
  return {
    _tag: "Accepted",
    status,
    changed: next.context !== snapshot.context || status !== value,
    webhooks,
  };
};
