/**
 * Linearizability checker benchmark (issue 8's speed goals), on race histories of the session model
 * (the explorer's model: the core's machines via `predictOperation`), answers from a sequential run
 * of the core, calls placed in time with real overlap:
 *
 * 1. Median time to check one session partition of 100 calls made by 16 clients all on that session
 *    (the hardest shape: up to 16 calls in flight), fresh model each (its prediction memo empty).
 *    Goal ≤ 1 ms.
 * 2. One history of 20,000 calls by 16 clients over 200 sessions, checked whole (partitioned by
 *    session). Goal ≤ 1 s.
 *
 * Baselines measured in the same run: the model's raw step (one uncached `predictOperation`, i.e. an
 * XState transition or two plus rendering), the same checks with the prediction memo off, and with
 * Lowe's cache off (on partitions of 100 calls by 4 clients: without the cache, 16 clients' histories
 * take far too long). Seeded: `BENCH_SEED` (default 20261124).
 */
import { performance } from "node:perf_hooks";
import { checkLinearizable } from "../packages/contracts/src/explorer/linearizability.js";
import { predictOperation } from "../packages/contracts/src/explorer/model.js";
import {
  generateRaceOperation,
  type RaceOperation,
  racePredictions,
  raceStartingStatuses,
  type SessionRaceModel,
  sessionOperationOf,
  sessionRaceModel,
} from "../packages/contracts/src/explorer/races.js";
import {
  type BuiltCall,
  buildHistory,
  type PlannedCall,
  seededRandom,
} from "../packages/contracts/test/explorer/support/linearizableHistories.js";
import { AT, answerOf, startingSnapshot } from "../packages/contracts/test/explorer/support/raceAnswers.js";

const SEED = Number(process.env.BENCH_SEED ?? 20261124);
const COMMAND = "pnpm bench linearizability";

type Call = BuiltCall<RaceOperation, ReturnType<typeof answerOf>>;

interface Session {
  readonly id: string;
  readonly snapshot: ReturnType<typeof startingSnapshot>["snapshot"];
}

const sessionsFor = (count: number): Map<string, Session> => {
  const sessions = new Map<string, Session>();
  for (let n = 0; n < count; n++) {
    const status = raceStartingStatuses[n % raceStartingStatuses.length] ?? "REQUIRE_ACTION";
    const { snapshot, sessionId } = startingSnapshot(status, n);
    sessions.set(`s${n}`, { id: sessionId, snapshot });
  }
  return sessions;
};

/**
 * A history of `clients` clients making `callsPerClient` calls each on sessions picked at random
 * among `sessions`, answers from a sequential run of the core in linearization-point order.
 */
const raceHistory = (
  random: () => number,
  sessions: Map<string, Session>,
  clients: number,
  callsPerClient: number,
): Array<Call> => {
  const names = [...sessions.keys()];
  const plans: Array<Array<PlannedCall<RaceOperation>>> = [];
  const partitions: Array<Array<string>> = [];
  for (let c = 0; c < clients; c++) {
    const plan: Array<PlannedCall<RaceOperation>> = [];
    const parts: Array<string> = [];
    for (let i = 0; i < callsPerClient; i++) {
      plan.push({
        input: generateRaceOperation(random),
        wait: Math.floor(random() * 3),
        before: Math.floor(random() * 4),
        after: Math.floor(random() * 4),
      });
      parts.push(names[Math.floor(random() * names.length)] ?? "s0");
    }
    plans.push(plan);
    partitions.push(parts);
  }
  const memo = racePredictions();
  const models = new Map(
    [...sessions].map(
      ([name, s]) => [name, sessionRaceModel({ initial: s.snapshot, at: AT, memo })] as const,
    ),
  );
  const modelOf = (partition: string) => {
    const model = models.get(partition);
    if (model === undefined) throw new Error(`no session ${partition}`);
    return model;
  };
  return buildHistory(
    (partition) => modelOf(partition).init(),
    (state, input, partition) => {
      const model = modelOf(partition);
      const p = model.predict(state, input);
      return [p.next ?? state, answerOf(model.identify(p.expectation))] as const;
    },
    plans,
    (client, index) => partitions[client]?.[index] ?? "s0",
  );
};

/** A model per session, sharing one prediction memo (as `runRaces` shares one per run). */
const modelsOf = (sessions: Map<string, Session>, memoisePredictions: boolean, memo = racePredictions()) => {
  const models = new Map<string, SessionRaceModel>();
  return (partition: string): SessionRaceModel => {
    const s = sessions.get(partition);
    if (s === undefined) throw new Error(`no session ${partition}`);
    let model = models.get(partition);
    if (model === undefined) {
      model = sessionRaceModel({ initial: s.snapshot, at: AT, memo, memoisePredictions });
      models.set(partition, model);
    }
    return model;
  };
};

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

const time = <T>(f: () => T): { value: T; ms: number } => {
  const started = performance.now();
  const value = f();
  return { value, ms: performance.now() - started };
};

const assertOk = (ok: boolean, what: string) => {
  if (!ok) throw new Error(`bench: ${what} was found not linearizable; the generated history is wrong`);
};

/**
 * Median ms to check one single-session partition of `clients` × `callsPerClient` calls. `warm`:
 * the partitions share one prediction memo, as the histories of one `runRaces` run do (the first
 * few partitions fill it); otherwise each starts with an empty memo.
 */
const medianPartition = (
  random: () => number,
  clients: number,
  callsPerClient: number,
  histories: number,
  options: { memoise: boolean; memoisePredictions: boolean; warm: boolean },
): { readonly median: number; readonly medianOutsideCore: number } => {
  const times: Array<number> = [];
  const outsideCore: Array<number> = [];
  const shared = racePredictions();
  for (let h = 0; h < histories; h++) {
    // One session per history, the starting status rotating through the histories.
    const status = raceStartingStatuses[h % raceStartingStatuses.length] ?? "REQUIRE_ACTION";
    const { snapshot, sessionId } = startingSnapshot(status, h);
    const sessions = new Map([["s0", { id: sessionId, snapshot }]]);
    const history = raceHistory(random, sessions, clients, callsPerClient);
    const memo = options.warm ? shared : racePredictions();
    const models = modelsOf(sessions, options.memoisePredictions, memo);
    const coreBefore = memo.coreMs;
    const { value, ms } = time(() =>
      checkLinearizable({ model: models, history, partition: (c) => c.partition, memoise: options.memoise }),
    );
    assertOk(value.ok, `a ${history.length}-call partition`);
    times.push(ms);
    outsideCore.push(ms - (memo.coreMs - coreBefore));
  }
  return { median: median(times), medianOutsideCore: median(outsideCore) };
};

export const runLinearizabilityBench = (): void => {
  const random = seededRandom(SEED);
  console.log(`linearizability checker (seed ${SEED}; ${COMMAND})`);

  // Baseline: the model's raw step, one uncached prediction per call.
  const sessions200 = sessionsFor(200);
  const ops = Array.from({ length: 2000 }, () => generateRaceOperation(random));
  const targets = [...sessions200.values()];
  const raw = time(() => {
    for (const [i, op] of ops.entries()) {
      const s = targets[i % targets.length] as Session;
      predictOperation(s.snapshot, sessionOperationOf(op, s.id), AT);
    }
  });
  const rawPerSecond = (ops.length / raw.ms) * 1000;
  console.log(
    `  baseline: the model's raw step (uncached predictOperation) ${Math.round(rawPerSecond).toLocaleString("en")} steps/s, ${(
      (raw.ms / ops.length) * 1000
    ).toFixed(
      1,
    )} µs each → 20,000 calls ≥ ${((20_000 / rawPerSecond) * 1000).toFixed(0)} ms with one step per call`,
  );

  // 1. One session, 16 clients, 96 calls.
  const on = { memoise: true, memoisePredictions: true };
  const warm = medianPartition(random, 16, 6, 70, { ...on, warm: true });
  const cold = medianPartition(random, 16, 6, 21, { ...on, warm: false });
  const noPredictionMemo = medianPartition(random, 16, 6, 7, {
    ...on,
    memoisePredictions: false,
    warm: false,
  });
  const ms = (x: number) => `${x.toFixed(3)} ms`;
  console.log(
    `  1. one session partition of 96 calls by 16 clients: median ${ms(warm.median)} with the run's prediction memo (goal ≤ 1 ms; ${ms(warm.medianOutsideCore)} outside the core), ${ms(cold.median)} with an empty one (${ms(cold.medianOutsideCore)} outside the core); baseline without the prediction memo ${ms(noPredictionMemo.median)}`,
  );
  const fourClients = medianPartition(random, 4, 25, 21, { ...on, warm: true });
  const fourClientsNoCache = medianPartition(random, 4, 25, 21, { ...on, memoise: false, warm: true });
  console.log(
    `     100 calls by 4 clients: median ${ms(fourClients.median)}; baseline without Lowe's cache ${ms(fourClientsNoCache.median)}`,
  );

  // 2. 20,000 calls, 16 clients, 200 sessions.
  const history = raceHistory(random, sessions200, 16, 1250);
  const partitionsSeen = new Set(history.map((c) => c.partition)).size;
  const memo = racePredictions();
  const whole = time(() =>
    checkLinearizable({ model: modelsOf(sessions200, true, memo), history, partition: (c) => c.partition }),
  );
  assertOk(whole.value.ok, "the 20,000-call history");
  // The same history's partitions one by one (≈100 calls each, as many clients as happened to meet
  // there), with a fresh memo filled as the partitions go, as a run fills it.
  const byPartition = new Map<string, Array<Call>>();
  for (const c of history) byPartition.set(c.partition, [...(byPartition.get(c.partition) ?? []), c]);
  const partMemo = racePredictions();
  const partModels = modelsOf(sessions200, true, partMemo);
  const partTimes: Array<number> = [];
  for (const [name, calls] of byPartition) {
    const t = time(() => checkLinearizable({ model: partModels(name), history: calls }));
    assertOk(t.value.ok, `partition ${name}`);
    partTimes.push(t.ms);
  }
  const sizes = [...byPartition.values()].map((c) => c.length);
  const wholeNoMemo = time(() =>
    checkLinearizable({ model: modelsOf(sessions200, false), history, partition: (c) => c.partition }),
  );
  assertOk(wholeNoMemo.value.ok, "the 20,000-call history (no prediction memo)");
  console.log(
    `     its ${byPartition.size} session partitions (${Math.min(...sizes)}–${Math.max(...sizes)} calls) one by one: median ${median(partTimes).toFixed(3)} ms per partition (goal ≤ 1 ms)`,
  );
  console.log(
    `  2. ${history.length.toLocaleString("en")} calls by 16 clients over ${partitionsSeen} sessions: ${whole.ms.toFixed(0)} ms (goal ≤ 1,000 ms), of which ${memo.coreMs.toFixed(0)} ms in the core (${memo.computed} predictions computed for ${memo.predictions.toLocaleString("en")} asked) and ${(whole.ms - memo.coreMs).toFixed(0)} ms in the search and the answer checks; baseline without the prediction memo ${wholeNoMemo.ms.toFixed(0)} ms`,
  );
};

// Run directly: `node -C @payment-session/source --import tsx bench/linearizability.ts`.
if (import.meta.url === `file://${process.argv[1]}`) runLinearizabilityBench();
