/**
 * The seed page's example values (facts §6: a PERMATA virtual account session created on
 * 2025-03-30T05:48:17Z), shared by the tests, the docs generators, the demo and the benchmarks.
 *
 * @since 0.2.0
 */
import type { IssuedCharge } from "../lifecycle/types.js";
import type { CreatePaymentSessionRequest } from "../schemas/CreatePaymentSessionRequest.js";
import type { PaymentMethodType } from "../schemas/Enums.js";

/** 2025-03-30T05:48:17Z (epoch ms), the seed page's charge instant. @since 0.2.0 @category Testing */
export const seedPageInstant = Date.UTC(2025, 2, 30, 5, 48, 17);

/** An IDR amount. @since 0.2.0 @category Testing */
export const idr = (value: number) => ({ value, currency: "IDR" });

/**
 * The seed page's create body: 20 000 IDR on a PERMATA virtual account, mode API, autoConfirm
 * (decision C1: REQUIRE_ACTION with a waiting charge); the expiry left to the default.
 *
 * @since 0.2.0
 * @category Testing
 */
export const seedCreateRequest = {
  clientReferenceId: "1743240981",
  amount: { value: 20000, currency: "IDR" },
  paymentMethod: { type: "VIRTUAL_ACCOUNT" },
  paymentMethodOptions: { virtualAccount: { channel: "PERMATA", virtualAccountName: "Reforza Harsya" } },
  mode: "API",
  autoConfirm: true,
  statementDescriptor: "Harsya",
  metadata: { invoiceNo: "INV001" },
} as const satisfies CreatePaymentSessionRequest;

/** The charge the gateway opens for a PERMATA virtual account. @since 0.2.0 @category Testing */
export const vaIssue = (id = "charge-va-1"): IssuedCharge => ({
  id,
  instrument: {
    virtualAccount: {
      channel: "PERMATA",
      virtualAccountNumber: "76630000123456",
      virtualAccountName: "Pivot - Reforza Harsya",
      expiryAt: "2025-03-30T06:03:17Z",
    },
  },
});

/** A dynamic QRIS charge. @since 0.2.0 @category Testing */
export const qrIssue = (id = "charge-qr-1"): IssuedCharge => ({
  id,
  instrument: { qr: { acquirer: "BRI", qrContent: "00020101021226…", qrType: "DYNAMIC", expiryAt: null } },
});

/** A ShopeePay e-wallet charge with its app deeplink. @since 0.2.0 @category Testing */
export const ewalletIssue = (id = "charge-ew-1"): IssuedCharge => ({
  id,
  instrument: { ewallet: { channel: "SHOPEEPAY" } },
  paymentUrl: "shopeepayid://pay?token=abc",
});

/** A card charge with its 3DS page. @since 0.2.0 @category Testing */
export const cardIssue = (id = "charge-card-1"): IssuedCharge => ({
  id,
  instrument: { card: {} },
  paymentUrl: "https://creditcard-webview-stg.harsya.com/3ds/abc",
});

/** The example charge of a method. @since 0.2.0 @category Testing */
export const issueFor = (method: PaymentMethodType, id?: string): IssuedCharge => {
  switch (method) {
    case "VIRTUAL_ACCOUNT":
      return vaIssue(id);
    case "QR":
      return qrIssue(id);
    case "EWALLET":
      return ewalletIssue(id);
    case "CARD":
      return cardIssue(id);
  }
};
