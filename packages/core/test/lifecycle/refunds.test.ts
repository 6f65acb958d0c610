/**
 * Refunds (decisions R1–R5): the money rules of SUBMIT, the lifecycle after it, the rendering and
 * the sandbox paths of facts §12.
 */
import { describe, expect, it } from "vitest";
import {
  applyRefundEvent,
  type CreateRefundRequest,
  openRefund,
  persistRefund,
  type RefundablePayment,
  type RefundRecord,
  refundablePayment,
  refundLedger,
  restoreRefund,
  sandboxRefundAt,
  sandboxRefundStepMs,
  sandboxRefundSteps,
  sessionStatus,
  toPaymentSession,
  toRefund,
} from "../../src/index.js";
import {
  accept,
  created,
  IDR,
  MINUTE,
  multipleVaRequest,
  singleRequest,
  staticVa,
  T0,
  vaIssue,
} from "./fixtures.js";

const paidSession = () => {
  const session = created(singleRequest("VIRTUAL_ACCOUNT"), { charge: vaIssue() });
  return accept(session, {
    type: "PAYMENT_RECEIVED",
    at: T0 + MINUTE,
    chargeId: "charge-va-1",
    amount: IDR(20_000),
  }).snapshot;
};

const request = (overrides: Partial<CreateRefundRequest> = {}): CreateRefundRequest => ({
  clientReferenceId: "refund-1",
  paymentSessionId: "session-1",
  amount: IDR(10_000),
  reason: "REQUESTED_BY_CUSTOMER",
  ...overrides,
});

const AT = T0 + 10 * MINUTE;

const open = (payment: RefundablePayment, overrides: Partial<CreateRefundRequest> = {}, id = "refund-a") =>
  openRefund({ id, at: AT, request: request(overrides) }, payment);

const opened = (
  payment: RefundablePayment,
  overrides: Partial<CreateRefundRequest> = {},
  id = "refund-a",
) => {
  const result = open(payment, overrides, id);
  if (!result.ok) throw new Error(`refund refused: ${JSON.stringify(result.refusal)}`);
  return result;
};

const paymentOf = (session = paidSession(), refunds: ReadonlyArray<RefundRecord> = [], chargeId?: string) => {
  const payment = refundablePayment(session, refunds, chargeId);
  if ("_tag" in payment) throw new Error(JSON.stringify(payment));
  return payment;
};

describe("opening a refund (SUBMIT)", () => {
  it("accepts half of a paid VA session as PENDING with a REFUND.PENDING callback carrying the refund", () => {
    const result = opened(paymentOf());
    expect(result.refund.state).toBe("PENDING");
    expect(result.webhooks.map((w) => w.event)).toEqual(["REFUND.PENDING"]);
    expect(result.webhooks[0]?.data).toEqual(toRefund(result.refund));
    expect(toRefund(result.refund)).toMatchObject({
      id: "refund-a",
      paymentSessionId: "session-1",
      chargeId: "charge-va-1",
      amount: { value: 10_000, currency: "IDR" },
      capturedAmount: { value: 20_000, currency: "IDR" },
      status: "PENDING",
      method: "AUTO",
      destinationType: null,
      isFullAmount: false,
    });
  });

  it("refuses a session that is not paid with invalid_state naming the status", () => {
    const unpaid = created(singleRequest("VIRTUAL_ACCOUNT"), { charge: vaIssue() });
    const result = open(paymentOf(unpaid));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.refusal.code).toBe("invalid_state");
    expect(result.refusal.message).toContain("REQUIRE_ACTION");
  });

  it("refuses a session without any charge with invalid_state", () => {
    const none = created(singleRequest(null));
    const result = open(paymentOf(none));
    expect(result.ok ? "accepted" : result.refusal.code).toBe("invalid_state");
  });

  it("refuses more than the captured amount minus what other refunds hold (amount_exceeds_refundable)", () => {
    const first = opened(paymentOf(), { amount: IDR(15_000) });
    const second = open(paymentOf(paidSession(), [first.refund]), { amount: IDR(5_001) }, "refund-b");
    expect(second.ok ? "accepted" : second.refusal.code).toBe("amount_exceeds_refundable");
    if (!second.ok) expect(second.refusal.message).toContain("5000 is left");
    expect(open(paymentOf(paidSession(), [first.refund]), { amount: IDR(5_000) }, "refund-b").ok).toBe(true);
  });

  it("gives the amount of a FAILED refund back", () => {
    const first = opened(paymentOf(), { amount: IDR(20_000) });
    const failed = applyRefundEvent(first.refund, { type: "REFUND_FAILED", at: AT + 1, failureReason: "x" });
    expect(failed.refund.state).toBe("FAILED");
    expect(open(paymentOf(paidSession(), [failed.refund]), {}, "refund-b").ok).toBe(true);
  });

  it("allows a full refund only when nothing is refunded (full_refund_not_allowed)", () => {
    const full = opened(paymentOf(), { isFullAmount: true, amount: undefined });
    expect(toRefund(full.refund).amount.value).toBe(20_000);
    const partial = opened(paymentOf(), { amount: IDR(1) });
    const again = open(
      paymentOf(paidSession(), [partial.refund]),
      { isFullAmount: true, amount: undefined },
      "refund-b",
    );
    expect(again.ok ? "accepted" : again.refusal.code).toBe("full_refund_not_allowed");
  });

  it("refuses a malformed request with validation details at the field", () => {
    const noAmount = open(paymentOf(), { amount: undefined });
    expect(noAmount.ok ? [] : noAmount.refusal.details).toEqual([
      { field: "amount", message: "amount is required unless isFullAmount is true" },
    ]);
    const usd = open(paymentOf(), { amount: { value: 1, currency: "USD" } });
    expect(usd.ok ? [] : usd.refusal.details?.map((d) => d.field)).toEqual(["amount.currency"]);
    const transfer = open(paymentOf(), { method: "TRANSFER_ONLY" });
    expect(transfer.ok ? [] : transfer.refusal.details?.map((d) => d.field)).toEqual(["transferDestination"]);
    const fullOther = open(paymentOf(), { isFullAmount: true, amount: IDR(5) });
    expect(fullOther.ok ? [] : fullOther.refusal.details?.map((d) => d.field)).toEqual(["amount.value"]);
  });

  it("refunds a paid charge of a MULTIPLE session, and asks for chargeId when there are several", () => {
    let session = created(multipleVaRequest(), { paymentMethod: staticVa });
    session = accept(session, {
      type: "PAYMENT_RECEIVED",
      at: T0 + 1,
      chargeId: "c1",
      amount: IDR(30_000),
    }).snapshot;
    expect(sessionStatus(session)).toBe("ACTIVE");
    expect(opened(paymentOf(session)).refund.context.chargeId).toBe("c1");
    session = accept(session, {
      type: "PAYMENT_RECEIVED",
      at: T0 + 2,
      chargeId: "c2",
      amount: IDR(40_000),
    }).snapshot;
    const ambiguous = refundablePayment(session, []);
    expect("_tag" in ambiguous ? ambiguous.details[0]?.field : "none").toBe("chargeId");
    const second = paymentOf(session, [], "c2");
    expect(second.captured).toEqual(IDR(40_000));
    const unknown = refundablePayment(session, [], "nope");
    expect("_tag" in unknown ? unknown.details[0]?.field : "none").toBe("chargeId");
  });

  it("does not change the session (decision R5): its rendering is the same before and after", () => {
    const session = paidSession();
    const before = toPaymentSession(session);
    opened(paymentOf(session), { amount: IDR(20_000) });
    expect(toPaymentSession(session)).toEqual(before);
    expect(sessionStatus(session)).toBe("PAID");
  });
});

describe("after SUBMIT", () => {
  const pending = (overrides: Partial<CreateRefundRequest> = {}) => opened(paymentOf(), overrides).refund;
  const transfer = {
    transferDestination: {
      channelCode: "BCA",
      channelInformation: { accountNumber: "999966660001", accountName: "Reforza Harsya" },
    },
  };

  it("AUTO: the channel pays back → SUCCESS, destination CHANNEL, REFUND.SUCCESS; a repeat changes nothing", () => {
    const done = applyRefundEvent(pending(), { type: "CHANNEL_SUCCEEDED", at: AT + 5 });
    expect(done.refund.state).toBe("SUCCESS");
    expect(toRefund(done.refund).destinationType).toBe("CHANNEL");
    expect(done.outcome._tag === "Accepted" && done.outcome.webhooks.map((w) => w.event)).toEqual([
      "REFUND.SUCCESS",
    ]);
    const again = applyRefundEvent(done.refund, { type: "CHANNEL_SUCCEEDED", at: AT + 6 });
    expect(again.outcome._tag).toBe("Duplicate");
    expect(again.refund.context.updatedAt).toBe(AT + 5);
  });

  it("AUTO: the channel fails → WAITING_BANK_TRANSFER (ACCOUNT, the docs' REFUND.WAITING_BANK_TRANFER) → SUCCESS", () => {
    const waiting = applyRefundEvent(pending(transfer), { type: "CHANNEL_FAILED", at: AT + 5 });
    expect(waiting.refund.state).toBe("WAITING_BANK_TRANSFER");
    expect(waiting.outcome._tag === "Accepted" && waiting.outcome.webhooks.map((w) => w.event)).toEqual([
      "REFUND.WAITING_BANK_TRANFER",
    ]);
    expect(toRefund(waiting.refund).destinationType).toBe("ACCOUNT");
    const done = applyRefundEvent(waiting.refund, { type: "TRANSFER_SUCCEEDED", at: AT + 10 });
    expect(done.refund.state).toBe("SUCCESS");
  });

  it("WAITING_BANK_TRANSFER can be CANCELLED (no callback) or FAILED (REFUND.FAILED)", () => {
    const waiting = applyRefundEvent(pending(), { type: "CHANNEL_FAILED", at: AT + 5 }).refund;
    const cancelled = applyRefundEvent(waiting, { type: "CANCEL", at: AT + 6 });
    expect(cancelled.refund.state).toBe("CANCELLED");
    expect(cancelled.outcome._tag === "Accepted" && cancelled.outcome.webhooks).toEqual([]);
    const failed = applyRefundEvent(waiting, { type: "REFUND_FAILED", at: AT + 6, failureReason: "no" });
    expect(failed.outcome._tag === "Accepted" && failed.outcome.webhooks.map((w) => w.event)).toEqual([
      "REFUND.FAILED",
    ]);
  });

  it("refuses what the status does not take, and keeps the same record", () => {
    const refund = pending();
    for (const event of [
      { type: "TRANSFER_SUCCEEDED", at: AT + 1 },
      { type: "CANCEL", at: AT + 1 },
      { type: "TRANSFER_STARTED", at: AT + 1 },
    ] as const) {
      const applied = applyRefundEvent(refund, event);
      expect(applied.outcome._tag === "Refused" && applied.outcome.code).toBe("invalid_state");
      expect(applied.refund).toBe(refund);
    }
    const transferOnly = pending({ method: "TRANSFER_ONLY", ...transfer });
    expect(applyRefundEvent(transferOnly, { type: "CHANNEL_SUCCEEDED", at: AT + 1 }).outcome._tag).toBe(
      "Refused",
    );
  });

  it("survives persistence as plain JSON", () => {
    const refund = applyRefundEvent(pending(transfer), { type: "CHANNEL_FAILED", at: AT + 5 }).refund;
    const restored = restoreRefund(JSON.parse(JSON.stringify(persistRefund(refund))));
    expect(restored).toEqual(refund);
    expect(restoreRefund({ schemaVersion: 2, state: "PENDING", context: refund.context })).toBeNull();
    expect(restoreRefund({ schemaVersion: 1, state: "REQUESTED", context: refund.context })).toBeNull();
  });

  it("the ledger counts what PENDING, WAITING_BANK_TRANSFER and SUCCESS hold, not FAILED or CANCELLED", () => {
    const a = pending({ amount: IDR(1_000) });
    const b = applyRefundEvent(pending({ amount: IDR(2_000) }), {
      type: "CHANNEL_SUCCEEDED",
      at: AT + 1,
    }).refund;
    const c = applyRefundEvent(pending({ amount: IDR(4_000) }), {
      type: "REFUND_FAILED",
      at: AT + 1,
      failureReason: "x",
    }).refund;
    expect(refundLedger(IDR(20_000), [a, b, c])).toEqual({
      captured: 20_000,
      held: 3_000,
      refunded: 2_000,
      refundable: 17_000,
    });
  });
});

describe("sandbox refunds (facts §12, decision R1)", () => {
  const account = (accountNumber: string) => ({
    transferDestination: { channelCode: "BCA", channelInformation: { accountNumber, accountName: "Test" } },
  });
  const path = (overrides: Partial<CreateRefundRequest>) => {
    const refund = opened(paymentOf(), overrides).refund;
    const events: Array<string> = ["REFUND.PENDING"];
    const statuses: Array<string> = [refund.state];
    let current = refund;
    for (let t = AT; t <= AT + 4 * sandboxRefundStepMs; t += 1_000) {
      const moved = sandboxRefundAt(current, t);
      if (moved.changed) statuses.push(moved.refund.state);
      events.push(...moved.webhooks.map((w) => w.event));
      current = moved.refund;
    }
    return { statuses, events, refund: current };
  };

  it("account 999966660001 succeeds (AUTO on the channel)", () => {
    const { statuses, events } = path(account("999966660001"));
    expect(statuses).toEqual(["PENDING", "SUCCESS"]);
    expect(events).toEqual(["REFUND.PENDING", "REFUND.SUCCESS"]);
  });

  it("1001-: the channel fails, then the bank transfer succeeds", () => {
    const { statuses, events } = path({ clientReferenceId: "1001-abc", ...account("999966660001") });
    expect(statuses).toEqual(["PENDING", "WAITING_BANK_TRANSFER", "SUCCESS"]);
    expect(events).toEqual(["REFUND.PENDING", "REFUND.WAITING_BANK_TRANFER", "REFUND.SUCCESS"]);
  });

  it("2001- with 999966660008: both fail", () => {
    const { statuses, events } = path({ clientReferenceId: "2001-abc", ...account("999966660008") });
    expect(statuses).toEqual(["PENDING", "WAITING_BANK_TRANSFER", "FAILED"]);
    expect(events.at(-1)).toBe("REFUND.FAILED");
  });

  it("2002- with 999966660002: account not found (TRANSFER_ONLY fails at once)", () => {
    const { statuses, refund } = path({
      clientReferenceId: "2002-abc",
      method: "TRANSFER_ONLY",
      ...account("999966660002"),
    });
    expect(statuses).toEqual(["PENDING", "FAILED"]);
    expect(toRefund(refund).failureReason).toBe("ACCOUNT_NOT_FOUND");
  });

  it("each step happens at its own instant, however late it is noticed", () => {
    const refund = opened(paymentOf(), { clientReferenceId: "1001-x" }).refund;
    expect(sandboxRefundSteps(refund.context).map((s) => s.afterMs)).toEqual([
      sandboxRefundStepMs,
      2 * sandboxRefundStepMs,
    ]);
    const late = sandboxRefundAt(refund, AT + 60 * MINUTE);
    expect(late.refund.state).toBe("SUCCESS");
    expect(late.refund.context.updatedAt).toBe(AT + 2 * sandboxRefundStepMs);
    expect(sandboxRefundAt(late.refund, AT + 61 * MINUTE).changed).toBe(false);
  });
});
