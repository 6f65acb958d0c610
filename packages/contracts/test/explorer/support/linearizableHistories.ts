/**
 * Histories that are linearizable by construction, for the linearizability checker's properties and
 * its bench: clients call one after another, each call takes effect at one instant inside its
 * interval (its linearization point), and the answers are those of a sequential run of the model in
 * the order of those instants. Intervals of different clients overlap wherever the timings say.
 */
import fc from "fast-check";
import type { HistoryCall } from "../../../src/explorer/linearizability.js";

/** A sequential implementation: the state after a call and its answer (`partition`: whose state). */
export type Run<S, I, O> = (state: S, input: I, partition: string) => readonly [S, O];

/** One planned call: its input, the gaps that place it in time, and whether its answer is lost. */
export interface PlannedCall<I> {
  readonly input: I;
  /** Time from the client's previous return (or 0) to this call. */
  readonly wait: number;
  /** Time from the call to its linearization point. */
  readonly before: number;
  /** Time from the linearization point to the return. */
  readonly after: number;
  /** The answer never arrives; `applied` says whether the call took effect anyway. */
  readonly lost?: { readonly applied: boolean };
}

/** A call of a built history, with its partition and linearization point. */
export interface BuiltCall<I, O> extends HistoryCall<I, O> {
  readonly partition: string;
  readonly point: number;
}

/**
 * Builds the history of `clients` (each a list of planned calls, on partition `partitionOf(client,
 * index)`), answers computed by `run` per partition in linearization-point order. A lost call ends its
 * client's list (what it planned after is dropped).
 */
export const buildHistory = <S, I, O>(
  init: (partition: string) => S,
  run: Run<S, I, O>,
  clients: ReadonlyArray<ReadonlyArray<PlannedCall<I>>>,
  partitionOf: (client: number, index: number) => string = () => "p",
): Array<BuiltCall<I, O>> => {
  const planned: Array<{
    client: number;
    partition: string;
    call: number;
    point: number;
    ret: number;
    p: PlannedCall<I>;
  }> = [];
  clients.forEach((calls, client) => {
    let t = 0;
    for (const [index, p] of calls.entries()) {
      const call = t + p.wait;
      const point = call + p.before;
      const ret = point + p.after;
      planned.push({ client, partition: partitionOf(client, index), call, point, ret, p });
      if (p.lost !== undefined) break;
      t = ret;
    }
  });
  const states = new Map<string, S>();
  const outputs = new Map<number, O>();
  const byPoint = planned.map((x, i) => ({ x, i })).sort((a, b) => a.x.point - b.x.point || a.i - b.i);
  for (const { x, i } of byPoint) {
    if (x.p.lost !== undefined && !x.p.lost.applied) continue;
    const [next, out] = run(states.get(x.partition) ?? init(x.partition), x.p.input, x.partition);
    states.set(x.partition, next);
    outputs.set(i, out);
  }
  return planned.map((x, i) => ({
    client: `c${x.client}`,
    partition: x.partition,
    input: x.p.input,
    output: x.p.lost === undefined ? outputs.get(i) : undefined,
    call: x.call,
    point: x.point,
    return: x.p.lost === undefined ? x.ret : Number.POSITIVE_INFINITY,
  }));
};

/** A planned call of `input`, with small integer gaps (ties included: touching intervals). */
export const plannedCall = <I>(input: fc.Arbitrary<I>, lostRate = 0): fc.Arbitrary<PlannedCall<I>> =>
  fc.record({
    input,
    wait: fc.integer({ min: 0, max: 6 }),
    before: fc.integer({ min: 0, max: 5 }),
    after: fc.integer({ min: 0, max: 5 }),
    lost:
      lostRate === 0
        ? fc.constant(undefined)
        : fc.oneof(
            { arbitrary: fc.constant(undefined), weight: Math.round(100 * (1 - lostRate)) },
            { arbitrary: fc.record({ applied: fc.boolean() }), weight: Math.round(100 * lostRate) },
          ),
  });

/** Between `min` and `max` clients of between `min` and `max` planned calls each. */
export const plannedClients = <I>(
  call: fc.Arbitrary<PlannedCall<I>>,
  clients: { readonly min: number; readonly max: number } = { min: 2, max: 4 },
  calls: { readonly min: number; readonly max: number } = { min: 2, max: 6 },
): fc.Arbitrary<Array<Array<PlannedCall<I>>>> =>
  fc.array(fc.array(call, { minLength: calls.min, maxLength: calls.max }), {
    minLength: clients.min,
    maxLength: clients.max,
  });

/** The same clients with no overlap at all: each call starts after every earlier one returned. */
export const sequentialHistory = <S, I, O>(
  init: () => S,
  run: Run<S, I, O>,
  inputs: ReadonlyArray<{ readonly client: number; readonly input: I }>,
): Array<BuiltCall<I, O>> => {
  let state = init();
  return inputs.map(({ client, input }, i) => {
    const [next, output] = run(state, input, "p");
    state = next;
    return {
      client: `c${client}`,
      partition: "p",
      input,
      output,
      call: 2 * i,
      point: 2 * i,
      return: 2 * i + 1,
    };
  });
};

/**
 * A small seeded generator (mulberry32) for the bench, where fast-check's shrinking is not wanted.
 */
export const seededRandom = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};
