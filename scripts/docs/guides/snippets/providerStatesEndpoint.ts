/**
 * Guide snippet (docs/guides/implementing-the-api.md): the provider-states endpoint an
 * implementation adds to its test build, in TypeScript for brevity — the same few lines in Go, Java
 * or Python. `run()` starts it and sends it, for every catalogued state, the setup request the
 * verifier would send (the catalogue's example params), then a teardown.
 */

// #region guide
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { decodeProviderStateParams, testCardKeyPair } from "@payment-session/contracts";
import { Result } from "effect";

/** Stands in for your implementation's test hooks: set the clock, seed data, issue a token. */
const testHooks = {
  setClock: (_now: string) => {},
  resetMerchant: (merchantId: string) => `token-for-${merchantId}`,
  seedSession: (_params: object) => randomUUID(),
  simulate: (_params: object) => {}, // run what POST /v2/payments/simulations runs
  seedRefund: (_params: object) => randomUUID(), // POST /v1/refunds on the last session, then its steps
  useCardKey: (_pair: { encryptionKey: string; privateKeyPem: string }) => {}, // the key of later card sessions
};

const reply = (res: http.ServerResponse, status: number, body: object) => {
  res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
};

/** POST /_pact/provider-states: {state, params, action: "setup" | "teardown"} → the state's values. */
export const providerStates = http.createServer(async (req, res) => {
  let text = "";
  for await (const chunk of req) text += chunk;
  const { state, params, action } = JSON.parse(text) as { state: string; params?: object; action?: string };
  if (action === "teardown") return reply(res, 200, {});
  const decoded = decodeProviderStateParams(state, params);
  if (Result.isFailure(decoded)) return reply(res, 400, { details: decoded.failure.details });
  const s = decoded.success;
  switch (s.name) {
    case "the clock reads": // every interaction starts here: reset per-interaction settings too
      testHooks.setClock(s.params.now);
      return reply(res, 200, {});
    case "a merchant with credentials exists":
      return reply(res, 200, { accessToken: testHooks.resetMerchant(s.params.merchantId) });
    case "a payment session exists":
    case "a payment session was created with request id":
      return reply(res, 200, { id: testHooks.seedSession(s.params) }); // fills /v2/payments/${id}
    case "the clock moves on": // time passes within the interaction: keep what was set up
      testHooks.setClock(s.params.now);
      return reply(res, 200, {});
    case "a simulation was accepted": // on the session the previous state set up
      testHooks.simulate(s.params);
      return reply(res, 200, {});
    case "no payment session exists":
    case "payment sessions exist with clientReferenceId":
      testHooks.seedSession(s.params);
      return reply(res, 200, {});
    case "a refund exists": // a refund of the session the previous state set up
      return reply(res, 200, { refundId: testHooks.seedRefund(s.params) }); // fills /v1/refunds/${refundId}
    case "no refund exists":
      return reply(res, 200, {});
    case "card sessions use the published test key": // also in contracts/card-test-key.pem (decision S3)
      testHooks.useCardKey(testCardKeyPair);
      return reply(res, 200, {});
  }
});
// providerStates.listen(8080) — or mount the handler at /_pact/provider-states of your test build
// #endregion guide

/** Sends every catalogued state's example setup (and a teardown, and an unknown state) to the endpoint. */
export const run = async (
  examples: ReadonlyArray<{ readonly state: string; readonly params: object }>,
): Promise<
  ReadonlyArray<{ readonly state: string; readonly status: number; readonly keys: ReadonlyArray<string> }>
> => {
  await new Promise<void>((resolve) => providerStates.listen(0, "127.0.0.1", resolve));
  const { port } = providerStates.address() as AddressInfo;
  const send = async (body: object) => {
    const response = await fetch(`http://127.0.0.1:${port}/_pact/provider-states`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: response.status, keys: Object.keys((await response.json()) as object).sort() };
  };
  try {
    const answers = [];
    for (const { state, params } of [...examples, { state: "a state nobody catalogued", params: {} }]) {
      answers.push({ state, ...(await send({ state, params, action: "setup" })) });
    }
    const [first] = examples;
    if (first !== undefined)
      answers.push({ state: "teardown", ...(await send({ ...first, action: "teardown" })) });
    return answers;
  } finally {
    await new Promise<void>((resolve) => providerStates.close(() => resolve()));
  }
};
