/**
 * Plain-text rendering of a verification report, as the CLI prints it. Nothing is cut: a long value
 * (a field path, an expected or actual value, a provider state's params) is wrapped onto indented
 * continuation lines, so the whole of it can be read and copied.
 *
 * @since 0.1.0
 */
import type {
  InteractionVerification,
  ProviderStateRef,
  VerificationMismatch,
  VerificationReport,
} from "./types.js";

/**
 * Lines longer than this are wrapped.
 *
 * @since 0.1.0
 * @category Verifier CLI
 */
export const REPORT_WIDTH = 100;

/**
 * Splits `text` into pieces of at most `width` characters, breaking after a space or a comma where there
 * is one in the second half of the piece, else exactly at `width` (a long JSON value without spaces).
 */
export const wrapText = (text: string, width: number): ReadonlyArray<string> => {
  const pieces: Array<string> = [];
  let rest = text;
  while (rest.length > width) {
    const window = rest.slice(0, width);
    const soft = Math.max(window.lastIndexOf(" "), window.lastIndexOf(","));
    const cut = soft >= width / 2 ? soft + 1 : width;
    pieces.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  pieces.push(rest);
  return pieces;
};

/** `first` after `indent`, wrapped; continuation lines indented by `indent` plus `hang`. */
const wrapped = (indent: string, first: string, hang = "  "): ReadonlyArray<string> => {
  const pieces = wrapText(first, Math.max(20, REPORT_WIDTH - indent.length - hang.length));
  return pieces.map((p, i) => (i === 0 ? `${indent}${p}` : `${indent}${hang}${p}`));
};

/** A provider state as the report names it: `given a payment session exists {"status":"PAID"}`. */
export const stateText = (s: ProviderStateRef): string =>
  Object.keys(s.params).length === 0 ? `given ${s.name}` : `given ${s.name} ${JSON.stringify(s.params)}`;

/** How a value reads: the JSON text as given, `(empty)` for an empty text (never nothing). */
const shown = (value: string): string => (value === "" ? "(empty)" : value);

/**
 * One mismatch: `$.data.status: expected "REQUIRE_ACTION", actual "PAID"` when that fits on a line,
 * else the path, then `expected` and `actual` on lines of their own, each wrapped.
 */
export const mismatchLines = (m: VerificationMismatch, indent: string): ReadonlyArray<string> => {
  if (m.expected === "" && m.actual === "") return wrapped(indent, `${m.path}: ${m.message}`);
  const oneLine = `${m.path}: expected ${shown(m.expected)}, actual ${shown(m.actual)}`;
  if (indent.length + oneLine.length <= REPORT_WIDTH) return [`${indent}${oneLine}`];
  return [
    ...wrapped(indent, `${m.path}:`),
    ...wrapped(`${indent}  `, `expected ${shown(m.expected)}`, "         "),
    ...wrapped(`${indent}  `, `actual   ${shown(m.actual)}`, "         "),
  ];
};

const interactionLines = (i: InteractionVerification): ReadonlyArray<string> => {
  const mark = i.status === "passed" ? "✓" : i.pending ? "!" : "✗";
  const suffix = [i.kind === "message" ? "message" : "", i.pending && i.status === "failed" ? "pending" : ""]
    .filter((s) => s.length > 0)
    .join(", ");
  return [
    ...wrapped("  ", `${mark} ${i.description}${suffix.length > 0 ? ` (${suffix})` : ""}`, "    "),
    ...i.providerStates.flatMap((s) => wrapped("      ", stateText(s))),
    ...i.mismatches.flatMap((m) => mismatchLines(m, "      ")),
    ...i.notes.flatMap((n) => wrapped("      ", `note: ${n}`, "      ")),
  ];
};

/**
 * The per-interaction report: per consumer, `✓`/`✗` per interaction with its provider states and, for a
 * failure, each failing field path with expected and actual (`null` as `null`, a missing field as
 * `(missing)`), then notes (e.g. a request that used the pact's example value); then one summary line.
 *
 * @example
 * merchant-checkout -> payments-v2-api
 *   ✗ a request for a payment session
 *       given a payment session exists {"sessionId":"7f65…","status":"REQUIRE_ACTION"}
 *       $.data.status: expected "REQUIRE_ACTION", actual "PAID"
 *
 * Verified 4 interactions of payments-v2-api: 3 passed, 1 failed.
 *
 * @since 0.1.0
 * @category Verifier CLI
 */
export const formatReport = (report: VerificationReport): string => {
  const consumers = [...new Set(report.interactions.map((i) => i.consumer))];
  const lines = consumers.flatMap((consumer) => [
    `${consumer.length > 0 ? consumer : "(unknown consumer)"} -> ${report.provider}`,
    ...report.interactions.filter((i) => i.consumer === consumer).flatMap(interactionLines),
    "",
  ]);
  const notices = report.notices.flatMap((n) => wrapped("", `note: ${n}`, "      "));
  const { passed, failed } = report.summary;
  const total = passed + failed;
  const summary = `Verified ${total} interaction${total === 1 ? "" : "s"} of ${report.provider}: ${passed} passed, ${failed} failed.`;
  return [...lines, ...notices, summary, ""].join("\n");
};
