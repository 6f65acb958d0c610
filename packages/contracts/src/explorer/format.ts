/**
 * The explorer's console output: the summary, a failure as numbered steps, the progress line.
 *
 * @since 0.1.0
 */
import { formatTransitionKey, refundTransitionUniverse, transitionUniverse } from "@payment-session/core";
import { formatValue } from "./model.js";
import type { ExploreProgress, ExploreReport, FailureStep } from "./types.js";

const indent = (text: string, by: string): string =>
  text
    .split("\n")
    .map((line) => `${by}${line}`)
    .join("\n");

const json = (u: unknown): string => (u === undefined ? "(missing)" : JSON.stringify(u, null, 2));

const describe = (step: FailureStep): string => {
  const s = step.step;
  const { kind, ...rest } = s as { kind: string } & Record<string, unknown>;
  return Object.keys(rest).length === 0 ? kind : `${kind} ${JSON.stringify(rest)}`;
};

/**
 * A failing step in full: request, expected, actual, and the field path that differs (expected and
 * actual values at that path printed whole, `null` as `null`, a missing value as `(missing)`).
 *
 * @since 0.1.0
 * @category Explorer
 */
export const formatFailureStep = (step: FailureStep): string => {
  const lines = [`${step.number}. ${describe(step)}`];
  if (step.request !== undefined) {
    const r = step.request;
    lines.push(
      `   request: ${r.method} ${r.path}${r.body === undefined ? "" : ` ${JSON.stringify(r.body)}`}`,
    );
  }
  if (step.mismatch !== undefined) {
    const m = step.mismatch;
    lines.push(`   MISMATCH at ${m.path}${m.message === undefined ? "" : ` — ${m.message}`}`);
    lines.push(`     expected: ${formatValue(m.expected)}`);
    lines.push(`     actual:   ${formatValue(m.actual)}`);
    lines.push("   expected answer (model):");
    lines.push(indent(json(step.expected), "     "));
    lines.push("   actual answer:");
    lines.push(indent(json(step.actual), "     "));
  } else if (typeof step.actual === "object" && step.actual !== null && "status" in step.actual) {
    lines.push(`   answer: ${String((step.actual as { status: unknown }).status)} (as the model predicts)`);
  }
  return lines.join("\n");
};

const universe = new Set([...transitionUniverse, ...refundTransitionUniverse].map(formatTransitionKey));

/** How many of the reached transitions are in the universe read from the machine definitions. */
const reachedOfUniverse = (report: ExploreReport): number =>
  report.reached.filter((t) => universe.has(formatTransitionKey(t))).length;

/**
 * The report as text: seed, counts, reached transitions, and a failure's numbered steps.
 *
 * @since 0.1.0
 * @category Explorer
 */
export const formatExploreReport = (report: ExploreReport, options: { replayFile?: string } = {}): string => {
  const lines: Array<string> = [];
  lines.push(
    `${report.ok ? "PASS" : "FAIL"} seed ${report.seed}: ${report.runs} runs, ${report.steps} checked steps, ${report.sessions} sessions, ${report.webhooks} webhooks (${report.duplicates} duplicates), ${reachedOfUniverse(report)} of the machines' ${universe.size} transitions reached, ${(report.durationMs / 1000).toFixed(1)} s`,
  );
  if (report.races !== undefined) {
    const r = report.races;
    lines.push(
      `races: ${r.histories} histories, ${r.calls} concurrent calls (${r.unanswered} unanswered), ${r.ok ? "all linearizable" : "NOT linearizable"}`,
    );
  }
  if (report.failure?.races !== undefined) {
    lines.push("");
    lines.push(report.failure.races);
  } else if (report.failure !== undefined) {
    const f = report.failure;
    lines.push("");
    lines.push(`The provider answered what the machines do not predict: ${f.message}`);
    lines.push(`Shrunk to ${f.replay.steps.length} step(s):`);
    lines.push("");
    for (const step of f.steps) lines.push(formatFailureStep(step));
    lines.push("");
    lines.push(
      options.replayFile === undefined
        ? `Rerun with --seed ${report.seed}, or write the replay with --replay-out FILE.`
        : `Replay written to ${options.replayFile}: rerun exactly this sequence with --replay ${options.replayFile}`,
    );
  }
  return `${lines.join("\n")}\n`;
};

/**
 * The progress line (`\r`-rewritten on a TTY).
 *
 * @since 0.1.0
 * @category Explorer
 */
export const formatProgress = (p: ExploreProgress): string =>
  `runs ${p.runs}  steps ${p.steps}  sessions ${p.sessions}  webhooks ${p.webhooks}  ${(p.elapsedMs / 1000).toFixed(1)} s`;
