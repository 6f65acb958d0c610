/**
 * The payment-session lifecycle (facts §9.1, §9.3–9.5; decisions C1, L1–L6, P1–P6, W1) as an
 * XState machine. The session's charge is a {@link chargeMachine} record in its context: charge
 * rules live in that machine, and the session follows where its charge goes.
 *
 * @since 0.1.0
 */
import { and, assign, not, setup } from "xstate";
import { instantToMillis } from "../schemas/Instant.js";
import type { Amount, ChargeStatus, ErrorDetail, PaymentMethod, WebhookEvent } from "../schemas/index.js";
import { type ChargeStep, newChargeRecord, stepCharge } from "./chargeMachine.js";
import {
  defaultPaymentMethodConfig,
  methodIssues,
  methodOptionExpiry,
  optionExpiryIssues,
} from "./config.js";
import {
  type ChargeEvent,
  type ChargeInstrument,
  type ChargeRecord,
  chargeEventTypes,
  type IssuedCharge,
  type RefusalCode,
  type RefusalParams,
  type SessionContext,
  type SessionEvent,
  type SessionInput,
  type ValidationCheck,
} from "./types.js";

/** A refusal relayed from the charge machine, with the charge's status. @since 0.1.0 @category Machines */
export interface RelayedRefusal extends RefusalParams {
  readonly chargeStatus: ChargeStatus;
}

const later = (a: number, b: number): number => Math.max(a, b);

/** The session events a charge handles: the charge events less the session machine's own SESSION_EXPIRED. */
const CHARGE_EVENTS: ReadonlySet<string> = new Set(
  chargeEventTypes.filter((type) => type !== "SESSION_EXPIRED"),
);

const isChargeEvent = (event: SessionEvent): event is Extract<SessionEvent, ChargeEvent> =>
  CHARGE_EVENTS.has(event.type);

/** The session's latest charge (a SINGLE session has at most one), or `null`. @since 0.1.0 @category Machines */
export const currentCharge = (context: SessionContext): ChargeRecord | null =>
  context.charges.length === 0 ? null : (context.charges[context.charges.length - 1] ?? null);

const captureMethodOf = (context: Pick<SessionContext, "paymentMethodOptions">): "automatic" | "manual" =>
  context.paymentMethodOptions?.card?.captureMethod === "manual" ? "manual" : "automatic";

const compactInstrument = (issue: IssuedCharge): ChargeInstrument => issue.instrument ?? {};

/** The static VA / QR of a MULTIPLE session as the instrument of each payment's charge. */
const staticInstrument = (method: PaymentMethod | null): ChargeInstrument => {
  const va = method?.type === "VIRTUAL_ACCOUNT" ? method.virtualAccount : undefined;
  if (va?.channel !== undefined && va.virtualAccountNumber !== undefined) {
    return {
      virtualAccount: {
        channel: va.channel,
        virtualAccountNumber: va.virtualAccountNumber,
        virtualAccountName: va.virtualAccountName ?? "",
        expiryAt: va.expiryAt ?? "0001-01-01T00:00:00Z",
      },
    };
  }
  const qr = method?.type === "QR" ? method.qr : undefined;
  if (qr?.acquirer !== undefined && qr.qrContent !== undefined) {
    return {
      qr: {
        acquirer: qr.acquirer,
        qrContent: qr.qrContent,
        qrType: qr.qrType ?? "STATIC",
        expiryAt: null,
        ...(qr.qrUrl === undefined ? {} : { qrUrl: qr.qrUrl }),
        ...(qr.merchantName === undefined ? {} : { merchantName: qr.merchantName }),
      },
    };
  }
  return {};
};

/** An open amount: a MULTIPLE session created without one (open static VA) takes any amount ≥ 1. */
const isOpenAmount = (context: SessionContext): boolean =>
  context.settings.paymentType === "MULTIPLE" && context.amount.value === 0;

/** The charge a MULTIPLE session's payment would append, before the payment is applied. */
const newPaymentCharge = (
  context: SessionContext,
  event: Extract<SessionEvent, { type: "PAYMENT_RECEIVED" }>,
) => {
  const amount: Amount = isOpenAmount(context) ? event.amount : context.amount;
  return newChargeRecord({
    id: event.chargeId,
    at: event.at,
    method: context.paymentMethod?.type ?? "VIRTUAL_ACCOUNT",
    amount,
    captureMethod: "automatic",
    instrument: staticInstrument(context.paymentMethod),
  });
};

/**
 * What the charge machine does with a charge event: on a MULTIPLE session a payment is applied to
 * the new charge it would append; otherwise the event goes to the session's charge.
 */
const chargeStepFor = (context: SessionContext, event: SessionEvent): ChargeStep | null => {
  if (!isChargeEvent(event)) return null;
  if (context.settings.paymentType === "MULTIPLE" && event.type === "PAYMENT_RECEIVED") {
    return stepCharge(newPaymentCharge(context, event), event);
  }
  const charge = currentCharge(context);
  return charge === null ? null : stepCharge(charge, event);
};

/**
 * The arguments a guard or action gets, with room for the charge step of this (context, event).
 * The compiled step ({@link compiledSessionMachine}) passes one such object to every guard of an
 * event's selection and to the actions that run on the same context, so the charge machine runs
 * once per event; XState's interpreter passes a fresh object to each, which then computes it
 * again (the same answer). No module-global cache.
 */
interface ChargeScope {
  readonly context: SessionContext;
  readonly event: SessionEvent;
  chargeStep?: ChargeStep | null;
}

const chargeStepIn = (args: { readonly context: SessionContext; readonly event: SessionEvent }) => {
  const scope = args as ChargeScope;
  if (scope.chargeStep === undefined) scope.chargeStep = chargeStepFor(scope.context, scope.event);
  return scope.chargeStep;
};

const expiryStep = (context: SessionContext): ChargeStep | null => {
  const charge = currentCharge(context);
  return charge === null ? null : stepCharge(charge, { type: "SESSION_EXPIRED", at: context.expiryAt ?? 0 });
};

const replaceCurrentCharge = (context: SessionContext, charge: ChargeRecord): ReadonlyArray<ChargeRecord> => {
  if (context.charges.length === 0) return [charge];
  const charges = context.charges.slice();
  charges[charges.length - 1] = charge;
  return charges;
};

const refuse = (code: RefusalCode, check?: ValidationCheck) =>
  ({ type: "refuse", params: check === undefined ? { code } : { code, check } }) as const;

const webhook = (event: WebhookEvent) => ({ type: "emitWebhook", params: { event } }) as const;

const refuseInvalidState = { actions: refuse("invalid_state") } as const;

/** Refuse with the code the charge machine chose. */
const relay = {
  type: "relayChargeRefusal",
  params: (args: { context: SessionContext; event: SessionEvent }) => relayedRefusalOf(chargeStepIn(args)),
} as const;

/** Time alone does not move a session that is not past its expiry, nor a final one. */
const unchangedByTime = { actions: [] } as const;

// ---------------------------------------------------------------------------------------------
// Transition building blocks. Each list is one event's branches in one state, tried in order; the
// graph test checks that every branch is reachable.
// ---------------------------------------------------------------------------------------------

/**
 * L4: past `expiryAt` → EXPIRED, the open charge (if any) EXPIRED, PAYMENT.CANCELLED, no reason.
 * Only `EXPIRE` takes it: {@link applyEvent} brings the session to every event's instant with an
 * `EXPIRE` first, so no other event meets a session past its expiry.
 */
const expireToExpired = {
  guard: "isPastExpiry",
  target: "EXPIRED",
  actions: ["expireCharge", "markExpiryInstant", webhook("PAYMENT.CANCELLED")],
} as const;

/** P6: past `expiryAt` with a charge waiting for capture → charge FAILED, session CANCELLED (CHARGE_FAILED). */
const expireToCancelled = {
  guard: and(["isPastExpiry", "chargeFailsOnExpiry"]),
  target: "CANCELLED",
  actions: ["expireCharge", "markCancelledAtExpiry", "markExpiryInstant", webhook("PAYMENT.CANCELLED")],
} as const;

/** L4 for a MULTIPLE session with an `expiryAt`: ACTIVE → INACTIVE (no callback is documented for it). */
const expireToInactive = {
  guard: "isPastExpiry",
  target: "INACTIVE",
  actions: ["markExpiryInstant"],
} as const;

/** The charge machine refuses the event: relay its code. */
const chargeRefused = { guard: "chargeRefuses", actions: relay } as const;
/** The charge machine has seen this notification already (P2). */
const chargeRepeated = { guard: "chargeSeesDuplicate", actions: "ignoreDuplicate" } as const;
/** Every remaining case is a refusal by the charge machine. */
const relayed = { actions: relay } as const;
const toPaid = {
  guard: { type: "chargeWouldBe", params: { status: "SUCCESS" } },
  target: "PAID",
  actions: ["stepCharge", "touch", webhook("PAYMENT.PAID")],
} as const;
const paid = { target: "PAID", actions: ["stepCharge", "touch", webhook("PAYMENT.PAID")] } as const;
/** L5: the charge failed → CANCELLED with CHARGE_FAILED. */
const failed = {
  target: "CANCELLED",
  actions: ["stepCharge", "markCancelledByChargeFailure", "touch", webhook("PAYMENT.CANCELLED")],
} as const;
const chargeExpired = {
  target: "EXPIRED",
  actions: ["stepCharge", "touch", webhook("PAYMENT.CANCELLED")],
} as const;
/** REQUIRE_ACTION → PROCESSING: the charge moved to authentication, processing or capture. */
const toProcessing = {
  target: "PROCESSING",
  actions: ["stepCharge", "touch", webhook("PAYMENT.PROCESSING")],
} as const;
/** Still PROCESSING: the charge moved between authentication, processing and capture. */
const staysProcessing = { actions: ["stepCharge", "touch"] } as const;

/**
 * P2 / P3: a payment after EXPIRED or CANCELLED is recorded, once. A SINGLE session that
 * never had a charge had nothing a customer could pay into: the payment is refused (422
 * `invalid_state`), not recorded (P3).
 */
const latePayment = [
  { guard: "isKnownPayment", actions: "ignoreDuplicate" },
  { guard: "hasNothingToPayInto", actions: refuse("invalid_state") },
  { actions: ["recordLatePayment", "touch"] },
] as const;

/** REQUIRE_PAYMENT_METHOD and REQUIRE_CONFIRMATION: no charge yet (L1, L3; the others L2). */
const preCharge = {
  CONFIRM: [
    { guard: not("isConfirmationValid"), actions: refuse("validation", "confirmation") },
    { target: "REQUIRE_ACTION", actions: ["confirmPaymentMethod", "touch"] },
  ],
  CANCEL: { target: "CANCELLED", actions: ["markCancelled", "touch", webhook("PAYMENT.CANCELLED")] },
  CAPTURE: refuseInvalidState,
  CUSTOMER_AUTHENTICATING: refuseInvalidState,
  CHARGE_PROCESSING: refuseInvalidState,
  AUTHORIZED: refuseInvalidState,
  // P3: no charge yet, so nothing a customer could have paid into.
  PAYMENT_RECEIVED: refuseInvalidState,
  CHARGE_FAILED: refuseInvalidState,
  CHARGE_EXPIRED: refuseInvalidState,
  EXPIRE: [expireToExpired, unchangedByTime],
} as const;

/** REQUIRE_ACTION: the charge waits for the customer (WAITING_FOR_USER_ACTION). */
const requireAction = {
  CONFIRM: refuseInvalidState,
  CANCEL: refuseInvalidState,
  CAPTURE: relayed,
  CUSTOMER_AUTHENTICATING: [chargeRefused, toProcessing],
  CHARGE_PROCESSING: [chargeRefused, toProcessing],
  AUTHORIZED: [chargeRefused, toPaid, toProcessing],
  PAYMENT_RECEIVED: [chargeRefused, toPaid, toProcessing],
  CHARGE_FAILED: failed,
  CHARGE_EXPIRED: chargeExpired,
  EXPIRE: [expireToExpired, unchangedByTime],
} as const;

/** PROCESSING: the charge authenticates, processes, or waits for capture. */
const processing = {
  CONFIRM: refuseInvalidState,
  CANCEL: refuseInvalidState,
  CAPTURE: [chargeRefused, paid],
  CUSTOMER_AUTHENTICATING: [chargeRepeated, relayed],
  CHARGE_PROCESSING: [chargeRefused, chargeRepeated, staysProcessing],
  AUTHORIZED: [chargeRefused, chargeRepeated, toPaid, staysProcessing],
  PAYMENT_RECEIVED: [chargeRefused, chargeRepeated, toPaid, staysProcessing],
  CHARGE_FAILED: failed,
  CHARGE_EXPIRED: relayed,
  EXPIRE: [expireToCancelled, expireToExpired, unchangedByTime],
} as const;

/** A final state: everything is refused (L2) except late payments (P3) and time. */
const ended = {
  CONFIRM: refuseInvalidState,
  CANCEL: refuseInvalidState,
  CAPTURE: refuseInvalidState,
  CUSTOMER_AUTHENTICATING: refuseInvalidState,
  CHARGE_PROCESSING: refuseInvalidState,
  AUTHORIZED: refuseInvalidState,
  PAYMENT_RECEIVED: latePayment,
  CHARGE_FAILED: refuseInvalidState,
  CHARGE_EXPIRED: refuseInvalidState,
  EXPIRE: unchangedByTime,
} as const;

/** INACTIVE (MULTIPLE): its static VA or QR can still be paid into, so every payment is recorded. */
const inactive = {
  ...ended,
  PAYMENT_RECEIVED: [
    { guard: "isKnownPayment", actions: "ignoreDuplicate" },
    { actions: ["recordLatePayment", "touch"] },
  ],
} as const;

/**
 * The session machine. States are the session statuses.
 *
 * SINGLE: REQUIRE_PAYMENT_METHOD → REQUIRE_CONFIRMATION → REQUIRE_ACTION → PROCESSING → PAID, or
 * CANCELLED / EXPIRED. The C1 choice is made by eventless transitions right after creation
 * (`hasPaymentMethod`, `isAutoConfirm and hasIssuedCharge`), so the input alone decides the first
 * status. MULTIPLE: ACTIVE (each payment appends a SUCCESS charge) → INACTIVE when its `expiryAt`
 * passes. PAID, CANCELLED, EXPIRED and INACTIVE are `final`.
 *
 * Every event is handled in every state. Not accepted → the `refuse` action (code in its params,
 * e.g. `invalid_state`) or `relayChargeRefusal` (the charge machine's code), and nothing changes.
 * Time is one event (L4): `EXPIRE` at an instant at or past `expiryAt` (`isPastExpiry`) ends the
 * session; no other event looks at the clock. {@link applyEvent} applies `EXPIRE` at every event's
 * instant before the event, so the event meets the ended session: a payment becomes a late payment
 * (P3), anything else is refused `invalid_state`. Callbacks are `emitWebhook` actions (W1).
 *
 * Gotcha: sent directly (an actor, `transition()`), an event does not expire the session: send
 * `{ type: "EXPIRE", at }` first, as {@link applyEvent} does.
 *
 * Gotcha: an XState actor stops at a final state (XState semantics), so a late payment (P3) or a
 * repeat notification on an ended session reaches the final-state handlers only through
 * {@link applyEvent} / `transition()`, which keep evaluating them.
 *
 * @since 0.1.0
 * @category Machines
 */
export const sessionMachine = setup({
  types: {
    context: {} as SessionContext,
    events: {} as SessionEvent,
    input: {} as SessionInput,
  },
  guards: {
    /** The event's instant is at or past `expiryAt` (L4). */
    isPastExpiry: ({ context, event }) => context.expiryAt !== null && event.at >= context.expiryAt,
    isMultiple: ({ context }) => context.settings.paymentType === "MULTIPLE",
    hasPaymentMethod: ({ context }) => context.paymentMethod !== null,
    isAutoConfirm: ({ context }) => context.settings.autoConfirm,
    /** The provider issued the charge that autoConfirm opens. */
    hasIssuedCharge: ({ context }) => context.issuedCharge !== null,
    /** C3 + C5 for the confirmed method (amount bounds, expiry maximum, method enabled). */
    isConfirmationValid: ({ context, event }) =>
      event.type === "CONFIRM" && confirmationIssues(context, event).length === 0,
    /** The charge machine refuses this event. */
    chargeRefuses: (args) => chargeStepIn(args)?.refusal != null,
    /** The charge machine sees a repeat of a notification it already applied (P2). */
    chargeSeesDuplicate: (args) => chargeStepIn(args)?.duplicate === true,
    /** The charge would end up in `status`. */
    chargeWouldBe: (args, params: { status: ChargeStatus }) =>
      chargeStepIn(args)?.charge.state === params.status,
    /** On expiry the charge would fail (it waits for capture: P6). */
    chargeFailsOnExpiry: ({ context }) => expiryStep(context)?.charge.state === "FAILED",
    /**
     * P3: a SINGLE session that never had a charge (ended before confirmation): there is no VA, QR
     * or card authorisation a payment could have gone to.
     */
    hasNothingToPayInto: ({ context }) =>
      context.settings.paymentType !== "MULTIPLE" && context.charges.length === 0,
    /** This payment is a SUCCESS charge or a late payment already recorded (P2). */
    isKnownPayment: ({ context, event }) =>
      event.type === "PAYMENT_RECEIVED" &&
      (context.charges.some((c) => c.context.id === event.chargeId && c.state === "SUCCESS") ||
        context.latePayments.some((p) => p.chargeId === event.chargeId)),
  },
  actions: {
    /** Refuse the event; nothing changes. */
    refuse: (_, _params: RefusalParams) => {},
    /** Refuse the event with the charge machine's code; nothing changes. */
    relayChargeRefusal: (_, _params: RelayedRefusal) => {},
    /** A repeat (P2); nothing changes. */
    ignoreDuplicate: () => {},
    /** Send a callback (W1) with the session as it is after this event. */
    emitWebhook: (_, _params: { event: WebhookEvent }) => {},
    touch: assign(({ context, event }) => ({ updatedAt: later(context.updatedAt, event.at) })),
    /** The session changed when it expired: at `expiryAt`, whenever the expiry is noticed. */
    markExpiryInstant: assign(({ context }) => ({
      updatedAt: later(context.updatedAt, context.expiryAt ?? context.updatedAt),
    })),
    /** C1: open the charge issued with an autoConfirm create. */
    openIssuedCharge: assign(({ context }) => {
      const issue = context.issuedCharge;
      if (issue === null || context.paymentMethod === null) return {};
      return {
        issuedCharge: null,
        paymentUrl: issue.paymentUrl ?? context.paymentUrl,
        charges: [
          newChargeRecord({
            id: issue.id,
            at: context.createdAt,
            method: context.paymentMethod.type,
            amount: context.amount,
            captureMethod: captureMethodOf(context),
            instrument: compactInstrument(issue),
          }),
        ],
      };
    }),
    /** L1: the confirmed method replaces any earlier one; its charge is opened. */
    confirmPaymentMethod: assign(({ context, event }) => {
      if (event.type !== "CONFIRM") return {};
      const paymentMethodOptions = event.paymentMethodOptions ?? null;
      return {
        paymentMethod: event.paymentMethod,
        paymentMethodOptions,
        paymentUrl: event.charge.paymentUrl ?? context.paymentUrl,
        charges: [
          newChargeRecord({
            id: event.charge.id,
            at: event.at,
            method: event.paymentMethod.type,
            amount: context.amount,
            captureMethod: captureMethodOf({ paymentMethodOptions }),
            instrument: compactInstrument(event.charge),
          }),
        ],
      };
    }),
    /** L3: `cancelledAt`, `cancellationReason`, and `expiryAt := cancelledAt`. */
    markCancelled: assign(({ event }) =>
      event.type === "CANCEL"
        ? { cancelledAt: event.at, cancellationReason: event.cancellationReason, expiryAt: event.at }
        : {},
    ),
    /** L5: cancelled because the charge failed. */
    markCancelledByChargeFailure: assign(({ event }) => ({
      cancelledAt: event.at,
      cancellationReason: "CHARGE_FAILED" as const,
    })),
    /** P6: the capture window closed at `expiryAt`; the charge failed, so the session is cancelled then. */
    markCancelledAtExpiry: assign(({ context, event }) => ({
      cancelledAt: context.expiryAt ?? event.at,
      cancellationReason: "CHARGE_FAILED" as const,
    })),
    /** Apply the event to the charge. */
    stepCharge: assign((args) => {
      const step = chargeStepIn(args);
      return step === null ? {} : { charges: replaceCurrentCharge(args.context, step.charge) };
    }),
    /** The session expired: its open charge expires, or fails waiting for capture. */
    expireCharge: assign(({ context }) => {
      const step = expiryStep(context);
      return step === null ? {} : { charges: replaceCurrentCharge(context, step.charge) };
    }),
    /** MULTIPLE: append the payment as a new SUCCESS charge (P4). */
    appendPaidCharge: assign((args) => {
      const step = chargeStepIn(args);
      return step === null ? {} : { charges: [...args.context.charges, step.charge] };
    }),
    /** P3: keep the late payment (charge id, amount, instant) for refund or reconciliation. */
    recordLatePayment: assign(({ context, event }) =>
      event.type === "PAYMENT_RECEIVED"
        ? {
            latePayments: [
              ...context.latePayments,
              { chargeId: event.chargeId, amount: event.amount, receivedAt: event.at },
            ],
          }
        : {},
    ),
  },
}).createMachine({
  id: "paymentSession",
  context: ({ input }) => (input === undefined ? detachedContext : initialContext(input)),
  initial: "REQUIRE_PAYMENT_METHOD",
  states: {
    REQUIRE_PAYMENT_METHOD: {
      always: [
        { guard: "isMultiple", target: "ACTIVE" },
        { guard: "hasPaymentMethod", target: "REQUIRE_CONFIRMATION" },
      ],
      on: preCharge,
    },
    REQUIRE_CONFIRMATION: {
      always: [
        {
          guard: and(["isAutoConfirm", "hasIssuedCharge"]),
          target: "REQUIRE_ACTION",
          actions: "openIssuedCharge",
        },
      ],
      on: preCharge,
    },
    REQUIRE_ACTION: { on: requireAction },
    PROCESSING: { on: processing },
    PAID: {
      type: "final",
      on: {
        ...ended,
        AUTHORIZED: [chargeRefused, { actions: "ignoreDuplicate" }],
        PAYMENT_RECEIVED: [chargeRefused, { actions: "ignoreDuplicate" }],
      },
    },
    CANCELLED: { type: "final", on: { ...ended, CHARGE_FAILED: [chargeRepeated, refuseInvalidState] } },
    EXPIRED: { type: "final", on: { ...ended, CHARGE_EXPIRED: [chargeRepeated, refuseInvalidState] } },
    ACTIVE: {
      on: {
        CONFIRM: refuseInvalidState,
        CANCEL: refuseInvalidState,
        CAPTURE: refuseInvalidState,
        CUSTOMER_AUTHENTICATING: refuseInvalidState,
        CHARGE_PROCESSING: refuseInvalidState,
        AUTHORIZED: refuseInvalidState,
        PAYMENT_RECEIVED: [
          { guard: "isKnownPayment", actions: "ignoreDuplicate" },
          chargeRefused,
          { actions: ["appendPaidCharge", "touch", webhook("CHARGE.SUCCESS")] },
        ],
        CHARGE_FAILED: refuseInvalidState,
        CHARGE_EXPIRED: refuseInvalidState,
        EXPIRE: [expireToInactive, unchangedByTime],
      },
    },
    INACTIVE: { type: "final", on: inactive },
  },
});

/**
 * The context of a session machine started without input. XState's pure `transition()` builds a
 * throwaway actor (no input) on every call; answering it with this constant instead of failing on
 * the missing input avoids an exception, and its stack trace, per event.
 */
const detachedContext: SessionContext = {
  id: "",
  settings: {
    clientReferenceId: "",
    paymentType: "SINGLE",
    mode: "API",
    autoConfirm: false,
    bypassStatusPage: false,
    saveForFutureUse: false,
    showSavedPayment: false,
  },
  amount: { value: 0, currency: "IDR" },
  paymentMethod: null,
  paymentMethodOptions: null,
  paymentUrl: null,
  encryptionKey: null,
  createdAt: 0,
  updatedAt: 0,
  expiryAt: null,
  cancelledAt: null,
  cancellationReason: null,
  issuedCharge: null,
  charges: [],
  latePayments: [],
};

/**
 * The session context a create input starts from: defaults applied (C2: `expiryAt` =
 * `createdAt` + the config's default for a SINGLE session; a MULTIPLE one may have none).
 *
 * @since 0.1.0
 * @category Machines
 */
export const initialContext = (input: SessionInput): SessionContext => {
  const config = input.config ?? defaultPaymentMethodConfig;
  const { amount, paymentMethod, paymentMethodOptions, expiryAt, ...settings } = input.request;
  const isMultiple = settings.paymentType === "MULTIPLE";
  const issuedMethod = input.paymentMethod;
  return {
    id: input.id,
    settings,
    amount: amount ?? { value: 0, currency: "IDR" },
    paymentMethod: issuedMethod ?? paymentMethod ?? null,
    paymentMethodOptions: paymentMethodOptions ?? null,
    paymentUrl: input.paymentUrl ?? null,
    encryptionKey: input.encryptionKey ?? null,
    createdAt: input.at,
    updatedAt: input.at,
    // H3: a method option's `expiryAt` is the session's when the request has none of its own.
    expiryAt:
      expiryAt !== undefined
        ? instantToMillis(expiryAt)
        : (methodOptionExpiry(paymentMethod?.type, paymentMethodOptions)?.expiryAt ??
          (isMultiple ? null : input.at + config.defaultExpiryMs)),
    cancelledAt: null,
    cancellationReason: null,
    issuedCharge: input.charge ?? null,
    charges: [],
    latePayments: [],
  };
};

/**
 * The `confirmation` check (C3, C5) of a CONFIRM on this session: one `details[]` entry per broken
 * rule.
 *
 * @since 0.1.0
 * @category Machines
 */
export const confirmationIssues = (
  context: SessionContext,
  event: Extract<SessionEvent, { type: "CONFIRM" }>,
): ReadonlyArray<ErrorDetail> => [
  ...methodIssues(
    event.config ?? defaultPaymentMethodConfig,
    event.paymentMethod.type,
    context.amount,
    event.at,
    context.expiryAt,
  ),
  // H3: the session's expiry was fixed at creation; an option may repeat it, not move it.
  ...optionExpiryIssues(
    methodOptionExpiry(event.paymentMethod.type, event.paymentMethodOptions),
    context.expiryAt,
    "the session's expiryAt",
  ),
];

const relayedRefusalOf = (step: ChargeStep | null): RelayedRefusal => ({
  ...(step?.refusal ?? { code: "invalid_state" }),
  chargeStatus: step?.charge.state ?? "WAITING_FOR_USER_ACTION",
});

/**
 * The charge this event would step (or append, for a MULTIPLE payment), before it is applied.
 *
 * @since 0.1.0
 * @category Machines
 */
export const chargeForEvent = (context: SessionContext, event: SessionEvent): ChargeRecord | null => {
  if (context.settings.paymentType === "MULTIPLE" && event.type === "PAYMENT_RECEIVED") {
    return newPaymentCharge(context, event);
  }
  return currentCharge(context);
};
