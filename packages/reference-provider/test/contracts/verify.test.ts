/**
 * The contract verification (`pnpm verify`) inside the test suite: the reference provider on a fresh
 * database against every pact file in `contracts/` (HTTP interactions and webhook messages), on
 * PGlite and, when `DATABASE_URL` is set, on that PostgreSQL server (fresh schema). Runs after the
 * consumer project regenerated `contracts/` (groupOrder 2).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  formatReport,
  type InteractionVerification,
  type VerificationReport,
} from "@payment-session/contracts";
import { describe, expect, it } from "vitest";
import { type ContractsVerification, defaultPactDir, verifyContracts } from "../../src/contracts/index.js";

const serverUrl = process.env.DATABASE_URL;
const drivers: ReadonlyArray<{ readonly name: string; readonly databaseUrl: string | undefined }> = [
  { name: "pglite", databaseUrl: undefined },
  ...(serverUrl ? [{ name: "postgres", databaseUrl: serverUrl }] : []),
];

interface PactFile {
  readonly interactions: ReadonlyArray<Record<string, unknown>>;
  readonly [key: string]: unknown;
}

/** The parts of a pact interaction the negative test edits. */
interface EditableInteraction {
  readonly description?: string;
  readonly response?: { readonly body?: { readonly content?: { readonly data?: { status?: string } } } };
  readonly contents?: { readonly content?: { event?: string } };
}

const pactFiles = (dir: string): ReadonlyArray<{ readonly name: string; readonly pact: PactFile }> =>
  readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .map((name) => ({ name, pact: JSON.parse(readFileSync(join(dir, name), "utf8")) as PactFile }));

const reportOf = (run: ContractsVerification): VerificationReport => {
  if (run.outcome._tag !== "VerificationReport")
    throw new Error(`the verification did not run: ${run.outcome.message}`);
  return run.outcome;
};

const failureLines = (i: InteractionVerification): ReadonlyArray<string> =>
  i.mismatches.length === 0
    ? [`${i.description}: failed`]
    : i.mismatches.map((m) => `${i.description}: ${m.path}: expected ${m.expected}, actual ${m.actual}`);

describe.each(drivers)("the reference provider verified against contracts/ on $name", ({ databaseUrl }) => {
  it("passes every HTTP interaction and webhook message of every pact file", async () => {
    const run = await verifyContracts({ databaseUrl });
    const report = reportOf(run);
    const failed = report.interactions.filter((i) => i.status === "failed").flatMap(failureLines);
    expect(failed, [formatReport(report), ...run.problems].join("\n")).toEqual([]);
    const expected = pactFiles(defaultPactDir).flatMap(({ pact }) => pact.interactions);
    expect(report.interactions).toHaveLength(expected.length);
    expect(new Set(report.interactions.map((i) => i.kind))).toEqual(new Set(["http", "message"]));
    expect(report.ok).toBe(true);
  }, 180_000);
});

describe("the contract verification", () => {
  it("fails an HTTP interaction and a webhook message the provider does not meet, naming the field", async () => {
    const dir = mkdtempSync(join(tmpdir(), "verify-contracts-"));
    try {
      for (const { name, pact } of pactFiles(defaultPactDir)) {
        // Structured edits of the expected bodies only (the provider states stay as they are).
        const interactions = pact.interactions.map((interaction) => {
          const copy: EditableInteraction = JSON.parse(JSON.stringify(interaction));
          const data = copy.response?.body?.content?.data;
          if (copy.description === "a request for a paid payment session" && data !== undefined) {
            data.status = "EXPIRED";
          }
          const message = copy.contents?.content;
          if (copy.description === "a PAYMENT.PAID callback for a paid VA session" && message !== undefined) {
            message.event = "PAYMENT.PROCESSING";
          }
          return copy;
        });
        writeFileSync(join(dir, name), JSON.stringify({ ...pact, interactions }));
      }
      const report = reportOf(await verifyContracts({ pactDir: dir }));
      const failed = report.interactions.filter((i) => i.status === "failed");
      expect(failed.map((i) => [i.description, i.mismatches.map((m) => m.path)])).toEqual([
        ["a request for a paid payment session", ["$.data.status"]],
        ["a PAYMENT.PAID callback for a paid VA session", ["$.event"]],
      ]);
      expect(report.ok).toBe(false);
      expect(report.summary.passed).toBe(report.interactions.length - 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
