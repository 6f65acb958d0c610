/**
 * Graph coverage of the refund machine with `xstate/graph`: shortest paths from a few refund
 * requests reach every state and take every branch of every (state, event) of the definition.
 */
import { describe, expect, it } from "vitest";
import type { AnyTransitionDefinition } from "xstate";
import { getShortestPaths } from "xstate/graph";
import {
  type RefundablePayment,
  type RefundEvent,
  type RefundInput,
  refundEventTypes,
  refundMachine,
  refundStatuses,
} from "../../src/index.js";
import { IDR, T0 } from "./fixtures.js";

const paid: RefundablePayment = {
  sessionStatus: "PAID",
  paymentType: "SINGLE",
  chargeId: "c1",
  chargeStatus: "SUCCESS",
  captured: IDR(20_000),
  held: 0,
};

const inputs: ReadonlyArray<RefundInput> = [
  {
    id: "auto",
    at: T0,
    request: { clientReferenceId: "r", paymentSessionId: "s", amount: IDR(5_000), reason: "OTHERS" },
  },
  {
    id: "full",
    at: T0,
    request: { clientReferenceId: "r", paymentSessionId: "s", isFullAmount: true, reason: "OTHERS" },
  },
  {
    id: "transfer",
    at: T0,
    request: {
      clientReferenceId: "r",
      paymentSessionId: "s",
      amount: IDR(5_000),
      reason: "OTHERS",
      method: "TRANSFER_ONLY",
      transferDestination: {
        channelCode: "BCA",
        channelInformation: { accountNumber: "999966660001", accountName: "A" },
      },
    },
  },
  {
    id: "malformed",
    at: T0,
    request: { clientReferenceId: "r", paymentSessionId: "s", reason: "OTHERS", method: "TRANSFER_ONLY" },
  },
];

const labels = new WeakMap<object, string>();
const l = <E extends object>(label: string, event: E): E => {
  labels.set(event, label);
  return event;
};

const at = T0 + 1_000;
const events: ReadonlyArray<RefundEvent> = [
  l("submit", { type: "SUBMIT", at, payment: paid }),
  l("submit unpaid", {
    type: "SUBMIT",
    at,
    payment: { ...paid, sessionStatus: "REQUIRE_ACTION", chargeStatus: "WAITING_FOR_USER_ACTION" },
  }),
  l("submit after a refund", { type: "SUBMIT", at, payment: { ...paid, held: 1 } }),
  l("submit nearly all refunded", { type: "SUBMIT", at, payment: { ...paid, held: 19_999 } }),
  l("channel ok", { type: "CHANNEL_SUCCEEDED", at }),
  l("channel failed", { type: "CHANNEL_FAILED", at }),
  l("transfer started", { type: "TRANSFER_STARTED", at }),
  l("transfer ok", { type: "TRANSFER_SUCCEEDED", at }),
  l("failed", { type: "REFUND_FAILED", at, failureReason: "x" }),
  l("cancel", { type: "CANCEL", at }),
];

const allTransitions = (): Map<AnyTransitionDefinition, string> => {
  const ids = new Map<AnyTransitionDefinition, string>();
  for (const [key, node] of Object.entries(refundMachine.root.states)) {
    for (const [eventType, branches] of node.transitions) {
      branches.forEach((branch, i) => {
        ids.set(branch, `${key}:${eventType}#${i}`);
      });
    }
  }
  return ids;
};

describe("refund machine graph", () => {
  const ids = allTransitions();
  const covered = new Set<string>();
  const reached = new Set<string>();
  for (const input of inputs) {
    const paths = getShortestPaths(refundMachine, {
      input,
      events: () => events as never,
      serializeEvent: (event) => labels.get(event) ?? JSON.stringify(event),
      serializeState: (state, event, prev) =>
        prev === undefined || event === undefined
          ? `${input.id}:${String(state.value)}`
          : `${String(prev.value)} --${labels.get(event) ?? "?"}--> ${String(state.value)}`,
    });
    for (const path of paths) {
      reached.add(String(path.state.value));
      path.steps.forEach((step, i) => {
        const previous = path.steps[i - 1];
        if (previous === undefined) return;
        for (const t of refundMachine.getTransitionData(previous.state as never, step.event as never)) {
          const id = ids.get(t);
          if (id !== undefined) covered.add(id);
        }
      });
    }
  }

  it("reaches REQUESTED and every refund status", () => {
    expect([...reached].sort()).toEqual(["REQUESTED", ...refundStatuses].sort());
  });

  it("handles every event in every state", () => {
    for (const node of Object.values(refundMachine.root.states)) {
      expect([...node.transitions.keys()].sort()).toEqual([...refundEventTypes].sort());
    }
  });

  it("takes every branch of the definition", () => {
    const missing = [...ids.values()].filter((id) => !covered.has(id));
    expect(missing).toEqual([]);
  });

  it("final statuses are final states", () => {
    const finals = Object.entries(refundMachine.root.states)
      .filter(([, node]) => node.type === "final")
      .map(([key]) => key);
    expect(finals.sort()).toEqual(["CANCELLED", "FAILED", "SUCCESS"]);
  });
});
