/**
 * The explorer's refund rules, each shown to catch its defect: a short sequence of steps (what the
 * self-test's shrinking finds) replayed against the faulty provider with the defect switched on
 * fails at the rule, and the same sequence passes the faithful provider. The predictions are the
 * core's refund machine (`refundModel.ts`): over-refund and full-after-partial refused by the money
 * rules, a refund of an unpaid session refused `invalid_state`, the sandbox's callbacks with the
 * gateway's event names, another merchant's refund missing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exploreProvider } from "../../src/explorer/index.js";
import type { Step } from "../../src/explorer/steps.js";
import type { ExploreReport } from "../../src/explorer/types.js";
import {
  type DefectName,
  type FaultyProvider,
  startFaultyProvider,
} from "../support/faultyProvider/index.js";

const vaSession: Step = {
  kind: "create",
  ref: 0,
  amount: 20_000,
  method: { type: "VIRTUAL_ACCOUNT", channel: "PERMATA" },
  autoConfirm: true,
  mode: "API",
};

const refund = (
  amount: Extract<Step, { kind: "refund" }>["amount"],
  more: Partial<Extract<Step, { kind: "refund" }>> = {},
): Step => ({
  kind: "refund",
  session: 0,
  target: "refundable",
  amount,
  method: "AUTO",
  sandbox: "plain",
  ...more,
});

const cases: ReadonlyArray<{
  readonly defect: DefectName;
  readonly rule: string;
  readonly steps: ReadonlyArray<Step>;
  /** Where the defective provider's answer must differ. */
  readonly path: string;
}> = [
  {
    defect: "refundOverRefundAllowed",
    rule: "a refund over what is left is refused amount_exceeds_refundable",
    steps: [vaSession, refund("half"), refund("over")],
    path: "status",
  },
  {
    defect: "refundFullAfterPartialAllowed",
    rule: "a full refund after a partial one is refused full_refund_not_allowed",
    steps: [vaSession, refund("half"), refund("full")],
    path: "status",
  },
  {
    defect: "refundOfUnpaidSession",
    rule: "a refund of a session that is not paid is refused invalid_state",
    steps: [vaSession, refund("half", { target: "any" })],
    path: "status",
  },
  {
    defect: "refundWrongEventName",
    rule: "the sandbox's transfer sends REFUND.WAITING_BANK_TRANFER (the gateway's name)",
    steps: [vaSession, refund("half", { method: "TRANSFER_ONLY" }), { kind: "advance", ms: 60_000 }],
    path: "webhook #3 body.event",
  },
  {
    defect: "otherMerchantRefundVisible",
    rule: "another merchant's refund is 404",
    steps: [vaSession, refund("half"), { kind: "otherMerchantRefund", refund: 0, op: "get" }],
    path: "status",
  },
];

const replay = (provider: FaultyProvider, steps: ReadonlyArray<Step>): Promise<ExploreReport> =>
  exploreProvider({
    providerBaseUrl: provider.baseUrl,
    providerStatesUrl: provider.statesUrl,
    replay: { version: 1, seed: 0, steps },
    webhookTimeoutMs: 1_000,
  });

describe("the explorer's refund rules", () => {
  let faithful: FaultyProvider;
  beforeAll(async () => {
    faithful = await startFaultyProvider({});
  });
  afterAll(async () => {
    await faithful?.close();
  });

  for (const c of cases) {
    it(`${c.rule}: passes the faithful provider, fails ${c.defect}`, async () => {
      const good = await replay(faithful, c.steps);
      expect(good.failure?.message).toBeUndefined();
      expect(good.reached.some((t) => t.machine === "refund")).toBe(true);
      const provider = await startFaultyProvider({ defect: c.defect });
      try {
        const bad = await replay(provider, c.steps);
        expect(bad.ok).toBe(false);
        const failing = bad.failure?.steps.find((s) => s.mismatch !== undefined);
        expect(failing?.mismatch?.path, bad.failure?.message).toBe(c.path);
      } finally {
        await provider.close();
      }
    }, 60_000);
  }

  it("reaches the refund transitions the sandbox takes, and reports them in the coverage vocabulary", async () => {
    const report = await replay(faithful, [
      vaSession,
      refund("half", { sandbox: "1001" }),
      refund("rest", { method: "TRANSFER_ONLY", sandbox: "2001" }),
      { kind: "advance", ms: 60_000 },
      { kind: "listRefunds", session: 0, page: 1, perPage: 20 },
    ]);
    expect(report.failure?.message).toBeUndefined();
    const refundKeys = report.reached
      .filter((t) => t.machine === "refund")
      .map((t) => `${t.state} ${t.event} ${t.result}`);
    expect(new Set(refundKeys)).toEqual(
      new Set([
        "REQUESTED SUBMIT →PENDING",
        "PENDING CHANNEL_FAILED →WAITING_BANK_TRANSFER",
        "WAITING_BANK_TRANSFER TRANSFER_SUCCEEDED →SUCCESS",
        "PENDING TRANSFER_STARTED →WAITING_BANK_TRANSFER",
        "WAITING_BANK_TRANSFER REFUND_FAILED →FAILED",
      ]),
    );
  }, 60_000);
});
