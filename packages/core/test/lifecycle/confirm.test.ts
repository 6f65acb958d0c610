import { describe, expect, it } from "vitest";
import {
  applyEvent,
  chargeRequestFor,
  chargeStatus,
  defaultPaymentMethodConfig,
  sessionStatus,
  toPaymentSession,
} from "../../src/lifecycle/index.js";
import {
  accept,
  cardIssue,
  created,
  IDR,
  MINUTE,
  optionsFor,
  qrIssue,
  refuse,
  singleRequest,
  T0,
  theCharge,
  vaIssue,
  webhookNames,
} from "./fixtures.js";

const confirmQr = (at = T0 + MINUTE) =>
  ({
    type: "CONFIRM",
    at,
    paymentMethod: { type: "QR" },
    paymentMethodOptions: optionsFor("QR"),
    charge: qrIssue(),
  }) as const;

describe("confirm (L1)", () => {
  it.each([
    ["REQUIRE_PAYMENT_METHOD", () => created(singleRequest(null))],
    ["REQUIRE_CONFIRMATION", () => created(singleRequest("VIRTUAL_ACCOUNT", { autoConfirm: false }))],
  ] as const)("from %s: the body's method replaces any earlier one and opens the charge", (status, make) => {
    const before = make();
    expect(sessionStatus(before)).toBe(status);
    const { snapshot, outcome } = accept(before, confirmQr());
    expect([sessionStatus(snapshot), chargeStatus(theCharge(snapshot))]).toEqual([
      "REQUIRE_ACTION",
      "WAITING_FOR_USER_ACTION",
    ]);
    expect(webhookNames(outcome)).toEqual([]);
    expect(toPaymentSession(snapshot)).toMatchObject({
      paymentMethod: { type: "QR" },
      chargeDetails: [
        { id: "charge-qr-1", status: "WAITING_FOR_USER_ACTION", createdAt: "2025-03-30T05:49:17Z" },
      ],
    });
  });

  it("is refused once a charge exists (invalid_state, message names confirm and the status)", () => {
    const refusal = refuse(
      created(singleRequest("VIRTUAL_ACCOUNT"), { charge: vaIssue() }),
      confirmQr(),
      "invalid_state",
    );
    expect(refusal.message).toBe(
      "Payment session in status REQUIRE_ACTION is not allowed to confirm payment session",
    );
  });

  it("is refused after expiry, naming EXPIRED, with the input snapshot returned", () => {
    const before = created(singleRequest(null));
    const refusal = refuse(before, confirmQr(T0 + 15 * MINUTE), "invalid_state");
    expect(refusal.status).toBe("EXPIRED");
  });

  it("validates the chosen method's amount bounds (C5) with details", () => {
    const small = created(singleRequest(null, { amount: IDR(5_000) }));
    const refusal = refuse(
      small,
      { type: "CONFIRM", at: T0 + MINUTE, paymentMethod: { type: "CARD" }, charge: cardIssue() },
      "validation",
    );
    expect(refusal.details).toEqual([
      { field: "amount.value", message: "amount 5000 is below the CARD minimum of 10000" },
    ]);
  });

  it("validates the session expiry against the chosen method's maximum (C3) and a merchant config", () => {
    const longLived = created(singleRequest(null, { expiryAt: "2025-03-31T05:48:17Z" }));
    const refusal = refuse(longLived, confirmQr(), "validation");
    expect(refusal.details).toEqual([
      { field: "expiryAt", message: "expiryAt is beyond the QR maximum of 60 minutes" },
    ]);
    const generous = {
      ...defaultPaymentMethodConfig,
      methods: {
        ...defaultPaymentMethodConfig.methods,
        QR: { ...defaultPaymentMethodConfig.methods.QR, maximumExpiryMs: 2 * 24 * 60 * MINUTE },
      },
    };
    accept(longLived, { ...confirmQr(), config: generous });
  });

  it("refuses a disabled method", () => {
    const config = {
      ...defaultPaymentMethodConfig,
      methods: {
        ...defaultPaymentMethodConfig.methods,
        QR: { ...defaultPaymentMethodConfig.methods.QR, enabled: false },
      },
    };
    const refusal = refuse(created(singleRequest(null)), { ...confirmQr(), config }, "validation");
    expect(refusal.details?.[0]?.field).toBe("paymentMethod.type");
  });

  it("tells the provider beforehand which charge a confirm opens (chargeRequestFor), or none", () => {
    const pending = created(singleRequest(null));
    const { charge: _issued, ...intent } = confirmQr();
    expect(chargeRequestFor(pending, intent)).toMatchObject({
      method: "QR",
      amount: IDR(20_000),
      expiryAt: T0 + 15 * MINUTE,
      captureMethod: "automatic",
    });
    const active = created(singleRequest("VIRTUAL_ACCOUNT"), { charge: vaIssue() });
    expect(chargeRequestFor(active, intent)).toBeNull();
    expect(applyEvent(pending, confirmQr()).outcome._tag).toBe("Accepted");
  });
});
