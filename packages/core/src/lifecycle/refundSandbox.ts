/**
 * The sandbox's refunds (facts §12 "Refund tests", decision R1): which way a refund goes is decided
 * by its `clientReferenceId` prefix and the transfer account, and each step happens a fixed time
 * after the previous one. Pure: a refund is brought to an instant by applying the steps due by then,
 * each at its own instant (as a session is expired at `expiryAt`, decision L4).
 *
 * @since 0.2.0
 */
import type { RefundCallback } from "../schemas/index.js";
import type { RefundContext, RefundEvent } from "./refundMachine.js";
import { applyRefundEvent, type RefundRecord } from "./refunds.js";

/** The time between two steps of a sandbox refund: 5 s. @since 0.2.0 @category Refunds */
export const sandboxRefundStepMs = 5_000;

/**
 * The sandbox's test values (facts §12): the account that succeeds, and the
 * (`clientReferenceId` prefix, account) pairs that fail.
 *
 * @since 0.2.0
 * @category Refunds
 */
export const sandboxRefundAccounts = {
  succeeds: "999966660001",
  bothFail: "999966660008",
  notFound: "999966660002",
} as const;

/** A refund event without its instant (each member of the union without `at`). @since 0.2.0 @category Refunds */
export type RefundEventWithoutInstant = RefundEvent extends infer E
  ? E extends RefundEvent
    ? Omit<E, "at">
    : never
  : never;

/** A step of a sandbox refund: the event (without its instant) and how long after creation it comes. @since 0.2.0 @category Refunds */
export interface SandboxRefundStep {
  readonly afterMs: number;
  readonly event: RefundEventWithoutInstant;
}

const accountOf = (context: RefundContext): string | undefined =>
  context.transferDestination?.channelInformation.accountNumber;

/**
 * The sandbox path of a refund, from PENDING (decision R1):
 *
 * - `clientReferenceId` starting `1001-`: the channel fails, the bank transfer succeeds;
 * - `2001-` with account `999966660008`: the channel fails, then the transfer fails;
 * - `2002-` with account `999966660002`: account not found (AUTO: after the channel failed;
 *   TRANSFER_ONLY: at once);
 * - anything else (account `999966660001` among them): AUTO succeeds on the channel; TRANSFER_ONLY
 *   succeeds by transfer.
 *
 * @example
 * sandboxRefundSteps(refund.context).map((s) => s.event.type) // ["CHANNEL_FAILED", "TRANSFER_SUCCEEDED"] for "1001-…"
 * @since 0.2.0
 * @category Refunds
 */
export const sandboxRefundSteps = (context: RefundContext): ReadonlyArray<SandboxRefundStep> => {
  const auto = context.method === "AUTO";
  const ref = context.clientReferenceId;
  const account = accountOf(context);
  const toTransfer: RefundEventWithoutInstant = auto
    ? { type: "CHANNEL_FAILED" }
    : { type: "TRANSFER_STARTED" };
  const steps = (...events: ReadonlyArray<RefundEventWithoutInstant>): ReadonlyArray<SandboxRefundStep> =>
    events.map((event, i) => ({ afterMs: (i + 1) * sandboxRefundStepMs, event }));
  if (ref.startsWith("2001-") && account === sandboxRefundAccounts.bothFail) {
    return steps(toTransfer, {
      type: "REFUND_FAILED",
      failureReason: "the channel and the bank transfer both failed",
    });
  }
  if (ref.startsWith("2002-") && account === sandboxRefundAccounts.notFound) {
    const failed = { type: "REFUND_FAILED", failureReason: "ACCOUNT_NOT_FOUND" } as const;
    return auto ? steps({ type: "CHANNEL_FAILED" }, failed) : steps(failed);
  }
  if (ref.startsWith("1001-") || !auto) return steps(toTransfer, { type: "TRANSFER_SUCCEEDED" });
  return steps({ type: "CHANNEL_SUCCEEDED" });
};

/**
 * A sandbox refund as of instant `at`: every step due by then applied at its own instant
 * (`createdAt + afterMs`), with the callbacks they send. Steps already taken are repeats and change
 * nothing, so calling it again at the same or a later instant is safe. `changed` says whether to
 * store the result.
 *
 * @since 0.2.0
 * @category Refunds
 */
export const sandboxRefundAt = (
  refund: RefundRecord,
  at: number,
): {
  readonly refund: RefundRecord;
  readonly webhooks: ReadonlyArray<RefundCallback>;
  readonly changed: boolean;
} => {
  let current = refund;
  const webhooks: Array<RefundCallback> = [];
  for (const step of sandboxRefundSteps(refund.context)) {
    const due = refund.context.createdAt + step.afterMs;
    if (due > at) break;
    const applied = applyRefundEvent(current, { ...step.event, at: due } as RefundEvent);
    if (applied.outcome._tag === "Accepted") {
      current = applied.refund;
      webhooks.push(...applied.outcome.webhooks);
    }
  }
  return { refund: current, webhooks, changed: current !== refund };
};

/**
 * When the next sandbox step of `refund` is due (epoch ms), or `null` when it is final. The
 * provider stores it so that a sweeper finds refunds to move.
 *
 * @since 0.2.0
 * @category Refunds
 */
export const nextSandboxRefundStepAt = (refund: RefundRecord): number | null => {
  if (refund.state === "SUCCESS" || refund.state === "FAILED" || refund.state === "CANCELLED") return null;
  for (const step of sandboxRefundSteps(refund.context)) {
    const due = refund.context.createdAt + step.afterMs;
    const applied = applyRefundEvent(refund, { ...step.event, at: due } as RefundEvent);
    if (applied.outcome._tag === "Accepted") return due;
  }
  return null;
};
