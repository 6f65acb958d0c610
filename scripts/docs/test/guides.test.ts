import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { providerStateNames, providerStates } from "@payment-session/contracts";
import { describe, expect, it, vi } from "vitest";
import { startContractProvider } from "../../../packages/reference-provider/src/contracts/index.ts";
import { run as runExplore } from "../guides/snippets/exploreFromScript.ts";
import { run as runWebhooks } from "../guides/snippets/handlingWebhooks.ts";
import { run as runProviderStates } from "../guides/snippets/providerStatesEndpoint.ts";
import { run as runCore } from "../guides/snippets/usingTheCore.ts";
import { run as runVerify } from "../guides/snippets/verifyFromScript.ts";
import { guidesDir, renderGuides, snippetsDir, snippetsOf, snippetText } from "../guides.ts";

const snippetFiles = readdirSync(snippetsDir)
  .filter((f) => f.endsWith(".ts"))
  .map((f) => f.replace(/\.ts$/u, ""));

/** A local port nobody listens on (bound, then released). */
const closedPort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

describe("guides: the snippets are included verbatim", () => {
  it("every snippet file is included by a guide, and every included snippet exists", () => {
    const included = readdirSync(guidesDir)
      .filter((f) => f.endsWith(".md"))
      .flatMap((f) => snippetsOf(readFileSync(join(guidesDir, f), "utf8")));
    expect([...new Set(included)].sort()).toEqual([...snippetFiles].sort());
  });

  it("each generated guide shows its snippets' guide regions exactly, with no directive left", () => {
    const guides = renderGuides();
    expect(guides.map((g) => g.path)).toEqual([
      "guides/exploring-your-implementation.md",
      "guides/handling-webhooks.md",
      "guides/implementing-the-api.md",
      "guides/using-the-core.md",
    ]);
    for (const name of snippetFiles) {
      const region = snippetText(readFileSync(join(snippetsDir, `${name}.ts`), "utf8"));
      expect(region.length).toBeGreaterThan(200);
      expect(
        guides.some((g) => g.text.includes(`\`\`\`ts\n${region}\n\`\`\``)),
        name,
      ).toBe(true);
    }
    for (const guide of guides) expect(guide.text).not.toContain("<!-- snippet:");
  });
});

describe("guides: the snippets run", () => {
  it("using the core: create, pay, a refused confirm, the sweeper's expiry", () => {
    expect(runCore()).toEqual({
      created: "REQUIRE_ACTION",
      paid: "PAID",
      paidCallbacks: ["PAYMENT.PAID"],
      lateConfirm: "invalid_state",
      expiryCallbacks: [["PAYMENT.CANCELLED", "EXPIRED", null]],
      stored: [2, 2],
    });
  });

  it("handling webhooks: each callback once, its repeat a duplicate, a wrong key 401", async () => {
    expect(await runWebhooks()).toEqual({
      answers: [
        ["PAYMENT.PAID", false, true],
        ["PAYMENT.CANCELLED", false, true],
      ],
      wrongKey: 401,
      orders: {
        "INV-PAID": { state: "paid", paidAt: "2025-03-30T05:49:17Z" },
        "INV-EXPIRED": { state: "released", reason: "EXPIRED" },
      },
    });
  });

  it("the provider-states endpoint answers every catalogued state's example with the values it names", async () => {
    const examples = providerStateNames.map((name) => ({
      state: name,
      params: providerStates[name].example as object,
    }));
    const answers = await runProviderStates(examples);
    for (const name of providerStateNames) {
      const answer = answers.find((a) => a.state === name);
      expect(answer, name).toEqual({
        state: name,
        status: 200,
        keys: providerStates[name].returns.map((r) => r.name).sort(),
      });
    }
    expect(answers.find((a) => a.state === "a state nobody catalogued")?.status).toBe(400);
    expect(answers.find((a) => a.state === "teardown")).toEqual({ state: "teardown", status: 200, keys: [] });
  });

  it("verifying from a script: a server that does not answer is exit code 2, not a throw", async () => {
    const port = await closedPort();
    const printed = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      expect(
        await runVerify(`http://127.0.0.1:${port}`, join(import.meta.dirname, "../../../contracts")),
      ).toBe(2);
      expect(String(printed.mock.calls[0]?.[0])).toContain("not reachable");
    } finally {
      printed.mockRestore();
    }
  });

  it("exploring from a script: the reference provider is 0, a replay file reruns, a server that does not answer is 2", async () => {
    const printed = vi.spyOn(console, "log").mockImplementation(() => {});
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const running = await startContractProvider({ background: { intervalMs: 10 } });
    try {
      const states = running.providerStatesSetupUrl;
      expect(await runExplore(running.providerBaseUrl, states)).toBe(0);
      expect(String(printed.mock.calls[0]?.[0])).toMatch(/^PASS seed 42: 10 runs/u);
      const replayFile = join(mkdtempSync(join(tmpdir(), "explore-guide-")), "replay.json");
      writeFileSync(
        replayFile,
        JSON.stringify({
          version: 1,
          seed: 42,
          steps: [
            { kind: "create", ref: 0, amount: 20_000 },
            { kind: "get", session: 0 },
          ],
        }),
      );
      expect(await runExplore(running.providerBaseUrl, states, { replayFile })).toBe(0);
      expect(String(printed.mock.calls[1]?.[0])).toMatch(/^PASS seed 42: 1 runs, 3 checked steps/u);
      const port = await closedPort();
      expect(
        await runExplore(`http://127.0.0.1:${port}`, `http://127.0.0.1:${port}/_pact/provider-states`),
      ).toBe(2);
      expect(String(errors.mock.calls[0]?.[0])).toContain("did not answer");
    } finally {
      await running.close();
      printed.mockRestore();
      errors.mockRestore();
    }
  }, 120_000);
});
