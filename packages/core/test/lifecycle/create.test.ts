import { describe, expect, it } from "vitest";
import {
  chargeRequestFor,
  createSession,
  sessionStatus,
  toPaymentSession,
} from "../../src/lifecycle/index.js";
import {
  cardIssue,
  created,
  IDR,
  multipleVaRequest,
  singleRequest,
  staticVa,
  T0,
  vaIssue,
} from "./fixtures.js";

describe("create (C1): the machine picks the first status", () => {
  it("no paymentMethod → REQUIRE_PAYMENT_METHOD, no charge", () => {
    const snapshot = created(singleRequest(null));
    expect(sessionStatus(snapshot)).toBe("REQUIRE_PAYMENT_METHOD");
    expect(toPaymentSession(snapshot)).toMatchObject({ paymentMethod: null, chargeDetails: null });
  });

  it("method + autoConfirm false → REQUIRE_CONFIRMATION, no charge", () => {
    const snapshot = created(singleRequest("CARD", { autoConfirm: false }), { encryptionKey: "MIIBIjAN…" });
    expect(sessionStatus(snapshot)).toBe("REQUIRE_CONFIRMATION");
    expect(toPaymentSession(snapshot)).toMatchObject({ chargeDetails: null, encryptionKey: "MIIBIjAN…" });
  });

  it("method + autoConfirm (default true) → REQUIRE_ACTION with the issued charge", () => {
    const snapshot = created(singleRequest("CARD", { mode: "REDIRECT" }), {
      charge: cardIssue(),
      paymentUrl: "https://pay-stg.pivot-payment.com/x",
    });
    expect(sessionStatus(snapshot)).toBe("REQUIRE_ACTION");
    const session = toPaymentSession(snapshot);
    expect(session.autoConfirm).toBe(true);
    expect(session.paymentUrl).toBe("https://creditcard-webview-stg.harsya.com/3ds/abc");
    expect(session.chargeDetails?.[0]).toMatchObject({ status: "WAITING_FOR_USER_ACTION", card: {} });
  });

  it("MULTIPLE (VA, API, autoConfirm) → ACTIVE with the static VA as paymentMethod and no charge", () => {
    const snapshot = created(multipleVaRequest(), { paymentMethod: staticVa });
    expect(sessionStatus(snapshot)).toBe("ACTIVE");
    expect(toPaymentSession(snapshot)).toMatchObject({
      amount: IDR(0),
      expiryAt: null,
      chargeDetails: null,
      paymentMethod: staticVa,
    });
  });

  it("keeps the merchant's fields for rendering", () => {
    const snapshot = created(
      singleRequest(null, {
        metadata: { invoiceNo: "INV001" },
        statementDescriptor: "Harsya",
        redirectUrl: { successReturnUrl: "https://shop/ok" },
        customerId: "cust-1",
      }),
    );
    expect(toPaymentSession(snapshot)).toMatchObject({
      clientReferenceId: "INV-2025-0001",
      metadata: { invoiceNo: "INV001" },
      statementDescriptor: "Harsya",
      redirectUrl: { successReturnUrl: "https://shop/ok" },
      customerId: "cust-1",
      mode: "API",
      paymentType: "SINGLE",
      createdAt: "2025-03-30T05:48:17Z",
    });
  });
});

describe("create refusals (C3, C5, MULTIPLE rules)", () => {
  const refusalOf = (result: ReturnType<typeof createSession>) => {
    if (result.ok) throw new Error("expected a refusal");
    return result.refusal;
  };

  it("refuses an expiryAt in the past with a detail for expiryAt", () => {
    const refusal = refusalOf(
      createSession(singleRequest(null, { expiryAt: "2025-03-30T05:48:17Z" }), { id: "s", at: T0 }),
    );
    expect(refusal).toMatchObject({ code: "validation", operation: "create", status: null });
    expect(refusal.details).toEqual([
      { field: "expiryAt", message: "expiryAt must be later than the request instant" },
    ]);
  });

  it("refuses an expiryAt beyond the method maximum (e-wallet 30 min)", () => {
    const refusal = refusalOf(
      createSession(singleRequest("EWALLET", { expiryAt: "2025-03-30T06:18:18Z" }), { id: "s", at: T0 }),
    );
    expect(refusal.details).toEqual([
      { field: "expiryAt", message: "expiryAt is beyond the EWALLET maximum of 30 minutes" },
    ]);
  });

  it("refuses amounts outside the method bounds with a detail for amount.value", () => {
    const refusal = refusalOf(
      createSession(singleRequest("QR", { amount: IDR(10_000_000) }), { id: "s", at: T0, charge: vaIssue() }),
    );
    expect(refusal.details).toEqual([
      { field: "amount.value", message: "amount 10000000 is above the QR maximum of 9999999" },
    ]);
  });

  it("refuses MULTIPLE outside mode API, for cards, without autoConfirm, and a static QR with an amount", () => {
    const refusal = refusalOf(
      createSession(
        {
          clientReferenceId: "r",
          paymentType: "MULTIPLE",
          mode: "REDIRECT",
          autoConfirm: false,
          paymentMethod: { type: "CARD" },
        },
        { id: "s", at: T0 },
      ),
    );
    expect(refusal.details?.map((d) => d.field)).toEqual(["mode", "paymentMethod.type", "autoConfirm"]);
    const qr = refusalOf(
      createSession(
        {
          clientReferenceId: "r",
          paymentType: "MULTIPLE",
          mode: "API",
          amount: IDR(5_000),
          paymentMethod: { type: "QR" },
        },
        { id: "s", at: T0 },
      ),
    );
    expect(qr.details?.map((d) => d.field)).toEqual(["amount"]);
  });

  it("refuses with charge_required when the request opens a charge and none was issued", () => {
    const refusal = refusalOf(createSession(singleRequest("VIRTUAL_ACCOUNT"), { id: "s", at: T0 }));
    expect(refusal.code).toBe("charge_required");
  });
});

describe("chargeRequestFor(request)", () => {
  it("names the method, amount and capture method of the charge a create opens", () => {
    expect(chargeRequestFor(singleRequest("CARD", {}, "manual"))).toMatchObject({
      method: "CARD",
      amount: IDR(20_000),
      captureMethod: "manual",
    });
  });

  it("is null when nothing opens a charge", () => {
    expect(chargeRequestFor(singleRequest(null))).toBeNull();
    expect(chargeRequestFor(singleRequest("VIRTUAL_ACCOUNT", { autoConfirm: false }))).toBeNull();
    expect(chargeRequestFor(multipleVaRequest())).toBeNull();
  });
});
