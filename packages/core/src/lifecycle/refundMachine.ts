/**
 * The refund lifecycle (facts §8 refund enums, §10 refund events, §14; decisions R1–R5) as an XState
 * machine: the money rules are its guards, each refusal a code, each callback an `emitWebhook`
 * action, so the docs' diagram and transition table are generated from it like the session's.
 *
 * @since 0.2.0
 */
import { assign, not, setup } from "xstate";
import type {
  Amount,
  ChargeStatus,
  CreateRefundRequest,
  DestinationType,
  ErrorDetail,
  PaymentType,
  RefundMethod,
  RefundReason,
  RefundWebhookEvent,
  SessionStatus,
  TransferDestination,
} from "../schemas/index.js";

// ---------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------

/**
 * The payment a refund is asked against, as of the request's instant: the session's status and
 * type, the charge's status and captured amount, and the sum of the charge's refunds that still
 * hold money (`held`: PENDING, WAITING_BANK_TRANSFER and SUCCESS ones; FAILED and CANCELLED give
 * theirs back). The provider derives it from the stored session and refunds; nothing stores it.
 *
 * @since 0.2.0
 * @category Machines
 */
export interface RefundablePayment {
  readonly sessionStatus: SessionStatus;
  readonly paymentType: PaymentType;
  readonly chargeId: string;
  readonly chargeStatus: ChargeStatus;
  /** What the charge captured: the refundable total (`capturedAmount` of the refund object). */
  readonly captured: Amount;
  /** The amount the charge's other refunds hold. */
  readonly held: number;
}

/** `POST /v1/refunds`, checked against the payment (the machine's only way out of REQUESTED). @since 0.2.0 @category Machines */
export interface SubmitRefundEvent {
  readonly type: "SUBMIT";
  readonly at: number;
  readonly payment: RefundablePayment;
}

/** The channel (card, wallet, …) paid the money back (AUTO): SUCCESS, destination CHANNEL. @since 0.2.0 @category Machines */
export interface ChannelSucceededEvent {
  readonly type: "CHANNEL_SUCCEEDED";
  readonly at: number;
}

/** The channel could not refund (AUTO): the gateway falls back to a bank transfer. @since 0.2.0 @category Machines */
export interface ChannelFailedEvent {
  readonly type: "CHANNEL_FAILED";
  readonly at: number;
}

/** A TRANSFER_ONLY refund's bank transfer starts (the channel is never tried). @since 0.2.0 @category Machines */
export interface TransferStartedEvent {
  readonly type: "TRANSFER_STARTED";
  readonly at: number;
}

/** The bank transfer arrived: SUCCESS, destination ACCOUNT. @since 0.2.0 @category Machines */
export interface TransferSucceededEvent {
  readonly type: "TRANSFER_SUCCEEDED";
  readonly at: number;
}

/** The refund failed for good (transfer failed, account not found). @since 0.2.0 @category Machines */
export interface RefundFailedEvent {
  readonly type: "REFUND_FAILED";
  readonly at: number;
  readonly failureReason: string;
}

/** The gateway cancels a refund waiting for its bank transfer (no callback is documented for it). @since 0.2.0 @category Machines */
export interface CancelRefundEvent {
  readonly type: "CANCEL";
  readonly at: number;
}

/** Every event the refund machine takes; each carries its instant (epoch ms). @since 0.2.0 @category Machines */
export type RefundEvent =
  | SubmitRefundEvent
  | ChannelSucceededEvent
  | ChannelFailedEvent
  | TransferStartedEvent
  | TransferSucceededEvent
  | RefundFailedEvent
  | CancelRefundEvent;

/** The type names of {@link RefundEvent}, in a fixed order. @since 0.2.0 @category Machines */
export const refundEventTypes = [
  "SUBMIT",
  "CHANNEL_SUCCEEDED",
  "CHANNEL_FAILED",
  "TRANSFER_STARTED",
  "TRANSFER_SUCCEEDED",
  "REFUND_FAILED",
  "CANCEL",
] as const satisfies ReadonlyArray<RefundEvent["type"]>;

/** @since 0.2.0 @category Machines */
export type RefundEventType = RefundEvent["type"];

/**
 * What the refund machine remembers. Amounts are integers (rupiah); instants epoch ms; absent values
 * `null` (plain JSON).
 *
 * @since 0.2.0
 * @category Machines
 */
export interface RefundContext {
  readonly id: string;
  readonly clientReferenceId: string;
  readonly paymentSessionId: string;
  /** The charge refunded: set by SUBMIT (the request may leave it out). */
  readonly chargeId: string;
  readonly isFullAmount: boolean;
  /** The amount asked (the captured amount for a full refund, set by SUBMIT); `null` before. */
  readonly amount: Amount | null;
  /** The refundable total of the charge, set by SUBMIT. */
  readonly capturedAmount: Amount | null;
  readonly reason: RefundReason;
  readonly description: string | null;
  readonly method: RefundMethod;
  readonly transferDestination: TransferDestination | null;
  readonly destinationType: DestinationType | null;
  readonly failureReason: string | null;
  readonly metadata: NonNullable<CreateRefundRequest["metadata"]> | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** What starts a refund machine: the decoded request, its new id and the instant. @since 0.2.0 @category Machines */
export interface RefundInput {
  readonly id: string;
  readonly at: number;
  readonly request: CreateRefundRequest;
}

/**
 * Why the refund machine refused an event:
 * - `validation` (400 `api_validation_error`, `details[]`: amount missing, wrong currency, a full
 *   refund with another amount, TRANSFER_ONLY without `transferDestination`);
 * - `invalid_state` (422: the session is not paid / the charge did not succeed, or an event the
 *   refund's status does not take);
 * - `full_refund_not_allowed` (422: `isFullAmount` after an earlier refund, decision R3);
 * - `amount_exceeds_refundable` (422: the refunds would exceed the captured amount, decision R3).
 *
 * @since 0.2.0
 * @category Machines
 */
export type RefundRefusalCode =
  | "validation"
  | "invalid_state"
  | "full_refund_not_allowed"
  | "amount_exceeds_refundable";

/** The params of the refund machine's `refuse` action. @since 0.2.0 @category Machines */
export interface RefundRefusalParams {
  readonly code: RefundRefusalCode;
}

/** Final refund statuses: SUCCESS, FAILED, CANCELLED. @since 0.2.0 @category Machines */
export const finalRefundStatuses = ["SUCCESS", "FAILED", "CANCELLED"] as const;

/**
 * Refund statuses that hold money against the captured amount (decision R3): PENDING,
 * WAITING_BANK_TRANSFER and SUCCESS. A FAILED or CANCELLED refund gives its amount back.
 *
 * @since 0.2.0
 * @category Machines
 */
export const holdingRefundStatuses = ["PENDING", "WAITING_BANK_TRANSFER", "SUCCESS"] as const;

// ---------------------------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------------------------

/** The amount a refund asks for: the request's, or the captured amount for a full refund. */
const askedAmount = (context: RefundContext, payment: RefundablePayment): Amount | null =>
  context.isFullAmount ? payment.captured : context.amount;

/**
 * The request-level findings of a refund against its payment (decision R2), as `details[]` of a 400:
 * `amount` missing when not a full refund; `amount.currency` other than the charge's; a full refund
 * whose `amount.value` differs from the captured amount; `transferDestination` missing for
 * TRANSFER_ONLY. Empty when the request is well formed.
 *
 * @since 0.2.0
 * @category Machines
 */
export const refundRequestIssues = (
  context: RefundContext,
  payment: RefundablePayment,
): ReadonlyArray<ErrorDetail> => {
  const issues: Array<ErrorDetail> = [];
  if (!context.isFullAmount && context.amount === null) {
    issues.push({ field: "amount", message: "amount is required unless isFullAmount is true" });
  }
  if (context.amount !== null && context.amount.currency !== payment.captured.currency) {
    issues.push({
      field: "amount.currency",
      message: `refund currency ${context.amount.currency} differs from the charge currency ${payment.captured.currency}`,
    });
  }
  if (
    context.isFullAmount &&
    context.amount !== null &&
    context.amount.currency === payment.captured.currency &&
    context.amount.value !== payment.captured.value
  ) {
    issues.push({
      field: "amount.value",
      message: `a full refund is the captured amount ${payment.captured.value}; leave amount out or send that value`,
    });
  }
  if (context.method === "TRANSFER_ONLY" && context.transferDestination === null) {
    issues.push({
      field: "transferDestination",
      message: "transferDestination is required for method TRANSFER_ONLY",
    });
  }
  return issues;
};

const paymentOf = (event: RefundEvent): RefundablePayment | null =>
  event.type === "SUBMIT" ? event.payment : null;

const refuse = (code: RefundRefusalCode) => ({ type: "refuse", params: { code } }) as const;
const webhook = (event: RefundWebhookEvent) => ({ type: "emitWebhook", params: { event } }) as const;
const refuseInvalidState = { actions: refuse("invalid_state") } as const;
const ignoreDuplicate = { actions: "ignoreDuplicate" } as const;

const later = (a: number, b: number): number => Math.max(a, b);

const refundContextOf = (input: RefundInput): RefundContext => {
  const r = input.request;
  return {
    id: input.id,
    clientReferenceId: r.clientReferenceId,
    paymentSessionId: r.paymentSessionId,
    chargeId: r.chargeId ?? "",
    isFullAmount: r.isFullAmount ?? false,
    amount: r.amount ?? null,
    capturedAmount: null,
    reason: r.reason,
    description: r.description ?? null,
    method: r.method ?? "AUTO",
    transferDestination: r.transferDestination ?? null,
    destinationType: null,
    failureReason: null,
    metadata: r.metadata ?? null,
    createdAt: input.at,
    updatedAt: input.at,
  };
};

const detachedRefundContext: RefundContext = refundContextOf({
  id: "",
  at: 0,
  request: { clientReferenceId: "-", paymentSessionId: "-", reason: "OTHERS" },
});

/**
 * The refund machine. `REQUESTED` is where a refund starts before it exists (never stored, never
 * rendered); `SUBMIT` checks the money rules and accepts it as PENDING (callback `REFUND.PENDING`)
 * or refuses it. Then:
 *
 * - AUTO: PENDING —CHANNEL_SUCCEEDED→ SUCCESS (destination CHANNEL); PENDING —CHANNEL_FAILED→
 *   WAITING_BANK_TRANSFER (destination ACCOUNT, callback `REFUND.WAITING_BANK_TRANFER`);
 * - TRANSFER_ONLY: PENDING —TRANSFER_STARTED→ WAITING_BANK_TRANSFER;
 * - WAITING_BANK_TRANSFER —TRANSFER_SUCCEEDED→ SUCCESS; —CANCEL→ CANCELLED (no callback: none is
 *   documented);
 * - PENDING / WAITING_BANK_TRANSFER —REFUND_FAILED→ FAILED (callback `REFUND.FAILED`).
 *
 * Money rules (guards of SUBMIT, in order, decision R3): the request is well formed
 * (`isRequestValid`, else 400 `validation`); the charge is SUCCESS on a PAID or MULTIPLE session
 * (`isPaymentRefundable`, else 422 `invalid_state`); a full refund only when nothing is held
 * (`isFullAmountAllowed`, else 422 `full_refund_not_allowed`); held + amount ≤ captured
 * (`isWithinRefundable`, else 422 `amount_exceeds_refundable`).
 *
 * Every event is handled in every state: one the state does not take is refused `invalid_state`;
 * the same notice again is a repeat (`ignoreDuplicate`). No clock: `at` comes with each event.
 *
 * @since 0.2.0
 * @category Machines
 */
export const refundMachine = setup({
  types: {
    context: {} as RefundContext,
    events: {} as RefundEvent,
    input: {} as RefundInput,
  },
  guards: {
    /** The request is well formed against the payment ({@link refundRequestIssues} is empty). */
    isRequestValid: ({ context, event }) => {
      const payment = paymentOf(event);
      return payment !== null && refundRequestIssues(context, payment).length === 0;
    },
    /** The charge succeeded, on a PAID session or a MULTIPLE one (decision R2). */
    isPaymentRefundable: ({ event }) => {
      const payment = paymentOf(event);
      return (
        payment !== null &&
        payment.chargeStatus === "SUCCESS" &&
        (payment.sessionStatus === "PAID" || payment.paymentType === "MULTIPLE")
      );
    },
    /** Not a full refund, or nothing of the charge is held by other refunds (decision R3). */
    isFullAmountAllowed: ({ context, event }) => {
      const payment = paymentOf(event);
      return payment !== null && (!context.isFullAmount || payment.held === 0);
    },
    /** The held amount plus this refund stays within the captured amount (decision R3). */
    isWithinRefundable: ({ context, event }) => {
      const payment = paymentOf(event);
      const amount = payment === null ? null : askedAmount(context, payment);
      return payment !== null && amount !== null && payment.held + amount.value <= payment.captured.value;
    },
    isAutoMethod: ({ context }) => context.method === "AUTO",
    isTransferOnly: ({ context }) => context.method === "TRANSFER_ONLY",
    /** The money went back through the channel (a repeat CHANNEL_SUCCEEDED is a duplicate). */
    wentToChannel: ({ context }) => context.destinationType === "CHANNEL",
    /** The money went by bank transfer (a repeat TRANSFER_SUCCEEDED is a duplicate). */
    wentToAccount: ({ context }) => context.destinationType === "ACCOUNT",
  },
  actions: {
    /** Refuse the event; nothing changes. The params carry the code. */
    refuse: (_, _params: RefundRefusalParams) => {},
    /** The same notice again: nothing changes. */
    ignoreDuplicate: () => {},
    /** A refund callback to send with the refund after the change. */
    emitWebhook: (_, _params: { event: RefundWebhookEvent }) => {},
    touch: assign(({ context, event }) => ({ updatedAt: later(context.updatedAt, event.at) })),
    /** SUBMIT accepted: the charge, the amount (the captured one for a full refund) and the refundable total. */
    recordPayment: assign(({ context, event }) => {
      const payment = paymentOf(event);
      if (payment === null) return {};
      return {
        chargeId: payment.chargeId,
        amount: askedAmount(context, payment),
        capturedAmount: payment.captured,
        createdAt: event.at,
        updatedAt: event.at,
      };
    }),
    toChannel: assign({ destinationType: "CHANNEL" as const }),
    toAccount: assign({ destinationType: "ACCOUNT" as const }),
    recordFailure: assign(({ context, event }) => ({
      failureReason: event.type === "REFUND_FAILED" ? event.failureReason : context.failureReason,
      destinationType: context.destinationType ?? (context.method === "AUTO" ? "CHANNEL" : "ACCOUNT"),
    })),
  },
}).createMachine({
  id: "refund",
  // XState's pure `transition()` builds a throwaway actor without input: answer it with a constant.
  context: ({ input }) => (input === undefined ? detachedRefundContext : refundContextOf(input)),
  initial: "REQUESTED",
  states: {
    REQUESTED: {
      on: {
        SUBMIT: [
          { guard: not("isRequestValid"), actions: refuse("validation") },
          { guard: not("isPaymentRefundable"), actions: refuse("invalid_state") },
          { guard: not("isFullAmountAllowed"), actions: refuse("full_refund_not_allowed") },
          { guard: not("isWithinRefundable"), actions: refuse("amount_exceeds_refundable") },
          { target: "PENDING", actions: ["recordPayment", webhook("REFUND.PENDING")] },
        ],
        CHANNEL_SUCCEEDED: refuseInvalidState,
        CHANNEL_FAILED: refuseInvalidState,
        TRANSFER_STARTED: refuseInvalidState,
        TRANSFER_SUCCEEDED: refuseInvalidState,
        REFUND_FAILED: refuseInvalidState,
        CANCEL: refuseInvalidState,
      },
    },
    PENDING: {
      on: {
        SUBMIT: refuseInvalidState,
        CHANNEL_SUCCEEDED: [
          {
            guard: "isAutoMethod",
            target: "SUCCESS",
            actions: ["toChannel", "touch", webhook("REFUND.SUCCESS")],
          },
          refuseInvalidState,
        ],
        CHANNEL_FAILED: [
          {
            guard: "isAutoMethod",
            target: "WAITING_BANK_TRANSFER",
            actions: ["toAccount", "touch", webhook("REFUND.WAITING_BANK_TRANFER")],
          },
          refuseInvalidState,
        ],
        TRANSFER_STARTED: [
          {
            guard: "isTransferOnly",
            target: "WAITING_BANK_TRANSFER",
            actions: ["toAccount", "touch", webhook("REFUND.WAITING_BANK_TRANFER")],
          },
          refuseInvalidState,
        ],
        TRANSFER_SUCCEEDED: refuseInvalidState,
        REFUND_FAILED: { target: "FAILED", actions: ["recordFailure", "touch", webhook("REFUND.FAILED")] },
        CANCEL: refuseInvalidState,
      },
    },
    WAITING_BANK_TRANSFER: {
      on: {
        SUBMIT: refuseInvalidState,
        CHANNEL_SUCCEEDED: refuseInvalidState,
        CHANNEL_FAILED: [{ guard: "isAutoMethod", ...ignoreDuplicate }, refuseInvalidState],
        TRANSFER_STARTED: [{ guard: "isTransferOnly", ...ignoreDuplicate }, refuseInvalidState],
        TRANSFER_SUCCEEDED: { target: "SUCCESS", actions: ["touch", webhook("REFUND.SUCCESS")] },
        REFUND_FAILED: { target: "FAILED", actions: ["recordFailure", "touch", webhook("REFUND.FAILED")] },
        CANCEL: { target: "CANCELLED", actions: ["touch"] },
      },
    },
    SUCCESS: {
      type: "final",
      on: {
        SUBMIT: refuseInvalidState,
        CHANNEL_SUCCEEDED: [{ guard: "wentToChannel", ...ignoreDuplicate }, refuseInvalidState],
        CHANNEL_FAILED: refuseInvalidState,
        TRANSFER_STARTED: refuseInvalidState,
        TRANSFER_SUCCEEDED: [{ guard: "wentToAccount", ...ignoreDuplicate }, refuseInvalidState],
        REFUND_FAILED: refuseInvalidState,
        CANCEL: refuseInvalidState,
      },
    },
    FAILED: {
      type: "final",
      on: {
        SUBMIT: refuseInvalidState,
        CHANNEL_SUCCEEDED: refuseInvalidState,
        CHANNEL_FAILED: refuseInvalidState,
        TRANSFER_STARTED: refuseInvalidState,
        TRANSFER_SUCCEEDED: refuseInvalidState,
        REFUND_FAILED: ignoreDuplicate,
        CANCEL: refuseInvalidState,
      },
    },
    CANCELLED: {
      type: "final",
      on: {
        SUBMIT: refuseInvalidState,
        CHANNEL_SUCCEEDED: refuseInvalidState,
        CHANNEL_FAILED: refuseInvalidState,
        TRANSFER_STARTED: refuseInvalidState,
        TRANSFER_SUCCEEDED: refuseInvalidState,
        REFUND_FAILED: refuseInvalidState,
        CANCEL: ignoreDuplicate,
      },
    },
  },
});
