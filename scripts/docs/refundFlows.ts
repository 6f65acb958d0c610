/**
 * The refund paths the documentation shows: the sandbox's test refunds of facts §12 (and a
 * TRANSFER_ONLY one), each opened against a paid VA session and brought forward in time through the
 * core's pure API (`openRefund`, `sandboxRefundAt`). Only the requests are written here; every status,
 * callback and snapshot on the page is what the core answered. A refund the core refuses stops the
 * generation.
 */
import {
  applyEvent,
  applyRefundEvent,
  type CreateRefundRequest,
  createSession,
  openRefund,
  type RefundContext,
  type RefundRecord,
  refundablePayment,
  refundMachine,
  sandboxRefundAt,
  sandboxRefundStepMs,
  sessionStatus,
  toPaymentSession,
} from "@payment-session/core";
import { initialTransition } from "xstate";
import { T0 } from "./flows.ts";
import { anchor, anchorId, cell, code } from "./markdown.ts";

const MINUTE = 60_000;
const IDR = (value: number) => ({ value, currency: "IDR" });

/** A paid SINGLE VA session of 20 000 IDR (the seed page's flow, paid a minute after creation). */
const paidSession = () => {
  const created = createSession(
    {
      clientReferenceId: "INV-2025-0001",
      amount: IDR(20_000),
      mode: "API",
      paymentMethod: { type: "VIRTUAL_ACCOUNT" },
      paymentMethodOptions: { virtualAccount: { channel: "PERMATA" } },
    },
    { id: "session-1", at: T0, charge: { id: "charge-va-1" } },
  );
  if (!created.ok) throw new Error(`refund flows: the session was refused: ${created.refusal.message}`);
  const paid = applyEvent(created.snapshot, {
    type: "PAYMENT_RECEIVED",
    at: T0 + MINUTE,
    chargeId: "charge-va-1",
    amount: IDR(20_000),
  });
  if (sessionStatus(paid.snapshot) !== "PAID") throw new Error("refund flows: the session was not paid");
  return paid.snapshot;
};

const destination = (accountNumber: string) => ({
  channelCode: "BCA",
  channelInformation: { accountNumber, accountName: "Reforza Harsya" },
});

/** One documented refund path: its title, where it comes from, and the request. */
export interface RefundFlow {
  readonly key: string;
  readonly title: string;
  readonly source: string;
  readonly request: Omit<CreateRefundRequest, "paymentSessionId">;
}

/** The sandbox's refund tests (facts §12), plus a TRANSFER_ONLY refund. */
export const refundFlows: ReadonlyArray<RefundFlow> = [
  {
    key: "succeeds",
    title: "Half refunded to the channel (account 999966660001)",
    source: "facts §12: account 999966660001 succeeds",
    request: {
      clientReferenceId: "refund-0001",
      amount: IDR(10_000),
      reason: "REQUESTED_BY_CUSTOMER",
      transferDestination: destination("999966660001"),
    },
  },
  {
    key: "channel-fails",
    title: "Channel fails, bank transfer succeeds (1001-)",
    source: "facts §12: clientReferenceId 1001- fails on the channel, then succeeds by transfer",
    request: {
      clientReferenceId: "1001-refund",
      amount: IDR(10_000),
      reason: "CANCELLATION",
      transferDestination: destination("999966660001"),
    },
  },
  {
    key: "both-fail",
    title: "Channel and transfer fail (2001- with 999966660008)",
    source: "facts §12: 2001- with account 999966660008 fails both",
    request: {
      clientReferenceId: "2001-refund",
      isFullAmount: true,
      reason: "DUPLICATE",
      transferDestination: destination("999966660008"),
    },
  },
  {
    key: "account-not-found",
    title: "Transfer only, account not found (2002- with 999966660002)",
    source: "facts §12: 2002- with account 999966660002 is account not found",
    request: {
      clientReferenceId: "2002-refund",
      amount: IDR(5_000),
      reason: "OTHERS",
      method: "TRANSFER_ONLY",
      transferDestination: destination("999966660002"),
    },
  },
  {
    key: "transfer-only",
    title: "Transfer only, succeeds",
    source: "decision R1: TRANSFER_ONLY goes by bank transfer",
    request: {
      clientReferenceId: "refund-0002",
      amount: IDR(5_000),
      reason: "REQUESTED_BY_CUSTOMER",
      method: "TRANSFER_ONLY",
      transferDestination: destination("999966660001"),
    },
  },
];

/** One step of a refund path: the status after it and the callbacks it sent. */
export interface RefundStep {
  readonly at: number;
  readonly status: string;
  readonly callbacks: ReadonlyArray<string>;
  readonly refund: RefundRecord;
}

/** A refund path as the core ran it. */
export interface RefundFlowRun {
  readonly flow: RefundFlow;
  /** The machine's context in REQUESTED, before SUBMIT. */
  readonly requested: RefundContext;
  readonly steps: ReadonlyArray<RefundStep>;
}

const OPENED_AT = T0 + 10 * MINUTE;

/** Runs every refund flow: open at T0 + 10 min, then every second until nothing moves for 3 steps. */
export const runRefundFlows = (list: ReadonlyArray<RefundFlow> = refundFlows): ReadonlyArray<RefundFlowRun> =>
  list.map((flow) => {
    const session = paidSession();
    const payment = refundablePayment(session, []);
    if ("_tag" in payment) throw new Error(`refund flows: ${flow.key}: no payment to refund`);
    const input = {
      id: `refund-${flow.key}`,
      at: OPENED_AT,
      request: { ...flow.request, paymentSessionId: session.context.id },
    };
    const opened = openRefund(input, payment);
    const [requested] = initialTransition(refundMachine, input);
    if (!opened.ok) throw new Error(`refund flows: ${flow.key} was refused: ${opened.refusal.message}`);
    const steps: Array<RefundStep> = [
      {
        at: OPENED_AT,
        status: opened.refund.state,
        callbacks: opened.webhooks.map((w) => w.event),
        refund: opened.refund,
      },
    ];
    let current = opened.refund;
    for (let at = OPENED_AT; at <= OPENED_AT + 3 * sandboxRefundStepMs; at += 1_000) {
      const moved = sandboxRefundAt(current, at);
      if (!moved.changed) continue;
      current = moved.refund;
      steps.push({
        at: current.context.updatedAt,
        status: current.state,
        callbacks: moved.webhooks.map((w) => w.event),
        refund: current,
      });
    }
    if (toPaymentSession(session).status !== "PAID")
      throw new Error("refund flows: a refund moved the session");
    return { flow, requested: requested.context, steps };
  });

/** A sample refund per status, from the flows (for the transition table's examples). */
export const refundSamples = (
  runs: ReadonlyArray<RefundFlowRun>,
): ReadonlyMap<string, { readonly context: unknown; readonly where: string }> => {
  const samples = new Map<string, { context: unknown; where: string }>();
  const first = runs[0];
  if (first !== undefined) {
    samples.set("REQUESTED", {
      context: first.requested,
      where: `the refund flow “${first.flow.title}”, before SUBMIT`,
    });
  }
  for (const run of runs) {
    for (const step of run.steps) {
      if (!samples.has(step.status)) {
        samples.set(step.status, {
          context: step.refund.context,
          where: `the refund flow “${run.flow.title}”`,
        });
      }
    }
  }
  // The sandbox never cancels a refund (decision R1): the gateway's CANCEL of a waiting one.
  const waiting = runs.flatMap((r) => r.steps).find((s) => s.status === "WAITING_BANK_TRANSFER");
  if (waiting !== undefined && !samples.has("CANCELLED")) {
    const cancelled = applyRefundEvent(waiting.refund, { type: "CANCEL", at: waiting.at + 1_000 });
    if (cancelled.refund.state !== "CANCELLED") throw new Error("refund flows: CANCEL did not cancel");
    samples.set("CANCELLED", {
      context: cancelled.refund.context,
      where: "a refund waiting for its bank transfer, cancelled by the gateway (the sandbox never cancels)",
    });
  }
  return samples;
};

const flowAnchor = (key: string): string => anchorId("refund-flow", key);

/** The refund-statuses page: each sandbox refund path as a chain of statuses and the callbacks it sends. */
export const refundStatusesPage = (runs: ReadonlyArray<RefundFlowRun>): string => {
  const out: Array<string> = [
    "# Refund statuses per sandbox refund",
    "",
    "<!-- Generated by scripts/docs from scripts/docs/refundFlows.ts run through @payment-session/core: do not edit by hand. -->",
    "",
    "What a merchant observes of a refund — its `status`, `destinationType` and the callbacks",
    "(facts §10) — along the sandbox's test refunds (facts §12, decision R1). Each refund is opened",
    "against a paid 20 000 IDR VA session ten minutes after it was created, and brought forward in",
    `time by the core's \`sandboxRefundAt\` (one step every ${sandboxRefundStepMs / 1000} s). Only the requests are`,
    "written by hand; every status and callback below is what the core answered. The session stays",
    "`PAID` throughout (decision R5). Machine: [refund-machine.md](refund-machine.md).",
    "",
    "```mermaid",
    "flowchart LR",
    "  open((POST /v1/refunds))",
  ];
  const edges = new Set<string>();
  for (const run of runs) {
    const first = run.steps[0];
    if (first !== undefined) edges.add(`  open -->|"REFUND.PENDING"| ${first.status}`);
    run.steps.forEach((step, i) => {
      const previous = run.steps[i - 1];
      if (previous === undefined) return;
      edges.add(`  ${previous.status} -->|"${step.callbacks.join(", ") || "no callback"}"| ${step.status}`);
    });
  }
  out.push(
    ...edges,
    "```",
    "",
    "| Refund | Request | Statuses (after) | Callbacks | Destination |",
    "|---|---|---|---|---|",
  );
  for (const run of runs) {
    const r = run.flow.request;
    const request = [
      code(r.clientReferenceId),
      r.isFullAmount === true ? "full amount" : `${r.amount?.value ?? 0} IDR`,
      r.method ?? "AUTO",
      r.transferDestination === undefined
        ? ""
        : `account ${code(r.transferDestination.channelInformation.accountNumber)}`,
    ]
      .filter((p) => p !== "")
      .join(", ");
    const statuses = run.steps
      .map((s) => `${code(s.status)} (+${Math.round((s.at - OPENED_AT) / 1000)} s)`)
      .join(" → ");
    const callbacks = run.steps
      .flatMap((s) => s.callbacks)
      .map(code)
      .join(", ");
    const last = run.steps[run.steps.length - 1]?.refund;
    out.push(
      `| ${anchor(flowAnchor(run.flow.key))}${cell(run.flow.title)}<br>${cell(run.flow.source)} | ${cell(request)} | ${statuses} | ${callbacks || "none"} | ${code(String(last?.context.destinationType ?? null))} |`,
    );
  }
  return `${out.join("\n")}\n`;
};
