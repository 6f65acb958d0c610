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
import { type CompiledMachine, compileMachine, type StepAction } from "./compileMachine.js";
import { toPaymentSession } from "./render.js";
import { chargeForEvent, confirmationIssues, type RelayedRefusal, sessionMachine } from "./sessionMachine.js";
import { type SessionSnapshot, sessionStatus } from "./status.js";
import type {
  Accepted,
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
 * @category Applying events
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
 * @category Applying events
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
 * The result of {@link applyEvent}: the next snapshot (the input itself when refused), the
 * outcome, and what the event's instant did to the session before the event (L4). `O` narrows the
 * outcome where a caller has ruled some out: a write path that fails on a refusal answers
 * `Applied<Exclude<Outcome, Refused>>`.
 *
 * @since 0.1.0
 * @category Applying events
 */
export interface Applied<O extends Outcome = Outcome> {
  readonly snapshot: SessionSnapshot;
  readonly outcome: O;
  /**
   * The session brought to the event's instant, before the event: the input itself when time
   * changed nothing, else the session as its expiry left it. On a refusal this is what to store
   * (`snapshot` is then the input, unchanged).
   *
   * @since 0.2.0
   */
  readonly atInstant: SessionSnapshot;
  /**
   * The expiry the event's instant applied (an `EXPIRE` at `at` that changed the session), with its
   * callbacks rendered as of the expiry; `null` when time changed nothing. For an accepted event
   * its callbacks are also in `outcome.webhooks` (first); for a refused one only here.
   *
   * @since 0.2.0
   */
  readonly expiry: Accepted | null;
}

/**
 * One session machine step in the shape of XState's `transition()`: the next snapshot and the
 * actions to report (`refuse`, `relayChargeRefusal`, `ignoreDuplicate`, `emitWebhook`, …).
 *
 * @since 0.2.0
 * @category Applying events
 */
export type SessionStep = (
  snapshot: SessionSnapshot,
  event: SessionEvent,
) => readonly [SessionSnapshot, ReadonlyArray<{ readonly type: string; readonly params?: unknown }>];

/**
 * {@link sessionMachine} compiled to a table at load time ({@link compileMachine}): the step
 * {@link applyEvent} takes. The property `compiledStep.test.ts` checks it against
 * {@link interpretedSessionStep}.
 *
 * @since 0.2.0
 * @category Applying events
 */
export const compiledSessionMachine: CompiledMachine<SessionSnapshot> =
  compileMachine<SessionSnapshot>(sessionMachine);

/** The compiled step ({@link compiledSessionMachine}). @since 0.2.0 @category Applying events */
export const compiledSessionStep: SessionStep = compiledSessionMachine.step;

/**
 * XState's interpreter: `transition(sessionMachine, snapshot, event)` (a throwaway actor per call,
 * about 100× slower than {@link compiledSessionStep}). The reference the compiled step is checked
 * against.
 *
 * @since 0.2.0
 * @category Applying events
 */
export const interpretedSessionStep: SessionStep = (snapshot, event) =>
  transition(sessionMachine, snapshot, event);

const changed = (before: SessionSnapshot, after: SessionSnapshot): boolean =>
  after.value !== before.value || after.context !== before.context;

/**
 * What one event does to a session, before anything is rendered: {@link stepSession}'s answer.
 * {@link applyEvent} turns it into an {@link Applied} (outcome, messages, callbacks with data).
 *
 * @since 0.2.0
 * @category Applying events
 */
export interface SessionStepped {
  /** The next snapshot; the input itself when refused. */
  readonly snapshot: SessionSnapshot;
  /** The session brought to the event's instant (L4); the input itself when time changed nothing. */
  readonly atInstant: SessionSnapshot;
  /** The callbacks the expiry sent, when time changed the session (else empty). */
  readonly expiryCallbacks: ReadonlyArray<WebhookEvent>;
  /** The callbacks the event sends (W1), in order. */
  readonly callbacks: ReadonlyArray<WebhookEvent>;
  /** The refusal (`refuse` / `relayChargeRefusal` params), or `null`. */
  readonly refusal: RefusalParams | RelayedRefusal | null;
  /** The event was a repeat (P2). */
  readonly duplicate: boolean;
}

const NONE: ReadonlyArray<WebhookEvent> = [];

/** The callbacks, refusal and repeat a step reported. */
const readActions = (
  actions: ReadonlyArray<{ readonly type: string; readonly params?: unknown }>,
): {
  refusal: RefusalParams | RelayedRefusal | null;
  duplicate: boolean;
  callbacks: ReadonlyArray<WebhookEvent>;
} => {
  let refusal: RefusalParams | RelayedRefusal | null = null;
  let duplicate = false;
  let callbacks: Array<WebhookEvent> | null = null;
  for (const action of actions) {
    switch (action.type) {
      case "refuse":
      case "relayChargeRefusal":
        refusal = action.params as RefusalParams | RelayedRefusal;
        break;
      case "ignoreDuplicate":
        duplicate = true;
        break;
      case "emitWebhook":
        if (callbacks === null) callbacks = [];
        callbacks.push((action.params as { event: WebhookEvent }).event);
        break;
    }
  }
  return { refusal, duplicate, callbacks: callbacks ?? NONE };
};

/**
 * {@link stepSession} over a given machine step: the compiled one, or XState's interpreter
 * ({@link interpretedSessionStep}), which the equivalence property compares.
 *
 * @since 0.2.0
 * @category Applying events
 */
export const stepSessionWith =
  (step: SessionStep) =>
  (snapshot: SessionSnapshot, event: SessionEvent): SessionStepped => {
    // L4: bring the session to the event's instant first (an EXPIRE is that step itself).
    let atInstant = snapshot;
    let expiryCallbacks = NONE;
    if (event.type !== "EXPIRE") {
      const [timed, actions] = step(snapshot, { type: "EXPIRE", at: event.at });
      if (changed(snapshot, timed)) {
        atInstant = timed;
        expiryCallbacks = readActions(actions).callbacks;
      }
    }
    const [next, actions] = step(atInstant, event);
    const { refusal, duplicate, callbacks } = readActions(actions);
    if (event.type === "EXPIRE" && changed(snapshot, next)) atInstant = next;
    return {
      snapshot: refusal === null ? next : snapshot,
      atInstant,
      expiryCallbacks,
      callbacks,
      refusal,
      duplicate,
    };
  };

/**
 * The core step: one event on one snapshot through the compiled session machine, time first (L4),
 * nothing rendered (no messages, no callback bodies). {@link applyEvent} is this plus the
 * rendering; use this where only the next snapshot and what happened matter (replays, sweeps,
 * explorations).
 *
 * @example
 * const { snapshot, refusal } = stepSession(s, { type: "PAYMENT_RECEIVED", at, chargeId, amount })
 * @since 0.2.0
 * @category Applying events
 */
export const stepSession = (snapshot: SessionSnapshot, event: SessionEvent): SessionStepped => {
  // stepSessionWith(compiledSessionStep), on (state, context) without the intermediate snapshots.
  const machine = compiledSessionMachine;
  let atInstant = snapshot;
  let expiryCallbacks = NONE;
  let reported: Array<StepAction> = [];
  if (event.type !== "EXPIRE") {
    const tick: SessionEvent = { type: "EXPIRE", at: event.at };
    const timed = machine.move(snapshot.value, snapshot.context, tick, reported);
    if (timed !== null) {
      atInstant = machine.snapshotAfter(snapshot, timed);
      expiryCallbacks = readActions(reported).callbacks;
    }
    // The event's actions in a list of their own (a time step that changes nothing reports nothing).
    if (reported.length !== 0) reported = [];
  }
  const moved = machine.move(atInstant.value, atInstant.context, event, reported);
  const next = moved === null ? atInstant : machine.snapshotAfter(atInstant, moved);
  if (event.type === "EXPIRE" && moved !== null) atInstant = next;
  if (reported.length === 0) {
    return { snapshot: next, atInstant, expiryCallbacks, callbacks: NONE, refusal: null, duplicate: false };
  }
  const { refusal, duplicate, callbacks } = readActions(reported);
  return {
    snapshot: refusal === null ? next : snapshot,
    atInstant,
    expiryCallbacks,
    callbacks,
    refusal,
    duplicate,
  };
};

/**
 * The callbacks of `events`, each with the session as `after` renders it (rendered once for all).
 */
const render = (
  events: ReadonlyArray<WebhookEvent>,
  after: SessionSnapshot,
): ReadonlyArray<PaymentCallback> => {
  if (events.length === 0) return [];
  const data = toPaymentSession(after);
  return events.map((name) => ({ event: name, data }));
};

/**
 * The {@link Applied} of a {@link SessionStepped}: the outcome with its message, details and
 * callbacks rendered.
 *
 * @since 0.2.0
 * @category Applying events
 */
export const appliedOf = (before: SessionSnapshot, event: SessionEvent, stepped: SessionStepped): Applied => {
  const operation = operationOfEvent[event.type];
  const { atInstant, refusal } = stepped;
  const expired = event.type !== "EXPIRE" && atInstant !== before;
  const expiry: Accepted | null = expired
    ? {
        _tag: "Accepted",
        operation: "expire",
        status: sessionStatus(atInstant),
        webhooks: render(stepped.expiryCallbacks, atInstant),
      }
    : null;
  if (refusal !== null) {
    const status = sessionStatus(atInstant);
    const chargeStatus = "chargeStatus" in refusal ? refusal.chargeStatus : undefined;
    const details = detailsFor(refusal, atInstant, event);
    const refused: Refused = {
      _tag: "Refused",
      code: refusal.code,
      message: refusalMessage(refusal.code, operation, status, chargeStatus),
      operation,
      status,
      ...(chargeStatus === undefined ? {} : { chargeStatus }),
      ...(details === undefined ? {} : { details }),
    };
    return { snapshot: before, outcome: refused, atInstant, expiry };
  }
  const next = stepped.snapshot;
  const status = sessionStatus(next);
  const own = render(stepped.callbacks, next);
  if (event.type === "EXPIRE") {
    const outcome: Accepted = { _tag: "Accepted", operation, status, webhooks: own };
    return { snapshot: next, outcome, atInstant, expiry: atInstant === before ? null : outcome };
  }
  const webhooks = expiry === null || expiry.webhooks.length === 0 ? own : [...expiry.webhooks, ...own];
  if (stepped.duplicate) {
    return { snapshot: next, outcome: { _tag: "Duplicate", operation, status, webhooks }, atInstant, expiry };
  }
  const late = next.context.latePayments[atInstant.context.latePayments.length];
  if (late !== undefined) {
    return {
      snapshot: next,
      outcome: { _tag: "LatePaymentRecorded", operation, status, latePayment: late, webhooks },
      atInstant,
      expiry,
    };
  }
  return { snapshot: next, outcome: { _tag: "Accepted", operation, status, webhooks }, atInstant, expiry };
};

/**
 * {@link applyEvent} over a given machine step: the compiled one ({@link applyEvent} itself) or
 * XState's interpreter ({@link interpretedSessionStep}), which the equivalence property compares.
 *
 * @since 0.2.0
 * @category Applying events
 */
export const applyEventWith = (step: SessionStep) => {
  const stepOnce = stepSessionWith(step);
  return (snapshot: SessionSnapshot, event: SessionEvent): Applied =>
    appliedOf(snapshot, event, stepOnce(snapshot, event));
};

/**
 * Applies one event to a session snapshot, purely (the compiled machine step, no actor, no clock).
 *
 * - Time first (L4): the session is brought to `event.at` (an `EXPIRE` at that instant), so a
 *   session past its `expiryAt` is ended before the event meets it. `atInstant` is the session as
 *   time left it and `expiry` the expiry it applied (`null` when time changed nothing): no need to
 *   compare statuses, nor to apply `EXPIRE` yourself first.
 * - Refused (`refuse` / `relayChargeRefusal` action in the machine) → `snapshot` is the SAME
 *   snapshot object as the input and the outcome a {@link Refused} with code, message (operation +
 *   status), `details` for `validation`. Store `atInstant` when `expiry` is not `null` (and send
 *   `expiry.webhooks`): the expiry stands even though the event was refused.
 * - Otherwise → the next snapshot and the callbacks to send (`emitWebhook` actions, W1): the
 *   expiry's first (rendered as the expiry left the session), then the event's (rendered after it); `Duplicate` for a repeat (P2),
 *   `LatePaymentRecorded` for a payment after the end (P3), else `Accepted`.
 *
 * @example
 * const { snapshot, outcome, atInstant, expiry } = applyEvent(s, { type: "PAYMENT_RECEIVED", at, chargeId, amount })
 * if (outcome._tag === "Refused") return expiry === null ? http422(outcome) : storeThen422(atInstant, outcome)
 * @since 0.1.0
 * @category Applying events
 */
export const applyEvent = (snapshot: SessionSnapshot, event: SessionEvent): Applied =>
  appliedOf(snapshot, event, stepSession(snapshot, event));

/**
 * The session brought to instant `at` (L4): {@link applyEvent} of `{ type: "EXPIRE", at }`, for a
 * read, a sweep, or to build an event from the session as of its instant. `expiry` is `null` when
 * time changed nothing (then `snapshot` is the input itself), else the expiry with its callbacks.
 *
 * @example
 * const now = sessionAt(row.snapshot, at)
 * if (now.expiry !== null) store(now.snapshot, now.expiry.webhooks)
 * @since 0.2.0
 * @category Applying events
 */
export const sessionAt = (snapshot: SessionSnapshot, at: number): Applied =>
  applyEvent(snapshot, { type: "EXPIRE", at });
