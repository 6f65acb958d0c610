/**
 * The `payment-session-contracts explore` command: flags → {@link ExploreOptions}, the exploration,
 * the report (console, JUnit, JSON, replay file) and the exit code (0 all good, 1 a mismatch, 2 bad
 * usage or an unreachable provider — as `verify`).
 *
 * @since 0.1.0
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ExitCode } from "../verifier/command.js";
import { exploreProvider } from "./exploreProvider.js";
import { formatExploreReport, formatFailureStep, formatProgress } from "./format.js";
import { type ExploreReport, ExploreSetupError, type ReplayFile } from "./types.js";
import { EXPLORE_USAGE } from "./usage.js";

/**
 * Where the command writes, and whether stdout is a terminal (the progress line).
 *
 * @since 0.1.0
 * @category Explorer
 */
export interface ExploreIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly isTty?: boolean | undefined;
}

const FLAGS = {
  "provider-base-url": { type: "string" },
  "provider-states-url": { type: "string" },
  runs: { type: "string" },
  steps: { type: "string" },
  seed: { type: "string" },
  concurrency: { type: "string" },
  replay: { type: "string" },
  "replay-out": { type: "string" },
  junit: { type: "string" },
  json: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

class UsageError extends Error {}

const positiveInt = (name: string, value: string | undefined, min = 1): number | undefined => {
  if (value === undefined) return undefined;
  if (!/^[0-9]+$/u.test(value) || Number(value) < min) {
    throw new UsageError(`--${name}: an integer ≥ ${min}, not ${JSON.stringify(value)}`);
  }
  return Number(value);
};

const httpUrl = (name: string, value: string | undefined): string => {
  if (value === undefined) throw new UsageError(`--${name} is required`);
  try {
    const url = new URL(value);
    if (url.protocol === "http:" || url.protocol === "https:") return value;
  } catch {
    // reported below
  }
  throw new UsageError(`--${name}: not a valid http(s) URL: ${JSON.stringify(value)}`);
};

const readReplay = (file: string): ReplayFile => {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new UsageError(`--replay ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const r = json as Partial<ReplayFile>;
  if (
    typeof r !== "object" ||
    r === null ||
    r.version !== 1 ||
    !Array.isArray(r.steps) ||
    typeof r.seed !== "number"
  ) {
    throw new UsageError(`--replay ${file}: not a replay file (expected {"version":1,"seed":N,"steps":[…]})`);
  }
  return r as ReplayFile;
};

const escapeXml = (text: string): string => text.replace(/[<>&"']/gu, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The report as JUnit XML: one test case per run summary, one failure with the numbered steps.
 *
 * @since 0.1.0
 * @category Explorer
 */
export const exploreJUnit = (report: ExploreReport): string => {
  const seconds = (report.durationMs / 1000).toFixed(3);
  const name = `explore seed ${report.seed}: ${report.runs} runs, ${report.steps} steps`;
  const failure =
    report.failure === undefined
      ? ""
      : `\n      <failure message="${escapeXml(report.failure.message)}" type="ExploreMismatch">${escapeXml(report.failure.steps.map(formatFailureStep).join("\n"))}</failure>\n    `;
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="explore" tests="1" failures="${report.ok ? 0 : 1}" errors="0" time="${seconds}">
  <testsuite name="payment-session-contracts explore" tests="1" failures="${report.ok ? 0 : 1}" errors="0" skipped="0" time="${seconds}">
    <testcase classname="explore" name="${escapeXml(name)}" time="${seconds}">${failure}</testcase>
  </testsuite>
</testsuites>
`;
};

/**
 * Runs `payment-session-contracts explore …` (argv without the `explore` word). Resolves the exit code.
 *
 * @since 0.1.0
 * @category Explorer
 */
export const runExploreCli = async (argv: ReadonlyArray<string>, io: ExploreIo): Promise<number> => {
  let report: ExploreReport;
  let replayOut: string;
  let values: ReturnType<typeof parseArgs<{ options: typeof FLAGS }>>["values"];
  try {
    try {
      values = parseArgs({ args: [...argv], options: FLAGS, allowPositionals: false }).values;
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
    if (values.help === true) {
      io.stdout(EXPLORE_USAGE);
      return ExitCode.passed;
    }
    const providerBaseUrl = httpUrl("provider-base-url", values["provider-base-url"]);
    const providerStatesUrl = httpUrl("provider-states-url", values["provider-states-url"]);
    const seed = positiveInt("seed", values.seed, 0);
    const replay = values.replay === undefined ? undefined : readReplay(values.replay);
    replayOut = values["replay-out"] ?? "explore-replay.json";
    const options = {
      providerBaseUrl,
      providerStatesUrl,
      runs: positiveInt("runs", values.runs),
      steps: positiveInt("steps", values.steps),
      seed: seed ?? replay?.seed,
      concurrency: positiveInt("concurrency", values.concurrency),
      replay,
    };
    const tty = io.isTty === true;
    let last = 0;
    io.stdout(
      replay === undefined
        ? `Exploring ${providerBaseUrl} (seed ${options.seed ?? "random"})\n`
        : `Replaying ${replay.steps.length} step(s) of ${values.replay} against ${providerBaseUrl}\n`,
    );
    report = await exploreProvider({
      ...options,
      onProgress: tty
        ? (p) => {
            if (p.elapsedMs - last < 100) return;
            last = p.elapsedMs;
            io.stdout(`\r${formatProgress(p)}`);
          }
        : undefined,
    });
    if (tty) io.stdout("\r\u001b[2K");
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`error: ${error.message}\n\n${EXPLORE_USAGE}`);
      return ExitCode.usage;
    }
    if (error instanceof ExploreSetupError) {
      io.stderr(`error: ${error.message}\n`);
      return ExitCode.usage;
    }
    throw error;
  }
  if (report.failure !== undefined)
    writeFileSync(replayOut, `${JSON.stringify(report.failure.replay, null, 2)}\n`);
  io.stdout(formatExploreReport(report, report.failure === undefined ? {} : { replayFile: replayOut }));
  if (values.junit !== undefined) writeFileSync(values.junit, exploreJUnit(report));
  if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
  return report.ok ? ExitCode.passed : ExitCode.contractFailed;
};
