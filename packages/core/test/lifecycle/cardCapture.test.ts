import { describe, expect, it } from "vitest";
import { applyEvent, chargeStatus, sessionStatus, toPaymentSession } from "../../src/lifecycle/index.js";
import {
  accept,
  cardIssue,
  created,
  IDR,
  MINUTE,
  refuse,
  singleRequest,
  T0,
  theCharge,
  webhookNames,
} from "./fixtures.js";

const manual = () => created(singleRequest("CARD", {}, "manual"), { charge: cardIssue() });
const automatic = () => created(singleRequest("CARD"), { charge: cardIssue() });

const authorizedFor = (value: number) => {
  const s1 = accept(manual(), { type: "CUSTOMER_AUTHENTICATING", at: T0 + MINUTE }).snapshot;
  return accept(s1, { type: "AUTHORIZED", at: T0 + 2 * MINUTE, authorizedAmount: IDR(value) }).snapshot;
};

describe("card with manual capture (P6)", () => {
  it("stops at WAITING_FOR_CAPTURE (session PROCESSING), then a capture makes it PAID", () => {
    const waiting = authorizedFor(20_000);
    expect([sessionStatus(waiting), chargeStatus(theCharge(waiting))]).toEqual([
      "PROCESSING",
      "WAITING_FOR_CAPTURE",
    ]);
    expect(toPaymentSession(waiting).chargeDetails?.[0]).toMatchObject({
      authorizedAmount: IDR(20_000),
      capturedAmount: null,
      isCaptured: false,
    });
    const { snapshot, outcome } = accept(waiting, {
      type: "CAPTURE",
      at: T0 + 3 * MINUTE,
      captureId: "cap-1",
      amount: IDR(15_000),
      releaseRemainingAmount: true,
    });
    expect([sessionStatus(snapshot), chargeStatus(theCharge(snapshot))]).toEqual(["PAID", "SUCCESS"]);
    expect(webhookNames(outcome)).toEqual(["PAYMENT.PAID"]);
    expect(toPaymentSession(snapshot).chargeDetails?.[0]).toMatchObject({
      authorizedAmount: IDR(20_000),
      capturedAmount: IDR(15_000),
      isCaptured: true,
      paidAt: "2025-03-30T05:51:17Z",
      captureHistories: [
        {
          captureId: "cap-1",
          currency: "IDR",
          capturedAmount: 15_000,
          status: "SUCCESS",
          createdAt: "2025-03-30T05:51:17Z",
        },
      ],
    });
  });

  it("captures the whole authorisation when no amount is given", () => {
    const { snapshot } = accept(authorizedFor(18_000), {
      type: "CAPTURE",
      at: T0 + 3 * MINUTE,
      captureId: "cap-1",
      releaseRemainingAmount: false,
    });
    expect(theCharge(snapshot).context.capturedAmount).toBe(18_000);
  });

  it("refuses a capture above the authorised amount (validation, field amount.value)", () => {
    const refusal = refuse(
      authorizedFor(10_000),
      {
        type: "CAPTURE",
        at: T0 + 3 * MINUTE,
        captureId: "cap-1",
        amount: IDR(10_001),
        releaseRemainingAmount: true,
      },
      "validation",
    );
    expect(refusal.details).toEqual([
      { field: "amount.value", message: "capture amount 10001 exceeds the authorized amount 10000" },
    ]);
  });

  it("refuses an authorisation above the charge amount (amount_mismatch)", () => {
    refuse(
      manual(),
      { type: "AUTHORIZED", at: T0 + MINUTE, authorizedAmount: IDR(20_001) },
      "amount_mismatch",
    );
  });

  it("refuses a second capture (captures once)", () => {
    const paid = accept(authorizedFor(20_000), {
      type: "CAPTURE",
      at: T0 + 3 * MINUTE,
      captureId: "cap-1",
      releaseRemainingAmount: true,
    }).snapshot;
    refuse(
      paid,
      { type: "CAPTURE", at: T0 + 4 * MINUTE, captureId: "cap-2", releaseRemainingAmount: true },
      "invalid_state",
    );
  });

  it("fails with EXCEEDED_CAPTURE_PERIOD when the window (expiryAt) passes: session CANCELLED CHARGE_FAILED", () => {
    const { snapshot, outcome } = accept(authorizedFor(20_000), { type: "EXPIRE", at: T0 + 16 * MINUTE });
    expect([sessionStatus(snapshot), chargeStatus(theCharge(snapshot))]).toEqual(["CANCELLED", "FAILED"]);
    expect(webhookNames(outcome)).toEqual(["PAYMENT.CANCELLED"]);
    const session = toPaymentSession(snapshot);
    expect(session).toMatchObject({
      cancellationReason: "CHARGE_FAILED",
      cancelledAt: "2025-03-30T06:03:17Z",
    });
    expect(session.chargeDetails?.[0]?.failureCode).toBe("EXCEEDED_CAPTURE_PERIOD");
  });

  it("refuses a capture after the window (the expiry comes first)", () => {
    const waiting = authorizedFor(20_000);
    const applied = applyEvent(waiting, {
      type: "CAPTURE",
      at: T0 + 16 * MINUTE,
      captureId: "c",
      releaseRemainingAmount: true,
    });
    expect(applied.outcome).toMatchObject({ _tag: "Refused", code: "invalid_state", status: "CANCELLED" });
    expect(applied.snapshot).toBe(waiting);
  });
});

describe("card with automatic capture", () => {
  it("succeeds on a full authorisation: authorised = captured = amount", () => {
    const { snapshot } = accept(automatic(), {
      type: "AUTHORIZED",
      at: T0 + MINUTE,
      authorizedAmount: IDR(20_000),
    });
    expect(sessionStatus(snapshot)).toBe("PAID");
    expect(toPaymentSession(snapshot).chargeDetails?.[0]).toMatchObject({
      authorizedAmount: IDR(20_000),
      capturedAmount: IDR(20_000),
      card: {},
    });
  });

  it("refuses a partial authorisation (amount_mismatch)", () => {
    refuse(
      automatic(),
      { type: "AUTHORIZED", at: T0 + MINUTE, authorizedAmount: IDR(10_000) },
      "amount_mismatch",
    );
  });
});
