/**
 * The refund machine's transitions in the coverage vocabulary ({@link TransitionKey} with machine
 * `refund`): the universe read from the machine's definition, the key one applied refund event took,
 * and which of them a merchant can cause through the public API — `POST /v1/refunds` (the machine's
 * `SUBMIT`) and the sandbox steps that request sets going (its `clientReferenceId` prefix, method and
 * transfer account, decision R1), found by running the core's sandbox, not listed by hand.
 *
 * @since 0.2.0
 */
import { type Branch, describeMachine } from "./machineModel.js";
import { type RefundEvent, refundMachine } from "./refundMachine.js";
import { sandboxRefundAccounts, sandboxRefundSteps } from "./refundSandbox.js";
import { applyRefundEvent, type RefundOutcome, type RefundRecord } from "./refunds.js";
import type { TransitionKey } from "./transitions.js";

/** The state a refund is in before it exists (the machine's initial state, never stored). @since 0.2.0 @category Transition tables */
export const REFUND_REQUESTED = "REQUESTED";

const branchResult = (state: string, branch: Branch): string => {
  const refusal = branch.actions.find((a) => a.type === "refuse");
  if (refusal !== undefined) return `refused:${String(refusal.params?.code ?? "")}`;
  return branch.target !== null && branch.target !== state ? `→${branch.target}` : "stays";
};

/**
 * Every transition of the refund machine, read from its definition: one key per distinct result of
 * each (state, event), in definition order.
 *
 * @example
 * refundTransitionUniverse.some((k) => k.state === "REQUESTED" && k.result === "→PENDING") // true
 * @since 0.2.0
 * @category Transition tables
 */
export const refundTransitionUniverse: ReadonlyArray<TransitionKey> = (() => {
  const model = describeMachine(refundMachine);
  const keys = new Map<string, TransitionKey>();
  for (const state of model.states) {
    for (const { event, branches } of state.transitions) {
      for (const branch of branches) {
        const key: TransitionKey = {
          machine: "refund",
          state: state.name,
          event,
          result: branchResult(state.name, branch),
        };
        keys.set(`${key.state} ${key.event} ${key.result}`, key);
      }
    }
  }
  return [...keys.values()];
})();

/**
 * The key of one refund event: `before` is the refund's status (`null` for a `SUBMIT`, which starts
 * in `REQUESTED`), `outcome` what {@link applyRefundEvent} or `openRefund` answered.
 *
 * @example
 * refundTransitionKeyOf(null, { type: "SUBMIT", … }, accepted) // { machine: "refund", state: "REQUESTED", event: "SUBMIT", result: "→PENDING" }
 * @since 0.2.0
 * @category Transition tables
 */
export const refundTransitionKeyOf = (
  before: string | null,
  event: Pick<RefundEvent, "type">,
  outcome: RefundOutcome,
): TransitionKey => {
  const state = before ?? REFUND_REQUESTED;
  const result =
    outcome._tag === "Refused"
      ? `refused:${outcome.code}`
      : outcome._tag === "Accepted" && outcome.status !== state
        ? `→${outcome.status}`
        : "stays";
  return { machine: "refund", state, event: event.type, result };
};

/**
 * The sandbox's steps of `refund` due by instant `at` (default: all of them), applied one after the
 * other from the refund as given, with the key of each: what time does to a refund the merchant
 * opened (as `sandboxRefundAt` applies them). Steps already taken are repeats (`stays`).
 *
 * @since 0.2.0
 * @category Transition tables
 */
export const sandboxRefundKeys = (
  refund: RefundRecord,
  at = Number.POSITIVE_INFINITY,
): ReadonlyArray<TransitionKey> => {
  const keys: Array<TransitionKey> = [];
  let current = refund;
  for (const step of sandboxRefundSteps(refund.context)) {
    const due = refund.context.createdAt + step.afterMs;
    if (due > at) break;
    const event = { ...step.event, at: due } as RefundEvent;
    const applied = applyRefundEvent(current, event);
    if (applied.outcome._tag !== "Accepted") continue;
    keys.push(refundTransitionKeyOf(current.state, event, applied.outcome));
    current = applied.refund;
  }
  return keys;
};

/** A PENDING refund of the sandbox's kind `prefix` + `account`, for finding what its steps do. */
const probe = (method: "AUTO" | "TRANSFER_ONLY", prefix: string, account: string): RefundRecord => ({
  state: "PENDING",
  context: {
    id: "probe",
    clientReferenceId: `${prefix}probe`,
    paymentSessionId: "probe",
    chargeId: "probe",
    isFullAmount: false,
    amount: { value: 1, currency: "IDR" },
    capturedAmount: { value: 1, currency: "IDR" },
    reason: "OTHERS",
    description: null,
    method,
    transferDestination: {
      channelCode: "BCA",
      channelInformation: { accountNumber: account, accountName: "probe" },
    },
    destinationType: null,
    failureReason: null,
    metadata: null,
    createdAt: 0,
    updatedAt: 0,
  },
});

/**
 * The refund transitions a merchant can cause through the public API: every result of `SUBMIT`
 * (`POST /v1/refunds`), and every transition the sandbox takes for some refund a merchant can open
 * (each method with each documented test `clientReferenceId` prefix and account, facts §12, and an
 * ordinary one). A transition no request leads to (a `CANCEL`, a repeated notice, an event a status
 * refuses) is the bank's or an operator's.
 *
 * @since 0.2.0
 * @category Transition tables
 */
export const merchantRefundTransitions: ReadonlyArray<TransitionKey> = (() => {
  const keys = new Map<string, TransitionKey>();
  const add = (key: TransitionKey) => keys.set(`${key.state} ${key.event} ${key.result}`, key);
  for (const key of refundTransitionUniverse)
    if (key.event === "SUBMIT" && key.state === REFUND_REQUESTED) add(key);
  const kinds: ReadonlyArray<readonly [string, string]> = [
    ["", sandboxRefundAccounts.succeeds],
    ["1001-", sandboxRefundAccounts.succeeds],
    ["2001-", sandboxRefundAccounts.bothFail],
    ["2002-", sandboxRefundAccounts.notFound],
  ];
  for (const method of ["AUTO", "TRANSFER_ONLY"] as const)
    for (const [prefix, account] of kinds)
      for (const key of sandboxRefundKeys(probe(method, prefix, account))) add(key);
  return [...keys.values()];
})();

/**
 * What causes a merchant-causable refund transition through the API: `POST /v1/refunds` for `SUBMIT`,
 * the sandbox's step after that request for the others.
 *
 * @since 0.2.0
 * @category Transition tables
 */
export const refundTransitionCause = (key: TransitionKey): string =>
  key.event === "SUBMIT" ? "POST /v1/refunds" : "POST /v1/refunds, then the sandbox's step (facts §12)";
