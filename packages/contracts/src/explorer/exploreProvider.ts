/**
 * `exploreProvider`: drives a live provider through generated lifecycles and checks every answer
 * against what the core's machines predict.
 *
 * @since 0.1.0
 */
import fc from "fast-check";
import { startReceiver } from "./receiver.js";
import { type Explorer, executeRun, type RunResult } from "./run.js";
import { stepArbitrary } from "./steps.js";
import {
  type ExploreFailure,
  type ExploreOptions,
  type ExploreReport,
  ExploreSetupError,
  type ReplayFile,
} from "./types.js";

/** Where an exploration's clock starts (it only moves forward from there). */
const START = Date.parse("2030-01-01T00:00:00Z");

/** The default depth: 100 sequences of up to 50 steps. @since 0.1.0 */
export const exploreDefaults = { runs: 100, steps: 50 } as const;

const failureOf = (seed: number, result: RunResult): ExploreFailure => {
  const mismatch = result.mismatch;
  return {
    message:
      mismatch === undefined
        ? "no mismatch"
        : (mismatch.message ??
          `${mismatch.path}: expected ${JSON.stringify(mismatch.expected)}, got ${JSON.stringify(mismatch.actual)}`),
    steps: result.records,
    replay: { version: 1, seed, steps: result.executed },
  };
};

/**
 * Explores a provider: `runs` generated sequences of up to `steps` steps (create in every shape,
 * confirm, cancel, capture, simulate payments and expiry, reads, lists, clock moves, idempotent
 * repeats, another merchant's token), each answer checked against the core's prediction, the
 * webhooks of every run checked at its end. A mismatch stops the exploration, is shrunk to a
 * minimal sequence, and reported as numbered steps with a `replay` that reruns it exactly.
 *
 * Needs only what `verify` needs: the API and the provider-states endpoint (`the clock reads`,
 * `a merchant with credentials exists` with `callbackUrl`). Rejects with {@link ExploreSetupError}
 * when the provider cannot be reached or refuses a state.
 *
 * @example
 * const report = await exploreProvider({ providerBaseUrl: "http://127.0.0.1:8080",
 *   providerStatesUrl: "http://127.0.0.1:8080/_pact/provider-states", seed: 42 })
 * if (!report.ok) console.log(report.failure?.steps)
 * @since 0.1.0
 */
export const exploreProvider = async (options: ExploreOptions): Promise<ExploreReport> => {
  const started = performance.now();
  const seed = options.seed ?? Math.floor(Math.random() * 0x7fffffff);
  const receiver = await startReceiver(options.receiverHost);
  const explorer: Explorer = {
    baseUrl: options.providerBaseUrl.replace(/\/+$/u, ""),
    statesUrl: options.providerStatesUrl,
    receiver,
    nonce: `${seed.toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`,
    clock: START,
    runCount: 0,
    stepCount: 0,
    sessionCount: 0,
    webhookCount: 0,
    duplicateCount: 0,
    reached: new Map(),
    webhookTimeoutMs: options.webhookTimeoutMs ?? 5_000,
    quietMs: 20,
  };
  const progress = () =>
    options.onProgress?.({
      runs: explorer.runCount,
      steps: explorer.stepCount,
      sessions: explorer.sessionCount,
      webhooks: explorer.webhookCount,
      duplicates: explorer.duplicateCount,
      elapsedMs: performance.now() - started,
    });
  let failure: ExploreFailure | undefined;
  try {
    if (options.replay !== undefined) {
      explorer.quietMs = 200;
      const result = await executeRun(explorer, options.replay.steps);
      progress();
      if (result.mismatch !== undefined) failure = failureOf(options.replay.seed, result);
    } else {
      let best: RunResult | undefined;
      let setupError: ExploreSetupError | undefined;
      const property = fc.asyncProperty(
        fc.array(stepArbitrary, { maxLength: options.steps ?? exploreDefaults.steps, size: "max" }),
        async (steps) => {
          if (setupError !== undefined) return false;
          let result: RunResult;
          try {
            result = await executeRun(explorer, steps);
          } catch (error) {
            if (error instanceof ExploreSetupError) {
              setupError = error;
              return false;
            }
            throw error;
          }
          progress();
          if (result.mismatch === undefined) return true;
          // Shrinking: wait longer for webhooks, so a stray one is seen in the smaller run too.
          explorer.quietMs = 60;
          if (best === undefined || result.executed.length <= best.executed.length) best = result;
          return false;
        },
      );
      const details = await fc.check(property, {
        numRuns: options.runs ?? exploreDefaults.runs,
        seed,
        endOnFailure: false,
        verbose: 0,
      });
      if (setupError !== undefined) throw setupError;
      if (details.failed) {
        if (best === undefined) {
          const error = details.errorInstance;
          throw error instanceof Error ? error : new Error(String(error));
        }
        // Run the shrunk sequence once more, exactly as its replay will: what is reported is what
        // `--replay` shows.
        const replay: ReplayFile = { version: 1, seed, steps: best.executed };
        const again = await executeRun(explorer, replay.steps);
        failure = failureOf(seed, again.mismatch === undefined ? best : again);
      }
    }
  } finally {
    await receiver.close();
  }
  const reached = [...explorer.reached.values()]
    .map(({ transition, count }) => ({ ...transition, count }))
    .sort((a, b) =>
      `${a.machine} ${a.state} ${a.event} ${a.result}`.localeCompare(
        `${b.machine} ${b.state} ${b.event} ${b.result}`,
      ),
    );
  return {
    ok: failure === undefined,
    seed,
    runs: explorer.runCount,
    steps: explorer.stepCount,
    sessions: explorer.sessionCount,
    webhooks: explorer.webhookCount,
    duplicates: explorer.duplicateCount,
    durationMs: performance.now() - started,
    reached,
    ...(failure === undefined ? {} : { failure }),
  };
};
