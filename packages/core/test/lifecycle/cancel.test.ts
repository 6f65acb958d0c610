import { describe, expect, it } from "vitest";
import { type SessionSnapshot, sessionStatus, toPaymentSession } from "../../src/lifecycle/index.js";
import {
  accept,
  created,
  ewalletIssue,
  IDR,
  MINUTE,
  multipleVaRequest,
  refuse,
  singleRequest,
  staticVa,
  T0,
  vaIssue,
  webhookNames,
} from "./fixtures.js";

const cancelAt = (at: number) =>
  ({ type: "CANCEL", at, cancellationReason: "REQUESTED_BY_CUSTOMER" }) as const;

describe("cancel (L3, L6)", () => {
  it.each([
    ["REQUIRE_PAYMENT_METHOD", () => created(singleRequest(null))],
    ["REQUIRE_CONFIRMATION", () => created(singleRequest("QR", { autoConfirm: false }))],
  ] as const)(
    "is allowed in %s: cancelledAt, reason, expiryAt := cancelledAt, PAYMENT.CANCELLED",
    (status, make) => {
      const before = make();
      expect(sessionStatus(before)).toBe(status);
      const { snapshot, outcome } = accept(before, cancelAt(T0 + 2 * MINUTE));
      expect(sessionStatus(snapshot)).toBe("CANCELLED");
      expect(webhookNames(outcome)).toEqual(["PAYMENT.CANCELLED"]);
      expect(toPaymentSession(snapshot)).toMatchObject({
        status: "CANCELLED",
        cancelledAt: "2025-03-30T05:50:17Z",
        cancellationReason: "REQUESTED_BY_CUSTOMER",
        expiryAt: "2025-03-30T05:50:17Z",
        chargeDetails: null,
      });
    },
  );

  const refusedIn: ReadonlyArray<[string, () => SessionSnapshot]> = [
    ["REQUIRE_ACTION", () => created(singleRequest("VIRTUAL_ACCOUNT"), { charge: vaIssue() })],
    [
      "PROCESSING",
      () =>
        accept(created(singleRequest("EWALLET"), { charge: ewalletIssue() }), {
          type: "CUSTOMER_AUTHENTICATING",
          at: T0 + MINUTE,
        }).snapshot,
    ],
    [
      "PAID",
      () =>
        accept(created(singleRequest("VIRTUAL_ACCOUNT"), { charge: vaIssue() }), {
          type: "PAYMENT_RECEIVED",
          at: T0 + MINUTE,
          chargeId: "charge-va-1",
          amount: IDR(20_000),
        }).snapshot,
    ],
    ["CANCELLED", () => accept(created(singleRequest(null)), cancelAt(T0 + MINUTE)).snapshot],
    [
      "EXPIRED",
      () => accept(created(singleRequest(null)), { type: "EXPIRE", at: T0 + 15 * MINUTE }).snapshot,
    ],
    ["ACTIVE", () => created(multipleVaRequest(), { paymentMethod: staticVa })],
  ];

  it.each(refusedIn)("is refused in %s with invalid_state naming cancel and the status", (status, make) => {
    const before = make();
    expect(sessionStatus(before)).toBe(status);
    const refusal = refuse(before, cancelAt(T0 + 3 * MINUTE), "invalid_state");
    expect(refusal.message).toBe(
      `Payment session in status ${status} is not allowed to cancel payment session`,
    );
    expect(refusal.operation).toBe("cancel");
  });
});
