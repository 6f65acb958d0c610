/**
 * The webhook dispatcher against a local receiver (node:http): delivery with X-API-Key, retries on
 * the W2 schedule on the injected clock, manual after the last retry.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { PaymentCallback } from "@payment-session/core";
import { Schema } from "effect";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { demoMerchant, listWebhooks, webhookRetryDelaysMs } from "../src/index.js";
import { drivers, MINUTE, sessionOf, useProvider, vaCreateBody } from "./support/provider.js";

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

/** A merchant's callback endpoint that answers the statuses it is given, in order (then 200). */
const receiver = () => {
  const received: Received[] = [];
  const statuses: number[] = [];
  let server: Server | undefined;
  let url = "";
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
        res.writeHead(statuses.shift() ?? 200, { "content-type": "application/json" });
        res.end("{}");
      });
    });
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}/callbacks`;
  });
  afterAll(
    () => new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve()))),
  );
  beforeEach(() => {
    received.length = 0;
    statuses.length = 0;
  });
  return {
    received,
    answerNext: (...codes: number[]) => statuses.push(...codes),
    get url() {
      return url;
    },
  };
};

for (const driver of drivers) {
  describe(`webhook dispatch (${driver.name})`, () => {
    const h = useProvider(driver);
    const merchantReceiver = receiver();
    beforeEach(() => {
      h.provider.services.merchants.upsert({ ...demoMerchant, callbackUrl: merchantReceiver.url });
    });
    afterAll(() => h.provider.services.merchants.upsert(demoMerchant));

    const paidSession = async () => {
      const created = sessionOf(await h.http.post("/v2/payments", vaCreateBody()));
      await h.http.post("/v2/payments/simulations", {
        paymentSessionId: created.id,
        chargeStatus: "SUCCESS",
      });
      return created.id;
    };
    const outbox = (id: string) => listWebhooks(h.db, demoMerchant.id, id);

    it("delivers PAYMENT.PAID to the callback URL with X-API-Key and the session as data", async () => {
      const id = await paidSession();
      const report = await h.provider.dispatchDue();
      expect(report.delivered).toHaveLength(1);
      const [delivery] = merchantReceiver.received;
      expect(delivery?.headers["x-api-key"]).toBe(demoMerchant.callbackApiKey);
      expect(delivery?.headers["content-type"]).toBe("application/json");
      const callback = Schema.decodeUnknownSync(PaymentCallback)(delivery?.body);
      expect(callback.event).toBe("PAYMENT.PAID");
      expect([callback.data.id, callback.data.status]).toEqual([id, "PAID"]);
      const [row] = await outbox(id);
      expect([row?.status, row?.attempts, row?.deliveredAt]).toEqual(["delivered", 1, h.clock.now()]);
      expect((await h.provider.dispatchDue()).delivered).toEqual([]);
    });

    it("reschedules after a 500 on the W2 schedule (5 min), then delivers", async () => {
      const id = await paidSession();
      merchantReceiver.answerNext(500);
      const start = h.clock.now();
      expect((await h.provider.dispatchDue()).retried).toHaveLength(1);
      const [pending] = await outbox(id);
      expect([pending?.status, pending?.nextAttemptAt, pending?.lastError]).toEqual([
        "pending",
        start + 5 * MINUTE,
        "HTTP 500",
      ]);
      h.clock.advance(5 * MINUTE - 1);
      expect(await h.provider.dispatchDue()).toEqual({ delivered: [], retried: [], manual: [] });
      h.clock.advance(1);
      expect((await h.provider.dispatchDue()).delivered).toHaveLength(1);
      expect(merchantReceiver.received).toHaveLength(2);
      expect((await outbox(id))[0]?.status).toBe("delivered");
    });

    it("retries 5xx / 408 / 429 after 5 min, 15 min, 1 h, 3 h, 6 h, 12 h, then marks it for manual retry", async () => {
      const id = await paidSession();
      merchantReceiver.answerNext(503, 408, 429, 500, 502, 504, 500);
      const due: number[] = [];
      for (let attempt = 0; attempt < 7; attempt++) {
        const report = await h.provider.dispatchDue();
        expect(report.delivered).toEqual([]);
        const [row] = await outbox(id);
        if (attempt < 6) {
          due.push((row?.nextAttemptAt ?? 0) - h.clock.now());
          h.clock.set(row?.nextAttemptAt ?? 0);
        } else {
          expect([row?.status, row?.attempts]).toEqual(["failed_manual", 7]);
        }
      }
      expect(due).toEqual(webhookRetryDelaysMs);
      expect(merchantReceiver.received).toHaveLength(7);
    });

    it("does not retry a 4xx rejection (other than 408 / 429), nor an unreachable URL forever", async () => {
      const id = await paidSession();
      merchantReceiver.answerNext(401);
      expect((await h.provider.dispatchDue()).manual).toHaveLength(1);
      expect((await outbox(id))[0]?.status).toBe("failed_manual");

      h.provider.services.merchants.upsert({
        ...demoMerchant,
        callbackUrl: "http://127.0.0.1:1/unreachable",
      });
      const other = await paidSession();
      expect((await h.provider.dispatchDue()).retried).toHaveLength(1);
      expect((await outbox(other))[0]?.lastError).toMatch(/^no answer/);
    });
  });
}
