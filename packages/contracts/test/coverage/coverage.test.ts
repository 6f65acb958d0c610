/**
 * The transition coverage gate on the committed contracts and on altered copies: removing an
 * interaction opens a gap the gate names; stale or malformed allow-list lines fail; an interaction
 * the model answers with another HTTP status fails; the endpoint → event table names real endpoints.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  formatTransitionKey,
  merchantRefundTransitions,
  refundTransitionUniverse,
  renderOpenApi,
  transitionUniverse,
} from "@payment-session/core";
import { afterEach, describe, expect, it } from "vitest";
import {
  coverageMain,
  coverageReport,
  eventCauses,
  loadPactFiles,
  parseAllowList,
  replayInteraction,
  replayPacts,
  reportMarkdown,
} from "../../src/coverage/index.js";

const root = resolve(import.meta.dirname, "../../../..");
const contractsDir = join(root, "contracts");
const HTTP_PACT = "merchant-backend-payments-v2-api.json";

const replays = replayPacts(loadPactFiles(contractsDir));
const committedAllowList = readFileSync(join(contractsDir, "coverage-allowlist.txt"), "utf8");

const temps: Array<string> = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the pact folder (after `edit` of each pact file's JSON) and an allow-list file. */
const workspace = (
  allowList: string,
  edit: (pact: { interactions: Array<{ description: string }> }) => void = () => {},
) => {
  const dir = mkdtempSync(join(tmpdir(), "coverage-"));
  temps.push(dir);
  const pacts = join(dir, "pacts");
  mkdirSync(pacts);
  for (const pact of loadPactFiles(contractsDir)) {
    const json = JSON.parse(readFileSync(join(contractsDir, pact.file), "utf8"));
    edit(json);
    writeFileSync(join(pacts, pact.file), JSON.stringify(json));
  }
  const allow = join(dir, "allow.txt");
  writeFileSync(allow, allowList);
  return { pacts, allow };
};

const run = (args: ReadonlyArray<string>) => {
  let out = "";
  let err = "";
  const code = coverageMain(args, root, {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
  });
  return { code, out, err };
};

/** Today's gaps as allow-list lines, so that a copy passes the gate before it is altered. */
const gapsAsAllowList = (): string => {
  const report = coverageReport({ replays, allowList: parseAllowList(committedAllowList) });
  return `${committedAllowList}\n${report.gaps.map((g) => `${g} left to the contracts helper (test baseline)`).join("\n")}\n`;
};

describe("replaying the contracts through the model", { timeout: 60_000 }, () => {
  it("replays every interaction with the contract's HTTP status and only keys of the universe", () => {
    expect(replays.length).toBeGreaterThanOrEqual(36);
    expect(replays.filter((r) => r.problem !== null).map((r) => `${r.description}: ${r.problem}`)).toEqual(
      [],
    );
    const universe = new Set([...transitionUniverse, ...refundTransitionUniverse].map(formatTransitionKey));
    for (const r of replays)
      for (const k of r.keys) expect(universe.has(formatTransitionKey(k)), formatTransitionKey(k)).toBe(true);
  });

  it("records what each kind of request does in the model", () => {
    const keysOf = (description: string) =>
      replays.find((r) => r.description === description)?.keys.map(formatTransitionKey) ?? [
        "(no such interaction)",
      ];
    expect(keysOf("a request to simulate chargeStatus SUCCESS on the open VA charge")).toEqual([
      "session REQUIRE_ACTION EXPIRE stays",
      "session REQUIRE_ACTION PAYMENT_RECEIVED →PAID",
      "charge WAITING_FOR_USER_ACTION PAYMENT_RECEIVED →SUCCESS",
    ]);
    expect(keysOf("a request to cancel a session waiting for the customer's transfer")).toContain(
      "session REQUIRE_ACTION CANCEL refused:invalid_state",
    );
    expect(keysOf("a request to create a QRIS payment session")).toEqual([
      "session REQUIRE_PAYMENT_METHOD (always) →REQUIRE_CONFIRMATION",
      "session REQUIRE_CONFIRMATION (always) →REQUIRE_ACTION",
    ]);
    expect(keysOf("a request for a payment session without an Authorization header")).toEqual([]);
    expect(keysOf("a PAYMENT.PAID callback for a paid VA session")).toContain(
      "session REQUIRE_ACTION PAYMENT_RECEIVED →PAID",
    );
  });
});

// Each run replays every pact (about a second on a loaded machine): a generous timeout, no timing assertion.
describe("replaying one interaction", { timeout: 60_000 }, () => {
  const states = (extra: ReadonlyArray<{ name: string; params?: Record<string, unknown> }>) => [
    { name: "the clock reads", params: { now: "2025-03-30T05:48:17Z" } },
    { name: "a merchant with credentials exists", params: { merchantId: "m-1", merchantSecret: "s" } },
    ...extra,
  ];
  const request = (method: string, path: string, body?: Readonly<Record<string, string>>) => ({
    method,
    path,
    headers: { Authorization: ["Bearer t"] },
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Pact provider-state expression, not a template
    generators: { header: { Authorization: { expression: "Bearer ${accessToken}" } } },
    ...(body === undefined ? {} : { body: { content: body } }),
  });

  it("reads a session past its expiry as the expiry (a later clock), and another merchant's session as missing", () => {
    const late = replayInteraction("t.json", {
      type: "Synchronous/HTTP",
      description: "late read",
      providerStates: states([
        { name: "a payment session exists", params: { status: "REQUIRE_ACTION" } },
        { name: "the clock reads", params: { now: "2025-03-30T07:48:17Z" } },
      ]) as never,
      request: request("GET", "/v2/payments/x"),
      response: { status: 200 },
    });
    expect(late.keys.map(formatTransitionKey)).toEqual([
      "session REQUIRE_ACTION EXPIRE →EXPIRED",
      "charge WAITING_FOR_USER_ACTION SESSION_EXPIRED →EXPIRED",
    ]);
    const other = replayInteraction("t.json", {
      type: "Synchronous/HTTP",
      description: "another merchant",
      providerStates: states([
        { name: "a payment session exists", params: { status: "REQUIRE_ACTION" } },
        { name: "a merchant with credentials exists", params: { merchantId: "m-2", merchantSecret: "s" } },
      ]) as never,
      request: request("POST", "/v2/payments/x/cancel", { cancellationReason: "VOID_SESSION" }),
      response: { status: 404 },
    });
    expect(other).toMatchObject({ keys: [], problem: null });
  });

  it("names a provider state the model does not know, and a state no event path reaches", () => {
    const unknown = replayInteraction("t.json", {
      type: "Synchronous/HTTP",
      description: "unknown state",
      providerStates: states([{ name: "a chargeback exists" }]) as never,
      request: request("GET", "/v2/payments/x"),
      response: { status: 200 },
    });
    expect(unknown.problem).toBe("the model does not know provider state 'a chargeback exists'");
    const impossible = replayInteraction("t.json", {
      type: "Synchronous/HTTP",
      description: "impossible state",
      providerStates: states([
        { name: "a payment session exists", params: { status: "PAID", chargeStatus: "FAILED" } },
      ]) as never,
      request: request("GET", "/v2/payments/x"),
      response: { status: 200 },
    });
    expect(impossible.problem).toContain("no event path reaches");
  });
});

describe("the coverage gate (pnpm contracts:coverage)", { timeout: 120_000 }, () => {
  it("passes a copy whose every gap is allow-listed, and fails it once the interactions exercising a transition are removed, naming it", () => {
    const baseline = workspace(gapsAsAllowList());
    const ok = run(["--pacts", baseline.pacts, "--allow-list", baseline.allow]);
    expect(ok.out).toContain("coverage gate: ok");
    expect(ok.code).toBe(0);

    const paid = "session REQUIRE_ACTION PAYMENT_RECEIVED →PAID";
    const exercising = new Set(
      replays.filter((r) => r.keys.some((k) => formatTransitionKey(k) === paid)).map((r) => r.description),
    );
    expect(exercising.size).toBeGreaterThan(0);
    const removed = workspace(gapsAsAllowList(), (pact) => {
      pact.interactions = pact.interactions.filter((i) => !exercising.has(i.description));
    });
    for (const file of loadPactFiles(removed.pacts)) {
      for (const i of file.interactions) expect(exercising.has(i.description), i.description).toBe(false);
    }
    const failed = run(["--pacts", removed.pacts, "--allow-list", removed.allow]);
    expect(failed.code).toBe(1);
    expect(failed.out).toContain(`gap: ${paid}`);
    expect(failed.out).toContain("coverage gate: FAILED");
  });

  it("fails when an allow-list line is removed (the transition becomes a gap)", () => {
    const line = committedAllowList
      .split("\n")
      .find((l) => l.startsWith("session REQUIRE_ACTION PAYMENT_RECEIVED refused:unknown_charge"));
    expect(line).toBeDefined();
    const copy = workspace(
      gapsAsAllowList()
        .split("\n")
        .filter((l) => l !== line)
        .join("\n"),
    );
    const result = run(["--pacts", copy.pacts, "--allow-list", copy.allow]);
    expect(result.code).toBe(1);
    expect(result.out).toContain("gap: session REQUIRE_ACTION PAYMENT_RECEIVED refused:unknown_charge");
  });

  it("fails on stale allow-list lines: covered, not a transition, not merchant-causable, no reason", () => {
    const cases: ReadonlyArray<[string, string]> = [
      ["session REQUIRE_ACTION PAYMENT_RECEIVED →PAID covered anyway", 'is exercised by "'],
      ["session PAID CANCEL →CANCELLED no such transition", "is not a transition of the machines"],
      ["session PROCESSING AUTHORIZED →PAID a card authorisation", "is not gated"],
      // Time is applied once (EXPIRE first, L4): a late payment's expiry is its own EXPIRE key.
      [
        "session REQUIRE_ACTION PAYMENT_RECEIVED →EXPIRED a late payment",
        "is not a transition of the machines",
      ],
      ["session PAID CAPTURE refused:invalid_state", "has no reason"],
    ];
    for (const [line, message] of cases) {
      const copy = workspace(`${gapsAsAllowList()}${line}\n`);
      const result = run(["--pacts", copy.pacts, "--allow-list", copy.allow]);
      expect(result.code, line).toBe(1);
      expect(result.out, line).toContain(message);
    }
  });

  it("fails when the model answers an interaction with another HTTP status than the contract expects", () => {
    const refused = replays.find(
      (r) => r.file === HTTP_PACT && r.keys.some((k) => k.result === "refused:invalid_state"),
    );
    expect(refused).toBeDefined();
    const copy = workspace(gapsAsAllowList(), (pact) => {
      const interaction = pact.interactions.find((i) => i.description === refused?.description) as unknown as
        | { response: { status: number } }
        | undefined;
      if (interaction !== undefined) interaction.response.status = 200;
    });
    const result = run(["--pacts", copy.pacts, "--allow-list", copy.allow]);
    expect(result.code).toBe(1);
    expect(result.out).toContain(`"${refused?.description}": the model answers 422`);
  });

  it("takes an exploration's reached keys and rejects keys outside the universe", () => {
    const copy = workspace(gapsAsAllowList());
    const reached = join(copy.pacts, "..", "reached.json");
    writeFileSync(
      reached,
      JSON.stringify([
        "session PROCESSING CAPTURE →PAID",
        { machine: "charge", state: "SUCCESS", event: "CAPTURE", result: "refused:invalid_state" },
      ]),
    );
    const json = join(copy.pacts, "..", "report.json");
    const ok = run(["--pacts", copy.pacts, "--allow-list", copy.allow, "--reached", reached, "--json", json]);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain("explorer reached 2 of");
    const report = JSON.parse(readFileSync(json, "utf8")) as {
      transitions: Array<{ key: string; reached: boolean }>;
    };
    expect(report.transitions.find((t) => t.key === "session PROCESSING CAPTURE →PAID")?.reached).toBe(true);
    // The explorer's own report: { reached: [{ machine, state, event, result, count }] }.
    writeFileSync(
      reached,
      JSON.stringify({
        ok: true,
        reached: [{ machine: "session", state: "PAID", event: "EXPIRE", result: "stays", count: 4 }],
      }),
    );
    expect(run(["--pacts", copy.pacts, "--allow-list", copy.allow, "--reached", reached]).out).toContain(
      "explorer reached 1 of",
    );
    writeFileSync(reached, JSON.stringify(["session PAID CANCEL →CANCELLED"]));
    const bad = run(["--pacts", copy.pacts, "--allow-list", copy.allow, "--reached", reached]);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain("reached key not in the universe: session PAID CANCEL →CANCELLED");
    expect(run(["--reached"]).code).toBe(2);
  });

  it("on the committed contracts: every gap is a merchant-causable session transition, and the Markdown names each", () => {
    const report = coverageReport({ replays, allowList: parseAllowList(committedAllowList) });
    const byKey = new Map(report.transitions.map((t) => [t.key, t]));
    for (const gap of report.gaps) expect(byKey.get(gap)?.merchant, gap).toBe(true);
    expect(report.stale).toEqual([]);
    const markdown = reportMarkdown(report, { source: "test" });
    for (const gap of report.gaps) {
      const t = byKey.get(gap);
      expect(markdown).toContain(
        `| \`${t?.transition.state}\` | \`${t?.transition.event}\` | ${t?.transition.result} |`,
      );
    }
  });
});

describe("the coverage gate counts refund transitions", { timeout: 120_000 }, () => {
  it("gates every refund transition a merchant can cause, and each is exercised by a committed contract", () => {
    const report = coverageReport({ replays, allowList: parseAllowList(committedAllowList) });
    const refund = report.transitions.filter((t) => t.transition.machine === "refund");
    expect(refund.map((t) => t.key)).toEqual(refundTransitionUniverse.map(formatTransitionKey));
    const gated = refund.filter((t) => t.merchant).map((t) => t.key);
    expect(new Set(gated)).toEqual(new Set(merchantRefundTransitions.map(formatTransitionKey)));
    // SUBMIT and the sandbox's steps are the merchant's; a CANCEL is the bank's.
    expect(gated).toContain("refund REQUESTED SUBMIT →PENDING");
    expect(gated).toContain("refund WAITING_BANK_TRANSFER TRANSFER_SUCCEEDED →SUCCESS");
    expect(gated).not.toContain("refund WAITING_BANK_TRANSFER CANCEL →CANCELLED");
    for (const t of refund.filter((x) => x.merchant)) expect(t.exercisedBy, t.key).not.toEqual([]);
    expect(report.gaps.filter((g) => g.startsWith("refund "))).toEqual([]);
    expect(summaryLine(report)).toMatch(/11 a merchant can cause; 11 exercised, 0 allow-listed, 0 gaps/u);
  });

  it("fails once the contracts exercising one refund transition are removed, naming it (a refund transition, an HTTP and a message case)", () => {
    for (const key of [
      "refund REQUESTED SUBMIT refused:amount_exceeds_refundable",
      "refund WAITING_BANK_TRANSFER REFUND_FAILED →FAILED",
    ]) {
      const exercising = new Set(
        replays.filter((r) => r.keys.some((k) => formatTransitionKey(k) === key)).map((r) => r.description),
      );
      expect(exercising.size, key).toBeGreaterThan(0);
      const removed = workspace(gapsAsAllowList(), (pact) => {
        pact.interactions = pact.interactions.filter((i) => !exercising.has(i.description));
      });
      const failed = run(["--pacts", removed.pacts, "--allow-list", removed.allow]);
      expect(failed.code, key).toBe(1);
      expect(failed.out).toContain(`gap: ${key}`);
      expect(failed.out).toContain("coverage gate: FAILED");
    }
  });

  it("refuses to allow-list a refund transition no merchant can cause, and takes a reason for one that is", () => {
    const bank = workspace(
      `${gapsAsAllowList()}refund WAITING_BANK_TRANSFER CANCEL ->CANCELLED the bank cancels\n`,
    );
    const stale = run(["--pacts", bank.pacts, "--allow-list", bank.allow]);
    expect(stale.code).toBe(1);
    expect(stale.out).toContain("refund WAITING_BANK_TRANSFER CANCEL →CANCELLED is not gated");
    const key = "refund PENDING TRANSFER_STARTED →WAITING_BANK_TRANSFER";
    const exercising = new Set(
      replays.filter((r) => r.keys.some((k) => formatTransitionKey(k) === key)).map((r) => r.description),
    );
    const allowed = workspace(`${gapsAsAllowList()}${key} waiting for a transfer-only contract\n`, (pact) => {
      pact.interactions = pact.interactions.filter((i) => !exercising.has(i.description));
    });
    const ok = run(["--pacts", allowed.pacts, "--allow-list", allowed.allow]);
    expect(ok.out).toContain("coverage gate: ok");
  });

  it("the Markdown report has a refund machine table", () => {
    const report = coverageReport({ replays, allowList: parseAllowList(committedAllowList) });
    const markdown = reportMarkdown(report, { source: "test" });
    expect(markdown).toContain("## Refund machine");
    expect(markdown).toContain("| `REQUESTED` | `SUBMIT` | →PENDING | POST /v1/refunds |");
    expect(markdown).toContain(
      "| `WAITING_BANK_TRANSFER` | `CANCEL` | →CANCELLED | bank or operator only | — |",
    );
  });
});

/** The summary's refund line. */
const summaryLine = (report: ReturnType<typeof coverageReport>): string =>
  run(["--pacts", contractsDir])
    .out.split("\n")
    .find((l) => l.includes("refund transitions")) ?? String(report.ok);

describe("what causes each event", { timeout: 60_000 }, () => {
  it("names endpoints of the API description, and leaves the channels' steps to channels", () => {
    const paths = Object.keys((JSON.parse(renderOpenApi()) as { paths: Record<string, unknown> }).paths);
    const causes = eventCauses();
    for (const list of Object.values(causes)) {
      for (const cause of list) {
        const match = /^(GET|POST) (\S+)/u.exec(cause);
        if (match === null) continue; // "any write past expiryAt"
        const path = (match[2] ?? "").replace("{id}", "{paymentSessionId}");
        expect(
          paths.some((p) => p.replace(/\{[^}]+\}/gu, "{paymentSessionId}") === path),
          cause,
        ).toBe(true);
      }
    }
    const channelOnly = Object.entries(causes)
      .filter(([, list]) => list.length === 0)
      .map(([event]) => event)
      .sort();
    expect(channelOnly).toEqual([
      "AUTHORIZED",
      "CHARGE_FAILED",
      "CHARGE_PROCESSING",
      "CUSTOMER_AUTHENTICATING",
    ]);
    expect(causes.PAYMENT_RECEIVED).toEqual(["POST /v2/payments/simulations (chargeStatus SUCCESS)"]);
    expect(causes.CHARGE_EXPIRED).toEqual(["POST /v2/payments/simulations (chargeStatus EXPIRED)"]);
  });
});
