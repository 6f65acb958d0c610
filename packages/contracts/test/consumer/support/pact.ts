/**
 * The shared set-up of the consumer contracts: the two Pact V4 pacts (HTTP: merchant-backend →
 * payments-v2-api; webhook messages: merchant-webhook-handler → payments-v2-api), where they are
 * written, the example values every interaction shares, and the provider states every interaction
 * starts with.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { MatchersV3, PactV4, type V3MockServer } from "@pact-foundation/pact";
import { createPaymentsClient, type PaymentsClientPromise } from "../../../src/client/index.js";
import { type GivenBuilder, givenState } from "../../../src/providerStates/index.js";
import { pactDir } from "./paths.js";

export { pactDir };

/** Consumer and provider names of the pact files. */
export const names = {
  httpConsumer: "merchant-backend",
  messageConsumer: "merchant-webhook-handler",
  provider: "payments-v2-api",
} as const;

/** The HTTP pact (one per test file; Pact merges every file's interactions into one pact file). */
export const httpPact = () =>
  new PactV4({ consumer: names.httpConsumer, provider: names.provider, dir: pactDir, logLevel: "error" });

/** The webhook-message pact. */
export const messagePact = () =>
  new PactV4({ consumer: names.messageConsumer, provider: names.provider, dir: pactDir, logLevel: "error" });

/** What the provider's clock reads in every interaction (state `the clock reads`). */
export const clockNow = "2025-03-30T05:48:17Z";

/** The merchant every authenticated interaction is made for (state `a merchant with credentials exists`). */
export const merchant = {
  merchantId: "merchant-0001",
  merchantSecret: "secret-0001",
  callbackApiKey: "callback-key-0001",
} as const;

/** Example values that stand in for what the provider returns from its states. */
export const example = {
  accessToken: "example-access-token-0001",
  sessionId: "7f65c757-355f-4645-ac14-028b34ab51b1",
  chargeId: "b4db4aa5-4ee4-4722-b414-050c745c93cd",
} as const;

/** `Authorization: Bearer ${accessToken}`, the token coming from the merchant state. */
export const authorization = MatchersV3.fromProviderState(
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Pact provider-state expression, not a template
  "Bearer ${accessToken}",
  `Bearer ${example.accessToken}`,
);

/** `/v2/payments/${id}<suffix>`, the id coming from the session state. */
export const sessionPath = (suffix = "") =>
  MatchersV3.fromProviderState(`/v2/payments/\${id}${suffix}`, `/v2/payments/${example.sessionId}${suffix}`);

/** Names `the clock reads` (every interaction starts with it). */
export const atClock = <B extends GivenBuilder<B>>(builder: B): B =>
  givenState(builder, "the clock reads", { now: clockNow });

/** Names `the clock reads` and `a merchant with credentials exists`. */
export const asMerchant = <B extends GivenBuilder<B>>(builder: B): B =>
  givenState(atClock(builder), "a merchant with credentials exists", merchant);

/** The real typed client, pointed at Pact's mock server, with the example token (`null`: no token at all). */
export const clientFor = (
  baseUrl: string,
  accessToken: string | null = example.accessToken,
): PaymentsClientPromise =>
  createPaymentsClient({ baseUrl, ...(accessToken === null ? {} : { accessToken }) });

/** The rejection of a promise; fails the test when it resolves. */
export const rejectionOf = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to be refused");
};

/**
 * Wraps an `executeTest` callback so that it returns only once the mock server has recorded the
 * request. Pact's mock server (pact_ffi 0.5.4) records a match asynchronously, after the response
 * has gone out; read too early it reports "expected but not received" although the client got its
 * answer (pact-foundation/pact-core-mock-server#13, pact-reference#535). This polls the mock server's
 * own verdict (at most about a second) instead of sleeping a fixed time.
 */
export const recorded =
  <T>(pact: PactV4, test: (mock: V3MockServer) => Promise<T>) =>
  async (mock: V3MockServer): Promise<T> => {
    const result = await test(mock);
    const handle: unknown = Reflect.get(pact, "pact");
    const matched =
      typeof handle === "object" && handle !== null
        ? Reflect.get(handle, "mockServerMatchedSuccessfully")
        : undefined;
    if (typeof matched !== "function") return result;
    for (let attempt = 0; attempt < 200; attempt += 1) {
      if (Reflect.apply(matched, handle, [mock.port]) === true) break;
      await sleep(5);
    }
    return result;
  };
