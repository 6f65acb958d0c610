/**
 * Random interleavings of refunds of one paid charge, and the money-rule properties over them, each
 * a function of the `openRefund` under test (the real one, or a mutant that must fail).
 */
import fc from "fast-check";
import { expect } from "vitest";
import {
  applyRefundEvent,
  holdingRefundStatuses,
  openRefund,
  type RefundEvent,
  type RefundRecord,
  refundablePayment,
  refundLedger,
  type SessionSnapshot,
} from "../../src/index.js";
import { accept, created, IDR, MINUTE, singleRequest, T0, vaIssue } from "./fixtures.js";

const CAPTURED = 20_000;

export const paidSession = (): SessionSnapshot => {
  const session = created(singleRequest("VIRTUAL_ACCOUNT"), { charge: vaIssue() });
  return accept(session, {
    type: "PAYMENT_RECEIVED",
    at: T0 + MINUTE,
    chargeId: "charge-va-1",
    amount: IDR(CAPTURED),
  }).snapshot;
};

/** One command of an interleaving: open a refund, or move the n-th refund. */
export type Command =
  | { readonly kind: "open"; readonly amount: number; readonly full: boolean }
  | { readonly kind: "move"; readonly index: number; readonly event: Exclude<RefundEvent["type"], "SUBMIT"> };

export const commandArb: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    kind: fc.constant("open" as const),
    amount: fc.oneof(fc.integer({ min: 1, max: CAPTURED + 5 }), fc.constantFrom(1, CAPTURED / 2, CAPTURED)),
    full: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant("move" as const),
    index: fc.nat({ max: 9 }),
    event: fc.constantFrom(
      "CHANNEL_SUCCEEDED" as const,
      "CHANNEL_FAILED" as const,
      "TRANSFER_STARTED" as const,
      "TRANSFER_SUCCEEDED" as const,
      "REFUND_FAILED" as const,
      "CANCEL" as const,
    ),
  }),
);

/**
 * Runs commands against the pure API (the provider's path: derive the payment from the stored
 * refunds, open, store), calling `check` with the refunds after every step.
 */
export const runCommands = (
  commands: ReadonlyArray<Command>,
  open: typeof openRefund = openRefund,
  check: (refunds: ReadonlyArray<RefundRecord>, accepted: boolean, command: Command) => void = () => {},
): ReadonlyArray<RefundRecord> => {
  const session = paidSession();
  let refunds: Array<RefundRecord> = [];
  commands.forEach((command, n) => {
    const at = T0 + 10 * MINUTE + n * 1_000;
    if (command.kind === "open") {
      const payment = refundablePayment(session, refunds);
      if ("_tag" in payment) throw new Error("no payment");
      const result = open(
        {
          id: `refund-${n}`,
          at,
          request: {
            clientReferenceId: `r-${n}`,
            paymentSessionId: session.context.id,
            reason: "OTHERS",
            ...(command.full ? { isFullAmount: true } : { amount: IDR(command.amount) }),
          },
        },
        payment,
      );
      if (result.ok) refunds = [...refunds, result.refund];
      check(refunds, result.ok, command);
      return;
    }
    const target = refunds[command.index % Math.max(1, refunds.length)];
    if (target === undefined) return;
    const event = (
      command.event === "REFUND_FAILED"
        ? { type: command.event, at, failureReason: "x" }
        : { type: command.event, at }
    ) as RefundEvent;
    const applied = applyRefundEvent(target, event);
    refunds = refunds.map((r) => (r === target ? applied.refund : r));
    check(refunds, applied.outcome._tag !== "Refused", command);
  });
  return refunds;
};

export const heldSum = (refunds: ReadonlyArray<RefundRecord>): number =>
  refunds
    .filter((r) => (holdingRefundStatuses as ReadonlyArray<string>).includes(r.state))
    .reduce((sum, r) => sum + (r.context.amount?.value ?? 0), 0);

const commandsArb = fc.array(commandArb, { maxLength: 30 });

/** The refunds that hold money never exceed the captured amount. */
export const neverExceedsCaptured = (open: typeof openRefund) =>
  fc.property(commandsArb, (commands) => {
    runCommands(commands, open, (refunds) => {
      expect(heldSum(refunds)).toBeLessThanOrEqual(CAPTURED);
    });
  });

/** A refund that fits what is left is accepted, one that does not is refused. */
export const refusesOnlyWhatItMust = (open: typeof openRefund) =>
  fc.property(commandsArb, (commands) => {
    let before = 0;
    runCommands(commands, open, (refunds, accepted, command) => {
      if (command.kind === "open") {
        const asked = command.full ? CAPTURED : command.amount;
        const fits = command.full ? before === 0 : before + asked <= CAPTURED;
        expect(accepted).toBe(fits);
      }
      before = heldSum(refunds);
    });
  });

/** A full refund is accepted only when nothing was held, and then holds everything. */
export const fullOnlyWhenNothingHeld = (open: typeof openRefund) =>
  fc.property(commandsArb, (commands) => {
    let before = 0;
    runCommands(commands, open, (refunds, accepted, command) => {
      if (command.kind === "open" && command.full && accepted) {
        expect(before).toBe(0);
        expect(heldSum(refunds)).toBe(CAPTURED);
      }
      before = heldSum(refunds);
    });
  });

/** A final refund never changes again, and the ledger agrees with the sum. */
export const finalsStayAndLedgerAgrees = (open: typeof openRefund) =>
  fc.property(commandsArb, (commands) => {
    const finals = new Map<string, RefundRecord>();
    runCommands(commands, open, (refunds) => {
      for (const r of refunds) {
        const seen = finals.get(r.context.id);
        if (seen !== undefined) expect(r).toBe(seen);
        if (r.state === "SUCCESS" || r.state === "FAILED" || r.state === "CANCELLED")
          finals.set(r.context.id, r);
      }
      expect(refundLedger(IDR(CAPTURED), refunds).held).toBe(heldSum(refunds));
    });
  });
