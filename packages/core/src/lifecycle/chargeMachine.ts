/**
 * The charge lifecycle (facts §9.2, §9.6; decisions P1, P2, P6) as an XState machine, and the pure
 * helpers the session machine uses to open and step a charge.
 *
 * @since 0.1.0
 */
import { and, assign, initialTransition, not, setup, transition } from "xstate";
import type { Amount, ChargeStatus } from "../schemas/index.js";
import { type CompiledMachine, compileMachine, type StepAction } from "./compileMachine.js";
import type {
  ChargeContext,
  ChargeEvent,
  ChargeInput,
  ChargeRecord,
  RefusalCode,
  RefusalParams,
  ValidationCheck,
} from "./types.js";

const sameAmount = (a: Amount, b: Amount): boolean => a.value === b.value && a.currency === b.currency;

const later = (a: number, b: number): number => Math.max(a, b);

const refuse = (code: RefusalCode, check?: ValidationCheck) =>
  ({ type: "refuse", params: check === undefined ? { code } : { code, check } }) as const;

const refuseInvalidState = { actions: refuse("invalid_state") } as const;
const ignoreDuplicate = { actions: "ignoreDuplicate" } as const;

/**
 * An authorisation before the charge settles (WFUA, WAITING_FOR_AUTHENTICATION, PROCESSING): cards
 * only; a manual-capture card waits for capture, an automatic one succeeds; any other amount is refused.
 */
const settleOnAuthorization = () => [
  { guard: not("isCard"), actions: refuse("invalid_state") },
  {
    guard: and(["isManualCapture", "authorizedWithinAmount"]),
    target: "WAITING_FOR_CAPTURE" as const,
    actions: ["recordAuthorization" as const, "touch" as const],
  },
  {
    guard: "authorizedInFull" as const,
    target: "SUCCESS" as const,
    actions: ["recordPayment" as const, "touch" as const],
  },
  { actions: refuse("amount_mismatch") },
];

/** A payment before the charge settles: it must name this charge and match its amount (P1). */
const settleOnPayment = () => [
  { guard: "isForAnotherCharge" as const, actions: refuse("unknown_charge") },
  {
    guard: and(["amountMatches", "isManualCapture"]),
    target: "WAITING_FOR_CAPTURE" as const,
    actions: ["recordAuthorization" as const, "touch" as const],
  },
  {
    guard: "amountMatches" as const,
    target: "SUCCESS" as const,
    actions: ["recordPayment" as const, "touch" as const],
  },
  { actions: refuse("amount_mismatch") },
];
/** A final charge is not moved by time. */
const unchangedByTime = { actions: [] } as const;

const chargeContextOf = (input: ChargeInput): ChargeContext => ({
  id: input.id,
  method: input.method,
  amount: input.amount,
  captureMethod: input.captureMethod,
  instrument: input.instrument,
  createdAt: input.at,
  updatedAt: input.at,
  paidAt: null,
  authorizedAmount: null,
  capturedAmount: null,
  captures: [],
  failureCode: null,
  failureMessage: null,
});

const detachedChargeContext: ChargeContext = chargeContextOf({
  id: "",
  at: 0,
  method: "VIRTUAL_ACCOUNT",
  amount: { value: 0, currency: "IDR" },
  captureMethod: "automatic",
  instrument: {},
});

/**
 * The charge machine. States are the charge statuses: WAITING_FOR_USER_ACTION (initial),
 * WAITING_FOR_AUTHENTICATION, PROCESSING, WAITING_FOR_CAPTURE, and the finals SUCCESS, FAILED,
 * EXPIRED.
 *
 * - push (VIRTUAL_ACCOUNT, QR): WFUA —PAYMENT_RECEIVED→ SUCCESS.
 * - pull (CARD, EWALLET): WFUA —CUSTOMER_AUTHENTICATING→ WAITING_FOR_AUTHENTICATION
 *   —CHARGE_PROCESSING→ PROCESSING —PAYMENT_RECEIVED / AUTHORIZED→ SUCCESS; a manual-capture card
 *   stops at WAITING_FOR_CAPTURE until CAPTURE (≤ authorised amount).
 * - any non-final —CHARGE_FAILED→ FAILED; WFUA —CHARGE_EXPIRED→ EXPIRED; the session's expiry
 *   (SESSION_EXPIRED) expires an open charge, or fails one waiting for capture with
 *   `EXCEEDED_CAPTURE_PERIOD`.
 *
 * Every event is handled in every state: an event the state does not accept runs the `refuse`
 * action (code in its params) and changes nothing; a repeated notification runs `ignoreDuplicate`.
 *
 * Gotcha: it keeps no clock; `at` comes with each event.
 *
 * @since 0.1.0
 * @category Machines
 */
export const chargeMachine = setup({
  types: {
    context: {} as ChargeContext,
    events: {} as ChargeEvent,
    input: {} as ChargeInput,
  },
  guards: {
    /** Card and e-wallet charges are pulled (the customer authenticates); VA and QR are pushed. */
    isPullMethod: ({ context }) => context.method === "CARD" || context.method === "EWALLET",
    isCard: ({ context }) => context.method === "CARD",
    /** A card charge whose options say `captureMethod: manual` (P6). */
    isManualCapture: ({ context }) => context.method === "CARD" && context.captureMethod === "manual",
    /** A payment notification that names another charge. */
    isForAnotherCharge: ({ context, event }) =>
      event.type === "PAYMENT_RECEIVED" && event.chargeId !== context.id,
    /** The paid amount equals the charge amount (P1). */
    amountMatches: ({ context, event }) =>
      event.type === "PAYMENT_RECEIVED" && sameAmount(event.amount, context.amount),
    /** 1 ≤ authorised ≤ charge amount, same currency. */
    authorizedWithinAmount: ({ context, event }) =>
      event.type === "AUTHORIZED" &&
      event.authorizedAmount.currency === context.amount.currency &&
      event.authorizedAmount.value >= 1 &&
      event.authorizedAmount.value <= context.amount.value,
    /** Authorised for exactly the charge amount. */
    authorizedInFull: ({ context, event }) =>
      event.type === "AUTHORIZED" && sameAmount(event.authorizedAmount, context.amount),
    /** The capture amount (default: all of it) is at most the authorised amount, same currency. */
    captureWithinAuthorized: ({ context, event }) =>
      event.type === "CAPTURE" && captureAmountIssues(context, event.amount).length === 0,
  },
  actions: {
    /** Refuse the event; nothing changes. The params carry the refusal code. */
    refuse: (_, _params: RefusalParams) => {},
    /** The same notification again (P2): nothing changes. */
    ignoreDuplicate: () => {},
    touch: assign(({ context, event }) => ({ updatedAt: later(context.updatedAt, event.at) })),
    /** SUCCESS: `paidAt`; a card is authorised and captured for the whole amount. */
    recordPayment: assign(({ context, event }) => ({
      paidAt: event.at,
      authorizedAmount: context.method === "CARD" ? context.amount.value : null,
      capturedAmount: context.method === "CARD" ? context.amount.value : null,
    })),
    /** WAITING_FOR_CAPTURE: the authorised amount (a full-amount payment notice authorises all). */
    recordAuthorization: assign(({ context, event }) => ({
      authorizedAmount: event.type === "AUTHORIZED" ? event.authorizedAmount.value : context.amount.value,
    })),
    recordCapture: assign(({ context, event }) => {
      if (event.type !== "CAPTURE") return {};
      const authorized = context.authorizedAmount ?? 0;
      const amount = event.amount?.value ?? authorized;
      return {
        paidAt: event.at,
        capturedAmount: amount,
        captures: [
          ...context.captures,
          {
            captureId: event.captureId,
            amount,
            releaseRemainingAmount: event.releaseRemainingAmount,
            at: event.at,
          },
        ],
      };
    }),
    recordFailure: assign(({ context, event }) =>
      event.type === "CHARGE_FAILED"
        ? {
            failureCode: event.failureCode,
            failureMessage: event.failureMessage ?? `${context.method} payment failed: ${event.failureCode}`,
          }
        : {},
    ),
    recordChargeExpiry: assign(({ context }) => ({
      failureCode: "CHARGE_EXPIRED" as const,
      failureMessage: `${context.method} payment failed: the charge expired`,
    })),
    recordCapturePeriodExceeded: assign(({ context }) => ({
      failureCode: "EXCEEDED_CAPTURE_PERIOD" as const,
      failureMessage: `${context.method} payment failed: the capture period ended`,
    })),
  },
}).createMachine({
  id: "charge",
  // XState's pure `transition()` builds a throwaway actor without input on every call: answer it
  // with a constant instead of failing (an exception and its stack trace per event).
  context: ({ input }) => (input === undefined ? detachedChargeContext : chargeContextOf(input)),
  initial: "WAITING_FOR_USER_ACTION",
  states: {
    WAITING_FOR_USER_ACTION: {
      on: {
        CUSTOMER_AUTHENTICATING: [
          { guard: "isPullMethod", target: "WAITING_FOR_AUTHENTICATION", actions: "touch" },
          refuseInvalidState,
        ],
        CHARGE_PROCESSING: [
          { guard: "isPullMethod", target: "PROCESSING", actions: "touch" },
          refuseInvalidState,
        ],
        AUTHORIZED: settleOnAuthorization(),
        PAYMENT_RECEIVED: settleOnPayment(),
        CAPTURE: refuseInvalidState,
        CHARGE_FAILED: { target: "FAILED", actions: ["recordFailure", "touch"] },
        CHARGE_EXPIRED: { target: "EXPIRED", actions: ["recordChargeExpiry", "touch"] },
        SESSION_EXPIRED: { target: "EXPIRED", actions: ["recordChargeExpiry", "touch"] },
      },
    },
    WAITING_FOR_AUTHENTICATION: {
      on: {
        CUSTOMER_AUTHENTICATING: ignoreDuplicate,
        CHARGE_PROCESSING: { target: "PROCESSING", actions: "touch" },
        AUTHORIZED: settleOnAuthorization(),
        PAYMENT_RECEIVED: settleOnPayment(),
        CAPTURE: refuseInvalidState,
        CHARGE_FAILED: { target: "FAILED", actions: ["recordFailure", "touch"] },
        CHARGE_EXPIRED: refuseInvalidState,
        SESSION_EXPIRED: { target: "EXPIRED", actions: ["recordChargeExpiry", "touch"] },
      },
    },
    PROCESSING: {
      on: {
        CUSTOMER_AUTHENTICATING: refuseInvalidState,
        CHARGE_PROCESSING: ignoreDuplicate,
        AUTHORIZED: settleOnAuthorization(),
        PAYMENT_RECEIVED: settleOnPayment(),
        CAPTURE: refuseInvalidState,
        CHARGE_FAILED: { target: "FAILED", actions: ["recordFailure", "touch"] },
        CHARGE_EXPIRED: refuseInvalidState,
        SESSION_EXPIRED: { target: "EXPIRED", actions: ["recordChargeExpiry", "touch"] },
      },
    },
    WAITING_FOR_CAPTURE: {
      on: {
        CUSTOMER_AUTHENTICATING: refuseInvalidState,
        CHARGE_PROCESSING: refuseInvalidState,
        AUTHORIZED: ignoreDuplicate,
        PAYMENT_RECEIVED: [
          { guard: "isForAnotherCharge", actions: refuse("unknown_charge") },
          ignoreDuplicate,
        ],
        CAPTURE: [
          { guard: "captureWithinAuthorized", target: "SUCCESS", actions: ["recordCapture", "touch"] },
          { actions: refuse("validation", "captureAmount") },
        ],
        CHARGE_FAILED: { target: "FAILED", actions: ["recordFailure", "touch"] },
        CHARGE_EXPIRED: refuseInvalidState,
        SESSION_EXPIRED: { target: "FAILED", actions: ["recordCapturePeriodExceeded", "touch"] },
      },
    },
    SUCCESS: {
      type: "final",
      on: {
        CUSTOMER_AUTHENTICATING: refuseInvalidState,
        CHARGE_PROCESSING: refuseInvalidState,
        AUTHORIZED: [{ guard: "isCard", actions: "ignoreDuplicate" }, refuseInvalidState],
        PAYMENT_RECEIVED: [
          { guard: "isForAnotherCharge", actions: refuse("unknown_charge") },
          ignoreDuplicate,
        ],
        CAPTURE: refuseInvalidState,
        CHARGE_FAILED: refuseInvalidState,
        CHARGE_EXPIRED: refuseInvalidState,
        SESSION_EXPIRED: unchangedByTime,
      },
    },
    FAILED: {
      type: "final",
      on: {
        CUSTOMER_AUTHENTICATING: refuseInvalidState,
        CHARGE_PROCESSING: refuseInvalidState,
        AUTHORIZED: refuseInvalidState,
        PAYMENT_RECEIVED: refuseInvalidState,
        CAPTURE: refuseInvalidState,
        CHARGE_FAILED: ignoreDuplicate,
        CHARGE_EXPIRED: refuseInvalidState,
        SESSION_EXPIRED: unchangedByTime,
      },
    },
    EXPIRED: {
      type: "final",
      on: {
        CUSTOMER_AUTHENTICATING: refuseInvalidState,
        CHARGE_PROCESSING: refuseInvalidState,
        AUTHORIZED: refuseInvalidState,
        PAYMENT_RECEIVED: refuseInvalidState,
        CAPTURE: refuseInvalidState,
        CHARGE_FAILED: refuseInvalidState,
        CHARGE_EXPIRED: ignoreDuplicate,
        SESSION_EXPIRED: unchangedByTime,
      },
    },
  },
});

/**
 * Why a capture amount is refused (the `captureAmount` check): above the authorised amount, or in
 * another currency. Empty when the capture is fine.
 *
 * @since 0.1.0
 * @category Machines
 */
export const captureAmountIssues = (
  charge: ChargeContext,
  amount: Amount | undefined,
): ReadonlyArray<{ readonly field: string; readonly message: string }> => {
  const authorized = charge.authorizedAmount ?? 0;
  if (amount === undefined) return [];
  const issues: Array<{ field: string; message: string }> = [];
  if (amount.currency !== charge.amount.currency) {
    issues.push({
      field: "amount.currency",
      message: `capture currency ${amount.currency} differs from the charge currency ${charge.amount.currency}`,
    });
  }
  if (amount.value > authorized) {
    issues.push({
      field: "amount.value",
      message: `capture amount ${amount.value} exceeds the authorized amount ${authorized}`,
    });
  }
  return issues;
};

/** The machine snapshot of a charge record. @since 0.1.0 @category Machines */
export const chargeSnapshot = (charge: ChargeRecord) =>
  chargeMachine.resolveState({ value: charge.state, context: charge.context });

/** A charge machine snapshot (what the compiled step takes and returns). */
type ChargeMachineSnapshot = ReturnType<typeof chargeSnapshot>;

/**
 * {@link chargeMachine} compiled to a table at load time ({@link compileMachine}): the step
 * {@link stepCharge} takes. A property (`compiledStep.test.ts`) checks it against XState's
 * `transition(chargeMachine, …)`.
 *
 * @since 0.2.0
 * @category Machines
 */
export const compiledChargeMachine: CompiledMachine<ChargeMachineSnapshot> =
  compileMachine<ChargeMachineSnapshot>(chargeMachine);

/**
 * The result of one event on a charge: the next record (the same object when nothing changed), and
 * whether the charge machine refused it (with its params) or saw a duplicate.
 *
 * @since 0.1.0
 * @category Machines
 */
export interface ChargeStep {
  readonly charge: ChargeRecord;
  readonly refusal: RefusalParams | null;
  readonly duplicate: boolean;
}

/**
 * What a charge step's reported actions and next state mean for the record: the refusal, the
 * repeat, or the next record. Shared by the compiled step and XState's `transition()`.
 *
 * @since 0.2.0
 * @category Machines
 */
export const chargeStepOf = (
  charge: ChargeRecord,
  next: { readonly value: unknown; readonly context: ChargeContext },
  actions: ReadonlyArray<{ readonly type: string; readonly params?: unknown }>,
): ChargeStep => {
  let refusal: RefusalParams | null = null;
  let duplicate = false;
  for (const action of actions) {
    if (action.type === "refuse") refusal = action.params as RefusalParams;
    else if (action.type === "ignoreDuplicate") duplicate = true;
  }
  const changed =
    refusal === null && !duplicate && (next.value !== charge.state || next.context !== charge.context);
  return {
    charge: changed ? { state: next.value as ChargeStatus, context: next.context } : charge,
    refusal,
    duplicate,
  };
};

/**
 * Applies `event` to a charge through {@link chargeMachine}, compiled ({@link compiledChargeMachine}):
 * pure, no cache.
 *
 * @since 0.1.0
 * @category Machines
 */
export const stepCharge = (charge: ChargeRecord, event: ChargeEvent): ChargeStep => {
  const reported: Array<StepAction> = [];
  const moved = compiledChargeMachine.move(charge.state, charge.context, event, reported);
  return chargeStepOf(
    charge,
    moved === null
      ? { value: charge.state, context: charge.context }
      : (moved as { value: string; context: ChargeContext }),
    reported,
  );
};

/**
 * {@link stepCharge} through XState's interpreter (`transition(chargeMachine, …)`): the reference
 * the compiled step is checked against. Slow (a throwaway actor per call).
 *
 * @since 0.2.0
 * @category Machines
 */
export const stepChargeInterpreted = (charge: ChargeRecord, event: ChargeEvent): ChargeStep => {
  const [next, actions] = transition(chargeMachine, chargeSnapshot(charge), event);
  return chargeStepOf(charge, next, actions);
};

/**
 * Opens a charge: the record of a new charge machine (its initial state, WAITING_FOR_USER_ACTION,
 * and the context its `context` factory makes from the input).
 *
 * @since 0.1.0
 * @category Machines
 */
export const newChargeRecord = (input: ChargeInput): ChargeRecord => ({
  state: compiledChargeMachine.initial as ChargeStatus,
  context: chargeContextOf(input),
});

/**
 * {@link newChargeRecord} through XState (`initialTransition`): the reference it is checked against.
 *
 * @since 0.2.0
 * @category Machines
 */
export const newChargeRecordInterpreted = (input: ChargeInput): ChargeRecord => {
  const [snapshot] = initialTransition(chargeMachine, input);
  return { state: snapshot.value, context: snapshot.context };
};
