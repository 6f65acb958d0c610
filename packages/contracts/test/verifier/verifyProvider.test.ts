import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type InteractionVerification,
  type VerificationReport,
  type VerifyProviderOptions,
  verifyProvider,
} from "../../src/verifier/index.js";
import {
  paidWebhook,
  STATE_SESSION_ID,
  startTinyProvider,
  type TinyProvider,
} from "./support/tinyProvider.js";
import { descendants, parseXml } from "./support/xml.js";

const PACTS = fileURLToPath(new URL("../fixtures/verifier/pacts", import.meta.url));
const EXAMPLE_SESSION_ID = "7f65c757-355f-4645-ac14-028b34ab51b1";

const asReport = (outcome: Awaited<ReturnType<typeof verifyProvider>>): VerificationReport => {
  if (outcome._tag !== "VerificationReport")
    throw new Error(`expected a report, got ${outcome._tag}: ${outcome.message}`);
  return outcome;
};

const byDescription = (report: VerificationReport) =>
  new Map(report.interactions.map((i): [string, InteractionVerification] => [i.description, i]));

const urlOptions = (p: TinyProvider): VerifyProviderOptions => ({
  providerBaseUrl: p.baseUrl,
  providerStatesSetupUrl: p.statesUrl,
  providerMessagesUrl: p.messagesUrl,
  pactDir: PACTS,
});

let scratch = "";
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), "verifier-test-"));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("verifyProvider against a correct provider", () => {
  it("passes every HTTP and message interaction, with consumers and provider states from the pacts", async () => {
    const provider = await startTinyProvider();
    try {
      const report = asReport(await verifyProvider(urlOptions(provider)));
      expect(report.ok).toBe(true);
      expect(report.summary).toEqual({ passed: 4, failed: 0 });
      const rows = report.interactions.map((i) => [i.consumer, i.description, i.kind, i.status]);
      expect(rows.sort()).toEqual([
        ["merchant-checkout", "a request for a payment session", "http", "passed"],
        ["merchant-checkout", "a request to cancel a payment session", "http", "passed"],
        ["merchant-checkout", "a request to confirm a paid payment session", "http", "passed"],
        ["merchant-webhook-handler", "a PAYMENT.PAID webhook", "message", "passed"],
      ]);
      expect(byDescription(report).get("a request for a payment session")?.providerStates).toEqual([
        {
          name: "a payment session exists",
          params: { sessionId: EXAMPLE_SESSION_ID, status: "REQUIRE_ACTION" },
        },
      ]);
    } finally {
      await provider.close();
    }
  });

  it("speaks the provider-states protocol: POST {state, params, action} for setup then teardown", async () => {
    const provider = await startTinyProvider();
    try {
      asReport(await verifyProvider(urlOptions(provider)));
      const calls = provider.stateCalls.filter(
        (c) => c.state === "a payment session awaits a payment method",
      );
      expect(calls).toEqual([
        {
          state: "a payment session awaits a payment method",
          params: { clientReferenceId: "INV-001" },
          action: "setup",
        },
        {
          state: "a payment session awaits a payment method",
          params: { clientReferenceId: "INV-001" },
          action: "teardown",
        },
      ]);
      // The messages endpoint is asked with the description and the provider states.
      expect(provider.messageCalls).toEqual([
        expect.objectContaining({
          description: "a PAYMENT.PAID webhook",
          providerStates: [{ name: "a payment session is paid", params: { sessionId: EXAMPLE_SESSION_ID } }],
        }),
      ]);
    } finally {
      await provider.close();
    }
  });

  it("forwardTeardowns false: the implementation gets set-ups only, and every interaction still passes", async () => {
    const provider = await startTinyProvider();
    try {
      const report = asReport(await verifyProvider({ ...urlOptions(provider), forwardTeardowns: false }));
      expect(report.summary).toEqual({ passed: 4, failed: 0 });
      expect(provider.stateCalls.length).toBeGreaterThan(0);
      expect(provider.stateCalls.filter((c) => c.action !== "setup")).toEqual([]);
    } finally {
      await provider.close();
    }
  });

  it("serves the core's message requests on the verifier's loopback server (the provider's host)", async () => {
    const provider = await startTinyProvider();
    try {
      const report = asReport(
        await verifyProvider({ ...urlOptions(provider), interaction: "PAYMENT\\.PAID webhook" }),
      );
      expect(report.interactions.map((i) => [i.description, i.kind, i.status])).toEqual([
        ["a PAYMENT.PAID webhook", "message", "passed"],
      ]);
    } finally {
      await provider.close();
    }
  });

  it("feeds the setup response's keys into fromProviderState: the GET only passes on the id the setup returned", async () => {
    // The tiny provider only knows STATE_SESSION_ID, not the pact's example id; a provider whose state
    // setup returns nothing leaves the example id in the path and the interaction fails with a 404.
    expect(STATE_SESSION_ID).not.toBe(EXAMPLE_SESSION_ID);
    const provider = await startTinyProvider();
    try {
      const silentStates = await verifyProvider({
        ...urlOptions(provider),
        providerStatesSetupUrl: undefined,
        stateHandlers: {
          "a payment session exists": async (params) => {
            provider.applyState({ state: "a payment session exists", params, action: "setup" });
            return undefined;
          },
        },
      });
      const failed = asReport(silentStates).interactions.find(
        (i) => i.description === "a request for a payment session",
      );
      expect(failed?.status).toBe("failed");
      expect(failed?.mismatches.map((m) => [m.path, m.expected, m.actual])).toContainEqual([
        "status",
        "200",
        "404",
      ]);
    } finally {
      await provider.close();
    }
  });

  it("runs in-process stateHandlers and messageProviders (JavaScript implementations)", async () => {
    const provider = await startTinyProvider();
    const seen: Array<string> = [];
    const handler = (state: string) => ({
      setup: async (params: Readonly<Record<string, unknown>>) => {
        seen.push(`setup ${state}`);
        return provider.applyState({ state, params: { ...params }, action: "setup" }) as {
          sessionId: string;
        };
      },
      teardown: async () => {
        seen.push(`teardown ${state}`);
        provider.applyState({ state, params: {}, action: "teardown" });
        return undefined;
      },
    });
    try {
      const report = asReport(
        await verifyProvider({
          providerBaseUrl: provider.baseUrl,
          pactDir: PACTS,
          stateHandlers: {
            "a payment session exists": handler("a payment session exists"),
            "a payment session awaits a payment method": handler("a payment session awaits a payment method"),
            "a payment session is paid": handler("a payment session is paid"),
          },
          messageProviders: {
            "a PAYMENT.PAID webhook": {
              produce: async (request) => {
                expect(request.providerStates[0]?.name).toBe("a payment session is paid");
                return provider.currentWebhook();
              },
              metadata: { contentType: "application/json" },
            },
          },
        }),
      );
      expect(report.summary).toEqual({ passed: 4, failed: 0 });
      expect(seen).toContain("setup a payment session exists");
      expect(seen).toContain("teardown a payment session exists");
      expect(provider.stateCalls.length).toBeGreaterThan(0);
    } finally {
      await provider.close();
    }
  });
});

describe("self-test: a deliberately wrong provider", () => {
  let provider: TinyProvider;
  let report: VerificationReport;
  const junitFile = () => path.join(scratch, "reports", "contracts.xml");

  beforeAll(async () => {
    provider = await startTinyProvider({ wrong: true });
    report = asReport(await verifyProvider({ ...urlOptions(provider), junitFile: junitFile() }));
  });
  afterAll(() => provider.close());

  it("reports exactly the failing interactions, their field paths and provider states", () => {
    expect(report.ok).toBe(false);
    expect(report.summary).toEqual({ passed: 2, failed: 2 });
    const failed = report.interactions
      .filter((i) => i.status === "failed")
      .map((i) => ({
        description: i.description,
        states: i.providerStates.map((s) => s.name),
        paths: i.mismatches.map((m) => m.path),
      }));
    expect(failed).toEqual([
      {
        description: "a request for a payment session",
        states: ["a payment session exists"],
        paths: ["$.data.status"],
      },
      {
        description: "a request to cancel a payment session",
        states: ["a payment session awaits a payment method"],
        paths: ["$.data.cancellationReason"],
      },
    ]);
  });

  it("gives expected and actual for each failing field", () => {
    const interactions = byDescription(report);
    expect(interactions.get("a request for a payment session")?.mismatches[0]).toMatchObject({
      expected: '"REQUIRE_ACTION"',
      actual: '"PAID"',
    });
    expect(interactions.get("a request to cancel a payment session")?.mismatches[0]).toMatchObject({
      expected: '"REQUESTED_BY_CUSTOMER"',
      actual: "(missing)",
    });
  });

  it("writes a well-formed JUnit report with one testcase per interaction and the mismatch text", () => {
    const root = parseXml(readFileSync(junitFile(), "utf8"));
    expect(root.name).toBe("testsuites");
    expect(root.attributes).toMatchObject({ tests: "4", failures: "2" });
    const cases = descendants(root, "testcase");
    expect(cases.map((c) => c.attributes.classname).sort()).toEqual([
      "merchant-checkout",
      "merchant-checkout",
      "merchant-checkout",
      "merchant-webhook-handler",
    ]);
    const failures = cases.flatMap((c) =>
      descendants(c, "failure").map((f) => [c.attributes.name, f.attributes.message]),
    );
    expect(failures).toEqual([
      [
        "a request for a payment session (given a payment session exists)",
        '$.data.status: expected "REQUIRE_ACTION", actual "PAID"',
      ],
      [
        "a request to cancel a payment session (given a payment session awaits a payment method)",
        '$.data.cancellationReason: expected "REQUESTED_BY_CUSTOMER", actual (missing)',
      ],
    ]);
  });

  it("names a missing message provider instead of a body diff", async () => {
    const outcome = asReport(
      await verifyProvider({ ...urlOptions(provider), providerMessagesUrl: undefined }),
    );
    const message = byDescription(outcome).get("a PAYMENT.PAID webhook");
    expect(message?.status).toBe("failed");
    expect(message?.mismatches).toEqual([
      expect.objectContaining({
        path: "message",
        message: expect.stringContaining('no message provider for "a PAYMENT.PAID webhook"'),
      }),
    ]);
  });

  it("reports a wrong message body field by path", async () => {
    const outcome = asReport(
      await verifyProvider({
        ...urlOptions(provider),
        providerMessagesUrl: undefined,
        messageProviders: { "a PAYMENT.PAID webhook": async () => paidWebhook(STATE_SESSION_ID, "PENDING") },
      }),
    );
    expect(byDescription(outcome).get("a PAYMENT.PAID webhook")?.mismatches).toEqual([
      expect.objectContaining({ path: "$.data.status", expected: '"PAID"', actual: '"PENDING"' }),
    ]);
  });
});

describe("usage problems come back as VerifierUsageError", () => {
  const pactDir = (name: string, files: Record<string, string | null>) => {
    const dir = path.join(scratch, name);
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(files)) {
      if (text === null) mkdirSync(path.join(dir, file));
      else writeFileSync(path.join(dir, file), text);
    }
    return dir;
  };
  const base = { providerBaseUrl: "http://127.0.0.1:9", providerStatesSetupUrl: "http://127.0.0.1:9/states" };

  it.each([
    [
      "a malformed provider URL",
      { ...base, providerBaseUrl: "foo", pactDir: PACTS },
      /^providerBaseUrl: not a valid http\(s\) URL: "foo"$/,
    ],
    [
      "a non-http states URL",
      { ...base, providerStatesSetupUrl: "ftp://x", pactDir: PACTS },
      /^providerStatesSetupUrl: not a valid/,
    ],
    [
      "a missing pact folder",
      { ...base, pactDir: "/nonexistent/pacts" },
      /^pact folder not found: \/nonexistent\/pacts$/,
    ],
    [
      "an empty pact folder",
      () => ({ ...base, pactDir: pactDir("empty", { "README.md": "x" }) }),
      /^pact folder is empty/,
    ],
    [
      "a non-JSON pact file",
      () => ({ ...base, pactDir: pactDir("broken", { "a.json": "{ not json" }) }),
      /^not a JSON pact file: .*a\.json/,
    ],
    [
      "an unreadable pact file",
      () => ({ ...base, pactDir: pactDir("unreadable", { "a.json": null }) }),
      /^cannot read pact file .*a\.json: EISDIR$/,
    ],
    [
      "JSON that is no pact",
      () => ({ ...base, pactUrls: [pactDir("nopact", { "a.json": "[]" })] }),
      /^not a pact file/,
    ],
    [
      "pacts only for another provider",
      { ...base, pactDir: PACTS, provider: "someone-else" },
      /^no pact for provider "someone-else"/,
    ],
    [
      "a provider that is not running",
      { ...base, pactDir: PACTS },
      /^provider not reachable at http:\/\/127\.0\.0\.1:9\/: .*ECONNREFUSED/,
    ],
  ] as const)("refuses %s", async (_name, options, message) => {
    const outcome = await verifyProvider(typeof options === "function" ? options() : options);
    expect(outcome._tag).toBe("VerifierUsageError");
    expect(outcome._tag === "VerifierUsageError" ? outcome.message : "").toMatch(message);
  });

  it("refuses a states URL together with stateHandlers", async () => {
    const outcome = await verifyProvider({ ...base, pactDir: PACTS, stateHandlers: {} });
    expect(outcome).toEqual({
      _tag: "VerifierUsageError",
      message: "give providerStatesSetupUrl or stateHandlers, not both",
    });
  });
});
