/**
 * The pure refund API: open a refund against a payment, apply an event, render the refund object,
 * and derive what a payment has left to refund — all through {@link refundMachine}, no clock, no I/O.
 *
 * @since 0.2.0
 */
import { initialTransition, transition } from "xstate";
import { millisToInstant } from "../schemas/Instant.js";
import type {
  Amount,
  ErrorDetail,
  Refund,
  RefundCallback,
  RefundStatus,
  RefundWebhookEvent,
} from "../schemas/index.js";
import {
  holdingRefundStatuses,
  type RefundablePayment,
  type RefundContext,
  type RefundEvent,
  type RefundEventType,
  type RefundInput,
  type RefundRefusalCode,
  type RefundRefusalParams,
  refundMachine,
  refundRequestIssues,
} from "./refundMachine.js";
import type { SessionSnapshot } from "./status.js";
import { chargeStatus, sessionStatus } from "./status.js";
import type { ChargeRecord } from "./types.js";

/** The machine states a stored refund can be in (every status; REQUESTED is never stored). @since 0.2.0 @category Refunds */
export type RefundState = RefundStatus;

/**
 * A refund as it is stored: its machine state (the refund status) and context. Plain JSON.
 *
 * @since 0.2.0
 * @category Refunds
 */
export interface RefundRecord {
  readonly state: RefundState;
  readonly context: RefundContext;
}

/** The version of the stored form of a {@link RefundRecord}. @since 0.2.0 @category Refunds */
export const refundSchemaVersion = 1;

/** The machine snapshot of a refund record. @since 0.2.0 @category Refunds */
export const refundSnapshot = (refund: RefundRecord) =>
  refundMachine.resolveState({ value: refund.state, context: refund.context });

/** The documented status of a refund record. @since 0.2.0 @category Refunds */
export const refundStatus = (refund: RefundRecord): RefundStatus => refund.state;

/** Whether a status holds money against the captured amount (decision R3). @since 0.2.0 @category Refunds */
export const isHoldingRefundStatus = (status: RefundStatus): boolean =>
  (holdingRefundStatuses as ReadonlyArray<RefundStatus>).includes(status);

/**
 * A refused refund event: nothing changed. `message` names the rule; `details` lists fields for
 * `validation`.
 *
 * @since 0.2.0
 * @category Refunds
 */
export interface RefundRefused {
  readonly _tag: "Refused";
  readonly code: RefundRefusalCode;
  readonly message: string;
  /** The refund status that refused it; `null` for a refused SUBMIT (no refund exists). */
  readonly status: RefundStatus | null;
  readonly details?: ReadonlyArray<ErrorDetail>;
}

/** An applied refund event and the callbacks to send (facts §10), each with the refund after it. @since 0.2.0 @category Refunds */
export interface RefundAccepted {
  readonly _tag: "Accepted";
  readonly status: RefundStatus;
  readonly webhooks: ReadonlyArray<RefundCallback>;
}

/** The same notice again: nothing changed. @since 0.2.0 @category Refunds */
export interface RefundDuplicate {
  readonly _tag: "Duplicate";
  readonly status: RefundStatus;
  readonly webhooks: ReadonlyArray<RefundCallback>;
}

/** What one refund event did. @since 0.2.0 @category Refunds */
export type RefundOutcome = RefundAccepted | RefundDuplicate | RefundRefused;

/** {@link applyRefundEvent}'s answer: the next record (the same object when refused) and the outcome. @since 0.2.0 @category Refunds */
export interface RefundApplied {
  readonly refund: RefundRecord;
  readonly outcome: RefundOutcome;
}

const operationOf: Readonly<Record<RefundEventType, string>> = {
  SUBMIT: "refund",
  CHANNEL_SUCCEEDED: "complete by channel",
  CHANNEL_FAILED: "fall back to a bank transfer",
  TRANSFER_STARTED: "start the bank transfer of",
  TRANSFER_SUCCEEDED: "complete the bank transfer of",
  REFUND_FAILED: "fail",
  CANCEL: "cancel",
};

/**
 * The message of a refund refusal (decision R3): it names the rule, the amounts and the statuses.
 *
 * @example
 * refundRefusalMessage("amount_exceeds_refundable", event) // "Cannot refund 6000: 5000 of the captured 10000 is already refunded or being refunded, 5000 is left"
 * @since 0.2.0
 * @category Refunds
 */
export const refundRefusalMessage = (
  code: RefundRefusalCode,
  event: RefundEvent,
  status: RefundStatus | null,
  context: RefundContext,
): string => {
  const payment = event.type === "SUBMIT" ? event.payment : null;
  switch (code) {
    case "validation":
      return "Request validation failed";
    case "invalid_state":
      if (payment !== null) {
        return `Cannot refund a payment session in status ${payment.sessionStatus} (charge ${payment.chargeStatus}): only a SUCCESS charge of a PAID or MULTIPLE session can be refunded`;
      }
      return `Cannot ${operationOf[event.type]} a refund in status ${status ?? "REQUESTED"}`;
    case "full_refund_not_allowed":
      return `Cannot refund the full amount: ${payment?.held ?? 0} of the captured ${payment?.captured.value ?? 0} is already refunded or being refunded`;
    case "amount_exceeds_refundable": {
      const held = payment?.held ?? 0;
      const captured = payment?.captured.value ?? 0;
      const asked = context.isFullAmount ? captured : (context.amount?.value ?? 0);
      return `Cannot refund ${asked}: ${held} of the captured ${captured} is already refunded or being refunded, ${Math.max(0, captured - held)} is left`;
    }
  }
};

/** Runs one event through the machine; `before` is `null` for a SUBMIT (REQUESTED). */
const step = (
  snapshot: ReturnType<typeof refundSnapshot>,
  before: RefundStatus | null,
  event: RefundEvent,
): { readonly record: RefundRecord | null; readonly outcome: RefundOutcome } => {
  const [next, actions] = transition(refundMachine, snapshot, event);
  let refusal: RefundRefusalParams | null = null;
  let duplicate = false;
  const events: Array<RefundWebhookEvent> = [];
  for (const action of actions) {
    if (action.type === "refuse") refusal = action.params as RefundRefusalParams;
    else if (action.type === "ignoreDuplicate") duplicate = true;
    else if (action.type === "emitWebhook")
      events.push((action.params as { event: RefundWebhookEvent }).event);
  }
  if (refusal !== null) {
    const payment = event.type === "SUBMIT" ? event.payment : null;
    const details =
      refusal.code === "validation" && payment !== null
        ? refundRequestIssues(snapshot.context, payment)
        : undefined;
    return {
      record: null,
      outcome: {
        _tag: "Refused",
        code: refusal.code,
        message: refundRefusalMessage(refusal.code, event, before, snapshot.context),
        status: before,
        ...(details === undefined ? {} : { details }),
      },
    };
  }
  const record: RefundRecord = { state: next.value as RefundState, context: next.context };
  const data = events.length === 0 ? null : toRefund(record);
  const webhooks = data === null ? [] : events.map((name) => ({ event: name, data }));
  // A repeat keeps the record it was given (the same object): nothing changed.
  if (duplicate) return { record: null, outcome: { _tag: "Duplicate", status: record.state, webhooks } };
  return { record, outcome: { _tag: "Accepted", status: record.state, webhooks } };
};

/** {@link openRefund}'s answer. @since 0.2.0 @category Refunds */
export type OpenRefundResult =
  | { readonly ok: true; readonly refund: RefundRecord; readonly webhooks: ReadonlyArray<RefundCallback> }
  | { readonly ok: false; readonly refusal: RefundRefused };

/**
 * Opens a refund: the machine's `SUBMIT` against `payment` (derive it with {@link refundablePayment}).
 * Accepted → a PENDING refund and its `REFUND.PENDING` callback; refused → the money rule that
 * refused it (decision R3), nothing to store.
 *
 * @example
 * const opened = openRefund({ id, at, request }, refundablePayment(session, refunds, request.chargeId))
 * if (!opened.ok) return answer422(opened.refusal)
 * @since 0.2.0
 * @category Refunds
 */
export const openRefund = (input: RefundInput, payment: RefundablePayment): OpenRefundResult => {
  const [requested] = initialTransition(refundMachine, input);
  const { record, outcome } = step(requested, null, { type: "SUBMIT", at: input.at, payment });
  if (outcome._tag === "Refused" || record === null) {
    return {
      ok: false,
      refusal:
        outcome._tag === "Refused"
          ? outcome
          : { _tag: "Refused", code: "invalid_state", message: "not opened", status: null },
    };
  }
  return { ok: true, refund: record, webhooks: outcome.webhooks };
};

/**
 * Applies one event to a stored refund, purely. Refused → the SAME record and the refusal; otherwise
 * the next record and the callbacks to send.
 *
 * @since 0.2.0
 * @category Refunds
 */
export const applyRefundEvent = (refund: RefundRecord, event: RefundEvent): RefundApplied => {
  const { record, outcome } = step(refundSnapshot(refund), refund.state, event);
  return { refund: record ?? refund, outcome };
};

/**
 * What a charge has left to refund, derived from its refunds (never stored, decision R5):
 * `held` = the sum of refunds still holding money (PENDING, WAITING_BANK_TRANSFER, SUCCESS),
 * `refunded` = the SUCCESS ones, `refundable` = captured − held.
 *
 * @since 0.2.0
 * @category Refunds
 */
export const refundLedger = (
  captured: Amount,
  refunds: ReadonlyArray<RefundRecord>,
): {
  readonly captured: number;
  readonly held: number;
  readonly refunded: number;
  readonly refundable: number;
} => {
  let held = 0;
  let refunded = 0;
  for (const refund of refunds) {
    const value = refund.context.amount?.value ?? 0;
    if (isHoldingRefundStatus(refund.state)) held += value;
    if (refund.state === "SUCCESS") refunded += value;
  }
  return { captured: captured.value, held, refunded, refundable: captured.value - held };
};

/** Why no payment to refund could be derived (a 400 with the field, or the session is not refundable yet). @since 0.2.0 @category Refunds */
export type RefundTargetIssue = { readonly _tag: "Issue"; readonly details: ReadonlyArray<ErrorDetail> };

/**
 * The payment a refund request names, derived from the stored session and the charge's refunds
 * (decision R2): `chargeId` when given (it must be a charge of the session, else 400 `chargeId`),
 * else the session's latest SUCCESS charge (a MULTIPLE session with several asks for `chargeId`),
 * else its latest charge (the machine then refuses the unpaid session with `invalid_state`). A
 * session without a charge has a placeholder charge of status `WAITING_FOR_USER_ACTION` and amount
 * 0 so that the machine refuses it the same way.
 *
 * @since 0.2.0
 * @category Refunds
 */
export const refundablePayment = (
  session: SessionSnapshot,
  refunds: ReadonlyArray<RefundRecord>,
  chargeId?: string,
): RefundablePayment | RefundTargetIssue => {
  const context = session.context;
  const charges = context.charges;
  let charge: ChargeRecord | null = charges[charges.length - 1] ?? null;
  if (chargeId !== undefined) {
    charge = charges.find((c) => c.context.id === chargeId) ?? null;
    if (charge === null) {
      return {
        _tag: "Issue",
        details: [
          { field: "chargeId", message: `charge ${chargeId} is not a charge of this payment session` },
        ],
      };
    }
  } else {
    const succeeded = charges.filter((c) => c.state === "SUCCESS");
    if (succeeded.length > 1) {
      return {
        _tag: "Issue",
        details: [
          {
            field: "chargeId",
            message: "this payment session has several paid charges: name the one to refund",
          },
        ],
      };
    }
    charge = succeeded[0] ?? charge;
  }
  const currency = charge?.context.amount.currency ?? context.amount.currency;
  const captured =
    charge === null
      ? { value: 0, currency }
      : { value: charge.context.capturedAmount ?? charge.context.amount.value, currency };
  const id = charge?.context.id ?? "";
  const held = refundLedger(
    captured,
    refunds.filter((r) => r.context.chargeId === id),
  ).held;
  return {
    sessionStatus: sessionStatus(session),
    paymentType: context.settings.paymentType,
    chargeId: id,
    chargeStatus: charge === null ? "WAITING_FOR_USER_ACTION" : chargeStatus(charge),
    captured,
    held,
  };
};

/**
 * Renders the refund object a merchant sees (facts §14): amounts with string values, instants as
 * ISO UTC, `destinationType` null until the refund goes somewhere.
 *
 * @since 0.2.0
 * @category Refunds
 */
export const toRefund = (refund: RefundRecord): Refund => {
  const c = refund.context;
  const captured = c.capturedAmount ?? { value: 0, currency: c.amount?.currency ?? "IDR" };
  return {
    id: c.id,
    clientReferenceId: c.clientReferenceId,
    paymentSessionId: c.paymentSessionId,
    chargeId: c.chargeId,
    isFullAmount: c.isFullAmount,
    amount: c.amount ?? captured,
    capturedAmount: captured,
    reason: c.reason,
    description: c.description,
    method: c.method,
    transferDestination: c.transferDestination,
    destinationType: c.destinationType,
    status: refund.state,
    ...(c.failureReason === null ? {} : { failureReason: c.failureReason }),
    metadata: c.metadata,
    createdAt: millisToInstant(c.createdAt),
    updatedAt: millisToInstant(c.updatedAt),
  };
};

/**
 * The stored form of a refund: `{ schemaVersion: 1, state, context }`, plain JSON.
 *
 * @since 0.2.0
 * @category Refunds
 */
export const persistRefund = (refund: RefundRecord) => ({
  schemaVersion: refundSchemaVersion,
  state: refund.state,
  context: refund.context,
});

/**
 * Reads {@link persistRefund}'s form back; `null` when it is not one (another version, a state the
 * machine does not have).
 *
 * @since 0.2.0
 * @category Refunds
 */
export const restoreRefund = (stored: unknown): RefundRecord | null => {
  if (typeof stored !== "object" || stored === null) return null;
  const { schemaVersion, state, context } = stored as Record<string, unknown>;
  if (schemaVersion !== refundSchemaVersion || typeof context !== "object" || context === null) return null;
  if (typeof state !== "string" || !(state in refundMachine.states) || state === "REQUESTED") return null;
  return { state: state as RefundState, context: context as RefundContext };
};

/**
 * The events that bring a PENDING refund to `status` (for seeding tests and provider states: the
 * lifecycle's own steps, never a written state). AUTO goes through the channel, TRANSFER_ONLY by bank
 * transfer; WAITING_BANK_TRANSFER and CANCELLED pass through the transfer; FAILED fails from PENDING
 * (AUTO) or during the transfer (TRANSFER_ONLY).
 *
 * @example
 * refundSeedPath("SUCCESS", "AUTO") // [{ type: "CHANNEL_SUCCEEDED" }]
 * @since 0.2.0
 * @category Refunds
 */
export const refundSeedPath = (
  status: RefundStatus,
  method: RefundContext["method"],
): ReadonlyArray<{ readonly type: Exclude<RefundEventType, "SUBMIT"> }> => {
  const toTransfer = {
    type: method === "AUTO" ? ("CHANNEL_FAILED" as const) : ("TRANSFER_STARTED" as const),
  };
  switch (status) {
    case "PENDING":
      return [];
    case "WAITING_BANK_TRANSFER":
      return [toTransfer];
    case "SUCCESS":
      return method === "AUTO"
        ? [{ type: "CHANNEL_SUCCEEDED" }]
        : [toTransfer, { type: "TRANSFER_SUCCEEDED" }];
    case "FAILED":
      // A TRANSFER_ONLY refund fails while its bank transfer runs (as the sandbox's `2001-` one
      // does), so a seeded one shows the transfer's failure; AUTO fails from PENDING.
      return method === "AUTO" ? [{ type: "REFUND_FAILED" }] : [toTransfer, { type: "REFUND_FAILED" }];
    case "CANCELLED":
      return [toTransfer, { type: "CANCEL" }];
  }
};
