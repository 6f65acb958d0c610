/**
 * The compiled machines (compileMachine: the table read from the XState definitions) step exactly as
 * XState's interpreter (`transition()`): same state, status, context, reported actions, outcome,
 * refusal code and callbacks, at every step of random event sequences. A deliberately wrong
 * compiled step (a guard or a transition altered) fails the same property.
 *
 * Seed: FC_SEED when set; else fixed in CI and random locally. Printed either way.
 */
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createMachine, initialTransition } from "xstate";
import { stepOverWith } from "../../src/lifecycle/compileMachine.js";
import {
  applyEvent,
  applyEventWith,
  type ChargeEvent,
  type ChargeInput,
  type ChargeRecord,
  type CompiledBranch,
  type CompiledMachine,
  type CompiledState,
  type ContextCopy,
  chargeMachine,
  chargeSnapshot,
  chargeStepOf,
  compiledChargeMachine,
  compiledSessionMachine,
  compiledSessionStep,
  compileMachine,
  contextCopier,
  createSession,
  defaultPaymentMethodConfig,
  interpretedSessionStep,
  newChargeRecord,
  newChargeRecordInterpreted,
  persistSession,
  restoreSession,
  type SessionEvent,
  type SessionSnapshot,
  type SessionStep,
  sessionMachine,
  stepCharge,
  stepChargeInterpreted,
  stepOver,
} from "../../src/lifecycle/index.js";
import { withCreateDefaults } from "../../src/schemas/index.js";
import { materialize, type Scenario, scenarioArb, scenarios, timedSpecsArb } from "./arbitraries.js";
import { IDR, MINUTE, T0 } from "./fixtures.js";
import { reusedScopeStep } from "./xstateReference.js";

const seed =
  process.env.FC_SEED !== undefined && process.env.FC_SEED !== ""
    ? Number(process.env.FC_SEED)
    : process.env.CI
      ? 20261130
      : Math.floor(Math.random() * 2 ** 31);
/** Issue 12: at least 10,000 random sequences per machine. */
const SEQUENCES = 10_000;
/**
 * Sequences on which the reference of the 10,000 (XState's `machine.transition` with one reused
 * scope, {@link reusedScopeStep}) is itself compared with `transition()` (a new actor per call).
 */
const REFERENCE_SEQUENCES = 1_000;

/** XState's interpreter, the property's reference: `sessionMachine.transition` (see xstateReference.ts). */
const xstateSessionStep: SessionStep = reusedScopeStep<SessionSnapshot, SessionEvent>(sessionMachine);
const xstateChargeStep = reusedScopeStep<ReturnType<typeof chargeSnapshot>, ChargeEvent>(chargeMachine);
/** {@link stepCharge} through XState's interpreter, as `stepChargeInterpreted` but with the reused scope. */
const stepChargeXState = (charge: ChargeRecord, event: ChargeEvent) => {
  const [next, actions] = xstateChargeStep(chargeSnapshot(charge), event);
  return chargeStepOf(charge, next, actions);
};
console.log(
  `compiledStep.test.ts: seed ${seed} (FC_SEED=${seed} to replay), ${SEQUENCES} sequences per machine`,
);

const start = (scenario: Scenario): SessionSnapshot => {
  const result = createSession(scenario.request, { id: "session-c", at: T0, ...scenario.context });
  if (!result.ok) throw new Error(`scenario ${scenario.name} refused: ${result.refusal.message}`);
  return result.snapshot;
};

/** The actions a step reports, as data (XState's own built-ins left out). */
const reported = (actions: ReadonlyArray<{ readonly type: string; readonly params?: unknown }>) =>
  actions.filter((a) => !a.type.startsWith("xstate.")).map((a) => ({ type: a.type, params: a.params }));

const snapshotData = (s: SessionSnapshot) => ({ value: s.value, status: s.status, context: s.context });

/**
 * `actual` equals `expected` (node's deep strict equality: fast enough for 10,000 sequences); on a
 * difference, vitest's `toEqual` reports it.
 */
const same = (what: string, actual: unknown, expected: unknown) => {
  if (!isDeepStrictEqual(actual, expected)) expect(actual, what).toEqual(expected);
};

type Recorded = Array<
  readonly [SessionSnapshot, ReadonlyArray<{ readonly type: string; readonly params?: unknown }>]
>;

/** A step that also records what it answered (the time step, then the event step). */
const recording =
  (step: SessionStep, into: Recorded): SessionStep =>
  (snapshot, event) => {
    const answer = step(snapshot, event);
    into.push(answer);
    return answer;
  };

/**
 * Compares `applyEvent` over the step under test with `applyEvent` over XState's interpreter
 * (`reference`, by default {@link xstateSessionStep}) on one event, and each machine step they took (the time step and the event step): throws (an expect) on
 * the first difference; returns the next snapshot of each. `production` (the library's own
 * `applyEvent`, which steps the compiled table without the tuple shape) is compared too when given.
 */
const sameStep = (
  step: SessionStep,
  production?: typeof applyEvent,
  reference: SessionStep = xstateSessionStep,
) => {
  const ownSteps: Recorded = [];
  const xstateSteps: Recorded = [];
  const apply = applyEventWith(recording(step, ownSteps));
  const applyXState = applyEventWith(recording(reference, xstateSteps));
  return (before: SessionSnapshot, event: SessionEvent): readonly [SessionSnapshot, SessionSnapshot] => {
    ownSteps.length = 0;
    xstateSteps.length = 0;
    const own = apply(before, event);
    const xstate = applyXState(before, event);
    same("machine steps taken", ownSteps.length, xstateSteps.length);
    ownSteps.forEach(([next, actions], i) => {
      const [xNext, xActions] = xstateSteps[i] ?? [before, []];
      same(`step ${i}: state, status, context`, snapshotData(next), snapshotData(xNext));
      same(`step ${i}: reported actions`, reported(actions), reported(xActions));
    });
    // Outcome: tag, refusal code and message, status, callbacks (events and rendered data).
    same("outcome", own.outcome, xstate.outcome);
    same("expiry", own.expiry, xstate.expiry);
    same("snapshot", snapshotData(own.snapshot), snapshotData(xstate.snapshot));
    same("atInstant", snapshotData(own.atInstant), snapshotData(xstate.atInstant));
    if (production !== undefined) {
      const real = production(before, event);
      same("applyEvent: outcome", real.outcome, xstate.outcome);
      same("applyEvent: expiry", real.expiry, xstate.expiry);
      same("applyEvent: snapshot", snapshotData(real.snapshot), snapshotData(xstate.snapshot));
      same("applyEvent: atInstant", snapshotData(real.atInstant), snapshotData(xstate.atInstant));
      same("applyEvent: refused means unchanged", real.snapshot === before, xstate.snapshot === before);
      return [real.snapshot, xstate.snapshot] as const;
    }
    return [own.snapshot, xstate.snapshot] as const;
  };
};

/** The session property: at every step of a random sequence, `step` answers as XState's interpreter. */
const sessionEquivalence = (
  step: SessionStep,
  production?: typeof applyEvent,
  reference: SessionStep = xstateSessionStep,
) => {
  const check = sameStep(step, production, reference);
  return fc.property(scenarioArb, timedSpecsArb, (scenario, specs) => {
    let snapshot = start(scenario);
    let at = T0;
    let xstateSnapshot = snapshot;
    specs.forEach(({ delay, spec }, n) => {
      at += delay;
      [snapshot, xstateSnapshot] = check(snapshot, materialize(spec, snapshot, at, n));
    });
    // The stored form is the same: a compiled snapshot persists as XState's does, and XState
    // restores it to the same session.
    same("persisted", persistSession(snapshot), persistSession(xstateSnapshot));
    const restored = restoreSession(JSON.parse(JSON.stringify(persistSession(snapshot))));
    if (!restored.ok) throw new Error(restored.error.message);
    same("restored", snapshotData(restored.snapshot), snapshotData(xstateSnapshot));
  });
};

// --- the charge machine ---------------------------------------------------------------------------

const chargeInputArb: fc.Arbitrary<ChargeInput> = fc.record({
  id: fc.constant("charge-c"),
  at: fc.constant(T0),
  method: fc.constantFrom("VIRTUAL_ACCOUNT" as const, "QR" as const, "EWALLET" as const, "CARD" as const),
  amount: fc.constant(IDR(20_000)),
  captureMethod: fc.constantFrom("automatic" as const, "manual" as const),
  instrument: fc.constant({}),
});

const amountArb = fc.constantFrom(IDR(20_000), IDR(15_000), IDR(20_001), IDR(0), {
  value: 20_000,
  currency: "USD",
});

const chargeEventArb = (at: number): fc.Arbitrary<ChargeEvent> =>
  fc.oneof(
    fc.constant({ type: "CUSTOMER_AUTHENTICATING" as const, at }),
    fc.constant({ type: "CHARGE_PROCESSING" as const, at }),
    amountArb.map((authorizedAmount) => ({ type: "AUTHORIZED" as const, at, authorizedAmount })),
    fc.record({ chargeId: fc.constantFrom("charge-c", "intruder"), amount: amountArb }).map((p) => ({
      type: "PAYMENT_RECEIVED" as const,
      at,
      ...p,
    })),
    fc.option(amountArb, { nil: undefined }).map((amount) => ({
      type: "CAPTURE" as const,
      at,
      captureId: "capture-c",
      releaseRemainingAmount: true,
      ...(amount === undefined ? {} : { amount }),
    })),
    fc.constantFrom("DECLINED_BY_CHANNEL" as const, "INSUFFICIENT_FUND" as const).map((failureCode) => ({
      type: "CHARGE_FAILED" as const,
      at,
      failureCode,
    })),
    fc.constant({ type: "CHARGE_EXPIRED" as const, at }),
    fc.constant({ type: "SESSION_EXPIRED" as const, at }),
  );

const chargeEventsArb = fc.array(
  fc.integer({ min: 0, max: 10 * MINUTE }).chain((delay) => chargeEventArb(T0 + delay)),
  { maxLength: 10 },
);

type ChargeStepper = (charge: ChargeRecord, event: ChargeEvent) => ReturnType<typeof stepCharge>;

const chargeEquivalence = (step: ChargeStepper, reference: ChargeStepper = stepChargeXState) =>
  fc.property(chargeInputArb, chargeEventsArb, (input, events) => {
    let charge = newChargeRecord(input);
    same("opened charge", charge, newChargeRecordInterpreted(input));
    for (const event of events) {
      const compiled = step(charge, event);
      const xstate = reference(charge, event);
      same(`${charge.state} ${event.type}`, compiled, xstate);
      // Unchanged means the same record object, in both.
      same("unchanged", compiled.charge === charge, xstate.charge === charge);
      charge = compiled.charge;
    }
  });

const chargeStepWith =
  (compiled: ReturnType<typeof compileMachine<ReturnType<typeof compiledChargeMachine.snapshotOf>>>) =>
  (charge: ChargeRecord, event: ChargeEvent) => {
    const [next, actions] = compiled.step(compiled.snapshotOf(charge.state, charge.context), event);
    let refusal = null;
    let duplicate = false;
    for (const a of actions) {
      if (a.type === "refuse") refusal = a.params;
      else if (a.type === "ignoreDuplicate") duplicate = true;
    }
    const changed =
      refusal === null && !duplicate && (next.value !== charge.state || next.context !== charge.context);
    return {
      charge: changed ? { state: next.value, context: next.context } : charge,
      refusal,
      duplicate,
    } as ReturnType<typeof stepCharge>;
  };

// --- deliberate defects ---------------------------------------------------------------------------

/** The table with one branch replaced (a copy; the compiled machine itself is untouched). */
const alterBranch = (
  states: ReadonlyMap<string, CompiledState>,
  state: string,
  event: string,
  index: number,
  change: (branch: CompiledBranch) => CompiledBranch,
): ReadonlyMap<string, CompiledState> => {
  const copy = new Map(states);
  const original = states.get(state);
  const branches = original?.on.get(event);
  const branch = branches?.[index];
  if (original === undefined || branches === undefined || branch === undefined) {
    throw new Error(`no branch ${state} ${event} #${index}`);
  }
  const on = new Map(original.on);
  on.set(
    event,
    branches.map((b, i) => (i === index ? change(b) : b)),
  );
  copy.set(state, { ...original, on });
  return copy;
};

/**
 * A compiled (altered) machine whose snapshots name the real machine, as the real compiled ones do.
 * XState's `transition()` steps a snapshot with the machine the snapshot names: snapshots of the
 * altered machine would make the reference run the same defect.
 */
const withRealSnapshots = <T extends { readonly value: unknown; readonly context: unknown }>(
  wrong: CompiledMachine<T>,
  real: CompiledMachine<T>,
): CompiledMachine<T> => {
  const states = new Map(
    [...wrong.states].map(([name, state]) => [
      name,
      { ...state, template: real.states.get(name)?.template ?? state.template },
    ]),
  );
  return stepOver<T>("wrong", wrong.initial, states);
};

const DEFECT_RUNS = { numRuns: 2_000 } as const;

/** Sequences through the interpreted table, the step's fallback where code cannot be generated. */
const FALLBACK_SEQUENCES = 2_000;

/** The same table (its snapshots the real ones) interpreted instead of generated (what `stepOver` falls back to). */
const interpretedTable = <T extends { readonly value: unknown; readonly context: unknown }>(
  compiled: CompiledMachine<T>,
): CompiledMachine<T> => stepOverWith<T>("interpreted", compiled.initial, compiled.states, {}, false);

// Why a timeout: 10,000 sequences (issue 12) go through XState's interpreter too, the reference
// (about 20 µs per transition with the reused scope, 100 µs through transition()): a few seconds on
// an idle 2-core machine, several times that on a loaded one. The compiled side is a small part of it.
describe("the compiled machines step as XState's interpreter", { timeout: 120_000 }, () => {
  it(`session machine: same state, context, actions, outcome, refusal and callbacks at every step (${SEQUENCES} sequences)`, () => {
    fc.assert(sessionEquivalence(compiledSessionStep, applyEvent), { seed, numRuns: SEQUENCES });
  });

  it(`charge machine: same record, refusal and repeat at every step (${SEQUENCES} sequences)`, () => {
    fc.assert(chargeEquivalence(stepCharge), { seed, numRuns: SEQUENCES });
  });

  it(`the reference: XState's machine.transition with one reused scope answers as transition() (${REFERENCE_SEQUENCES} sequences per machine)`, () => {
    fc.assert(sessionEquivalence(xstateSessionStep, undefined, interpretedSessionStep), {
      seed,
      numRuns: REFERENCE_SEQUENCES,
    });
    fc.assert(chargeEquivalence(stepChargeXState, stepChargeInterpreted), {
      seed,
      numRuns: REFERENCE_SEQUENCES,
    });
    // The deliberate defect: a reused scope that does not clear the actions of earlier calls.
    const leaky = reusedScopeStep<SessionSnapshot, SessionEvent>(sessionMachine, { keepActions: true });
    const result = fc.check(sessionEquivalence(leaky, undefined, interpretedSessionStep), {
      seed,
      numRuns: REFERENCE_SEQUENCES,
    });
    expect(result.failed).toBe(true);
  });

  it(`the interpreted table (where code cannot be generated, L7): the same at every step (${FALLBACK_SEQUENCES} sequences per machine)`, () => {
    const session = interpretedTable(compiledSessionMachine);
    fc.assert(sessionEquivalence(session.step), { seed, numRuns: FALLBACK_SEQUENCES });
    const charge = interpretedTable(compiledChargeMachine);
    fc.assert(chargeEquivalence(chargeStepWith(charge)), { seed, numRuns: FALLBACK_SEQUENCES });
  });

  it("session machine: the same initial snapshot as XState's initialTransition for every scenario", () => {
    for (const scenario of scenarios) {
      const input = {
        id: "session-c",
        at: T0,
        request: withCreateDefaults(scenario.request),
        config: defaultPaymentMethodConfig,
        ...scenario.context,
      };
      const [xstate] = initialTransition(sessionMachine, input);
      same(scenario.name, snapshotData(compiledSessionMachine.start(input)), snapshotData(xstate));
      same(`${scenario.name}: createSession`, snapshotData(start(scenario)), snapshotData(xstate));
    }
    // The deliberate defect: a start that skips the eventless transitions (C1) differs.
    const scenario = scenarios.find((s) => s.name === "VA");
    if (scenario === undefined) throw new Error("no VA scenario");
    const input = {
      id: "session-c",
      at: T0,
      request: withCreateDefaults(scenario.request),
      ...scenario.context,
    };
    const [xstate] = initialTransition(sessionMachine, input);
    const unsettled = compiledSessionMachine.snapshotOf(compiledSessionMachine.initial, xstate.context);
    expect(() => same("unsettled", snapshotData(unsettled), snapshotData(xstate))).toThrow();
  });

  it("applyEvent is the compiled step", () => {
    const snapshot = start({
      name: "no method",
      request: { clientReferenceId: "c", amount: IDR(20_000), mode: "API" },
      context: {},
    });
    const cancel: SessionEvent = { type: "CANCEL", at: T0 + 1, cancellationReason: "VOID_SESSION" };
    expect(compiledSessionStep(snapshot, cancel)[0].value).toBe("CANCELLED");
    expect(applyEvent(snapshot, cancel).snapshot.value).toBe("CANCELLED");
  });

  it("refuses to compile what it does not support (entry actions), rather than step differently", () => {
    const config = chargeMachine.config;
    const states = config.states ?? {};
    const withEntry = createMachine(
      { ...config, states: { ...states, SUCCESS: { ...states.SUCCESS, entry: "touch" } } } as never,
      chargeMachine.implementations as never,
    );
    expect(() => compileMachine(withEntry)).toThrow(/entry \/ exit actions is not supported/);
  });
});

describe("the property catches a wrong compiled step (deliberate defects)", () => {
  it("a mutated guard: isKnownPayment never holds (a repeat payment is taken as new)", () => {
    const wrong = withRealSnapshots(
      compileMachine<SessionSnapshot>(sessionMachine.provide({ guards: { isKnownPayment: () => false } })),
      compiledSessionMachine,
    );
    const result = fc.check(sessionEquivalence(wrong.step), { seed, ...DEFECT_RUNS });
    expect(result.failed).toBe(true);
  });

  it("a mutated transition: REQUIRE_ACTION PAYMENT_RECEIVED goes to PROCESSING where it should go to PAID", () => {
    const states = alterBranch(
      compiledSessionMachine.states,
      "REQUIRE_ACTION",
      "PAYMENT_RECEIVED",
      1,
      (b) => ({
        ...b,
        target: "PROCESSING",
      }),
    );
    const wrong = stepOver<SessionSnapshot>("wrong", compiledSessionMachine.initial, states);
    const result = fc.check(sessionEquivalence(wrong.step), { seed, ...DEFECT_RUNS });
    expect(result.failed).toBe(true);
  });

  it("a dropped action: a refusal branch that no longer reports its refusal", () => {
    const states = alterBranch(compiledSessionMachine.states, "PAID", "CANCEL", 0, (b) => ({
      ...b,
      actions: [],
    }));
    const wrong = stepOver<SessionSnapshot>("wrong", compiledSessionMachine.initial, states);
    const result = fc.check(sessionEquivalence(wrong.step), { seed, ...DEFECT_RUNS });
    expect(result.failed).toBe(true);
  });

  it("a mutated charge guard: an authorisation of exactly the amount is not 'within' it", () => {
    const wrong = withRealSnapshots(
      compileMachine<ReturnType<typeof compiledChargeMachine.snapshotOf>>(
        chargeMachine.provide({
          guards: {
            authorizedWithinAmount: ({ context, event }) =>
              event.type === "AUTHORIZED" &&
              event.authorizedAmount.currency === context.amount.currency &&
              event.authorizedAmount.value >= 1 &&
              event.authorizedAmount.value < context.amount.value,
          },
        }),
      ),
      compiledChargeMachine,
    );
    const result = fc.check(chargeEquivalence(chargeStepWith(wrong)), { seed, ...DEFECT_RUNS });
    expect(result.failed).toBe(true);
  });
});

// --- the context copy (the compiled step's fast path for assigns) ---------------------------------

/** Keys that make shapes collide: a few names, integer-like keys, and `__proto__` as an own key. */
const copyKeyArb = fc.constantFrom("a", "b", "c", "d", "e", "10", "2", "__proto__");

/** Plain objects of many shapes (several with the same keys in another order) and a few with a prototype. */
const copiedObjectArb: fc.Arbitrary<object> = fc
  .tuple(
    fc.uniqueArray(fc.tuple(copyKeyArb, fc.oneof(fc.integer(), fc.string(), fc.constant(null))), {
      selector: ([key]) => key,
      maxLength: 8,
    }),
    fc.boolean(),
  )
  .map(([entries, inherit]) => {
    const own = Object.fromEntries(entries);
    return inherit ? Object.assign(Object.create({ inherited: 1 }), own) : own;
  });

/**
 * The check of a context copy: through ONE copy function, every object of a random list (so shapes
 * are met, learned and met again) gives what `{ ...object }` gives: a new plain object with the same
 * keys in the same order and the same values.
 */
const copiesAsSpread = (makeCopy: () => ContextCopy) =>
  fc.property(fc.array(copiedObjectArb, { maxLength: 40 }), (objects) => {
    const copy = makeCopy();
    for (const object of objects) {
      const copied = copy(object);
      const spread = { ...object };
      same("keys in order", Object.keys(copied), Object.keys(spread));
      same("copy", copied, spread);
      same(
        "a new plain object",
        [copied !== object, Object.getPrototypeOf(copied)],
        [true, Object.prototype],
      );
    }
  });

describe("the context copy is a spread", () => {
  it("contextCopier() gives { ...context } for contexts of every shape, met in any order", () => {
    fc.assert(copiesAsSpread(contextCopier), { seed, numRuns: 2_000 });
  });

  it("the check catches a copy that knows shapes by their number of keys only (deliberate defect)", () => {
    const byCount = (): ContextCopy => {
      const known = new Map<number, ReadonlyArray<string>>();
      return (context) => {
        const count = Object.keys(context).length;
        const keys = known.get(count) ?? Object.keys(context);
        known.set(count, keys);
        return Object.fromEntries(keys.map((key) => [key, (context as Record<string, unknown>)[key]]));
      };
    };
    expect(fc.check(copiesAsSpread(byCount), { seed, numRuns: 2_000 }).failed).toBe(true);
  });

  it("the session property catches an assign that skips the copy and writes into the input's context (deliberate defect)", () => {
    const wrong = stepOver<SessionSnapshot>(
      "wrong",
      compiledSessionMachine.initial,
      compiledSessionMachine.states,
      { copyContext: (context) => context as Record<string, unknown> },
    );
    const result = fc.check(sessionEquivalence(wrong.step), { seed, ...DEFECT_RUNS });
    expect(result.failed).toBe(true);
  });

  it("the session property catches a copy that drops a field (deliberate defect)", () => {
    const wrong = stepOver<SessionSnapshot>(
      "wrong",
      compiledSessionMachine.initial,
      compiledSessionMachine.states,
      {
        copyContext: (context) => {
          const { latePayments: _dropped, ...rest } = context as Record<string, unknown>;
          return rest;
        },
      },
    );
    const result = fc.check(sessionEquivalence(wrong.step), { seed, ...DEFECT_RUNS });
    expect(result.failed).toBe(true);
  });
});
