import { describe, expect, it } from "vitest";
import { chargeStatus, sessionStatus, toPaymentSession } from "../../src/lifecycle/index.js";
import {
  accept,
  created,
  IDR,
  MINUTE,
  qrIssue,
  refuse,
  singleRequest,
  T0,
  theCharge,
  webhookNames,
} from "./fixtures.js";

describe("SINGLE QRIS (push)", () => {
  const start = () => created(singleRequest("QR", { amount: IDR(15_000) }), { charge: qrIssue() });

  it("is paid in one step from REQUIRE_ACTION", () => {
    const snapshot = start();
    expect(toPaymentSession(snapshot).chargeDetails?.[0]?.qr).toMatchObject({
      acquirer: "BRI",
      qrType: "DYNAMIC",
    });
    const { snapshot: paid, outcome } = accept(snapshot, {
      type: "PAYMENT_RECEIVED",
      at: T0 + 2 * MINUTE,
      chargeId: "charge-qr-1",
      amount: IDR(15_000),
    });
    expect([sessionStatus(paid), chargeStatus(theCharge(paid))]).toEqual(["PAID", "SUCCESS"]);
    expect(webhookNames(outcome)).toEqual(["PAYMENT.PAID"]);
  });

  it("cannot be captured (no charge waits for capture)", () => {
    refuse(
      start(),
      { type: "CAPTURE", at: T0 + MINUTE, captureId: "cap-1", releaseRemainingAmount: true },
      "invalid_state",
    );
  });

  it("expires with the channel (simulation EXPIRED): EXPIRED / EXPIRED, PAYMENT.CANCELLED, no reason", () => {
    const { snapshot, outcome } = accept(start(), { type: "CHARGE_EXPIRED", at: T0 + 3 * MINUTE });
    expect([sessionStatus(snapshot), chargeStatus(theCharge(snapshot))]).toEqual(["EXPIRED", "EXPIRED"]);
    expect(webhookNames(outcome)).toEqual(["PAYMENT.CANCELLED"]);
    expect(toPaymentSession(snapshot).cancellationReason).toBeNull();
    expect(toPaymentSession(snapshot).chargeDetails?.[0]?.failureCode).toBe("CHARGE_EXPIRED");
  });
});
