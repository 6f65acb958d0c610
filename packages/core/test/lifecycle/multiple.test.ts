import { describe, expect, it } from "vitest";
import { applyEvent, chargeStatus, sessionStatus, toPaymentSession } from "../../src/lifecycle/index.js";
import {
  accept,
  created,
  IDR,
  MINUTE,
  multipleVaRequest,
  refuse,
  staticVa,
  T0,
  webhookNames,
} from "./fixtures.js";

const pay = (n: number, value: number) =>
  ({
    type: "PAYMENT_RECEIVED",
    at: T0 + n * MINUTE,
    chargeId: `static-payment-${n}`,
    amount: IDR(value),
  }) as const;

describe("MULTIPLE static VA (9.5, P4)", () => {
  it("stays ACTIVE through three payments, appending one SUCCESS charge each, with CHARGE.SUCCESS", () => {
    let snapshot = created(multipleVaRequest(), { paymentMethod: staticVa });
    const amounts = [10_000, 25_000, 1];
    amounts.forEach((value, i) => {
      const applied = accept(snapshot, pay(i + 1, value));
      expect(webhookNames(applied.outcome)).toEqual(["CHARGE.SUCCESS"]);
      snapshot = applied.snapshot;
    });
    expect(sessionStatus(snapshot)).toBe("ACTIVE");
    expect(snapshot.context.charges.map(chargeStatus)).toEqual(["SUCCESS", "SUCCESS", "SUCCESS"]);
    const session = toPaymentSession(snapshot);
    expect(
      session.chargeDetails?.map((c) => [c.id, c.amount.value, c.virtualAccount?.virtualAccountNumber]),
    ).toEqual([
      ["static-payment-1", 10_000, "000042"],
      ["static-payment-2", 25_000, "000042"],
      ["static-payment-3", 1, "000042"],
    ]);
    expect(session.chargeDetails?.[2]).toMatchObject({ paidAt: "2025-03-30T05:51:17Z", isCaptured: true });
  });

  it("treats the same payment notified twice as a Duplicate (P2)", () => {
    const once = accept(created(multipleVaRequest(), { paymentMethod: staticVa }), pay(1, 10_000)).snapshot;
    const twice = applyEvent(once, { ...pay(1, 10_000), at: T0 + 5 * MINUTE });
    expect(twice.outcome._tag).toBe("Duplicate");
    expect(twice.snapshot).toBe(once);
  });

  it("takes only the session amount on a closed static VA (P1)", () => {
    const closed = created(multipleVaRequest({ amount: IDR(50_000) }), { paymentMethod: staticVa });
    refuse(closed, pay(1, 49_000), "amount_mismatch");
    expect(sessionStatus(accept(closed, pay(2, 50_000)).snapshot)).toBe("ACTIVE");
  });

  it("refuses single-session operations while ACTIVE", () => {
    const active = created(multipleVaRequest(), { paymentMethod: staticVa });
    refuse(
      active,
      { type: "CAPTURE", at: T0 + MINUTE, captureId: "c", releaseRemainingAmount: true },
      "invalid_state",
    );
    refuse(active, { type: "CHARGE_EXPIRED", at: T0 + MINUTE }, "invalid_state");
  });

  it("records payments after INACTIVE as late payments", () => {
    const active = created(multipleVaRequest({ expiryAt: "2025-03-30T06:48:17Z" }), {
      paymentMethod: staticVa,
    });
    const { snapshot, outcome } = applyEvent(active, pay(61, 10_000));
    expect(outcome._tag).toBe("LatePaymentRecorded");
    expect(sessionStatus(snapshot)).toBe("INACTIVE");
    expect(snapshot.context.charges).toEqual([]);
  });
});
