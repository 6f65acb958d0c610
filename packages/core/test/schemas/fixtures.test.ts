import { readFileSync } from "node:fs";
import { Result, Schema } from "effect";
import { describe, expect, it } from "vitest";
import {
  AccessToken,
  Charge,
  ConfirmPaymentSessionRequest,
  CreatePaymentSessionRequest,
  decodeBody,
  ErrorEnvelope,
  encodeBody,
  PaymentMethodSelection,
  PaymentSession,
  SuccessEnvelope,
} from "../../src/schemas/index.js";

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8"));

const ChargeDetails = Schema.Struct({ chargeDetails: Schema.Array(Charge) });

const cases: ReadonlyArray<[string, Schema.Codec<unknown, unknown>]> = [
  ["seed-create-request.json", CreatePaymentSessionRequest],
  ["seed-define-payment-method.json", PaymentMethodSelection],
  ["seed-confirm-request.json", ConfirmPaymentSessionRequest],
  ["seed-charge-details.json", ChargeDetails],
  ["session-va-require-action.json", PaymentSession],
  ["charge-qr.json", Charge],
  ["charge-ewallet.json", Charge],
  ["charge-card-captured.json", Charge],
  ["error-validation.json", ErrorEnvelope],
  ["access-token.json", SuccessEnvelope(AccessToken)],
];

describe("documented bodies decode and re-encode to the same JSON", () => {
  for (const [name, schema] of cases) {
    it(name, () => {
      const json = fixture(name);
      const decoded = decodeBody(schema)(json);
      if (Result.isFailure(decoded)) throw new Error(JSON.stringify(decoded.failure.details));
      expect(encodeBody(schema)(decoded.success)).toEqual(json);
    });
  }
});

describe("what the seed bodies mean", () => {
  it("the create request is a VA session in mode API with its expiry kept as sent", () => {
    const decoded = decodeBody(CreatePaymentSessionRequest)(fixture("seed-create-request.json"));
    expect(decoded).toEqual(
      Result.succeed({
        clientReferenceId: "1743240981",
        amount: { value: 20000, currency: "IDR" },
        paymentMethod: { type: "VIRTUAL_ACCOUNT" },
        paymentMethodOptions: {
          virtualAccount: { channel: "PERMATA", virtualAccountName: "Reforza Harsya" },
        },
        mode: "API",
        autoConfirm: true,
        statementDescriptor: "Harsya",
        expiryAt: "2025-03-31T23:59:05Z",
        metadata: { invoiceNo: "INV001" },
      }),
    );
  });

  it("the charge fragment keeps the nanosecond instants exactly", () => {
    const decoded = decodeBody(ChargeDetails)(fixture("seed-charge-details.json"));
    const charge = Result.isSuccess(decoded) ? decoded.success.chargeDetails[0] : undefined;
    expect(charge?.createdAt).toBe("2025-03-30T05:48:17.105883834Z");
    expect(charge?.status).toBe("WAITING_FOR_USER_ACTION");
    expect(charge?.virtualAccount?.virtualAccountNumber).toBe("76630000123456");
  });

  it("unknown fields are dropped, not refused (liberal reader)", () => {
    const body = {
      ...(fixture("seed-confirm-request.json") as object),
      somethingNew: { a: 1 },
      saveForFuture: true,
    };
    const decoded = decodeBody(ConfirmPaymentSessionRequest)(body);
    expect(decoded).toEqual(Result.succeed(fixture("seed-confirm-request.json")));
  });
});
