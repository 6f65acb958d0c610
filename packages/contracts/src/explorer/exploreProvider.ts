/**
 * `exploreProvider`: drives a live provider through generated lifecycles and checks every answer
 * against what the core's machines predict.
 *
 * @since 0.1.0
 */
import { choosePropertySeed } from "@payment-session/core/testing";
import fc from "fast-check";
import { runRaces } from "./races.js";
import { startReceiver } from "./receiver.js";
import { type Explorer, executeRun, type RunResult, setUpState } from "./run.js";
import { simplerSteps, stepArbitrary } from "./steps.js";
import {
  type ExploreFailure,
  type ExploreOptions,
  type ExploreReport,
  ExploreSetupError,
  type RaceSummary,
  type ReplayFile,
} from "./types.js";
import { exploreDefaults } from "./usage.js";

/** Where an exploration's clock starts (it only moves forward from there). */
const START = Date.parse("2030-01-01T00:00:00Z");

/** A shrunk sequence of at most this many steps is minimised further, one step at a time. */
const MINIMISE_UP_TO = 12;

/** After the last run: deliveries that came late (a run's webhooks checked again after a pause). */
const lateWebhooks = async (explorer: Explorer, seed: number): Promise<ExploreFailure | undefined> => {
  if (explorer.lateChecks.length === 0) return undefined;
  await new Promise((resolve) => setTimeout(resolve, 250));
  for (const { steps, check } of explorer.lateChecks) {
    const mismatch = check(explorer.clock);
    if (mismatch !== undefined) {
      return {
        message: `a webhook arrived late that the model does not predict: ${mismatch.path}`,
        steps: [
          {
            number: 1,
            step: { kind: "webhooks" },
            request: undefined,
            expected: mismatch.expected,
            actual: mismatch.actual,
            mismatch,
          },
        ],
        replay: { version: 1, seed, steps },
      };
    }
  }
  return undefined;
};

/** A fresh merchant for the races, a day after the sequences' clock. */
const raceMerchant = async (explorer: Explorer): Promise<{ accessToken: string; at: number }> => {
  explorer.clock += 24 * 60 * 60_000;
  await setUpState(explorer, "the clock reads", { now: new Date(explorer.clock).toISOString() });
  const id = `x${explorer.nonce}races`;
  const values = await setUpState(explorer, "a merchant with credentials exists", {
    merchantId: id,
    merchantSecret: `${id}-secret`,
    callbackApiKey: `${id}-callback-key`,
    callbackUrl: `${explorer.receiver.url}/${encodeURIComponent(id)}`,
  });
  if (typeof values.accessToken !== "string") {
    throw new ExploreSetupError(
      `provider state "a merchant with credentials exists" answered no accessToken`,
    );
  }
  return { accessToken: values.accessToken, at: explorer.clock };
};

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
 * @category Explorer
 */
export const exploreProvider = async (options: ExploreOptions): Promise<ExploreReport> => {
  const started = performance.now();
  const seed = options.seed ?? choosePropertySeed(process.env, Math.random).seed;
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
    lateChecks: [],
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
  let raceSummary: RaceSummary | undefined;
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
        // fast-check shrinks an array by dropping leading steps and shrinking each one; a step in the
        // middle or at the end that the failure does not need can stay, and a refund step that paid
        // its session first (its prelude) stands for a payment. Drop single steps, last first, or put
        // a simpler step in their place, while the run still fails. Each try waits at least 1 s for
        // webhooks, so a late delivery does not hide the failure.
        if (best.executed.length <= MINIMISE_UP_TO) {
          const timeout = explorer.webhookTimeoutMs;
          explorer.webhookTimeoutMs = Math.max(timeout, 1_000);
          for (let i = best.executed.length - 1; i >= 0; i--) {
            const current = best.executed;
            const step = current[i];
            if (step === undefined) continue;
            for (const replacement of [[], ...simplerSteps(step).map((s) => [s])]) {
              const candidate = [...current.slice(0, i), ...replacement, ...current.slice(i + 1)];
              const result = await executeRun(explorer, candidate);
              if (result.mismatch !== undefined && result.records.length < best.records.length) {
                best = result;
                break;
              }
            }
          }
          explorer.webhookTimeoutMs = timeout;
        }
        // Run the shrunk sequence once more, exactly as its replay will: what is reported is what
        // `--replay` shows.
        const replay: ReplayFile = { version: 1, seed, steps: best.executed };
        const again = await executeRun(explorer, replay.steps);
        failure = failureOf(seed, again.mismatch === undefined ? best : again);
      }
    }
    if (failure === undefined) failure = await lateWebhooks(explorer, seed);
    if (failure === undefined && options.concurrency !== undefined && options.replay === undefined) {
      const races = await runRaces({
        providerBaseUrl: explorer.baseUrl,
        providerStatesUrl: explorer.statesUrl,
        histories: options.raceHistories ?? exploreDefaults.raceHistories,
        concurrency: options.concurrency,
        seed,
        setup: () => raceMerchant(explorer),
      });
      raceSummary = {
        histories: races.histories.length,
        calls: races.calls,
        unanswered: races.unanswered,
        ok: races.ok,
      };
      if (races.failure !== undefined) {
        failure = {
          message: `a race history is not explained by any order of its calls (seed ${seed})`,
          steps: [],
          replay: { version: 1, seed, steps: [] },
          races: races.failure.report,
        };
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
    ...(raceSummary === undefined ? {} : { races: raceSummary }),
  };
};
