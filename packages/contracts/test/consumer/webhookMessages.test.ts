/**
 * Contract: the payment callbacks (webhooks) the gateway POSTs to the merchant (decision W1), as
 * asynchronous messages: body `{event, data: <session with chargeDetails>}`, metadata `X-API-Key`.
 * Each message goes through the real handler: accepted once, and a second delivery is a duplicate
 * (decision W2).
 */

import { MatchersV3 } from "@pact-foundation/pact";
import type { PaymentCallback } from "@payment-session/core";
import { describe, expect, it } from "vitest";
import { givenState, type ProviderStateParams } from "../../src/providerStates/index.js";
import { failureCode, idr, instant, pushCharge, session, withoutValues } from "./support/expectations.js";
import { messagePact } from "./support/pact.js";
import {
  cancelledVaSession,
  expiredVaSession,
  paidVaSession,
  sessionExists,
  vaState,
} from "./support/sessions.js";
import { callbackMetadata, deliverTwice } from "./support/webhooks.js";

const { integer } = MatchersV3;
const pact = messagePact();

interface MessageCase {
  readonly description: string;
  readonly state: ProviderStateParams<"a payment session exists">;
  /** A simulation run after the session was set up (state `a simulation was accepted`). */
  readonly simulated?: ProviderStateParams<"a simulation was accepted">;
  readonly event: PaymentCallback["event"];
  readonly data: unknown;
  readonly check: (callback: PaymentCallback) => void;
}

/** Runs one message through the real handler: 200 once, then 200 as a duplicate, onEvent called once. */
const verifyMessage = async (c: MessageCase) => {
  const withSession = sessionExists(pact.addAsynchronousInteraction(), c.state);
  await (c.simulated === undefined
    ? withSession
    : givenState(withSession, "a simulation was accepted", c.simulated)
  )
    .expectsToReceive(c.description, (m) =>
      m.withJSONContent({ event: c.event, data: c.data }).withMetadata(callbackMetadata),
    )
    .executeTest(async (message) => {
      const received: Array<PaymentCallback> = [];
      await deliverTwice(message, c.event, {
        onEvent: (callback) => {
          received.push(callback);
        },
      });
      expect(received).toHaveLength(1);
      const [callback] = received;
      if (callback === undefined) throw new Error("the handler did not pass the callback on");
      c.check(callback);
    });
};

describe("PAYMENT.PAID", () => {
  it("a payment session exists in PAID: the callback of a paid SINGLE session", async () => {
    await verifyMessage({
      description: "a PAYMENT.PAID callback for a paid VA session",
      state: vaState("PAID", "INV-HOOK-PAID"),
      event: "PAYMENT.PAID",
      data: paidVaSession("INV-HOOK-PAID"),
      check: (callback) => {
        expect(callback.data.status).toBe("PAID");
        expect(callback.data.chargeDetails?.[0]?.paidAt).toMatch(/Z$/u);
      },
    });
  });
});

describe("PAYMENT.CANCELLED", () => {
  it("a payment session exists in CANCELLED by the merchant: the reason, no charge", async () => {
    await verifyMessage({
      description: "a PAYMENT.CANCELLED callback for a session the merchant cancelled",
      state: vaState("CANCELLED", "INV-HOOK-CANCELLED", { cancellationReason: "REQUESTED_BY_CUSTOMER" }),
      event: "PAYMENT.CANCELLED",
      data: cancelledVaSession("INV-HOOK-CANCELLED", "REQUESTED_BY_CUSTOMER"),
      check: (callback) => {
        expect(callback.data.cancellationReason).toBe("REQUESTED_BY_CUSTOMER");
        expect(callback.data.chargeDetails).toBeNull();
      },
    });
  });

  it("a payment session exists in CANCELLED after its charge failed: CHARGE_FAILED and the failed charge", async () => {
    await verifyMessage({
      description: "a PAYMENT.CANCELLED callback for a session whose e-wallet charge failed",
      state: {
        status: "CANCELLED",
        clientReferenceId: "INV-HOOK-FAILED",
        amount: 20000,
        paymentMethodType: "EWALLET",
        channel: "DANA",
        cancellationReason: "CHARGE_FAILED",
      },
      event: "PAYMENT.CANCELLED",
      data: session({
        clientReferenceId: "INV-HOOK-FAILED",
        amount: idr(20000),
        status: "CANCELLED",
        paymentMethod: { type: "EWALLET" },
        chargeDetails: [
          pushCharge({
            clientReferenceId: "INV-HOOK-FAILED",
            amount: 20000,
            status: "FAILED",
            method: { ewallet: { channel: "DANA" } },
            extra: { failureCode: failureCode("DECLINED_BY_CHANNEL") },
          }),
        ],
        extra: { cancelledAt: instant("2025-03-30T05:40:00Z"), cancellationReason: "CHARGE_FAILED" },
      }),
      check: (callback) => {
        expect(callback.data.cancellationReason).toBe("CHARGE_FAILED");
        expect(callback.data.chargeDetails?.[0]?.status).toBe("FAILED");
        expect(callback.data.chargeDetails?.[0]?.failureCode).toBeDefined();
      },
    });
  });

  it("a payment session exists in EXPIRED: the expiry, folded into PAYMENT.CANCELLED, without a reason", async () => {
    await verifyMessage({
      description: "a PAYMENT.CANCELLED callback for a session that expired",
      state: vaState("EXPIRED", "INV-HOOK-EXPIRED"),
      event: "PAYMENT.CANCELLED",
      data: expiredVaSession("INV-HOOK-EXPIRED"),
      check: (callback) => {
        expect(callback.data.status).toBe("EXPIRED");
        expect(callback.data.cancellationReason ?? null).toBeNull();
      },
    });
  });
});

describe("PAYMENT.CANCELLED for an expiry carries no reason", () => {
  it("a payment session exists in EXPIRED: cancellationReason null or absent, never a value", async () => {
    await verifyMessage({
      description:
        "a PAYMENT.CANCELLED callback for a session that expired, which has no cancellation reason",
      state: vaState("EXPIRED", "INV-HOOK-EXPIRED-REASON"),
      event: "PAYMENT.CANCELLED",
      data: withoutValues(expiredVaSession("INV-HOOK-EXPIRED-REASON"), ["cancellationReason", "cancelledAt"]),
      check: (callback) => {
        expect(callback.data.status).toBe("EXPIRED");
        expect(callback.data.cancellationReason ?? null).toBeNull();
      },
    });
  });
});

describe("PAYMENT.PAID after a simulation", () => {
  it("a simulation of SUCCESS was accepted: the PAYMENT.PAID callback it causes", async () => {
    await verifyMessage({
      description: "a PAYMENT.PAID callback after a simulated payment of a VA session",
      state: vaState("REQUIRE_ACTION", "INV-HOOK-SIM-PAID"),
      simulated: { chargeStatus: "SUCCESS" },
      event: "PAYMENT.PAID",
      data: paidVaSession("INV-HOOK-SIM-PAID"),
      check: (callback) => {
        expect(callback.data.status).toBe("PAID");
        expect(callback.data.chargeDetails?.[0]?.status).toBe("SUCCESS");
      },
    });
  });
});

describe("PAYMENT.PROCESSING", () => {
  it("a payment session exists in PROCESSING: the e-wallet charge is being processed", async () => {
    await verifyMessage({
      description: "a PAYMENT.PROCESSING callback for an e-wallet session",
      state: {
        status: "PROCESSING",
        clientReferenceId: "INV-HOOK-PROCESSING",
        amount: 20000,
        paymentMethodType: "EWALLET",
        channel: "OVO",
        chargeStatus: "PROCESSING",
      },
      event: "PAYMENT.PROCESSING",
      data: session({
        clientReferenceId: "INV-HOOK-PROCESSING",
        amount: idr(20000),
        status: "PROCESSING",
        paymentMethod: { type: "EWALLET" },
        chargeDetails: [
          pushCharge({
            clientReferenceId: "INV-HOOK-PROCESSING",
            amount: 20000,
            status: "PROCESSING",
            method: { ewallet: { channel: "OVO" } },
          }),
        ],
      }),
      check: (callback) => {
        expect(callback.data.status).toBe("PROCESSING");
        expect(callback.data.chargeDetails?.[0]?.status).toBe("PROCESSING");
      },
    });
  });
});

describe("CHARGE.SUCCESS", () => {
  it("a payment session exists in ACTIVE with one payment received: the payment into the static VA", async () => {
    await verifyMessage({
      description: "a CHARGE.SUCCESS callback for a payment into a MULTIPLE static VA session",
      state: {
        status: "ACTIVE",
        clientReferenceId: "INV-HOOK-MULTIPLE",
        amount: 20000,
        paymentType: "MULTIPLE",
        paymentMethodType: "VIRTUAL_ACCOUNT",
        channel: "BCA",
        paymentsReceived: 1,
      },
      event: "CHARGE.SUCCESS",
      data: session({
        clientReferenceId: "INV-HOOK-MULTIPLE",
        amount: { value: integer(20000), currency: "IDR" },
        status: "ACTIVE",
        paymentType: "MULTIPLE",
        paymentMethod: { type: "VIRTUAL_ACCOUNT" },
        expiryAt: null,
        chargeDetails: [
          pushCharge({
            clientReferenceId: "INV-HOOK-MULTIPLE",
            amount: 20000,
            status: "SUCCESS",
            paid: true,
          }),
        ],
      }),
      check: (callback) => {
        expect(callback.data.paymentType).toBe("MULTIPLE");
        expect(callback.data.chargeDetails?.[0]?.status).toBe("SUCCESS");
      },
    });
  });
});
