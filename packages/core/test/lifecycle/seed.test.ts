/**
 * seedPath: every documented (session, charge) pair is reached by a shortest path of accepted
 * events, replaying the path through createSession / applyEvent gives the same session, and a pair
 * the lifecycle cannot show has no path.
 */
import { describe, expect, it } from "vitest";
import {
  applyEvent,
  catalogueSeedPath,
  createSession,
  currentCharge,
  documentedStatusPairs,
  plainCreateStatus,
  seedPath,
  sessionStatus,
} from "../../src/lifecycle/index.js";
import { T0 } from "./fixtures.js";

// Searches take a second on a loaded machine: a generous timeout, no timing assertion.
describe("seedPath", { timeout: 60_000 }, () => {
  it("reaches every documented (session, charge) pair, and the path replays to the same session", () => {
    for (const pair of documentedStatusPairs) {
      const target = { status: pair.session, ...(pair.charge === null ? {} : { chargeStatus: pair.charge }) };
      const path = seedPath(target, T0);
      expect(path, `${pair.session}/${pair.charge}`).not.toBeNull();
      if (path === null) continue;
      expect(sessionStatus(path.snapshot)).toBe(pair.session);
      if (pair.charge !== null) expect(currentCharge(path.snapshot.context)?.state).toBe(pair.charge);
      const created = createSession(path.request, path.create);
      if (!created.ok) throw new Error(created.refusal.message);
      let snapshot = created.snapshot;
      for (const step of path.steps) {
        const applied = applyEvent(snapshot, step.event);
        expect(applied.outcome._tag, `${pair.session}: ${step.event.type}`).not.toBe("Refused");
        snapshot = applied.snapshot;
      }
      expect(snapshot).toEqual(path.snapshot);
      // Shortest: no prefix of the path is already the target.
      for (const step of path.steps) expect(step.before === path.snapshot).toBe(false);
    }
  });

  it("prefers what a merchant does: a merchant cancel for CANCELLED, time for EXPIRED, the catalogue's VA", () => {
    expect(seedPath({ status: "CANCELLED" }, T0)?.steps.map((s) => s.event.type)).toEqual(["CANCEL"]);
    expect(seedPath({ status: "EXPIRED" }, T0)?.steps.map((s) => s.event.type)).toEqual(["EXPIRE"]);
    expect(seedPath({ status: "PAID" }, T0)?.request.paymentMethod?.type).toBe("VIRTUAL_ACCOUNT");
    const failed = seedPath({ status: "CANCELLED", cancellationReason: "CHARGE_FAILED" }, T0);
    expect(failed?.steps.map((s) => s.event.type)).toEqual(["CHARGE_FAILED"]);
    const multiple = seedPath({ status: "INACTIVE", paymentsReceived: 2 }, T0);
    expect(multiple?.steps.map((s) => s.event.type)).toEqual([
      "PAYMENT_RECEIVED",
      "PAYMENT_RECEIVED",
      "EXPIRE",
    ]);
  });

  it("finds no path to a pair the lifecycle cannot show", () => {
    expect(seedPath({ status: "PAID", chargeStatus: "FAILED" }, T0)).toBeNull();
    expect(seedPath({ status: "REQUIRE_ACTION", paymentType: "MULTIPLE" }, T0)).toBeNull();
  });

  it("names the status of a create without a method (decision C1): the default of a target without one", () => {
    expect(plainCreateStatus).toBe("REQUIRE_PAYMENT_METHOD");
    const path = seedPath({ status: plainCreateStatus, paymentMethodType: undefined }, T0);
    expect(path?.steps).toEqual([]);
    expect(path?.created.context.charges).toEqual([]);
  });
});

describe("catalogueSeedPath: the provider-state catalogue's defaults", { timeout: 60_000 }, () => {
  const MINUTE = 60_000;
  it("gives a SINGLE session an expiry 15 minutes after now and a MULTIPLE one none", () => {
    expect(catalogueSeedPath({ status: "PAID" }, T0)?.created.context.expiryAt).toBe(T0 + 15 * MINUTE);
    expect(catalogueSeedPath({ status: "ACTIVE" }, T0)?.created.context.expiryAt).toBeNull();
  });
  it("expires a session a minute before now when only its expiry reaches the target", () => {
    const path = catalogueSeedPath({ status: "EXPIRED" }, T0);
    expect(path?.created.context.expiryAt).toBe(T0 - MINUTE);
    expect(path?.steps.at(-1)?.event.type).toBe("EXPIRE");
    expect(path?.endsAt).toBeLessThanOrEqual(T0);
  });
  it("captures a card automatically unless only a manual capture reaches the target", () => {
    for (const status of ["REQUIRE_ACTION", "PAID"] as const) {
      const card = catalogueSeedPath({ status, paymentMethodType: "CARD" }, T0);
      expect(card?.request.paymentMethodOptions?.card?.captureMethod, status).toBe("automatic");
    }
    const waiting = catalogueSeedPath({ status: "PROCESSING", chargeStatus: "WAITING_FOR_CAPTURE" }, T0);
    expect(waiting?.request.paymentMethodOptions?.card?.captureMethod).toBe("manual");
  });
  it("keeps an expiry the target gives", () => {
    expect(
      catalogueSeedPath({ status: "PAID", expiryAt: T0 + 60 * MINUTE }, T0)?.created.context.expiryAt,
    ).toBe(T0 + 60 * MINUTE);
  });
});
