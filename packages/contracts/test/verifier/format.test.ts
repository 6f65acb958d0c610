/**
 * The printed report and the JUnit file keep the useful part: long values wrapped, never cut; `null` as
 * `null`, a missing field as `(missing)`; provider-state params in the JUnit output.
 */
import { describe, expect, it } from "vitest";
import {
  formatReport,
  type InteractionVerification,
  REPORT_WIDTH,
  toJUnitXml,
  type VerificationReport,
} from "../../src/verifier/index.js";
import { toMismatches } from "../../src/verifier/internal/coreReport.js";
import { descendants, parseXml } from "./support/xml.js";

const LONG = `"${"0123456789abcdef".repeat(20)}"`; // 322 characters
const PARAMS = {
  sessionId: "7f65c757-355f-4645-ac14-028b34ab51b1",
  status: "REQUIRE_ACTION",
  note: "x".repeat(150),
};

const interaction = (over: Partial<InteractionVerification>): InteractionVerification => ({
  consumer: "merchant-backend",
  description: "a request for a payment session",
  kind: "http",
  providerStates: [{ name: "a payment session exists", params: PARAMS }],
  status: "failed",
  pending: false,
  mismatches: [],
  notes: [],
  durationMs: 12,
  ...over,
});

const report = (i: InteractionVerification): VerificationReport => ({
  _tag: "VerificationReport",
  ok: i.status === "passed",
  provider: "payments-v2-api",
  interactions: [i],
  summary: { passed: i.status === "passed" ? 1 : 0, failed: i.status === "passed" ? 0 : 1 },
  notices: [],
});

/** The printed text with the wrapping undone: continuation lines joined back. */
const unwrapped = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .join("");

describe("the printed report", () => {
  const text = formatReport(
    report(
      interaction({
        mismatches: [
          { path: "$.data.clientReferenceId", expected: '"INV-001"', actual: LONG, message: "m" },
          {
            path: "$.data.amount",
            expected: '{"currency":"IDR","value":20000}',
            actual: "null",
            message: "m",
          },
          {
            path: "$.data.cancellationReason",
            expected: '"REQUESTED_BY_CUSTOMER"',
            actual: "(missing)",
            message: "m",
          },
        ],
        notes: [`the request used the pact's example value for \${id}: ${"y".repeat(120)}`],
      }),
    ),
  );

  it("cuts no line: every line fits the width and the whole value and params are there", () => {
    for (const line of text.split("\n")) expect(line.length, line).toBeLessThanOrEqual(REPORT_WIDTH);
    expect(text).not.toContain("…");
    expect(unwrapped(text)).toContain(LONG);
    expect(unwrapped(text)).toContain(JSON.stringify(PARAMS));
    expect(unwrapped(text)).toContain("y".repeat(120));
  });

  it("gives the path, expected and actual of a long value on lines of their own", () => {
    const lines = text.split("\n");
    const at = lines.findIndex((l) => l.trim() === "$.data.clientReferenceId:");
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]?.trim()).toBe('expected "INV-001"');
    expect(lines[at + 2]?.trim().startsWith(`actual   ${LONG.slice(0, 40)}`)).toBe(true);
  });

  it("prints null as null and a missing field as (missing)", () => {
    expect(text).toContain('$.data.amount: expected {"currency":"IDR","value":20000}, actual null');
    expect(text).toContain('$.data.cancellationReason: expected "REQUESTED_BY_CUSTOMER", actual (missing)');
  });
});

describe("the core's mismatches", () => {
  it("name a null the core left empty as null", () => {
    const [m] = toMismatches(
      {
        type: "mismatches",
        mismatches: [
          {
            type: "BodyMismatch",
            path: "$.data.amount",
            expected: '{"currency":"IDR","value":20000}',
            actual: "",
            mismatch:
              'Type mismatch: Expected null (Null) to be the same type as {"currency":"IDR","value":20000} (Object)',
          },
        ],
      },
      undefined,
    );
    expect(m?.actual).toBe("null");
  });

  it("name a missing header as (missing)", () => {
    const [m] = toMismatches(
      {
        type: "mismatches",
        mismatches: [
          {
            type: "HeaderMismatch",
            key: "X-API-Key",
            expected: "callback-key-0001",
            actual: "",
            mismatch: "Expected a header 'X-API-Key' but was missing",
          },
        ],
      },
      undefined,
    );
    expect([m?.path, m?.actual]).toEqual(["header X-API-Key", "(missing)"]);
  });
});

describe("the JUnit report", () => {
  it("carries the provider states with their params, for passed and failed interactions", () => {
    for (const status of ["passed", "failed"] as const) {
      const xml = parseXml(
        toJUnitXml(
          report(
            interaction({
              status,
              mismatches:
                status === "failed"
                  ? [{ path: "$.data.status", expected: '"PAID"', actual: "null", message: "m" }]
                  : [],
            }),
          ),
        ),
      );
      const [testcase] = descendants(xml, "testcase");
      const out = testcase === undefined ? [] : descendants(testcase, "system-out");
      expect(
        out.map((o) => o.text),
        status,
      ).toEqual([`given a payment session exists ${JSON.stringify(PARAMS)}`]);
      if (status === "failed") {
        const failure = testcase === undefined ? [] : descendants(testcase, "failure");
        expect(failure[0]?.text).toContain(`given a payment session exists ${JSON.stringify(PARAMS)}`);
        expect(failure[0]?.attributes.message).toBe('$.data.status: expected "PAID", actual null');
      }
    }
  });
});
