/**
 * The event lists the tables and the graph tests iterate are complete: every member of the event
 * union is listed (a type-level check: `satisfies` alone only says each listed name is valid) and
 * none twice. The type assertions are checked by `pnpm typecheck` (tsc over every
 * package's tests, a CI step); the run-time ones by vitest.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  type ChargeEvent,
  type ChargeEventType,
  chargeEventTypes,
  type SessionEvent,
  type SessionEventType,
  sessionEventTypes,
} from "../../src/lifecycle/index.js";
import { type WebhookEvent, webhookEvents } from "../../src/schemas/index.js";

describe("sessionEventTypes", () => {
  it("lists every SessionEvent type, and nothing else", () => {
    expectTypeOf<(typeof sessionEventTypes)[number]>().toEqualTypeOf<SessionEventType>();
    expectTypeOf<SessionEvent["type"]>().toEqualTypeOf<(typeof sessionEventTypes)[number]>();
  });
  it("lists each once", () => {
    expect(new Set(sessionEventTypes).size).toBe(sessionEventTypes.length);
  });
});

describe("chargeEventTypes", () => {
  it("lists every ChargeEvent type, and nothing else", () => {
    expectTypeOf<(typeof chargeEventTypes)[number]>().toEqualTypeOf<ChargeEventType>();
    expectTypeOf<ChargeEvent["type"]>().toEqualTypeOf<(typeof chargeEventTypes)[number]>();
  });
  it("lists each once", () => {
    expect(new Set(chargeEventTypes).size).toBe(chargeEventTypes.length);
  });
  it("is the session events that concern a charge, plus SESSION_EXPIRED", () => {
    expectTypeOf<Exclude<ChargeEventType, SessionEventType>>().toEqualTypeOf<"SESSION_EXPIRED">();
  });
});

describe("webhookEvents", () => {
  it("lists every WebhookEvent, each once", () => {
    expectTypeOf<(typeof webhookEvents)[number]>().toEqualTypeOf<WebhookEvent>();
    expect(new Set(webhookEvents).size).toBe(webhookEvents.length);
  });
});
