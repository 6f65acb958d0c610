import { describe, expect, it } from "vitest";
import { applyEvent, chargeStatus, sessionStatus, toPaymentSession } from "../../src/lifecycle/index.js";
import {
  accept,
  cardIssue,
  created,
  MINUTE,
  refuse,
  singleRequest,
  T0,
  theCharge,
  vaIssue,
  webhookNames,
} from "./fixtures.js";

describe("charge failed (L5)", () => {
  it("cancels the SINGLE session with CHARGE_FAILED and keeps the failure on the charge", () => {
    const s0 = created(singleRequest("CARD"), { charge: cardIssue() });
    const s1 = accept(s0, { type: "CUSTOMER_AUTHENTICATING", at: T0 + MINUTE }).snapshot;
    const { snapshot, outcome } = accept(s1, {
      type: "CHARGE_FAILED",
      at: T0 + 2 * MINUTE,
      failureCode: "AUTHENTICATION_FAILED",
    });
    expect([sessionStatus(snapshot), chargeStatus(theCharge(snapshot))]).toEqual(["CANCELLED", "FAILED"]);
    expect(webhookNames(outcome)).toEqual(["PAYMENT.CANCELLED"]);
    const session = toPaymentSession(snapshot);
    expect(session).toMatchObject({
      cancellationReason: "CHARGE_FAILED",
      cancelledAt: "2025-03-30T05:50:17Z",
    });
    expect(session.chargeDetails?.[0]).toMatchObject({
      failureCode: "AUTHENTICATION_FAILED",
      failureMessage: "CARD payment failed: AUTHENTICATION_FAILED",
    });
  });

  it("fails a push charge too (any non-final charge → FAILED)", () => {
    const s0 = created(singleRequest("VIRTUAL_ACCOUNT"), { charge: vaIssue() });
    const { snapshot } = accept(s0, {
      type: "CHARGE_FAILED",
      at: T0 + MINUTE,
      failureCode: "CHANNEL_UNAVAILABLE",
      failureMessage: "Bank offline",
    });
    expect(sessionStatus(snapshot)).toBe("CANCELLED");
    expect(theCharge(snapshot).context.failureMessage).toBe("Bank offline");
  });

  it("treats the same failure notified again as a Duplicate and refuses other charge steps", () => {
    const s0 = created(singleRequest("VIRTUAL_ACCOUNT"), { charge: vaIssue() });
    const failed = accept(s0, {
      type: "CHARGE_FAILED",
      at: T0 + MINUTE,
      failureCode: "DECLINED_BY_CHANNEL",
    }).snapshot;
    const again = applyEvent(failed, {
      type: "CHARGE_FAILED",
      at: T0 + 2 * MINUTE,
      failureCode: "DECLINED_BY_CHANNEL",
    });
    expect(again.outcome._tag).toBe("Duplicate");
    expect(again.snapshot).toBe(failed);
    refuse(failed, { type: "CHARGE_EXPIRED", at: T0 + 2 * MINUTE }, "invalid_state");
  });
});
