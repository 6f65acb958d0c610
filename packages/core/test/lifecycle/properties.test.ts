/**
 * Properties of the lifecycle over random event sequences with random instants (fast-check; the
 * seed is fixed in CI and random locally, printed either way; a failure prints the seed and the
 * path to replay it). One named property per invariant.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createActor } from "xstate";
import {
  type Applied,
  applyEvent,
  chargeStatus,
  createSession,
  currentCharge,
  documentedStatusPairs,
  isFinalSessionStatus,
  persistSession,
  restoreSession,
  type SessionContext,
  type SessionEvent,
  type SessionSnapshot,
  sessionMachine,
  sessionStatus,
  sessionStatusRank,
} from "../../src/lifecycle/index.js";
import { withCreateDefaults } from "../../src/schemas/index.js";
import {
  materialize,
  type Scenario,
  scenarioArb,
  seed,
  type TimedSpec,
  timedSpecsArb,
} from "./arbitraries.js";
import { T0 } from "./fixtures.js";

const RUNS = { seed, numRuns: 1000 } as const;

const start = (scenario: Scenario): SessionSnapshot => {
  const result = createSession(scenario.request, { id: "session-p", at: T0, ...scenario.context });
  if (!result.ok) throw new Error(`scenario ${scenario.name} refused: ${result.refusal.message}`);
  return result.snapshot;
};

/** Drives a scenario through its specs, calling `check` after every step. */
const run = (
  scenario: Scenario,
  specs: ReadonlyArray<TimedSpec>,
  check: (before: SessionSnapshot, event: SessionEvent, applied: Applied) => void,
): SessionSnapshot => {
  let snapshot = start(scenario);
  let at = T0;
  specs.forEach(({ delay, spec }, n) => {
    at += delay;
    const event = materialize(spec, snapshot, at, n);
    const applied = applyEvent(snapshot, event);
    check(snapshot, event, applied);
    snapshot = applied.snapshot;
  });
  return snapshot;
};

const pairIsDocumented = (snapshot: SessionSnapshot): boolean => {
  const charge = currentCharge(snapshot.context);
  const pair = { session: sessionStatus(snapshot), charge: charge === null ? null : chargeStatus(charge) };
  return documentedStatusPairs.some((p) => p.session === pair.session && p.charge === pair.charge);
};

const successCount = (ctx: SessionContext) => ctx.charges.filter((c) => c.state === "SUCCESS").length;

type StepCheck = (before: SessionSnapshot, event: SessionEvent, applied: Applied) => void;

/** One named invariant, checked after every event of random scenarios and event sequences. */
const afterEveryEvent = (name: string, check: StepCheck) =>
  it(name, () => {
    fc.assert(
      fc.property(scenarioArb, timedSpecsArb, (scenario, specs) => {
        run(scenario, specs, check);
      }),
      RUNS,
    );
  });

// One property per invariant (a failure names it and shrinks for it alone). Each runs 1000 random
// sequences and takes seconds on a loaded machine: a generous timeout, no timing assertion.
describe("lifecycle invariants (P4, P5, P6, L4, 9.3, W1)", { timeout: 120_000 }, () => {
  afterEveryEvent(
    "a refused event leaves the snapshot unchanged (the same object)",
    (before, _e, applied) => {
      if (applied.outcome._tag === "Refused") expect(applied.snapshot).toBe(before);
    },
  );

  afterEveryEvent(
    "a final status never changes and the status rank never falls (P5)",
    (before, _e, applied) => {
      const was = sessionStatus(before);
      const is = sessionStatus(applied.snapshot);
      if (isFinalSessionStatus(was)) expect(is).toBe(was);
      expect(sessionStatusRank[is]).toBeGreaterThanOrEqual(sessionStatusRank[was]);
    },
  );

  afterEveryEvent(
    "a SINGLE session has at most one charge and one SUCCESS; MULTIPLE charges are all SUCCESS (P4)",
    (_before, _e, { snapshot: after }) => {
      const ctx = after.context;
      if (ctx.settings.paymentType === "SINGLE") {
        expect(ctx.charges.length).toBeLessThanOrEqual(1);
        expect(successCount(ctx)).toBeLessThanOrEqual(1);
      } else {
        expect(ctx.charges.every((c) => c.state === "SUCCESS")).toBe(true);
      }
    },
  );

  afterEveryEvent(
    "captured ≤ authorized ≤ amount on every charge (P6)",
    (_before, _e, { snapshot: after }) => {
      for (const charge of after.context.charges) {
        const { authorizedAmount, capturedAmount, amount } = charge.context;
        if (authorizedAmount !== null) expect(authorizedAmount).toBeLessThanOrEqual(amount.value);
        if (capturedAmount !== null) expect(capturedAmount).toBeLessThanOrEqual(authorizedAmount ?? -1);
      }
    },
  );

  afterEveryEvent(
    "amount, currency and method never change once a charge exists",
    (before, _e, { snapshot: after }) => {
      const ctx = after.context;
      expect(ctx.amount).toEqual(before.context.amount);
      for (const old of before.context.charges) {
        const same = ctx.charges.find((c) => c.context.id === old.context.id);
        expect(same?.context.amount).toEqual(old.context.amount);
        expect(same?.context.method).toBe(old.context.method);
      }
      if (before.context.charges.length > 0)
        expect(ctx.paymentMethod?.type).toBe(before.context.paymentMethod?.type);
    },
  );

  afterEveryEvent(
    "past expiryAt no payment is accepted and an accepted event ends the session (L4, P3)",
    (before, event, { snapshot: after, outcome }) => {
      const expiryAt = before.context.expiryAt;
      if (expiryAt === null || event.at < expiryAt) return;
      expect(successCount(after.context)).toBe(successCount(before.context));
      if (outcome._tag !== "Refused") expect(isFinalSessionStatus(sessionStatus(after))).toBe(true);
    },
  );

  afterEveryEvent(
    "only the documented (session, charge) pairs occur (facts table 9.3)",
    (_b, _e, { snapshot }) => {
      expect(pairIsDocumented(snapshot)).toBe(true);
    },
  );

  afterEveryEvent("callbacks follow the status change (W1)", (before, _e, { snapshot: after, outcome }) => {
    const was = sessionStatus(before);
    const is = sessionStatus(after);
    const hooks = outcome._tag === "Refused" ? [] : outcome.webhooks.map((w) => w.event);
    expect(hooks.includes("PAYMENT.PAID")).toBe(was !== "PAID" && is === "PAID");
    expect(hooks.includes("PAYMENT.PROCESSING")).toBe(was !== "PROCESSING" && is === "PROCESSING");
    expect(hooks.includes("PAYMENT.CANCELLED")).toBe(was !== is && (is === "CANCELLED" || is === "EXPIRED"));
    const newSuccess = successCount(after.context) - successCount(before.context) > 0;
    expect(hooks.filter((h) => h === "CHARGE.SUCCESS").length).toBe(
      newSuccess && after.context.settings.paymentType === "MULTIPLE" ? 1 : 0,
    );
  });

  it("round-trips every snapshot through persistence unchanged", () => {
    fc.assert(
      fc.property(scenarioArb, timedSpecsArb, (scenario, specs) => {
        const last = run(scenario, specs, () => {});
        const restored = restoreSession(JSON.parse(JSON.stringify(persistSession(last))));
        if (!restored.ok) throw new Error(restored.error.message);
        expect(restored.snapshot.value).toBe(last.value);
        expect(restored.snapshot.status).toBe(last.status);
        expect(restored.snapshot.context).toEqual(last.context);
      }),
      RUNS,
    );
  });

  it("expires lazily exactly as an explicit EXPIRE first would (L4: the sweeper reaches the same state)", () => {
    fc.assert(
      fc.property(scenarioArb, timedSpecsArb, (scenario, specs) => {
        run(scenario, specs, (before, event, lazy) => {
          const swept = applyEvent(applyEvent(before, { type: "EXPIRE", at: event.at }).snapshot, event);
          expect(swept.outcome._tag).toBe(lazy.outcome._tag);
          if (lazy.outcome._tag === "Refused") {
            expect(swept.outcome).toMatchObject({ code: lazy.outcome.code, status: lazy.outcome.status });
          } else {
            expect(swept.snapshot.value).toBe(lazy.snapshot.value);
            expect(swept.snapshot.context).toEqual(lazy.snapshot.context);
          }
        });
      }),
      RUNS,
    );
  });
});

describe("the pure API and an XState actor agree", { timeout: 120_000 }, () => {
  it("reach the same state and context on the same events (an actor stops at a final state)", () => {
    fc.assert(
      fc.property(scenarioArb, timedSpecsArb, (scenario, specs) => {
        const input = {
          id: "session-p",
          at: T0,
          request: withCreateDefaults(scenario.request),
          ...scenario.context,
        };
        const actor = createActor(sessionMachine, { input });
        actor.start();
        let pure = start(scenario);
        expect(actor.getSnapshot().value).toBe(pure.value);
        expect(actor.getSnapshot().context).toEqual(pure.context);
        let at = T0;
        specs.forEach(({ delay, spec }, n) => {
          at += delay;
          const event = materialize(spec, pure, at, n);
          // The provider's write path: apply the instant, then the event.
          const tick = { type: "EXPIRE", at } as const;
          pure = applyEvent(applyEvent(pure, tick).snapshot, event).snapshot;
          // An actor at a final state is stopped (XState): it takes no more events.
          if (actor.getSnapshot().status === "active") actor.send(tick);
          if (actor.getSnapshot().status === "active") actor.send(event);
          const real = actor.getSnapshot();
          expect(real.value).toBe(pure.value);
          if (real.status === "active") {
            expect(real.context).toEqual(pure.context);
          } else {
            // After the end only late payments (P3) are still recorded, by the pure API alone.
            const { latePayments: _a, updatedAt: _b, ...actorRest } = real.context;
            const { latePayments: _c, updatedAt: _d, ...pureRest } = pure.context;
            expect(actorRest).toEqual(pureRest);
          }
        });
        actor.stop();
      }),
      RUNS,
    );
  });
});
