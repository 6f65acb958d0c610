/**
 * The explorer's options and report.
 *
 * @since 0.1.0
 */
import type { Mismatch, ReachedTransition } from "./model.js";
import type { Step } from "./steps.js";

/**
 * Options of `exploreProvider`.
 *
 * - `providerBaseUrl`, `providerStatesUrl`: the API and its provider-states setup endpoint (the
 *   same as `verify`'s);
 * - `runs` (default 100) sequences of up to `steps` (default 50) steps, from `seed` (default: the
 *   property-test seed of `@payment-session/core/testing`: `FC_SEED`, else fixed when `CI=true`,
 *   else random; printed in the report);
 * - `concurrency`: also fire that many concurrent calls at one session per race history (see the
 *   race mode), when the race mode is available;
 * - `replay`: run exactly this sequence (a failure's `replay`) instead of generating;
 * - `onProgress`: called after every run with the counts so far.
 * - `webhookTimeoutMs` (default 5 000): how long to wait for the webhooks a run must cause.
 *
 * @since 0.1.0
 * @category Explorer
 */
export interface ExploreOptions {
  readonly providerBaseUrl: string;
  readonly providerStatesUrl: string;
  readonly runs?: number | undefined;
  readonly steps?: number | undefined;
  readonly seed?: number | undefined;
  readonly concurrency?: number | undefined;
  readonly replay?: ReplayFile | undefined;
  readonly onProgress?: ((progress: ExploreProgress) => void) | undefined;
  readonly webhookTimeoutMs?: number | undefined;
  /** Where the webhook receiver listens (default 127.0.0.1, port 0). */
  readonly receiverHost?: string | undefined;
  /** Race histories with `concurrency` (default 20). */
  readonly raceHistories?: number | undefined;
}

/**
 * The counts of an exploration so far.
 *
 * @since 0.1.0
 * @category Explorer
 */
export interface ExploreProgress {
  readonly runs: number;
  readonly steps: number;
  readonly sessions: number;
  readonly webhooks: number;
  readonly duplicates: number;
  readonly elapsedMs: number;
}

/**
 * A replay file: exactly the steps of one run. `payment-session-contracts explore --replay FILE`
 * runs them again (with a fresh merchant, at a fresh time) and checks every answer.
 *
 * @since 0.1.0
 * @category Explorer
 */
export interface ReplayFile {
  readonly version: 1;
  readonly seed: number;
  readonly steps: ReadonlyArray<Step>;
}

/**
 * An HTTP request as the explorer sent it.
 *
 * @since 0.1.0
 * @category Explorer
 */
export interface SentRequest {
  readonly method: "GET" | "POST";
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

/**
 * One executed step of a failing sequence: its number (from 1), the step, the request sent, what
 * the model expected, the actual answer, and where they differ (on the failing step only).
 *
 * @since 0.1.0
 * @category Explorer
 */
export interface FailureStep {
  readonly number: number;
  readonly step:
    | Step
    | {
        readonly kind: "finalRead" | "webhooks" | "token";
        readonly session?: number;
        readonly refund?: number;
      };
  readonly request: SentRequest | undefined;
  readonly expected: unknown;
  readonly actual: unknown;
  readonly mismatch?: Mismatch | undefined;
}

/**
 * A mismatch found, shrunk: the numbered steps and the replay that reruns them.
 *
 * @since 0.1.0
 * @category Explorer
 */
export interface ExploreFailure {
  readonly message: string;
  readonly steps: ReadonlyArray<FailureStep>;
  readonly replay: ReplayFile;
  /** A race failure's report (timeline and the answers no order explains), when a race failed. */
  readonly races?: string | undefined;
}

/**
 * The race histories checked (`concurrency` given).
 *
 * @since 0.1.0
 * @category Explorer
 */
export interface RaceSummary {
  readonly ok: boolean;
  readonly histories: number;
  readonly calls: number;
  readonly unanswered: number;
}

/**
 * A reached transition and how many steps took it.
 *
 * @since 0.1.0
 * @category Explorer
 */
export interface ReachedCount extends ReachedTransition {
  readonly count: number;
}

/**
 * What an exploration found. `ok` when every answer and every webhook was what the machines
 * predict; else `failure`. `reached`: every transition the steps took.
 *
 * @since 0.1.0
 * @category Explorer
 */
export interface ExploreReport {
  readonly ok: boolean;
  readonly seed: number;
  readonly runs: number;
  readonly steps: number;
  readonly sessions: number;
  readonly webhooks: number;
  readonly duplicates: number;
  readonly durationMs: number;
  readonly reached: ReadonlyArray<ReachedCount>;
  readonly failure?: ExploreFailure | undefined;
  /** Race histories checked (`concurrency` given). */
  readonly races?: RaceSummary | undefined;
}

/**
 * The exploration could not run: the provider or its states endpoint unreachable or refusing to
 * set up a merchant or the clock. The CLI exits 2.
 *
 * @since 0.1.0
 * @category Explorer
 */
export class ExploreSetupError extends Error {
  readonly _tag = "ExploreSetupError";
  constructor(message: string) {
    super(message);
    this.name = "ExploreSetupError";
  }
}
