/**
 * The faulty provider's defects that today's contracts do not reach (a card capture amount, a token
 * past its lifetime) shown directly to change an answer, beside the faithful provider's answer to
 * the same requests: a second guard, in a second, that these switches are real (the explorer's
 * self-test catches them too, in minutes).
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  type DefectName,
  type FaultyProvider,
  startFaultyProvider,
} from "../support/faultyProvider/index.js";

const running: Array<FaultyProvider> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.close()));
});

const start = async (defect?: DefectName) => {
  const provider = await startFaultyProvider({ defect });
  running.push(provider);
  return provider;
};

const post = async (url: string, body: unknown, token?: string) => {
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

const state = async (p: FaultyProvider, name: string, params: Record<string, unknown>) => {
  const answer = await post(p.statesUrl, { state: name, params, action: "setup" });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
};

const merchant = { merchantId: "m-1", merchantSecret: "s-1", callbackApiKey: "k-1" };

/** A card authorised for 50 000 IDR, waiting for a manual capture; answers the capture of `value`. */
const captureOf = async (p: FaultyProvider, value: number) => {
  await state(p, "the clock reads", { now: "2025-03-30T05:48:17Z" });
  const { accessToken } = await state(p, "a merchant with credentials exists", merchant);
  const { id } = await state(p, "a payment session exists", {
    status: "PROCESSING",
    paymentMethodType: "CARD",
    captureMethod: "manual",
    chargeStatus: "WAITING_FOR_CAPTURE",
    amount: 50_000,
  });
  return post(
    `${p.baseUrl}/v2/payments/${String(id)}/capture`,
    { releaseRemainingAmount: false, amount: { value, currency: "IDR" } },
    String(accessToken),
  );
};

const capturedValue = (answer: { body: Record<string, unknown> }) =>
  (answer.body.data as { amount: { value: number } }).amount.value;

describe("defects the contracts do not reach change answers", () => {
  it("overCaptureClamped: a capture above the authorisation is 400, the defect captures it clamped", async () => {
    const faithful = await captureOf(await start(), 60_000);
    expect(faithful.status).toBe(400);
    const defective = await captureOf(await start("overCaptureClamped"), 60_000);
    expect(defective.status).toBe(200);
    expect(capturedValue(defective)).toBe(50_000);
  });

  it("partialCaptureTakesAll: a partial capture captures the part, the defect captures all", async () => {
    const faithful = await captureOf(await start(), 20_000);
    expect([faithful.status, capturedValue(faithful)]).toEqual([200, 20_000]);
    const defective = await captureOf(await start("partialCaptureTakesAll"), 20_000);
    expect([defective.status, capturedValue(defective)]).toEqual([200, 50_000]);
  });

  it("expiredTokenAccepted: a token past its 900 s on the provider clock is 401, the defect accepts it", async () => {
    const listWithOldToken = async (p: FaultyProvider) => {
      await state(p, "the clock reads", { now: "2025-03-30T05:48:17Z" });
      const { accessToken } = await state(p, "a merchant with credentials exists", merchant);
      await state(p, "the clock reads", { now: "2025-03-30T06:03:17Z" });
      const res = await fetch(`${p.baseUrl}/v2/payments`, {
        headers: { authorization: `Bearer ${String(accessToken)}` },
      });
      return res.status;
    };
    expect(await listWithOldToken(await start())).toBe(401);
    expect(await listWithOldToken(await start("expiredTokenAccepted"))).toBe(200);
  });
});
