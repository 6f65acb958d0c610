import { describe, expect, it } from "vitest";
import { applyEvent, chargeStatus, sessionStatus, toPaymentSession } from "../../src/lifecycle/index.js";
import {
  accept,
  created,
  IDR,
  MINUTE,
  refuse,
  singleRequest,
  T0,
  theCharge,
  vaIssue,
  webhookNames,
} from "./fixtures.js";

describe("SINGLE virtual account (push)", () => {
  const start = () => created(singleRequest("VIRTUAL_ACCOUNT"), { charge: vaIssue() });

  it("opens a WAITING_FOR_USER_ACTION charge at create (C1) and renders the issued VA", () => {
    const snapshot = start();
    expect(sessionStatus(snapshot)).toBe("REQUIRE_ACTION");
    const session = toPaymentSession(snapshot);
    expect(session.chargeDetails?.[0]).toMatchObject({
      id: "charge-va-1",
      paymentSessionId: "session-1",
      status: "WAITING_FOR_USER_ACTION",
      authorizedAmount: null,
      capturedAmount: null,
      isCaptured: false,
      paidAt: null,
      virtualAccount: { channel: "PERMATA", virtualAccountNumber: "76630000123456" },
    });
    expect(session.expiryAt).toBe("2025-03-30T06:03:17Z");
  });

  it("becomes PAID with charge SUCCESS when the bank notifies the right amount, and sends PAYMENT.PAID", () => {
    const { snapshot, outcome } = accept(start(), {
      type: "PAYMENT_RECEIVED",
      at: T0 + 5 * MINUTE,
      chargeId: "charge-va-1",
      amount: IDR(20_000),
    });
    expect(sessionStatus(snapshot)).toBe("PAID");
    expect(chargeStatus(theCharge(snapshot))).toBe("SUCCESS");
    expect(webhookNames(outcome)).toEqual(["PAYMENT.PAID"]);
    const session = toPaymentSession(snapshot);
    expect(session.chargeDetails?.[0]).toMatchObject({ paidAt: "2025-03-30T05:53:17Z", isCaptured: true });
    expect(outcome._tag !== "Refused" && outcome.webhooks[0]?.data).toEqual(session);
  });

  it("refuses a payment of another amount with amount_mismatch and changes nothing (P1)", () => {
    const snapshot = start();
    const refusal = refuse(
      snapshot,
      { type: "PAYMENT_RECEIVED", at: T0 + MINUTE, chargeId: "charge-va-1", amount: IDR(19_999) },
      "amount_mismatch",
    );
    expect(refusal.status).toBe("REQUIRE_ACTION");
    expect(refusal.chargeStatus).toBe("WAITING_FOR_USER_ACTION");
  });

  it("refuses a payment naming another charge with unknown_charge", () => {
    refuse(
      start(),
      { type: "PAYMENT_RECEIVED", at: T0 + MINUTE, chargeId: "someone-else", amount: IDR(20_000) },
      "unknown_charge",
    );
  });

  it("answers the same notification twice with a no-op Duplicate (P2)", () => {
    const pay = {
      type: "PAYMENT_RECEIVED",
      at: T0 + MINUTE,
      chargeId: "charge-va-1",
      amount: IDR(20_000),
    } as const;
    const paid = accept(start(), pay).snapshot;
    const again = applyEvent(paid, { ...pay, at: T0 + 2 * MINUTE });
    expect(again.outcome._tag).toBe("Duplicate");
    expect(again.snapshot).toBe(paid);
    expect(webhookNames(again.outcome)).toEqual([]);
  });

  it("refuses pull-only steps on a push charge (invalid_state, message names the operation)", () => {
    const refusal = refuse(start(), { type: "CUSTOMER_AUTHENTICATING", at: T0 + MINUTE }, "invalid_state");
    expect(refusal.message).toBe(
      "Payment session in status REQUIRE_ACTION is not allowed to authenticate payment session (charge WAITING_FOR_USER_ACTION)",
    );
  });
});
