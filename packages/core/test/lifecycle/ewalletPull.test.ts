import { describe, expect, it } from "vitest";
import { applyEvent, chargeStatus, sessionStatus, toPaymentSession } from "../../src/lifecycle/index.js";
import {
  accept,
  created,
  ewalletIssue,
  IDR,
  MINUTE,
  refuse,
  singleRequest,
  T0,
  theCharge,
  webhookNames,
} from "./fixtures.js";

describe("SINGLE e-wallet (pull)", () => {
  const start = () => created(singleRequest("EWALLET"), { charge: ewalletIssue() });

  it("goes REQUIRE_ACTION → PROCESSING (authentication, processing) → PAID with the documented pairs", () => {
    const s0 = start();
    expect([sessionStatus(s0), chargeStatus(theCharge(s0))]).toEqual([
      "REQUIRE_ACTION",
      "WAITING_FOR_USER_ACTION",
    ]);
    expect(toPaymentSession(s0).paymentUrl).toBe("shopeepayid://pay?token=abc");

    const a1 = accept(s0, { type: "CUSTOMER_AUTHENTICATING", at: T0 + MINUTE });
    expect([sessionStatus(a1.snapshot), chargeStatus(theCharge(a1.snapshot))]).toEqual([
      "PROCESSING",
      "WAITING_FOR_AUTHENTICATION",
    ]);
    expect(webhookNames(a1.outcome)).toEqual(["PAYMENT.PROCESSING"]);

    const a2 = accept(a1.snapshot, { type: "CHARGE_PROCESSING", at: T0 + 2 * MINUTE });
    expect([sessionStatus(a2.snapshot), chargeStatus(theCharge(a2.snapshot))]).toEqual([
      "PROCESSING",
      "PROCESSING",
    ]);
    expect(webhookNames(a2.outcome)).toEqual([]);

    const a3 = accept(a2.snapshot, {
      type: "PAYMENT_RECEIVED",
      at: T0 + 3 * MINUTE,
      chargeId: "charge-ew-1",
      amount: IDR(20_000),
    });
    expect([sessionStatus(a3.snapshot), chargeStatus(theCharge(a3.snapshot))]).toEqual(["PAID", "SUCCESS"]);
    expect(webhookNames(a3.outcome)).toEqual(["PAYMENT.PAID"]);
  });

  it("treats a repeated step notification as a Duplicate and refuses going back", () => {
    const processing = accept(
      accept(start(), { type: "CUSTOMER_AUTHENTICATING", at: T0 + MINUTE }).snapshot,
      {
        type: "CHARGE_PROCESSING",
        at: T0 + 2 * MINUTE,
      },
    ).snapshot;
    const again = applyEvent(processing, { type: "CHARGE_PROCESSING", at: T0 + 3 * MINUTE });
    expect(again.outcome._tag).toBe("Duplicate");
    expect(again.snapshot).toBe(processing);
    refuse(processing, { type: "CUSTOMER_AUTHENTICATING", at: T0 + 3 * MINUTE }, "invalid_state");
  });

  it("refuses an authorisation (cards only)", () => {
    refuse(start(), { type: "AUTHORIZED", at: T0 + MINUTE, authorizedAmount: IDR(20_000) }, "invalid_state");
  });
});
