import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  type CoreReport,
  coreInteractionKey,
  joinReport,
  parseCoreReport,
  parseDuration,
  transcriptBlocks,
} from "../../src/verifier/internal/coreReport.js";
import { type PactInteractionInfo, readPactFile } from "../../src/verifier/internal/pactFiles.js";

// A report the Pact core produced for the fixture pacts (the first interaction given a second state,
// "the merchant is active") against a provider whose state setup failed for that state, whose cancel left
// out `cancellationReason`, whose confirm answered 500 text/plain, and with no message provider.
const FAILURES = fileURLToPath(new URL("../fixtures/verifier/core-report-failures.json", import.meta.url));
const PACT = fileURLToPath(
  new URL("../fixtures/verifier/pacts/merchant-checkout-payments-v2-api.json", import.meta.url),
);
const MESSAGES = fileURLToPath(
  new URL("../fixtures/verifier/pacts/merchant-webhook-handler-payments-v2-api.json", import.meta.url),
);

const core = (): CoreReport => {
  const parsed = parseCoreReport(readFileSync(FAILURES, "utf8"));
  if (parsed === undefined) throw new Error("fixture is not a core report");
  return parsed;
};

const localInteractions = (): ReadonlyArray<PactInteractionInfo> =>
  [PACT, MESSAGES].flatMap((file) => {
    const pact = readPactFile(file);
    if ("_tag" in pact) throw new Error(pact.message);
    return pact.interactions.map((i) =>
      i.description === "a request for a payment session"
        ? {
            ...i,
            providerStates: [
              ...i.providerStates,
              { name: "the merchant is active", params: { merchantId: "m-1" } },
            ],
          }
        : i,
    );
  });

const noFailures = {
  messageFailures: new Map<string, string>(),
  messagesRequested: new Set<string>(),
  stateCalls: [],
};

describe("parseCoreReport", () => {
  it("reads results, errors and the transcript, and refuses text that is not a report", () => {
    const report = core();
    expect(report.result).toBe(false);
    expect(report.interactionResults.map((r) => r.result)).toEqual(["Error", "Error", "Error", "Error"]);
    expect(report.errors).toHaveLength(4);
    expect(parseCoreReport("Verification was unable to run")).toBeUndefined();
    expect(parseCoreReport('{"errors": []}')).toBeUndefined();
  });
});

describe("joinReport", () => {
  const report = () =>
    joinReport({ provider: "payments-v2-api", core: core(), local: localInteractions(), ...noFailures });
  const mismatchesOf = (description: string) =>
    report().interactions.find((i) => i.description === description)?.mismatches ?? [];

  it("matches every failure to its pact interaction by consumer, state names and description", () => {
    const r = report();
    expect(r.ok).toBe(false);
    expect(r.summary).toEqual({ passed: 0, failed: 4 });
    expect(r.notices).toEqual([]);
    expect(
      r.interactions.find((i) => i.description === "a request for a payment session")?.providerStates,
    ).toEqual([
      {
        name: "a payment session exists",
        params: { sessionId: "7f65c757-355f-4645-ac14-028b34ab51b1", status: "REQUIRE_ACTION" },
      },
      { name: "the merchant is active", params: { merchantId: "m-1" } },
    ]);
  });

  it("names a failed state setup as a provider-state problem", () => {
    expect(mismatchesOf("a request for a payment session")).toEqual([
      {
        path: "provider state",
        expected: "",
        actual: "",
        message: "One or more of the setup state change handlers has failed",
      },
    ]);
  });

  it("turns 'missing keys' into one path per missing key, with the pact's example as expected", () => {
    expect(mismatchesOf("a request to cancel a payment session")).toEqual([
      expect.objectContaining({
        path: "$.data.cancellationReason",
        expected: '"REQUESTED_BY_CUSTOMER"',
        actual: "(missing)",
      }),
    ]);
    expect(mismatchesOf("a PAYMENT.PAID webhook").map((m) => [m.path, m.actual])).toEqual([
      ["$.data", "(missing)"],
      ["$.event", "(missing)"],
    ]);
  });

  it("maps status, header and content-type mismatches to their own paths", () => {
    expect(
      mismatchesOf("a request to confirm a paid payment session").map((m) => [m.path, m.expected, m.actual]),
    ).toEqual([
      ["body", "application/json", "text/plain"],
      ["status", "422", "500"],
      ["header Content-Type", "application/json", "text/plain"],
    ]);
  });

  it("replaces the core's generic text with the reason recorded for a state handler or message provider", () => {
    const r = joinReport({
      provider: "payments-v2-api",
      core: core(),
      local: localInteractions(),
      messagesRequested: new Set(["a PAYMENT.PAID webhook"]),
      messageFailures: new Map([["a PAYMENT.PAID webhook", "message provider failed: boom"]]),
      stateCalls: [
        {
          state: "the merchant is active",
          params: { merchantId: "m-1" },
          action: "setup",
          ok: false,
          failure: "its state handler threw: no merchant",
          values: undefined,
          noValuesReason: "",
        },
      ],
    });
    const messages = (d: string) =>
      r.interactions.find((i) => i.description === d)?.mismatches.map((m) => m.message);
    expect(messages("a request for a payment session")).toEqual([
      'provider state "the merchant is active" {"merchantId":"m-1"} failed: its state handler threw: no merchant',
    ]);
    expect(messages("a PAYMENT.PAID webhook")).toEqual(["message provider failed: boom"]);
  });

  it("without local pact files (URLs, broker) takes consumer and state names from the core's text", () => {
    const r = joinReport({ provider: "payments-v2-api", core: core(), local: [], ...noFailures });
    expect(
      r.interactions.map((i) => [i.consumer, i.description, i.providerStates.map((s) => s.name)]),
    ).toEqual([
      [
        "merchant-checkout",
        "a request for a payment session",
        ["a payment session exists", "the merchant is active"],
      ],
      [
        "merchant-checkout",
        "a request to cancel a payment session",
        ["a payment session awaits a payment method"],
      ],
      ["merchant-checkout", "a request to confirm a paid payment session", ["a payment session is paid"]],
      ["merchant-webhook-handler", "a PAYMENT.PAID webhook", ["a payment session is paid"]],
    ]);
  });

  it("counts a passed interaction as passed and leaves unmatched core errors as notices", () => {
    const passing: CoreReport = {
      result: false,
      interactionResults: [
        { description: "a request to confirm a paid payment session", result: "OK", duration: "15ms" },
      ],
      errors: [
        {
          interaction: "Failed to load pact - broken",
          pending: false,
          mismatch: { type: "error", message: "boom" },
        },
      ],
      notices: [],
      output: [],
    };
    const r = joinReport({
      provider: "payments-v2-api",
      core: passing,
      local: localInteractions(),
      ...noFailures,
    });
    expect(r.interactions.map((i) => [i.description, i.status, i.durationMs])).toEqual([
      ["a request to confirm a paid payment session", "passed", 15],
    ]);
    expect(r.notices).toEqual(["Failed to load pact - broken: boom"]);
    expect(r.ok).toBe(false);
  });
});

describe("helpers", () => {
  it("writes the interaction key the way the core does", () => {
    expect(coreInteractionKey("c", "p", [{ name: "s1" }, { name: "s2" }], "d")).toBe(
      "Verifying a pact between c and p Given s1 And s2 - d",
    );
    expect(coreInteractionKey("c", "p", [], "d")).toBe("Verifying a pact between c and p - d");
  });

  it.each([
    ["44ms", 44],
    ["1.126s", 1126],
    ["1s 126ms", 1126],
    ["2m 3s", 123_000],
    ["", undefined],
  ])("parses the duration %j", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it("reads consumers and states from the core's transcript", () => {
    expect(transcriptBlocks(core().output).map((b) => [b.consumer, b.description, b.states.length])).toEqual([
      ["merchant-checkout", "a request for a payment session", 2],
      ["merchant-checkout", "a request to cancel a payment session", 1],
      ["merchant-checkout", "a request to confirm a paid payment session", 1],
      ["merchant-webhook-handler", "a PAYMENT.PAID webhook", 1],
    ]);
  });
});
