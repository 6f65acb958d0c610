/**
 * Properties of the linearizability checker, on a register and a counter (the session model has its
 * own in races.property.test.ts): histories built from a sequential run pass, histories with one
 * answer the model cannot give fail, and the cache changes nothing but speed. Each property is also
 * run against a deliberately broken model or checker setting, and must then find a counterexample.
 */
import { propertySeed } from "@payment-session/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkLinearizable,
  type HistoryCall,
  type LinearizabilityModel,
} from "../../src/explorer/linearizability.js";
import {
  type BuiltCall,
  buildHistory,
  plannedCall,
  plannedClients,
  type Run,
  sequentialHistory,
} from "./support/linearizableHistories.js";
import {
  type CounterInput,
  counter,
  type RegisterInput,
  register,
  runCounter,
  runRegister,
} from "./support/toyModels.js";

const { seed } = propertySeed("linearizability properties (300 runs each)");
const numRuns = 300;

const registerInput: fc.Arbitrary<RegisterInput> = fc.oneof(
  fc.record({ op: fc.constant("write" as const), value: fc.integer({ min: 1, max: 4 }) }),
  fc.constant({ op: "read" as const }),
);
const counterInput: fc.Arbitrary<CounterInput> = fc.oneof(
  fc.record({ op: fc.constant("add" as const), by: fc.integer({ min: 1, max: 3 }) }),
  fc.constant({ op: "read" as const }),
);

interface Toy<S, I, O> {
  readonly name: string;
  readonly model: LinearizabilityModel<S, I, O>;
  readonly run: Run<S, I, O>;
  readonly input: fc.Arbitrary<I>;
  /** An answer this call can never get, in any state a history of small writes reaches. */
  readonly impossible: (input: I) => O;
}

const toys = [
  {
    name: "register",
    model: register,
    run: runRegister,
    input: registerInput,
    impossible: (i: RegisterInput) => (i.op === "read" ? 99 : 98),
  } satisfies Toy<number, RegisterInput, number | "ok">,
  {
    name: "counter",
    model: counter,
    run: runCounter,
    input: counterInput,
    impossible: () => -1,
  } satisfies Toy<number, CounterInput, number>,
] as const;

/** Answers of a history changed at one answered call, by `change`; `undefined` if none answered. */
const alterOne = <I, O>(
  history: ReadonlyArray<BuiltCall<I, O>>,
  pick: number,
  change: (call: BuiltCall<I, O>) => O,
): Array<BuiltCall<I, O>> | undefined => {
  const answered = history.flatMap((c, i) => (c.output === undefined ? [] : [i]));
  if (answered.length === 0) return undefined;
  const at = answered[pick % answered.length] as number;
  return history.map((c, i) => (i === at ? { ...c, output: change(c) } : c));
};

/** Property: every history built from a sequential run, with overlap and lost answers, passes. */
const builtHistoriesPass = <S, I, O>(toy: Toy<S, I, O>, model: LinearizabilityModel<S, I, O>) =>
  fc.property(plannedClients(plannedCall(toy.input, 0.15)), (clients) => {
    const history = buildHistory(toy.model.init, toy.run, clients, (c, i) => `s${(c + i) % 2}`);
    const result = checkLinearizable({ model, history, partition: (c) => c.partition });
    if (!result.ok) throw new Error(result.explanation);
  });

/** Property: the same with one answer changed to one the model can never give fails. */
const impossibleAnswerFails = <S, I, O>(toy: Toy<S, I, O>, model: LinearizabilityModel<S, I, O>) =>
  fc.property(plannedClients(plannedCall(toy.input, 0.15)), fc.nat(), (clients, pick) => {
    const history = buildHistory(toy.model.init, toy.run, clients);
    const altered = alterOne(history, pick, (c) => toy.impossible(c.input));
    fc.pre(altered !== undefined);
    expect(checkLinearizable({ model, history: altered ?? [] }).ok).toBe(false);
  });

/**
 * Property: a history without any overlap has one order only, so any other answer, even one the
 * model gives in another state, fails.
 */
const sequentialAlteredFails = <S, I, O>(
  toy: Toy<S, I, O>,
  model: LinearizabilityModel<S, I, O>,
  answers: fc.Arbitrary<O>,
) =>
  fc.property(
    fc.array(fc.record({ client: fc.nat(3), input: toy.input }), { minLength: 1, maxLength: 12 }),
    fc.nat(),
    answers,
    (inputs, pick, answer) => {
      const history = sequentialHistory(toy.model.init, toy.run, inputs);
      const at = pick % history.length;
      fc.pre(!Object.is(history[at]?.output, answer));
      const altered = history.map((c, i) => (i === at ? { ...c, output: answer } : c));
      expect(checkLinearizable({ model, history: altered }).ok).toBe(false);
    },
  );

/**
 * Property: with the cache and the read-only shortcut, the checker gives the verdict of the plain
 * search (every order tried) on any history.
 */
const cacheChangesNothing = <S, I, O>(
  toy: Toy<S, I, O>,
  answers: fc.Arbitrary<O>,
  model: LinearizabilityModel<S, I, O> = toy.model,
) =>
  fc.property(
    plannedClients(plannedCall(toy.input, 0.1), { min: 2, max: 3 }, { min: 2, max: 5 }),
    fc.array(fc.option(answers, { nil: undefined, freq: 3 }), { minLength: 20, maxLength: 20 }),
    (clients, noise) => {
      // Start from a linearizable history and scramble some answers, so both verdicts occur.
      const built = buildHistory(toy.model.init, toy.run, clients);
      const history: Array<HistoryCall<I, O>> = built.map((c, i) => {
        const n = noise[i];
        return c.output === undefined || n === undefined ? c : { ...c, output: n };
      });
      const memoised = checkLinearizable({ model, history }).ok;
      // The reference: no cache, no read-only shortcut, every order tried.
      const plain = { ...toy.model, readOnly: undefined };
      const exhaustive = checkLinearizable({ model: plain, history, memoise: false }).ok;
      expect(memoised).toBe(exhaustive);
    },
  );

const registerAnswers: fc.Arbitrary<number | "ok"> = fc.oneof(
  fc.integer({ min: 0, max: 4 }),
  fc.constant("ok" as const),
);
const counterAnswers: fc.Arbitrary<number> = fc.integer({ min: 0, max: 12 });

describe("linearizability checker properties (register)", () => {
  const [toy] = toys;
  it("passes every history built from a sequential run (overlap, lost answers, two partitions)", () => {
    fc.assert(builtHistoriesPass(toy, toy.model), { seed, numRuns });
  });
  it("fails a history with one answer the model can never give", () => {
    fc.assert(impossibleAnswerFails(toy, toy.model), { seed, numRuns });
  });
  it("fails a history without overlap with any one answer changed", () => {
    fc.assert(sequentialAlteredFails(toy, toy.model, registerAnswers), { seed, numRuns });
  });
  it("gives the verdict of the plain search (no cache, no read-only shortcut)", () => {
    fc.assert(cacheChangesNothing(toy, registerAnswers), { seed, numRuns });
  });
});

describe("linearizability checker properties (counter)", () => {
  const toy = toys[1];
  it("passes every history built from a sequential run (overlap, lost answers, two partitions)", () => {
    fc.assert(builtHistoriesPass(toy, toy.model), { seed, numRuns });
  });
  it("fails a history with one answer the model can never give", () => {
    fc.assert(impossibleAnswerFails(toy, toy.model), { seed, numRuns });
  });
  it("fails a history without overlap with any one answer changed", () => {
    fc.assert(sequentialAlteredFails(toy, toy.model, counterAnswers), { seed, numRuns });
  });
  it("gives the verdict of the plain search (no cache, no read-only shortcut)", () => {
    fc.assert(cacheChangesNothing(toy, counterAnswers), { seed, numRuns });
  });
});

describe("each property can fail: it finds the defect it exists to catch", () => {
  const [reg, cnt] = toys;
  /** The model with a cache key that confuses different states (a checker that prunes too much). */
  const constantKey = <S, I, O>(m: LinearizabilityModel<S, I, O>): LinearizabilityModel<S, I, O> => ({
    ...m,
    key: () => "same",
  });
  /** The model with a step that ignores the answer (a checker that explains everything). */
  const ignoresAnswer = <S, I, O>(m: LinearizabilityModel<S, I, O>): LinearizabilityModel<S, I, O> => ({
    ...m,
    step: (state, input) => m.step(state, input, undefined),
  });

  // (A counter's state is the sum of what was added: the same set of calls done is the same state,
  // so a constant key is harmless there; a register's state depends on the order.)
  it("'built histories pass' catches a cache key that confuses states", () => {
    expect(fc.check(builtHistoriesPass(reg, constantKey(reg.model)), { seed, numRuns }).failed).toBe(true);
  });
  it("'an impossible answer fails' catches a model that ignores answers", () => {
    expect(fc.check(impossibleAnswerFails(reg, ignoresAnswer(reg.model)), { seed, numRuns }).failed).toBe(
      true,
    );
    expect(fc.check(impossibleAnswerFails(cnt, ignoresAnswer(cnt.model)), { seed, numRuns }).failed).toBe(
      true,
    );
  });
  it("'a changed answer without overlap fails' catches a model that ignores answers", () => {
    const property = sequentialAlteredFails(reg, ignoresAnswer(reg.model), registerAnswers);
    expect(fc.check(property, { seed, numRuns }).failed).toBe(true);
  });
  it("'built histories pass' catches a write declared read-only (a shortcut that skips needed orders)", () => {
    const writesReadOnly = { ...reg.model, readOnly: () => true };
    expect(fc.check(builtHistoriesPass(reg, writesReadOnly), { seed, numRuns }).failed).toBe(true);
  });
  it("'the cache changes nothing' catches a cache key that confuses states", () => {
    const property = cacheChangesNothing(reg, registerAnswers, constantKey(reg.model));
    expect(fc.check(property, { seed, numRuns }).failed).toBe(true);
  });
});
