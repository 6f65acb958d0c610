import { chargeMachine, refundMachine, sessionMachine } from "@payment-session/core";
import { describe, expect, it } from "vitest";
import { brokenRecordLinks, decisionPages, type RecordTargets } from "../decisionRecords.ts";
import { type DecisionRecord, decisionRecords } from "../decisions.ts";
import { contractsDir } from "../generators.ts";
import { describeMachine } from "../machineModel.ts";
import { type Interaction, loadPacts } from "../pacts.ts";

const targets: RecordTargets = {
  machines: {
    session: describeMachine(sessionMachine),
    charge: describeMachine(chargeMachine),
    refund: describeMachine(refundMachine),
  },
  interactions: new Map<string, Interaction>(
    loadPacts(contractsDir).flatMap((p) => p.interactions.map((i) => [i.description, i] as const)),
  ),
};

const base: DecisionRecord = {
  id: "X1",
  slug: "test",
  title: "a test record",
  area: "Webhooks",
  question: "q",
  choice: "c",
  why: "w",
  pins: "p",
  checks: [],
  transitions: [],
  guards: [],
  interactions: [],
};

describe("decision records", () => {
  it("are C1–C7, L1–L7, P1–P23, W1–W2, F1–F3, H1–H11, S1–S5 and R1–R5, each with question, choice, why and pins", () => {
    const expected = [
      ...[1, 2, 3, 4, 5, 6, 7].map((n) => `C${n}`),
      ...[1, 2, 3, 4, 5, 6, 7].map((n) => `L${n}`),
      ...Array.from({ length: 23 }, (_, i) => `P${i + 1}`),
      "W1",
      "W2",
      "F1",
      "F2",
      "F3",
      ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((n) => `H${n}`),
      "S1",
      "S2",
      "S3",
      "S4",
      "S5",
      ...[1, 2, 3, 4, 5].map((n) => `R${n}`),
    ];
    expect(decisionRecords.map((r) => r.id)).toEqual(expected);
    for (const r of decisionRecords) {
      for (const text of [r.question, r.choice, r.why, r.pins]) expect(text.length, r.id).toBeGreaterThan(10);
    }
  });

  it("link only to transitions, guards and interactions that exist", () => {
    expect(brokenRecordLinks(decisionRecords, targets)).toEqual([]);
  });

  it("a record linking to a missing transition, guard or interaction fails, naming the record", () => {
    const broken: DecisionRecord = {
      ...base,
      transitions: [
        { machine: "session", state: "REFUNDED", event: "CONFIRM" },
        { machine: "session", state: "PAID", event: "REFUND" },
      ],
      guards: [{ machine: "charge", guard: "isRefundable" }],
      interactions: ["a request to refund a paid session"],
    };
    expect(brokenRecordLinks([broken], targets)).toEqual([
      "X1: the session machine has no state REFUNDED",
      "X1: the session machine has no transition for REFUND in PAID",
      "X1: no transition of the charge machine uses the guard isRefundable",
      'X1: no pact interaction is described "a request to refund a paid session"',
    ]);
    expect(() => decisionPages([broken], targets)).toThrow(/X1: the session machine has no state REFUNDED/u);
  });

  it("a page per record plus an index; each page links its transitions with what the machine does there", () => {
    const pages = decisionPages(decisionRecords, targets);
    expect(pages).toHaveLength(decisionRecords.length + 1);
    const l2 = pages.find((p) => p.path === "decisions/L2-invalid-state.md")?.text ?? "";
    expect(l2).toContain(
      "- [session · `PAID` · `CONFIRM`](../lifecycle/session-transitions.md#session-paid-confirm): 1. always: refused `invalid_state`",
    );
    expect(l2).toContain(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Pact provider-state expression, not a template
      "- [a request to confirm a paid session](../contracts.md#interaction-a-request-to-confirm-a-paid-session) — `POST /v2/payments/${id}/confirm` → 422",
    );
  });
});
