/**
 * The delivery invariants of `twoInstances.test.ts` (support/deliveryInvariants.ts) catch what they
 * exist to catch: each wrong record below is what a dispatcher defect leaves behind.
 */
import { describe, expect, it } from "vitest";
import { type CallbackRow, deliveryProblems, type RecordedAttempt } from "./support/deliveryInvariants.js";

const paid: CallbackRow = { id: 1, key: "s1:PAYMENT.PAID", status: "delivered", attempts: 1 };
const cancelled: CallbackRow = { id: 2, key: "s2:PAYMENT.CANCELLED", status: "delivered", attempts: 2 };
const rows: ReadonlyArray<CallbackRow> = [paid, cancelled];
const paidOnce: RecordedAttempt = { outboxId: 1, outcome: "delivered" };
const attempts: ReadonlyArray<RecordedAttempt> = [
  paidOnce,
  { outboxId: 2, outcome: "retry" },
  { outboxId: 2, outcome: "delivered" },
];
const slow = (key: string) => key.startsWith("s2:");
const check = (over: Partial<Parameters<typeof deliveryProblems>[0]>) =>
  deliveryProblems({
    rows,
    attempts,
    receipts: ["s1:PAYMENT.PAID", "s2:PAYMENT.CANCELLED", "s2:PAYMENT.CANCELLED"],
    slowFirstAnswer: slow,
    ...over,
  });

describe("delivery invariants (at any load)", () => {
  it("hold for at-least-once delivery, a timed-out prompt delivery sent again included", () => {
    expect(check({})).toEqual([]);
    // A prompt receiver answered after the timeout (busy machine): sent twice, both attempts recorded.
    expect(
      check({
        rows: [{ ...paid, attempts: 2 }, cancelled],
        attempts: [{ outboxId: 1, outcome: "retry" }, ...attempts],
        receipts: ["s1:PAYMENT.PAID", "s1:PAYMENT.PAID", "s2:PAYMENT.CANCELLED", "s2:PAYMENT.CANCELLED"],
      }),
    ).toEqual([]);
  });

  it("fail a send nobody recorded (two dispatchers holding one row)", () => {
    expect(check({ receipts: ["s1:PAYMENT.PAID", "s1:PAYMENT.PAID", "s2:PAYMENT.CANCELLED"] })).toEqual([
      "s1:PAYMENT.PAID: received 2 times, 1 attempts recorded",
    ]);
  });

  it("fail a callback sent again after a known 2xx", () => {
    expect(
      check({
        rows: [{ ...paid, attempts: 2 }, cancelled],
        attempts: [...attempts, { outboxId: 1, outcome: "delivered" }],
        receipts: ["s1:PAYMENT.PAID", "s1:PAYMENT.PAID", "s2:PAYMENT.CANCELLED"],
      }),
    ).toEqual(["s1:PAYMENT.PAID: 2 recorded attempts saw a 2xx"]);
  });

  it("fail a callback never delivered, never received, or received without a row", () => {
    expect(
      check({
        rows: [{ ...paid, status: "pending" }, cancelled],
        receipts: ["s2:PAYMENT.CANCELLED", "s3:PAYMENT.PAID"],
      }),
    ).toEqual([
      "s3:PAYMENT.PAID: received, but no outbox row",
      "s1:PAYMENT.PAID: outbox row pending",
      "s1:PAYMENT.PAID: never reached the receiver",
    ]);
  });

  it("fail a row that miscounts its attempts, and a slow first answer taken as delivered", () => {
    expect(check({ rows: [paid, { ...cancelled, attempts: 1 }] })).toEqual([
      "s2:PAYMENT.CANCELLED: the row counts 1 attempts, 2 were reported",
    ]);
    expect(
      check({
        rows: [paid, { ...cancelled, attempts: 1 }],
        attempts: [paidOnce, { outboxId: 2, outcome: "delivered" }],
        receipts: ["s1:PAYMENT.PAID", "s2:PAYMENT.CANCELLED"],
      }),
    ).toEqual(["s2:PAYMENT.CANCELLED: a first answer after the timeout was recorded delivered"]);
  });
});
