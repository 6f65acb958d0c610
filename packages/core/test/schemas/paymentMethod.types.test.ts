/**
 * `PaymentMethod` is a union discriminated by `type`: one member per `PaymentMethodType`, and
 * narrowing on `type` reaches that member's part without a cast. The type assertions are checked
 * by `pnpm typecheck` (tsc over every package's tests, a CI step); the run-time ones by vitest.
 */
import { Schema } from "effect";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  type PaymentMethod,
  PaymentMethod as PaymentMethodSchema,
  type PaymentMethodType,
  type PaymentMethodVirtualAccount,
  paymentMethodTypes,
} from "../../src/schemas/index.js";

describe("PaymentMethod", () => {
  it("has one member per PaymentMethodType, in the type and in the encoded (client) form", () => {
    expectTypeOf<PaymentMethod["type"]>().toEqualTypeOf<PaymentMethodType>();
    expectTypeOf<(typeof PaymentMethodSchema.Encoded)["type"]>().toEqualTypeOf<PaymentMethodType>();
    expect(PaymentMethodSchema.members.map((m) => m.fields.type.literal).sort()).toEqual(
      [...paymentMethodTypes].sort(),
    );
  });

  it("narrows on type to the member's own part", () => {
    const vaNumber = (pm: PaymentMethod) =>
      pm.type === "VIRTUAL_ACCOUNT" ? pm.virtualAccount?.virtualAccountNumber : undefined;
    expectTypeOf<Extract<PaymentMethod, { type: "VIRTUAL_ACCOUNT" }>["virtualAccount"]>().toEqualTypeOf<
      PaymentMethodVirtualAccount | null | undefined
    >();
    expect(vaNumber({ type: "VIRTUAL_ACCOUNT", virtualAccount: { virtualAccountNumber: "8808" } })).toBe(
      "8808",
    );
  });

  it("refuses, at compile time, a part of another type and reading a part before narrowing", () => {
    // @ts-expect-error a CARD payment method has no virtualAccount part
    const mixed: PaymentMethod = { type: "CARD", virtualAccount: { channel: "BCA" } };
    // @ts-expect-error without narrowing on type, the card part is not known to exist
    const cardOf = (pm: PaymentMethod) => pm.card;
    expect(Schema.decodeUnknownSync(PaymentMethodSchema)(mixed)).toEqual({ type: "CARD" });
    expect(cardOf({ type: "CARD", card: null })).toBeNull();
  });
});
