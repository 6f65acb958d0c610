/**
 * The reference provider in contract-test mode: the API on a test clock, with the provider-states
 * endpoint and the webhook endpoints (inbox + messages) mounted beside it.
 * Never what `pnpm start` serves.
 *
 * @since 0.1.0
 */
import { timed } from "@payment-session/contracts/verifier";
import type { Answer } from "../answers.js";
import { createTestClock, type TestClock } from "../clock.js";
import type { ExtraRoute } from "../http/server.js";
import { type RunningProvider, startProvider } from "../startProvider.js";
import type { Database } from "../store/index.js";
import { type ContractStates, createContractStates } from "./contractStates.js";
import {
  providerMessagesPath,
  type WebhookEndpoints,
  webhookEndpoints,
  webhookInboxPath,
  webhookMessageProducer,
} from "./webhookMessages.js";

/**
 * Where the provider-states endpoint is mounted: `POST /_pact/provider-states`.
 *
 * @since 0.1.0
 * @category Contract verification
 */
export const providerStatesPath = "/_pact/provider-states";

/**
 * The provider-states route for `startProvider`'s `extraRoutes`: `POST /_pact/provider-states`
 * with `{state, params, action}` (the protocol of `@payment-session/contracts`).
 *
 * @since 0.1.0
 * @category Contract verification
 */
export const providerStatesRoute = (states: ContractStates): ExtraRoute => ({
  method: "POST",
  path: providerStatesPath,
  handle: (request): Promise<Answer> => timed("provider: state handler", () => states.handle(request.body)),
});

/**
 * A running provider in contract-test mode and the URLs a verifier needs:
 * `providerBaseUrl`, `providerStatesSetupUrl` and `providerMessagesUrl`, all on the provider (the
 * merchants' callback URL is its webhook inbox). `problems()` lists every state set-up and message
 * production that failed, in order. `close()` stops the provider (not a `db` passed in).
 *
 * @since 0.1.0
 * @category Contract verification
 */
export interface ContractProvider {
  readonly provider: RunningProvider;
  readonly clock: TestClock;
  readonly states: ContractStates;
  readonly webhooks: WebhookEndpoints;
  readonly providerBaseUrl: string;
  readonly providerStatesSetupUrl: string;
  readonly providerMessagesUrl: string;
  readonly problems: () => ReadonlyArray<string>;
  readonly close: () => Promise<void>;
}

/**
 * Options of {@link startContractProvider}: the database (default: a fresh PGlite in memory,
 * closed by `close()`), and the instant the clock starts at before the first "the clock reads".
 *
 * @since 0.1.0
 * @category Contract verification
 */
export interface ContractProviderOptions {
  readonly db?: Database | undefined;
  readonly start?: string | undefined;
  /**
   * Run the expiry sweeper and the webhook dispatcher every `intervalMs` (default: off; the
   * explorer turns it on so that webhooks reach its receiver).
   */
  readonly background?: { readonly intervalMs?: number | undefined } | undefined;
}

/**
 * Starts the reference provider for a contract verification: no merchants until a state registers
 * them, a test clock set by "the clock reads", the provider-states route mounted, and the webhook
 * inbox as every merchant's callback URL.
 *
 * @example
 * const running = await startContractProvider()
 * try {
 *   await verifyProvider({ providerBaseUrl: running.providerBaseUrl, providerStatesSetupUrl: running.providerStatesSetupUrl,
 *     providerMessagesUrl: running.providerMessagesUrl, pactDir: "contracts" })
 * } finally { await running.close() }
 * @since 0.1.0
 * @category Contract verification
 */
export const startContractProvider = async (
  options: ContractProviderOptions = {},
): Promise<ContractProvider> => {
  const clock = createTestClock(options.start ?? "2025-03-30T05:48:17Z");
  let mounted: { readonly states: ContractStates; readonly webhooks: WebhookEndpoints } | undefined;
  let url = "";
  const provider = await startProvider({
    ...(options.db === undefined ? { memory: true } : { db: options.db }),
    clock,
    merchants: [],
    ...(options.background === undefined ? {} : { background: options.background }),
    extraRoutes: (context) => {
      const states = createContractStates({
        provider: context,
        clock,
        callbackUrl: () => `${url}${webhookInboxPath}`,
      });
      const webhooks = webhookEndpoints(webhookMessageProducer(context, states));
      mounted = { states, webhooks };
      return [providerStatesRoute(states), ...webhooks.routes];
    },
  });
  url = provider.url;
  if (mounted === undefined) {
    await provider.close();
    throw new Error("startProvider did not build its extra routes");
  }
  const { states, webhooks } = mounted;
  return {
    provider,
    clock,
    states,
    webhooks,
    providerBaseUrl: provider.url,
    providerStatesSetupUrl: `${provider.url}${providerStatesPath}`,
    providerMessagesUrl: `${provider.url}${providerMessagesPath}`,
    problems: () => [...states.problems(), ...webhooks.problems()],
    close: () => provider.close(),
  };
};
