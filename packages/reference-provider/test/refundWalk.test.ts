/**
 * The README's refund walk, run as written: the `curl` lines of its "Refund it" block are read from
 * the README, sent to the provider in order (`$ID` is the paid session, `sleep N` moves the test
 * clock and runs the refund sweeper and the webhook dispatcher), and each `# → …` line must appear in
 * the answer before it. The callbacks reach a merchant endpoint built with the contracts' webhook
 * handler. Then the same walk with the typed client.
 */

import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createPaymentsClient, createWebhookHandler, toNodeListener } from "@payment-session/contracts";
import type { RefundCallback } from "@payment-session/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { demoMerchant } from "../src/index.js";
import { paidVaSession, pglite, useProvider } from "./support/provider.js";

const README = readFileSync(new URL("../README.md", import.meta.url), "utf8");

/** One step of the walk: a request (method, path, headers, body), a clock move, or an expectation. */
type Step =
  | {
      readonly _tag: "request";
      readonly method: string;
      readonly path: string;
      readonly requestId?: string;
      readonly body?: string;
    }
  | { readonly _tag: "sleep"; readonly seconds: number }
  | { readonly _tag: "expect"; readonly text: string };

/** The steps of the README's refund block: continuation lines joined, `$B` dropped, `$ID` kept. */
const walkSteps = (readme: string): ReadonlyArray<Step> => {
  const section = readme.split("### Refund it")[1] ?? "";
  const block = /```sh\n([\s\S]*?)```/u.exec(section)?.[1] ?? "";
  const lines = block.replace(/\\\n\s*/gu, " ").split("\n");
  const steps: Array<Step> = [];
  for (const line of lines) {
    const sleep = /^sleep (\d+)$/u.exec(line.trim());
    if (sleep !== null) steps.push({ _tag: "sleep", seconds: Number(sleep[1]) });
    const expectation = /^# → (.+?)(?:\s{2,}\(.*)?$/u.exec(line.trim());
    if (expectation?.[1] !== undefined) steps.push({ _tag: "expect", text: expectation[1] });
    if (!line.startsWith("curl")) continue;
    const method = /-X (POST|GET)/u.exec(line)?.[1] ?? "GET";
    const path = /"?\$B(\/[^\s"]*)"?/u.exec(line)?.[1] ?? "";
    const requestId = /X-REQUEST-ID: ([^']+)'/u.exec(line)?.[1];
    const body = /-d '(.*)'$/u.exec(line)?.[1];
    steps.push({
      _tag: "request",
      method,
      path,
      ...(requestId === undefined ? {} : { requestId }),
      ...(body === undefined ? {} : { body }),
    });
  }
  return steps;
};

describe("the README's refund walk", () => {
  const h = useProvider(pglite);
  const received: Array<RefundCallback> = [];
  let receiver: Server | undefined;
  let callbackUrl = "";

  beforeAll(async () => {
    const handle = createWebhookHandler({
      apiKey: demoMerchant.callbackApiKey,
      onEvent: () => {},
      onRefundEvent: (callback) => {
        received.push(callback);
      },
    });
    receiver = createServer(toNodeListener(handle));
    await new Promise<void>((resolve) => receiver?.listen(0, "127.0.0.1", resolve));
    const address = receiver.address();
    callbackUrl = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}/`;
  });
  afterAll(async () => {
    h.provider.services.merchants.upsert(demoMerchant);
    await new Promise<void>((resolve) =>
      receiver === undefined ? resolve() : receiver.close(() => resolve()),
    );
  });
  beforeEach(() => {
    received.length = 0;
    h.provider.services.merchants.upsert({ ...demoMerchant, callbackUrl });
  });

  const paidSession = () => paidVaSession(h.http);

  const deliver = async () => {
    await h.provider.settleRefunds();
    await h.provider.dispatchDue();
  };

  it("the README has the walk: requests, a wait, and what each answers", () => {
    const steps = walkSteps(README);
    expect(steps.filter((s) => s._tag === "request")).toHaveLength(5);
    expect(steps.filter((s) => s._tag === "sleep")).toEqual([{ _tag: "sleep", seconds: 5 }]);
    expect(steps.filter((s) => s._tag === "expect")).toHaveLength(5);
  });

  it("runs as written: PENDING, REFUND.PENDING then REFUND.SUCCESS, the rest, a third refund refused", async () => {
    const id = await paidSession();
    let last = "";
    for (const step of walkSteps(README)) {
      if (step._tag === "sleep") {
        h.clock.advance(step.seconds * 1000);
        await deliver();
      } else if (step._tag === "expect") {
        expect(last, `the answer before “# → ${step.text}”`).toContain(step.text);
      } else {
        const path = step.path.replace("$ID", id);
        const options = step.requestId === undefined ? {} : { requestId: step.requestId };
        const reply =
          step.method === "POST"
            ? await h.http.post(path, undefined, {
                ...options,
                rawBody: (step.body ?? "").replace("'$ID'", id),
              })
            : await h.http.get(path);
        last = JSON.stringify(reply.body);
        await deliver();
      }
    }
    expect(received.map((c) => `${c.data.clientReferenceId} ${c.event}`)).toEqual([
      "order-1001-r1 REFUND.PENDING",
      "order-1001-r1 REFUND.SUCCESS",
      "order-1001-r2 REFUND.PENDING",
    ]);
  });

  it("runs with the typed client too", async () => {
    const id = await paidSession();
    const payments = createPaymentsClient({
      baseUrl: h.provider.url,
      accessToken: h.provider.issueAccessToken(demoMerchant.id),
    });
    const body = (clientReferenceId: string, value: string) => ({
      clientReferenceId,
      paymentSessionId: id,
      amount: { value, currency: "IDR" },
      reason: "REQUESTED_BY_CUSTOMER" as const,
    });
    const first = await payments.createRefund(body("order-1001-r1", "10000.00"), {
      requestId: "order-1001-refund-1",
    });
    expect(first).toMatchObject({ status: "PENDING", amount: { value: 10_000 } });
    await deliver();
    h.clock.advance(5_000);
    await deliver();
    expect((await payments.getRefund(first.id)).status).toBe("SUCCESS");
    expect((await payments.createRefund(body("order-1001-r2", "10000.00"))).status).toBe("PENDING");
    const third = await payments.createRefund(body("order-1001-r3", "1.00")).catch((error: unknown) => error);
    expect(third).toMatchObject({ _tag: "PaymentsApiError", status: 422, code: "amount_exceeds_refundable" });
    const listed = await payments.listRefunds({ paymentSessionId: id });
    expect(listed.data.map((r) => r.status)).toEqual(["PENDING", "SUCCESS"]);
    expect((await payments.get(id)).status).toBe("PAID");
    await deliver();
    expect(received.map((c) => c.event)).toEqual(["REFUND.PENDING", "REFUND.SUCCESS", "REFUND.PENDING"]);
  });
});
