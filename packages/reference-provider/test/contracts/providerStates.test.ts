/**
 * The provider-states endpoint and the messages endpoint of contract-test mode, spoken to over HTTP
 * as a verifier (of any language) would.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ContractProvider, startContractProvider } from "../../src/contracts/index.js";

let running: ContractProvider | undefined;
const contract = (): ContractProvider => {
  if (running === undefined) throw new Error("the provider is not started yet");
  return running;
};

beforeAll(async () => {
  running = await startContractProvider();
});
afterAll(async () => {
  await running?.close();
});

const post = async (url: string, body: unknown) => {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: (): unknown => JSON.parse(text) };
};

const setUp = (state: string, params: Record<string, unknown> = {}, action = "setup") =>
  post(contract().providerStatesSetupUrl, { state, params, action });

const merchant = {
  merchantId: "merchant-0001",
  merchantSecret: "secret-0001",
  callbackApiKey: "callback-key-0001",
};

const startInteraction = async (): Promise<string> => {
  expect((await setUp("the clock reads", { now: "2025-03-30T05:48:17Z" })).status).toBe(200);
  const answer = await setUp("a merchant with credentials exists", merchant);
  expect(answer.status, answer.text).toBe(200);
  const values = answer.json();
  if (typeof values !== "object" || values === null || !("accessToken" in values))
    throw new Error(answer.text);
  return String(values.accessToken);
};

const idOf = (answer: { readonly text: string; readonly json: () => unknown }): string => {
  const values = answer.json();
  if (typeof values !== "object" || values === null || !("id" in values)) throw new Error(answer.text);
  return String(values.id);
};

describe("POST /_pact/provider-states", () => {
  it("sets up a merchant whose token the API accepts and a session in the status asked for", async () => {
    const token = await startInteraction();
    const created = await setUp("a payment session exists", { status: "PAID", clientReferenceId: "INV-1" });
    expect(created.status, created.text).toBe(200);
    const response = await fetch(`${contract().providerBaseUrl}/v2/payments/${idOf(created)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ data: { status: "PAID", clientReferenceId: "INV-1" } });
  });

  it("starts the merchant afresh each time it is set up", async () => {
    const token = await startInteraction();
    await setUp("payment sessions exist with clientReferenceId", { clientReferenceId: "ORDER-1", count: 2 });
    await startInteraction();
    const response = await fetch(`${contract().providerBaseUrl}/v2/payments?clientReferenceId=ORDER-1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await response.json()).toMatchObject({ data: [], pagination: { totalItems: 0 } });
  });

  it("answers a teardown with an empty object", async () => {
    await startInteraction();
    const answer = await setUp("a payment session exists", { status: "PAID" }, "teardown");
    expect([answer.status, answer.json()]).toEqual([200, {}]);
  });

  it("refuses an unknown state, ill-typed params, an unknown action and a session without a merchant", async () => {
    await setUp("the clock reads", { now: "2025-03-30T05:48:17Z" });
    const answers = [
      await setUp("a payment session is paid"),
      await setUp("a payment session exists", { status: "SETTLED" }),
      await setUp("the clock reads", { now: "2025-03-30T05:48:17Z" }, "reset"),
      await setUp("a payment session exists", { status: "PAID" }),
    ];
    expect(answers.map((a) => a.status)).toEqual([400, 400, 400, 400]);
    for (const answer of answers) {
      expect(answer.json()).toMatchObject({ code: "api_validation_error", error: { type: "API_ERROR" } });
    }
  });

  it("answers 500 naming the step when the provider refuses a set-up", async () => {
    await startInteraction();
    const answer = await setUp("a payment session exists", {
      status: "PROCESSING",
      paymentMethodType: "VIRTUAL_ACCOUNT",
    });
    expect(answer.status).toBe(500);
    expect(answer.text).toContain("a payment session exists");
    expect(contract().problems().at(-1)).toContain("a payment session exists");
  });
});

describe("the messages endpoint", () => {
  it("answers the webhook the dispatcher delivered for the session, with its X-API-Key as metadata", async () => {
    await startInteraction();
    const id = idOf(
      await setUp("a payment session exists", { status: "PAID", clientReferenceId: "INV-HOOK" }),
    );
    const answer = await post(contract().providerMessagesUrl, {
      description: "a PAYMENT.PAID callback",
      providerStates: [{ name: "a payment session exists", params: { status: "PAID" } }],
    });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json()).toMatchObject({ event: "PAYMENT.PAID", data: { id, status: "PAID" } });
    const metadata = Buffer.from(answer.headers.get("pact-message-metadata") ?? "", "base64").toString(
      "utf8",
    );
    expect(JSON.parse(metadata)).toEqual({ "X-API-Key": merchant.callbackApiKey });
  });

  it("answers 500 when the message's states set up no session", async () => {
    await startInteraction();
    const answer = await post(contract().providerMessagesUrl, { description: "a PAYMENT.PAID callback" });
    expect(answer.status).toBe(500);
    expect(answer.text).toContain("no payment session");
  });
});
