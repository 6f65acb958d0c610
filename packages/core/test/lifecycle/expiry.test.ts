import { describe, expect, it } from "vitest";
import {
  applyEvent,
  chargeStatus,
  currentCharge,
  type SessionEvent,
  type SessionSnapshot,
  sessionStatus,
  toPaymentSession,
} from "../../src/lifecycle/index.js";
import {
  accept,
  cardIssue,
  created,
  ewalletIssue,
  IDR,
  MINUTE,
  multipleVaRequest,
  singleRequest,
  staticVa,
  T0,
  vaIssue,
  webhookNames,
} from "./fixtures.js";

const EXPIRY = T0 + 15 * MINUTE;

const steps = (snapshot: SessionSnapshot, events: ReadonlyArray<SessionEvent>) =>
  events.reduce((s, e) => accept(s, e).snapshot, snapshot);

const nonFinal: ReadonlyArray<{
  name: string;
  make: () => SessionSnapshot;
  session: string;
  charge: string | null;
}> = [
  {
    name: "REQUIRE_PAYMENT_METHOD",
    make: () => created(singleRequest(null)),
    session: "EXPIRED",
    charge: null,
  },
  {
    name: "REQUIRE_CONFIRMATION",
    make: () => created(singleRequest("VIRTUAL_ACCOUNT", { autoConfirm: false })),
    session: "EXPIRED",
    charge: null,
  },
  {
    name: "REQUIRE_ACTION",
    make: () => created(singleRequest("VIRTUAL_ACCOUNT"), { charge: vaIssue() }),
    session: "EXPIRED",
    charge: "EXPIRED",
  },
  {
    name: "PROCESSING (WAITING_FOR_AUTHENTICATION)",
    make: () =>
      steps(created(singleRequest("EWALLET"), { charge: ewalletIssue() }), [
        { type: "CUSTOMER_AUTHENTICATING", at: T0 + MINUTE },
      ]),
    session: "EXPIRED",
    charge: "EXPIRED",
  },
  {
    name: "PROCESSING (PROCESSING)",
    make: () =>
      steps(created(singleRequest("EWALLET"), { charge: ewalletIssue() }), [
        { type: "CHARGE_PROCESSING", at: T0 + MINUTE },
      ]),
    session: "EXPIRED",
    charge: "EXPIRED",
  },
  {
    name: "PROCESSING (WAITING_FOR_CAPTURE)",
    make: () =>
      steps(created(singleRequest("CARD", {}, "manual"), { charge: cardIssue() }), [
        { type: "AUTHORIZED", at: T0 + MINUTE, authorizedAmount: IDR(20_000) },
      ]),
    session: "CANCELLED",
    charge: "FAILED",
  },
];

describe("expiry (L4): time is an input", () => {
  it.each(nonFinal)(
    "expires from $name at expiryAt, with its open charge, and sends PAYMENT.CANCELLED",
    (row) => {
      const before = row.make();
      expect(sessionStatus(before)).not.toBe(row.session);
      const { snapshot, outcome } = accept(before, { type: "EXPIRE", at: EXPIRY });
      expect(sessionStatus(snapshot)).toBe(row.session);
      const charge = currentCharge(snapshot.context);
      expect(charge === null ? null : chargeStatus(charge)).toBe(row.charge);
      expect(webhookNames(outcome)).toEqual(["PAYMENT.CANCELLED"]);
      expect(toPaymentSession(snapshot).updatedAt).toBe("2025-03-30T06:03:17Z");
      if (row.session === "EXPIRED") expect(snapshot.context.cancellationReason).toBeNull();
    },
  );

  it.each(nonFinal)("does nothing to $name one millisecond before expiryAt", (row) => {
    const before = row.make();
    const applied = applyEvent(before, { type: "EXPIRE", at: EXPIRY - 1 });
    expect(applied.outcome).toMatchObject({ _tag: "Accepted", webhooks: [] });
    expect(applied.snapshot).toBe(before);
  });

  it.each(nonFinal)("reaches the same snapshot from $name whenever the sweeper notices", (row) => {
    const before = row.make();
    const early = accept(before, { type: "EXPIRE", at: EXPIRY }).snapshot;
    const late = accept(before, { type: "EXPIRE", at: EXPIRY + 7 * 24 * 60 * MINUTE }).snapshot;
    expect(late.value).toBe(early.value);
    expect(late.context).toEqual(early.context);
  });

  it("leaves a final session alone", () => {
    const paid = steps(created(singleRequest("VIRTUAL_ACCOUNT"), { charge: vaIssue() }), [
      { type: "PAYMENT_RECEIVED", at: T0 + MINUTE, chargeId: "charge-va-1", amount: IDR(20_000) },
    ]);
    const applied = applyEvent(paid, { type: "EXPIRE", at: EXPIRY + MINUTE });
    expect(applied.outcome).toMatchObject({ _tag: "Accepted", status: "PAID", webhooks: [] });
    expect(applied.snapshot).toBe(paid);
  });

  it("defaults expiryAt to createdAt + 15 minutes (C2)", () => {
    expect(toPaymentSession(created(singleRequest(null))).expiryAt).toBe("2025-03-30T06:03:17Z");
  });

  it("turns an ACTIVE MULTIPLE session with an expiryAt INACTIVE, without a callback", () => {
    const active = created(multipleVaRequest({ expiryAt: "2025-03-30T06:03:17Z" }), {
      paymentMethod: staticVa,
    });
    const { snapshot, outcome } = accept(active, { type: "EXPIRE", at: EXPIRY });
    expect(sessionStatus(snapshot)).toBe("INACTIVE");
    expect(webhookNames(outcome)).toEqual([]);
  });

  it("never expires an ACTIVE MULTIPLE session without expiryAt", () => {
    const active = created(multipleVaRequest(), { paymentMethod: staticVa });
    expect(active.context.expiryAt).toBeNull();
    expect(applyEvent(active, { type: "EXPIRE", at: T0 + 365 * 24 * 60 * MINUTE }).snapshot).toBe(active);
  });
});

describe("payments after the end (P3)", () => {
  const va = () => created(singleRequest("VIRTUAL_ACCOUNT"), { charge: vaIssue() });
  const late = {
    type: "PAYMENT_RECEIVED",
    at: EXPIRY + MINUTE,
    chargeId: "charge-va-1",
    amount: IDR(20_000),
  } as const;

  it("expires first, then records the payment as a late payment: no PAID, no callback for it", () => {
    const { snapshot, outcome } = applyEvent(va(), late);
    expect(outcome).toMatchObject({
      _tag: "LatePaymentRecorded",
      status: "EXPIRED",
      latePayment: { chargeId: "charge-va-1", amount: IDR(20_000), receivedAt: EXPIRY + MINUTE },
    });
    expect(webhookNames(outcome)).toEqual(["PAYMENT.CANCELLED"]);
    expect(toPaymentSession(snapshot).lateCharges).toEqual([
      { chargeId: "charge-va-1", amount: IDR(20_000), receivedAt: "2025-03-30T06:04:17Z" },
    ]);
  });

  it("lazily reaches what the sweeper reaches: EXPIRE then the payment", () => {
    const lazy = applyEvent(va(), late).snapshot;
    const swept = applyEvent(accept(va(), { type: "EXPIRE", at: EXPIRY }).snapshot, late);
    expect(swept.outcome._tag).toBe("LatePaymentRecorded");
    expect(webhookNames(swept.outcome)).toEqual([]);
    expect(swept.snapshot.value).toBe(lazy.value);
    expect(swept.snapshot.context).toEqual(lazy.context);
  });

  it("records a late payment once (P2)", () => {
    const once = applyEvent(va(), late).snapshot;
    const twice = applyEvent(once, { ...late, at: late.at + MINUTE });
    expect(twice.outcome._tag).toBe("Duplicate");
    expect(twice.snapshot).toBe(once);
  });

  it("refuses a payment after a merchant cancel before any charge: nothing to pay into", () => {
    const pending = created(singleRequest("VIRTUAL_ACCOUNT", { autoConfirm: false }));
    const cancelled = accept(pending, {
      type: "CANCEL",
      at: T0 + MINUTE,
      cancellationReason: "DUPLICATED",
    }).snapshot;
    for (const chargeId of ["phantom-1", "phantom-2"]) {
      const { snapshot, outcome } = applyEvent(cancelled, { ...late, chargeId, at: T0 + 2 * MINUTE });
      expect(outcome).toMatchObject({ _tag: "Refused", code: "invalid_state", status: "CANCELLED" });
      expect(snapshot).toBe(cancelled);
    }
  });

  it("refuses a payment that notices the expiry of a session without a charge", () => {
    const pending = created(singleRequest("VIRTUAL_ACCOUNT", { autoConfirm: false }));
    const { outcome } = applyEvent(pending, { ...late, chargeId: "phantom-1", at: T0 + 60 * MINUTE });
    expect(outcome).toMatchObject({ _tag: "Refused", code: "invalid_state" });
    const expired = accept(pending, { type: "EXPIRE", at: T0 + 60 * MINUTE }).snapshot;
    expect(
      applyEvent(expired, { ...late, chargeId: "phantom-2", at: T0 + 60 * MINUTE }).outcome,
    ).toMatchObject({
      _tag: "Refused",
      code: "invalid_state",
      status: "EXPIRED",
    });
  });
});
