/**
 * The webhook handler checks X-API-Key, decodes the body with the core's PaymentCallback schema,
 * calls onEvent once per distinct event (decision W2) and records nothing it refuses.
 */
import type { PaymentCallback } from "@payment-session/core";
import { describe, expect, it } from "vitest";
import {
  callbackDedupeKey,
  createWebhookHandler,
  inMemoryDedupeStore,
  type WebhookEventContext,
} from "../../src/webhooks/index.js";
import { cancelledCallback, multiplePaymentCallback, paidCallback } from "./support/callbacks.js";

const apiKey = "callback-key-0001";

const recorder = () => {
  const events: Array<{ callback: PaymentCallback; context: WebhookEventContext }> = [];
  const handler = createWebhookHandler({
    apiKey,
    onEvent: (callback, context) => {
      events.push({ callback, context });
    },
  });
  return { events, handler };
};

/** A callback request; `key` null sends no X-API-Key header. */
const post = (body: unknown, key: string | null = apiKey) => ({
  headers: key === null ? {} : { "x-api-key": key, "content-type": "application/json" },
  body: JSON.stringify(body),
});

describe("a valid callback", () => {
  it("is decoded and handed to onEvent once, with the charge it is about", async () => {
    const { events, handler } = recorder();
    const answer = await handler(post(paidCallback()));
    expect(answer).toEqual({
      status: 200,
      body: {
        received: true,
        duplicate: false,
        event: "PAYMENT.PAID",
        paymentSessionId: "7f65c757-355f-4645-ac14-028b34ab51b1",
      },
    });
    expect(events).toHaveLength(1);
    expect(events[0]?.callback.data.status).toBe("PAID");
    expect(events[0]?.context.charge?.status).toBe("SUCCESS");
    expect(events[0]?.context.dedupeKey).toBe(
      JSON.stringify([
        "7f65c757-355f-4645-ac14-028b34ab51b1",
        "PAYMENT.PAID",
        "b4db4aa5-4ee4-4722-b414-050c745c93cd",
        "SUCCESS",
      ]),
    );
  });

  it("accepts bytes, an already-parsed body, a Headers object and the header name in any case", async () => {
    const { events, handler } = recorder();
    await handler({
      headers: new Headers({ "X-API-Key": apiKey }),
      body: new TextEncoder().encode(JSON.stringify(paidCallback())),
    });
    await handler({ headers: { "X-Api-Key": apiKey }, body: multiplePaymentCallback(1) });
    await handler({ headers: { "x-api-key": [apiKey] }, body: cancelledCallback() });
    expect(events.map((e) => e.callback.event)).toEqual([
      "PAYMENT.PAID",
      "CHARGE.SUCCESS",
      "PAYMENT.CANCELLED",
    ]);
  });

  it("a callback with no charge is keyed on the session and event alone", async () => {
    const { events, handler } = recorder();
    await handler(post(cancelledCallback()));
    expect(events[0]?.context.charge).toBeUndefined();
  });
});

describe("duplicates (decision W2)", () => {
  it("a second delivery of the same event answers 200 and does not call onEvent again", async () => {
    const { events, handler } = recorder();
    await handler(post(paidCallback()));
    const again = await handler(post(paidCallback()));
    expect(again).toMatchObject({ status: 200, body: { duplicate: true, event: "PAYMENT.PAID" } });
    expect(events).toHaveLength(1);
  });

  it("each new payment of a MULTIPLE session is a new event", async () => {
    const { events, handler } = recorder();
    await handler(post(multiplePaymentCallback(1)));
    await handler(post(multiplePaymentCallback(1)));
    await handler(post(multiplePaymentCallback(2)));
    expect(events.map((e) => e.context.charge?.id)).toEqual(["pay-1", "pay-2"]);
  });

  it("the same session under another event is not a duplicate", async () => {
    const { events, handler } = recorder();
    const paid = paidCallback();
    await handler(post(paid));
    await handler(post({ ...paid, event: "CHARGE.SUCCESS" }));
    expect(events).toHaveLength(2);
  });

  it("the dedupe key takes the most recently updated charge, whatever the list order", () => {
    const callback = multiplePaymentCallback(3) as unknown as PaymentCallback;
    const reversed = {
      ...callback,
      data: { ...callback.data, chargeDetails: [...(callback.data.chargeDetails ?? [])].reverse() },
    };
    expect(callbackDedupeKey(reversed)).toBe(callbackDedupeKey(callback));
    expect(callbackDedupeKey(callback)).toContain('"pay-3"');
  });
});

describe("refusals record nothing", () => {
  it("401 for a missing, wrong or differently sized key", async () => {
    const { events, handler } = recorder();
    for (const key of [null, "callback-key-0002", "x", `${apiKey}-and-more`, ""]) {
      const answer = await handler(post(paidCallback(), key));
      expect(answer).toEqual({
        status: 401,
        body: { error: "invalid_api_key", message: "X-API-Key is missing or wrong" },
      });
    }
    expect(events).toHaveLength(0);
    expect(await handler(post(paidCallback()))).toMatchObject({ status: 200, body: { duplicate: false } });
  });

  it("401 comes before the body is read", async () => {
    const { handler } = recorder();
    expect(await handler({ headers: { "x-api-key": "wrong" }, body: "not json" })).toMatchObject({
      status: 401,
    });
  });

  it("400 for a body that is not JSON", async () => {
    const { events, handler } = recorder();
    const answer = await handler({ headers: { "x-api-key": apiKey }, body: "{not json" });
    expect(answer).toMatchObject({ status: 400, body: { error: "invalid_body", details: [{ field: "" }] } });
    expect(events).toHaveLength(0);
  });

  it("400 with the field paths of a body that does not fit PaymentCallback", async () => {
    const { events, handler } = recorder();
    const paid = paidCallback();
    const broken = {
      ...paid,
      event: "PAYMENT.EXPIRED",
      data: { ...(paid.data as object), status: "DONE", amount: { value: "1" } },
    };
    const answer = await handler(post(broken));
    expect(answer.status).toBe(400);
    const fields = answer.status === 400 ? answer.body.details.map((d) => d.field) : [];
    expect(fields).toEqual(
      expect.arrayContaining(["event", "data.status", "data.amount.value", "data.amount.currency"]),
    );
    expect(events).toHaveLength(0);
    // the refused delivery left no trace: the valid one is still handled
    expect(await handler(post(paid))).toMatchObject({ status: 200, body: { duplicate: false } });
    expect(events).toHaveLength(1);
  });
});

describe("a failing onEvent", () => {
  it("answers 500 and forgets the event, so that the gateway's retry is handled", async () => {
    let calls = 0;
    const handler = createWebhookHandler({
      apiKey,
      onEvent: () => {
        calls += 1;
        if (calls === 1) throw new Error("database down");
      },
    });
    expect(await handler(post(paidCallback()))).toEqual({
      status: 500,
      body: { error: "handler_failed", message: "database down" },
    });
    expect(await handler(post(paidCallback()))).toMatchObject({ status: 200, body: { duplicate: false } });
    expect(await handler(post(paidCallback()))).toMatchObject({ status: 200, body: { duplicate: true } });
    expect(calls).toBe(2);
  });
});

describe("configuration", () => {
  it("refuses an empty apiKey", () => {
    expect(() => createWebhookHandler({ apiKey: "", onEvent: () => undefined })).toThrow(TypeError);
  });

  it("uses the given dedupe store", async () => {
    const claimed: Array<string> = [];
    const handler = createWebhookHandler({
      apiKey,
      onEvent: () => undefined,
      dedupeStore: {
        claim: async (key) => {
          claimed.push(key);
          return true;
        },
        release: () => undefined,
      },
    });
    await handler(post(paidCallback()));
    await handler(post(paidCallback()));
    expect(claimed).toHaveLength(2);
  });

  it("the in-memory store forgets the oldest keys beyond maxEntries", () => {
    const store = inMemoryDedupeStore({ maxEntries: 2 });
    expect([store.claim("a"), store.claim("b"), store.claim("a")]).toEqual([true, true, false]);
    expect(store.claim("c")).toBe(true);
    expect(store.claim("a")).toBe(true);
    expect(store.claim("c")).toBe(false);
  });
});
