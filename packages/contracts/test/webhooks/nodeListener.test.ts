/**
 * The node:http adapter serves the webhook handler: the raw body and headers go in, the handler's
 * answer comes out as JSON; other methods and oversized bodies are refused before the handler.
 */
import http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { createWebhookHandler, toNodeListener } from "../../src/webhooks/index.js";
import { paidCallback } from "./support/callbacks.js";

const apiKey = "callback-key-0001";
let server: http.Server | undefined;

afterEach(async () => {
  const s = server;
  server = undefined;
  if (s !== undefined) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

const serve = async (maxBodyBytes?: number) => {
  const events: Array<string> = [];
  const handler = createWebhookHandler({ apiKey, onEvent: (callback) => void events.push(callback.event) });
  server = http.createServer(toNodeListener(handler, maxBodyBytes === undefined ? {} : { maxBodyBytes }));
  const s = server;
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const address = s.address();
  const port = address !== null && typeof address === "object" ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/callbacks/payments`, events };
};

describe("toNodeListener", () => {
  it("answers 200 with the handler's JSON and calls onEvent once per event", async () => {
    const { url, events } = await serve();
    const send = () =>
      fetch(url, {
        method: "POST",
        headers: { "X-API-Key": apiKey, "Content-Type": "application/json" },
        body: JSON.stringify(paidCallback()),
      });
    const first = await send();
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe("application/json");
    expect(await first.json()).toMatchObject({ received: true, duplicate: false, event: "PAYMENT.PAID" });
    expect(await (await send()).json()).toMatchObject({ duplicate: true });
    expect(events).toEqual(["PAYMENT.PAID"]);
  });

  it("passes the handler's refusals through: 401 and 400", async () => {
    const { url, events } = await serve();
    const wrongKey = await fetch(url, { method: "POST", headers: { "X-API-Key": "nope" }, body: "{}" });
    expect(wrongKey.status).toBe(401);
    const badBody = await fetch(url, {
      method: "POST",
      headers: { "X-API-Key": apiKey },
      body: '{"event":"PAYMENT.PAID"}',
    });
    expect(badBody.status).toBe(400);
    expect(await badBody.json()).toMatchObject({ error: "invalid_body", details: [{ field: "data" }] });
    expect(events).toEqual([]);
  });

  it("refuses other methods with 405 and bodies over the limit with 413", async () => {
    const { url, events } = await serve(64);
    const get = await fetch(url);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    const large = await fetch(url, {
      method: "POST",
      headers: { "X-API-Key": apiKey },
      body: JSON.stringify(paidCallback()),
    });
    expect(large.status).toBe(413);
    expect(events).toEqual([]);
  });
});
