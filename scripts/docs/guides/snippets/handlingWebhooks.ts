/**
 * Guide snippet (docs/guides/handling-webhooks.md): a merchant's callback endpoint with the contracts
 * package's handler, served by node:http. `run()` starts it on a free port, delivers callbacks made by
 * the core the way the gateway would (twice, as at-least-once delivery may), and stops it.
 */

// #region guide
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createWebhookHandler, toNodeListener } from "@payment-session/contracts";
import { applyEvent, createSession, type PaymentCallback } from "@payment-session/core";

/** Your orders, by clientReferenceId (stands in for your database). */
const orders = new Map<string, { state: "open" | "paid" | "released"; paidAt?: string; reason?: string }>();

const handle = createWebhookHandler({
  // The "Callback API Key" of Dashboard → Settings → Developer Settings → Callbacks.
  apiKey: process.env.PIVOT_CALLBACK_KEY ?? "callback-key-0001",
  // Called once per distinct (session, event, charge, charge status): repeats are answered 200
  // `duplicate: true` without calling you (decision W2). Throw to have the gateway retry later.
  onEvent: async ({ event, data }, { charge }) => {
    switch (event) {
      case "PAYMENT.PAID": // a SINGLE session is paid: charge.paidAt says when
        orders.set(data.clientReferenceId, { state: "paid", paidAt: charge?.paidAt ?? "" });
        break;
      case "CHARGE.SUCCESS": // one more payment into a MULTIPLE (static VA / QR) session
        break;
      case "PAYMENT.PROCESSING": // card / e-wallet: the customer is authenticating; wait
        break;
      case "PAYMENT.CANCELLED": // cancelled by you, by a failed charge, or EXPIRED (status tells which)
        orders.set(data.clientReferenceId, {
          state: "released",
          reason: data.status === "EXPIRED" ? "EXPIRED" : (data.cancellationReason ?? "CANCELLED"),
        });
        break;
    }
  },
  // dedupeStore: a shared store (your database) when several processes receive callbacks.
});

export const server = http.createServer(toNodeListener(handle));
// server.listen(8080)
// #endregion guide

/** What the gateway would send: the callbacks of a paid VA session and of an expired one. */
const gatewayCallbacks = (): ReadonlyArray<PaymentCallback> => {
  const t0 = Date.UTC(2025, 2, 30, 5, 48, 17);
  const request = (clientReferenceId: string) => ({
    clientReferenceId,
    amount: { value: 20_000, currency: "IDR" },
    mode: "API" as const,
    paymentMethod: { type: "VIRTUAL_ACCOUNT" as const },
    paymentMethodOptions: { virtualAccount: { channel: "PERMATA" as const } },
  });
  const callbacks: Array<PaymentCallback> = [];
  for (const [ref, event] of [
    [
      "INV-PAID",
      {
        type: "PAYMENT_RECEIVED",
        at: t0 + 60_000,
        chargeId: "c-1",
        amount: { value: 20_000, currency: "IDR" },
      },
    ],
    ["INV-EXPIRED", { type: "EXPIRE", at: t0 + 15 * 60_000 }],
  ] as const) {
    const created = createSession(request(ref), { id: `session-${ref}`, at: t0, charge: { id: "c-1" } });
    if (!created.ok) throw new Error(created.refusal.message);
    const applied = applyEvent(created.snapshot, event);
    if (applied.outcome._tag === "Refused") throw new Error(applied.outcome.message);
    callbacks.push(...applied.outcome.webhooks);
  }
  return callbacks;
};

/** Starts the server, delivers each callback twice and one with a wrong key, stops the server. */
export const run = async () => {
  orders.clear();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const post = async (body: PaymentCallback, apiKey = "callback-key-0001") => {
    const response = await fetch(`http://127.0.0.1:${port}/`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-API-Key": apiKey },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as { duplicate?: boolean } };
  };
  try {
    const answers = [];
    for (const callback of gatewayCallbacks()) {
      answers.push([
        callback.event,
        (await post(callback)).body.duplicate,
        (await post(callback)).body.duplicate,
      ]);
    }
    const [first] = gatewayCallbacks();
    const wrongKey = first === undefined ? 0 : (await post(first, "not-the-key")).status;
    return { answers, wrongKey, orders: Object.fromEntries(orders) };
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
};
