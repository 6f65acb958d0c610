/**
 * Contract: the refund callbacks (facts §10, decisions R1, R4) as asynchronous messages: body
 * `{event, data: <refund>}`, metadata `X-API-Key`. Each goes through the real handler's
 * `onRefundEvent`: accepted once, a second delivery is a duplicate. `REFUND.WAITING_BANK_TRANFER`
 * keeps the docs' spelling.
 */
import type { RefundCallback } from "@payment-session/core";
import { describe, expect, it } from "vitest";
import { givenState, type ProviderStateParams } from "../../src/providerStates/index.js";
import { messagePact } from "./support/pact.js";
import { paidSession, refund } from "./support/refunds.js";
import { callbackMetadata, deliverTwice } from "./support/webhooks.js";

const pact = messagePact();

interface RefundMessageCase {
  readonly description: string;
  readonly clientReferenceId: string;
  readonly refund: ProviderStateParams<"a refund exists">;
  readonly event: RefundCallback["event"];
  readonly extra: Record<string, unknown>;
}

const verifyRefundMessage = async (c: RefundMessageCase) => {
  const data = refund({
    clientReferenceId: c.refund.clientReferenceId,
    amount: c.refund.amount ?? 10000,
    status: c.refund.status,
    method: c.refund.method,
    extra: c.extra,
  });
  await givenState(
    paidSession(pact.addAsynchronousInteraction(), c.clientReferenceId),
    "a refund exists",
    c.refund,
  )
    .expectsToReceive(c.description, (m) =>
      m.withJSONContent({ event: c.event, data }).withMetadata(callbackMetadata),
    )
    .executeTest(async (message) => {
      const received: Array<RefundCallback> = [];
      await deliverTwice(message, c.event, {
        onEvent: () => {
          throw new Error("a refund callback reached the payment handler");
        },
        onRefundEvent: (callback) => {
          received.push(callback);
        },
      });
      expect(received).toHaveLength(1);
      expect(received[0]?.data.status).toBe(c.refund.status);
      expect(received[0]?.data.amount.value).toBe(c.refund.amount ?? 10000);
    });
};

describe("refund callbacks", () => {
  it("a refund exists in PENDING: REFUND.PENDING", async () => {
    await verifyRefundMessage({
      description: "a REFUND.PENDING callback for a new refund",
      clientReferenceId: "INV-HOOK-REFUND-PENDING",
      refund: { status: "PENDING", amount: 10000, clientReferenceId: "REFUND-HOOK-PENDING" },
      event: "REFUND.PENDING",
      extra: {},
    });
  });

  it("a refund exists in WAITING_BANK_TRANSFER: REFUND.WAITING_BANK_TRANFER (the docs' spelling)", async () => {
    await verifyRefundMessage({
      description: "a REFUND.WAITING_BANK_TRANFER callback for a refund waiting for its bank transfer",
      clientReferenceId: "INV-HOOK-REFUND-WAITING",
      refund: { status: "WAITING_BANK_TRANSFER", amount: 10000, clientReferenceId: "REFUND-HOOK-WAITING" },
      event: "REFUND.WAITING_BANK_TRANFER",
      extra: { destinationType: "ACCOUNT" },
    });
  });

  it("a refund exists in SUCCESS: REFUND.SUCCESS", async () => {
    await verifyRefundMessage({
      description: "a REFUND.SUCCESS callback for a refund paid back through the channel",
      clientReferenceId: "INV-HOOK-REFUND-SUCCESS",
      refund: { status: "SUCCESS", amount: 10000, clientReferenceId: "REFUND-HOOK-SUCCESS" },
      event: "REFUND.SUCCESS",
      extra: { destinationType: "CHANNEL" },
    });
  });

  it("a TRANSFER_ONLY refund exists in WAITING_BANK_TRANSFER: REFUND.WAITING_BANK_TRANFER once its transfer started", async () => {
    await verifyRefundMessage({
      description:
        "a REFUND.WAITING_BANK_TRANFER callback for a transfer-only refund whose bank transfer started",
      clientReferenceId: "INV-HOOK-REFUND-TRANSFER-WAITING",
      refund: {
        status: "WAITING_BANK_TRANSFER",
        method: "TRANSFER_ONLY",
        amount: 10000,
        clientReferenceId: "REFUND-HOOK-TRANSFER-WAITING",
      },
      event: "REFUND.WAITING_BANK_TRANFER",
      extra: { destinationType: "ACCOUNT" },
    });
  });

  it("a TRANSFER_ONLY refund exists in SUCCESS: REFUND.SUCCESS paid back by bank transfer", async () => {
    await verifyRefundMessage({
      description: "a REFUND.SUCCESS callback for a refund paid back by bank transfer",
      clientReferenceId: "INV-HOOK-REFUND-TRANSFER-SUCCESS",
      refund: {
        status: "SUCCESS",
        method: "TRANSFER_ONLY",
        amount: 10000,
        clientReferenceId: "REFUND-HOOK-TRANSFER-SUCCESS",
      },
      event: "REFUND.SUCCESS",
      extra: { destinationType: "ACCOUNT" },
    });
  });

  it("a TRANSFER_ONLY refund exists in FAILED: REFUND.FAILED after its bank transfer failed", async () => {
    await verifyRefundMessage({
      description: "a REFUND.FAILED callback for a refund whose bank transfer failed",
      clientReferenceId: "INV-HOOK-REFUND-TRANSFER-FAILED",
      refund: {
        status: "FAILED",
        method: "TRANSFER_ONLY",
        amount: 10000,
        clientReferenceId: "REFUND-HOOK-TRANSFER-FAILED",
      },
      event: "REFUND.FAILED",
      extra: { destinationType: "ACCOUNT" },
    });
  });

  it("a refund exists in FAILED: REFUND.FAILED", async () => {
    await verifyRefundMessage({
      description: "a REFUND.FAILED callback for a failed refund",
      clientReferenceId: "INV-HOOK-REFUND-FAILED",
      refund: { status: "FAILED", amount: 10000, clientReferenceId: "REFUND-HOOK-FAILED" },
      event: "REFUND.FAILED",
      extra: {},
    });
  });
});
