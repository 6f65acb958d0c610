import { describe, expect, it } from "vitest";
import {
  applyEvent,
  cardPaymentEvents,
  catalogueSeedPath,
  type SessionSnapshot,
  sandboxOtherCard,
  sandboxTestCardOf,
  sandboxTestCards,
  sandboxTestPhoneOf,
  sessionStatus,
  toPaymentSession,
} from "../../src/lifecycle/index.js";
import { T0 } from "./fixtures.js";

describe("the sandbox's test cards and phones (decision S3)", () => {
  it("finds every documented test card by what the sandbox keeps of it (first8, last4), and no other", () => {
    for (const card of sandboxTestCards) {
      expect(sandboxTestCardOf({ first8: card.number.slice(0, 8), last4: card.number.slice(-4) })).toBe(card);
    }
    expect(sandboxTestCardOf({ first8: "42424242", last4: "4242" })).toBe(sandboxOtherCard);
    expect(sandboxTestCardOf({})).toBe(sandboxOtherCard);
  });

  it("reads a test phone however a merchant writes it", () => {
    for (const written of ["08111111003", "+628111111003", "628111111003", "8111111003", "0811-1111-003"]) {
      expect(sandboxTestPhoneOf(written)?.charge).toBe("FAILED");
    }
    expect(sandboxTestPhoneOf("08111111009")).toBeUndefined();
    expect(sandboxTestPhoneOf(null)).toBeUndefined();
  });
});

describe("the hosted page's card payment (cardPaymentEvents)", () => {
  const pay = (snapshot: SessionSnapshot, at: number) => {
    const charge = toPaymentSession(snapshot).chargeDetails?.at(-1);
    if (charge === undefined) throw new Error("no charge");
    const events = cardPaymentEvents(charge, at);
    let now = snapshot;
    for (const event of events) now = applyEvent(now, event).snapshot;
    return { types: events.map((event) => event.type), status: sessionStatus(now) };
  };

  it("authenticates a charge waiting for its customer, then the issuer authorises it in full: PAID", () => {
    const path = catalogueSeedPath({ status: "REQUIRE_ACTION", paymentMethodType: "CARD" }, T0);
    if (path === null) throw new Error("no path");
    expect(pay(path.snapshot, T0)).toEqual({
      types: ["CUSTOMER_AUTHENTICATING", "AUTHORIZED"],
      status: "PAID",
    });
  });

  it("does not authenticate again once authentication has started", () => {
    const path = catalogueSeedPath({ status: "REQUIRE_ACTION", paymentMethodType: "CARD" }, T0);
    if (path === null) throw new Error("no path");
    const started = applyEvent(path.snapshot, { type: "CUSTOMER_AUTHENTICATING", at: T0 }).snapshot;
    expect(pay(started, T0)).toEqual({ types: ["AUTHORIZED"], status: "PAID" });
  });
});
