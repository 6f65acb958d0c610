/**
 * The provider states of the contracts (the catalogue of `@payment-session/contracts`), set up on a
 * running reference provider the way real data is made: merchants through the registry, sessions
 * through `seedSession` (the provider's own operations and the core's events), a create with an
 * `X-REQUEST-ID` through the same `createPayment` the endpoint runs. Test mode only.
 *
 * @since 0.1.0
 */
import {
  type DecodedProviderStateParams,
  decodeProviderStateParams,
  type ProviderStateValues,
  testCardKeyPair,
} from "@payment-session/contracts";
import { timed } from "@payment-session/contracts/verifier";
import { plainCreateStatus } from "@payment-session/core";
import { Result } from "effect";
import { type Answer, envelope, fieldError } from "../answers.js";
import { installCardKey } from "../cardKeys.js";
import type { TestClock } from "../clock.js";
import { type Merchant, subAccountSeparator } from "../merchants.js";
import { loadRefund } from "../refunds/refundStore.js";
import { seedRefund } from "../refunds/seedRefund.js";
import type { SeedSessionOptions } from "../seedSession.js";
import type { ProviderContext } from "../startProvider.js";
import { loadSession, toEpochMillis } from "../store/index.js";
import { answerOf, writeEndpoints } from "../writes.js";

/**
 * A state the provider could not set up: `status` 400 when the request is wrong (unknown state,
 * params that do not fit the catalogue, a session state before any merchant state), 500 when the
 * provider refused a step of the set-up (the message says which).
 *
 * @since 0.1.0
 * @category Contract verification
 */
export class ProviderStateError extends Error {
  readonly _tag = "ProviderStateError";
  constructor(
    readonly state: string,
    readonly status: 400 | 500,
    message: string,
  ) {
    super(`provider state "${state}": ${message}`);
    this.name = "ProviderStateError";
  }
}

/**
 * What the current interaction has set up so far: its merchant and the sessions its states made,
 * oldest first. "the clock reads" (every interaction's first state) starts a new one.
 *
 * @since 0.1.0
 * @category Contract verification
 */
export interface InteractionSetup {
  readonly now: number;
  readonly merchant: Merchant | undefined;
  readonly sessionIds: ReadonlyArray<string>;
}

/**
 * The state handlers of a running provider (see {@link createContractStates}).
 *
 * - `setUp(state, params)`: decodes the params with the catalogue, sets the state up, returns the
 *   values for the pact's `fromProviderState` expressions (`accessToken`, `id`). Throws
 *   {@link ProviderStateError}.
 * - `tearDown(state, params)`: nothing to undo (the next interaction's states start afresh); `{}`.
 * - `handle(body)`: the provider-states protocol (`{state, params, action}` → 200 values, or a 400 /
 *   500 envelope naming the problem).
 * - `interaction()`: what the current interaction set up (the message producer reads it).
 * - `problems()`: every set-up that failed, in order, one line each (for the run's report).
 *
 * @since 0.1.0
 * @category Contract verification
 */
export interface ContractStates {
  readonly setUp: (state: string, params: unknown) => Promise<ProviderStateValues>;
  readonly tearDown: (state: string, params: unknown) => Promise<ProviderStateValues>;
  readonly handle: (body: unknown) => Promise<Answer>;
  readonly interaction: () => InteractionSetup;
  readonly problems: () => ReadonlyArray<string>;
}

/**
 * Options of {@link createContractStates}: the running provider's internals, the test clock it
 * reads (so "the clock reads" can set it), and where the merchants' webhooks go (the
 * verification's webhook inbox), read at each merchant set-up.
 *
 * @since 0.1.0
 * @category Contract verification
 */
export interface ContractStatesOptions {
  readonly provider: ProviderContext;
  readonly clock: TestClock;
  readonly callbackUrl?: (() => string | undefined) | undefined;
}

type Decoded = Result.Result.Success<ReturnType<typeof decodeProviderStateParams>>;

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === "object" && u !== null && !Array.isArray(u);

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The seeding options of "a payment session exists" (the catalogue's params are seedSession's options). */
const seedOptions = (
  merchantId: string,
  at: number,
  params: DecodedProviderStateParams<"a payment session exists">,
): SeedSessionOptions => {
  // Decision S5: a sub-account's session is stored under the sub-account's acting merchant.
  const { submerchantId, ...rest } = params;
  return {
    ...rest,
    merchantId:
      submerchantId === undefined ? merchantId : `${merchantId}${subAccountSeparator}${submerchantId}`,
    at,
  };
};

/**
 * Makes the provider-state handlers of a running provider. Interactions are set up one after
 * another (Pact verifies them in sequence); each starts with "the clock reads".
 *
 * - `the clock reads {now}`: sets the test clock; starts a new interaction.
 * - `a merchant with credentials exists {merchantId, merchantSecret, callbackApiKey?, callbackUrl?}`:
 *   registers the merchant (name = its id, the docs' payment-method config, webhooks to the
 *   param `callbackUrl` or else the option `callbackUrl` with
 *   `X-API-Key: callbackApiKey`), deletes everything stored for it, returns `accessToken` as
 *   `POST /v1/access-token` would issue it.
 * - `a payment session exists {status, …}`: `seedSession` as of the clock; returns `id`.
 * - `no payment session exists {id}`: checks that no merchant has a session with that id.
 * - `payment sessions exist with clientReferenceId {clientReferenceId, count, status?, amount?}`:
 *   `count` seeded sessions, one second apart (so their order is stable).
 * - `a payment session was created with request id {requestId, request}`: `createPayment` with
 *   that `X-REQUEST-ID` and body, exactly as the endpoint runs it; returns `id`.
 *
 * @example
 * const clock = createTestClock("2025-03-30T05:48:17Z")
 * let states: ContractStates | undefined
 * const provider = await startProvider({ memory: true, clock, extraRoutes: (context) => {
 *   states = createContractStates({ provider: context, clock })
 *   return [providerStatesRoute(states)]
 * } })
 * @since 0.1.0
 * @category Contract verification
 */
export const createContractStates = (options: ContractStatesOptions): ContractStates => {
  const { provider, clock } = options;
  let interaction: InteractionSetup = { now: clock.now(), merchant: undefined, sessionIds: [] };
  const problems: Array<string> = [];

  const merchantOf = (state: string): Merchant => {
    if (interaction.merchant === undefined) {
      throw new ProviderStateError(state, 400, 'needs "a merchant with credentials exists" first');
    }
    return interaction.merchant;
  };

  /** The session the interaction's last session state seeded. */
  const lastSession = (state: string): string => {
    const id = interaction.sessionIds.at(-1);
    if (id === undefined)
      throw new ProviderStateError(state, 400, 'needs a session state ("a payment session exists") first');
    return id;
  };

  /** `{}` when no merchant has the resource `load` finds; a 500 naming the merchant otherwise. */
  const noneExists = async (
    state: string,
    what: "session" | "refund",
    id: string,
    load: (merchantId: string, id: string) => Promise<unknown>,
  ): Promise<ProviderStateValues> => {
    for (const merchant of provider.services.merchants.list()) {
      if ((await load(merchant.id, id)) !== null)
        throw new ProviderStateError(state, 500, `merchant ${merchant.id} has a ${what} ${id}`);
    }
    return {};
  };

  const seeded = (id: string): void => {
    interaction = { ...interaction, sessionIds: [...interaction.sessionIds, id] };
  };

  const seed = async (state: string, seedWith: SeedSessionOptions): Promise<string> => {
    try {
      const { id } = await provider.seedSession(seedWith);
      seeded(id);
      return id;
    } catch (error) {
      throw new ProviderStateError(state, 500, messageOf(error));
    }
  };

  const apply = async (decoded: Decoded): Promise<ProviderStateValues> => {
    switch (decoded.name) {
      case "the clock reads": {
        clock.set(decoded.params.now);
        interaction = { now: clock.now(), merchant: undefined, sessionIds: [] };
        return {};
      }
      case "a merchant with credentials exists": {
        const { merchantId, merchantSecret, callbackApiKey, callbackUrl } = decoded.params;
        const merchant: Merchant = {
          id: merchantId,
          secret: merchantSecret,
          name: merchantId,
          callbackApiKey: callbackApiKey ?? `${merchantId}-callback-key`,
          callbackUrl: callbackUrl ?? options.callbackUrl?.(),
        };
        provider.services.merchants.upsert(merchant);
        await provider.resetMerchant(merchantId);
        interaction = { ...interaction, merchant, sessionIds: [] };
        return { accessToken: provider.issueAccessToken(merchantId, clock.now()) };
      }
      case "a payment session exists": {
        const merchant = merchantOf(decoded.name);
        const id = await seed(decoded.name, seedOptions(merchant.id, clock.now(), decoded.params));
        return { id };
      }
      case "no payment session exists": {
        return noneExists(decoded.name, "session", decoded.params.id, (merchantId, id) =>
          loadSession(provider.services.db, merchantId, id),
        );
      }
      case "payment sessions exist with clientReferenceId": {
        const merchant = merchantOf(decoded.name);
        const { clientReferenceId, count, status, amount } = decoded.params;
        const now = clock.now();
        for (let i = 0; i < count; i++) {
          await seed(decoded.name, {
            merchantId: merchant.id,
            at: now - (count - 1 - i) * 1000,
            status: status ?? plainCreateStatus,
            clientReferenceId,
            amount,
          });
        }
        return {};
      }
      case "card sessions use the published test key": {
        await installCardKey(provider.services.db, testCardKeyPair);
        return {};
      }
      case "the clock moves on": {
        const now = toEpochMillis(decoded.params.now, "now");
        if (now < clock.now()) {
          throw new ProviderStateError(decoded.name, 400, `${decoded.params.now} is earlier than the clock`);
        }
        clock.set(now);
        interaction = { ...interaction, now };
        return {};
      }
      case "a simulation was accepted": {
        const merchant = merchantOf(decoded.name);
        const sessionId = lastSession(decoded.name);
        const answer = await answerOf(
          writeEndpoints(provider.services).simulate(
            { merchant, at: clock.now(), traceId: provider.services.ids.traceId() },
            undefined,
            { paymentSessionId: sessionId, chargeStatus: decoded.params.chargeStatus },
          ),
        );
        if (answer.status !== 200) {
          throw new ProviderStateError(
            decoded.name,
            500,
            `the simulation was refused: ${answer.status} ${JSON.stringify(answer.body)}`,
          );
        }
        return {};
      }
      case "a refund exists": {
        const merchant = merchantOf(decoded.name);
        const sessionId = lastSession(decoded.name);
        try {
          const refundId = await seedRefund(provider.services, {
            ...decoded.params,
            merchantId: merchant.id,
            paymentSessionId: sessionId,
            at: clock.now(),
          });
          return { refundId };
        } catch (error) {
          throw new ProviderStateError(decoded.name, 500, messageOf(error));
        }
      }
      case "no refund exists": {
        return noneExists(decoded.name, "refund", decoded.params.id, (merchantId, id) =>
          loadRefund(provider.services.db, merchantId, id),
        );
      }
      case "a payment session was created with request id": {
        const merchant = merchantOf(decoded.name);
        const at = clock.now();
        const answer = await answerOf(
          writeEndpoints(provider.services).create(
            { merchant, at, traceId: provider.services.ids.traceId() },
            decoded.params.requestId,
            decoded.params.request,
          ),
        );
        const body: unknown = answer.body;
        const data = isRecord(body) ? body.data : undefined;
        const id = isRecord(data) ? data.id : undefined;
        if (answer.status !== 200 || typeof id !== "string") {
          throw new ProviderStateError(
            decoded.name,
            500,
            `the create was refused: ${answer.status} ${JSON.stringify(body)}`,
          );
        }
        seeded(id);
        return { id };
      }
    }
  };

  const decode = (state: string, params: unknown): Decoded => {
    const decoded = decodeProviderStateParams(state, params);
    if (Result.isFailure(decoded)) throw new ProviderStateError(state, 400, decoded.failure.message);
    return decoded.success;
  };

  const setUp = async (state: string, params: unknown): Promise<ProviderStateValues> => {
    try {
      const decoded = decode(state, params);
      return await timed(`provider: state ${decoded.name}`, () => apply(decoded));
    } catch (error) {
      problems.push(messageOf(error));
      throw error;
    }
  };

  const tearDown = async (): Promise<ProviderStateValues> => ({});

  const handle = async (body: unknown): Promise<Answer> => {
    const traceId = provider.services.ids.traceId();
    const request = isRecord(body) ? body : {};
    const state = typeof request.state === "string" ? request.state : "";
    const action = request.action ?? "setup";
    if (action !== "setup" && action !== "teardown") {
      return fieldError(traceId, "action", 'expected "setup" or "teardown"');
    }
    try {
      const values = action === "setup" ? await setUp(state, request.params) : await tearDown();
      return { status: 200, body: values };
    } catch (error) {
      const status = error instanceof ProviderStateError ? error.status : 500;
      return envelope(
        status,
        status === 400 ? "api_validation_error" : "internal_error",
        messageOf(error),
        status === 400
          ? { traceId, details: [{ field: "state", message: messageOf(error) }] }
          : { traceId, type: "GATEWAY_ERROR", source: "SYSTEM" },
      );
    }
  };

  return {
    setUp,
    tearDown,
    handle,
    interaction: () => interaction,
    problems: () => [...problems],
  };
};
