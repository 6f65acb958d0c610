/**
 * `pnpm contracts:coverage`: replays the pact files through the model, prints the summary, writes
 * the JSON / Markdown reports when asked, and exits 1 when the gate fails (2 on a usage error).
 *
 * @since 0.1.0
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { formatTransitionKey, parseTransitionKey } from "@payment-session/core";
import { loadPactFiles, replayPacts } from "./replay.js";
import {
  type CoverageReport,
  coverageReport,
  parseAllowList,
  reportJson,
  reportMarkdown,
  summaryText,
} from "./report.js";

/**
 * Where the inputs are and where the reports go.
 *
 * @since 0.1.0
 * @category Coverage
 */
export interface CoverageOptions {
  /** The folder of pact files. */
  readonly pacts: string;
  /** The allow-list file (absent = empty). */
  readonly allowList?: string | undefined;
  /** An exploration report: a JSON array of keys (strings or objects), or an object with `reached`. */
  readonly reached?: string | undefined;
  readonly json?: string | undefined;
  readonly markdown?: string | undefined;
}

const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u);

/** Reads an exploration's reached keys: strings in `formatTransitionKey` form or key objects. */
const readReached = (file: string): ReadonlyArray<string> => {
  const json: unknown = JSON.parse(readFileSync(file, "utf8"));
  const list: unknown = Array.isArray(json)
    ? json
    : isRecord(json)
      ? (json.reached ?? json.transitions)
      : undefined;
  if (!Array.isArray(list))
    throw new Error(`${file}: want a JSON array of transition keys, or { "reached": [...] }`);
  return list.map((item, i) => {
    if (typeof item === "string") {
      const key = parseTransitionKey(item);
      if (key === null) throw new Error(`${file}: reached[${i}] is not a transition key: ${item}`);
      return formatTransitionKey(key);
    }
    if (
      isRecord(item) &&
      typeof item.machine === "string" &&
      typeof item.state === "string" &&
      typeof item.event === "string" &&
      typeof item.result === "string"
    ) {
      const key = parseTransitionKey(`${item.machine} ${item.state} ${item.event} ${item.result}`);
      if (key !== null) return formatTransitionKey(key);
    }
    throw new Error(`${file}: reached[${i}] is not a transition key: ${JSON.stringify(item)}`);
  });
};

/**
 * Runs the coverage: replays, builds the report, writes the files asked for. Throws on unreadable
 * inputs (the CLI turns that into exit 2).
 *
 * @since 0.1.0
 * @category Coverage
 */
export const runCoverage = (options: CoverageOptions): CoverageReport => {
  const replays = replayPacts(loadPactFiles(options.pacts));
  const allowList =
    options.allowList !== undefined && existsSync(options.allowList)
      ? parseAllowList(readFileSync(options.allowList, "utf8"), options.allowList)
      : undefined;
  const report = coverageReport({
    replays,
    ...(allowList === undefined ? {} : { allowList }),
    ...(options.reached === undefined ? {} : { reached: readReached(options.reached) }),
  });
  if (options.json !== undefined)
    writeFileSync(options.json, `${JSON.stringify(reportJson(report), null, 2)}\n`);
  if (options.markdown !== undefined) {
    writeFileSync(options.markdown, reportMarkdown(report, { source: "pnpm contracts:coverage" }));
  }
  return report;
};

const usage = `usage: pnpm contracts:coverage [--pacts DIR] [--allow-list FILE] [--reached FILE] [--json FILE] [--markdown FILE]

Replays every interaction of the pact files through the model and reports which transitions of the
machines they exercise. Exit 0: every session transition a merchant can cause is exercised by a
contract or allow-listed with a reason; 1: a gap, a stale allow-list line or a replay problem; 2: usage.
  --pacts DIR        the pact files (default: contracts/)
  --allow-list FILE  one "machine STATE EVENT result reason" per line (default: contracts/coverage-allowlist.txt)
  --reached FILE     an exploration's reached transitions (JSON array of keys) for the explorer column
  --json FILE        write the report as JSON
  --markdown FILE    write the report as Markdown`;

/**
 * Where the CLI writes.
 *
 * @since 0.1.0
 * @category Coverage
 */
export interface CoverageIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const processIo: CoverageIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/**
 * The CLI: returns the exit code.
 *
 * @since 0.1.0
 * @category Coverage
 */
export const coverageMain = (
  argv: ReadonlyArray<string>,
  root: string,
  io: CoverageIo = processIo,
): number => {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        pacts: { type: "string" },
        "allow-list": { type: "string" },
        reached: { type: "string" },
        json: { type: "string" },
        markdown: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n${usage}\n`);
    return 2;
  }
  if (values.help === true) {
    io.out(`${usage}\n`);
    return 0;
  }
  const str = (v: string | boolean | undefined) => (typeof v === "string" ? resolve(v) : undefined);
  try {
    const report = runCoverage({
      pacts: str(values.pacts) ?? resolve(root, "contracts"),
      allowList: str(values["allow-list"]) ?? resolve(root, "contracts/coverage-allowlist.txt"),
      reached: str(values.reached),
      json: str(values.json),
      markdown: str(values.markdown),
    });
    io.out(summaryText(report));
    return report.ok ? 0 : 1;
  } catch (error) {
    io.err(`contracts:coverage: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
};
