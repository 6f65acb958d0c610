/**
 * JUnit XML for a verification report: one `<testsuite>` per consumer, one `<testcase>` per interaction,
 * a `<failure>` with every failing field for a failed one. CI systems read this to show contract failures.
 *
 * @since 0.1.0
 */
import { stateText } from "./format.js";
import type { InteractionVerification, VerificationMismatch, VerificationReport } from "./types.js";

const escapeXml = (text: string): string =>
  text
    // biome-ignore lint/suspicious/noControlCharactersInRegex: characters XML 1.0 forbids
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "")
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&apos;");

const seconds = (ms: number | undefined): string => ((ms ?? 0) / 1000).toFixed(3);

/** One line per mismatch: `$.data.status: expected "REQUIRE_ACTION", actual "PAID"`. */
export const mismatchLine = (m: VerificationMismatch): string =>
  m.expected === "" && m.actual === ""
    ? `${m.path}: ${m.message}`
    : `${m.path}: expected ${m.expected}, actual ${m.actual}`;

/** The testcase name: the description and, when there are any, its provider states. */
export const interactionTitle = (i: InteractionVerification): string =>
  i.providerStates.length === 0
    ? i.description
    : `${i.description} (given ${i.providerStates.map((s) => s.name).join(" and ")})`;

/** The provider states with their params, and the notes: every testcase's `<system-out>`. */
const context = (i: InteractionVerification): string =>
  [...i.providerStates.map(stateText), ...i.notes.map((n) => `note: ${n}`)].join("\n");

const testcase = (i: InteractionVerification): string => {
  const open = `    <testcase classname="${escapeXml(i.consumer)}" name="${escapeXml(interactionTitle(i))}" time="${seconds(i.durationMs)}"`;
  const out = context(i);
  const systemOut = out === "" ? "" : `\n      <system-out>${escapeXml(out)}</system-out>`;
  if (i.status === "passed") return systemOut === "" ? `${open}/>` : `${open}>${systemOut}\n    </testcase>`;
  const first = i.mismatches[0];
  const summary = first === undefined ? "failed" : mismatchLine(first);
  const details = [
    ...i.providerStates.map(stateText),
    ...i.mismatches.map((m) => `${mismatchLine(m)}\n  ${m.message}`),
    ...i.notes.map((n) => `note: ${n}`),
  ].join("\n");
  const tag = i.pending ? "skipped" : "failure";
  return `${open}>\n      <${tag} message="${escapeXml(summary)}" type="ContractMismatch">${escapeXml(details)}</${tag}>${systemOut}\n    </testcase>`;
};

/**
 * Renders a report as JUnit XML (pending failures become `<skipped>`).
 *
 * @example writeFileSync("reports/contracts.xml", toJUnitXml(report))
 *
 * @since 0.1.0
 * @category Verifier CLI
 */
export const toJUnitXml = (report: VerificationReport): string => {
  const consumers = [...new Set(report.interactions.map((i) => i.consumer))];
  const suites = consumers.map((consumer) => {
    const cases = report.interactions.filter((i) => i.consumer === consumer);
    const failures = cases.filter((i) => i.status === "failed" && !i.pending).length;
    const skipped = cases.filter((i) => i.status === "failed" && i.pending).length;
    const time = cases.reduce((t, i) => t + (i.durationMs ?? 0), 0);
    return [
      `  <testsuite name="${escapeXml(`${consumer} -> ${report.provider}`)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(time)}">`,
      ...cases.map(testcase),
      "  </testsuite>",
    ].join("\n");
  });
  const failures = report.interactions.filter((i) => i.status === "failed" && !i.pending).length;
  const time = report.interactions.reduce((t, i) => t + (i.durationMs ?? 0), 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeXml(`contracts of ${report.provider}`)}" tests="${report.interactions.length}" failures="${failures}" errors="0" time="${seconds(time)}">`,
    ...suites,
    "</testsuites>",
    "",
  ].join("\n");
};
