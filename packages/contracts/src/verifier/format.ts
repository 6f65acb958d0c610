/**
 * Plain-text rendering of a verification report, as the CLI prints it.
 *
 * @since 0.1.0
 */
import { mismatchLine } from "./junit.js";
import type { InteractionVerification, ProviderStateRef, VerificationReport } from "./types.js";

const MAX_VALUE = 160;

const clip = (text: string): string => (text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text);

const stateLine = (s: ProviderStateRef): string =>
  Object.keys(s.params).length === 0
    ? `given ${s.name}`
    : `given ${s.name} ${clip(JSON.stringify(s.params))}`;

const interactionLines = (i: InteractionVerification): ReadonlyArray<string> => {
  const mark = i.status === "passed" ? "✓" : i.pending ? "!" : "✗";
  const suffix = [i.kind === "message" ? "message" : "", i.pending && i.status === "failed" ? "pending" : ""]
    .filter((s) => s.length > 0)
    .join(", ");
  return [
    `  ${mark} ${i.description}${suffix.length > 0 ? ` (${suffix})` : ""}`,
    ...i.providerStates.map((s) => `      ${stateLine(s)}`),
    ...i.mismatches.map((m) => `      ${clip(mismatchLine(m))}`),
  ];
};

/**
 * The per-interaction report: per consumer, `✓`/`✗` per interaction with its provider states and, for a
 * failure, each failing field path with expected and actual; then one summary line.
 *
 * @example
 * merchant-checkout -> payments-v2-api
 *   ✗ a request for a payment session
 *       given a payment session exists {"sessionId":"7f65…","status":"REQUIRE_ACTION"}
 *       $.data.status: expected "REQUIRE_ACTION", actual "PAID"
 *
 * Verified 4 interactions of payments-v2-api: 3 passed, 1 failed.
 */
export const formatReport = (report: VerificationReport): string => {
  const consumers = [...new Set(report.interactions.map((i) => i.consumer))];
  const lines = consumers.flatMap((consumer) => [
    `${consumer.length > 0 ? consumer : "(unknown consumer)"} -> ${report.provider}`,
    ...report.interactions.filter((i) => i.consumer === consumer).flatMap(interactionLines),
    "",
  ]);
  const notices = report.notices.map((n) => `note: ${n}`);
  const { passed, failed } = report.summary;
  const total = passed + failed;
  const summary = `Verified ${total} interaction${total === 1 ? "" : "s"} of ${report.provider}: ${passed} passed, ${failed} failed.`;
  return [...lines, ...notices, summary, ""].join("\n");
};
