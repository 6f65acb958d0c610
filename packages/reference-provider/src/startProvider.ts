/**
 * Composition: open the database, build the services, serve the API, and hand back a handle with
 * everything tests and the provider-states endpoint need.
 *
 * @since 0.1.0
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { issueAccessToken as signAccessToken } from "./accessToken.js";
import { type ProviderClock, systemClock } from "./clock.js";
import { type ExtraRoute, serveProvider } from "./http/server.js";
import { type IdGenerator, randomIds } from "./ids.js";
import { type Issuers, sandboxIssuers } from "./issuers.js";
import { createMerchantRegistry, type Merchant, type MerchantRegistry } from "./merchants.js";
import type { ProviderServices } from "./payments.js";
import { settleDueRefunds } from "./refunds/refunds.js";
import { createSandbox, type Sandbox, type SandboxOptions } from "./sandbox/index.js";
import { type SeededSession, type SeedSessionOptions, seedSession } from "./seedSession.js";
import { sweepExpired } from "./sessionWrites.js";
import { type Database, deleteMerchantData, loadOrCreateSetting, openDatabase } from "./store/index.js";
import { type DispatchOptions, type DispatchReport, dispatchDue, every } from "./webhookDispatcher.js";

/**
 * Options of {@link startProvider}.
 *
 * - `port` (default 0 = a free port), `host` (default `127.0.0.1`).
 * - Storage, first match wins: `db` (an open database, not closed by `close()`); `databaseUrl`
 *   (PostgreSQL server, optional `databaseSchema`); `memory: true` (PGlite in memory); else PGlite
 *   in `dataDir` (default `.data`, data in `<dataDir>/pglite`).
 * - `clock` (default the wall clock; see `createTestClock`), `merchants` (default the demo
 *   merchant), `issuers` (default `sandboxIssuers`), `ids` (default random UUIDs), `tokenSecret`
 *   (default `$PAYMENT_SESSION_TOKEN_SECRET`, else the database's own: {@link tokenSecretVariable}).
 * - `background`: run the webhook dispatcher and the expiry sweeper every `intervalMs` (default off;
 *   `pnpm start` turns it on).
 * - `dispatch`: options of every `dispatchDue` (e.g. a custom sender).
 * - `extraRoutes`: routes mounted beside the API, built from the provider's context — how test mode
 *   adds `POST /_pact/provider-states`. Never passed by `pnpm start`.
 * - `sandbox`: the merchant's sandbox (`pnpm start`): the test clock over `clock`, shared through
 *   the database (`/_sandbox/clock`, decision S1), and the hosted payment page (`/checkout/{id}`)
 *   every `paymentUrl` points at (on `sandbox.publicUrl`, default the listening address). Off by
 *   default (and in contract-test mode).
 *
 * @since 0.1.0
 * @category Server
 */
export interface StartProviderOptions {
  readonly port?: number | undefined;
  readonly host?: string | undefined;
  readonly dataDir?: string | undefined;
  readonly databaseUrl?: string | undefined;
  readonly databaseSchema?: string | undefined;
  readonly memory?: boolean | undefined;
  readonly db?: Database | undefined;
  readonly clock?: ProviderClock | undefined;
  readonly merchants?: ReadonlyArray<Merchant> | MerchantRegistry | undefined;
  readonly issuers?: Issuers | undefined;
  readonly ids?: IdGenerator | undefined;
  readonly tokenSecret?: string | undefined;
  readonly background?: { readonly intervalMs?: number | undefined } | boolean | undefined;
  readonly dispatch?: DispatchOptions | undefined;
  readonly extraRoutes?: ((provider: ProviderContext) => ReadonlyArray<ExtraRoute>) | undefined;
  readonly sandbox?: SandboxOptions | undefined;
}

/**
 * What the running provider is made of, and the helpers that act on it as the API would. This is
 * what `extraRoutes` receives (the provider-states endpoint builds its state handlers on it).
 *
 * - `services`: db, clock, merchants, issuers, ids, tokenSecret (what the write endpoints of
 *   `writes.ts` run on, as the HTTP layer runs them).
 * - `seedSession(options)`: a session of a merchant driven into a status along the core's `seedPath`.
 * - `issueAccessToken(merchantId, at?)`: a Bearer token as `POST /v1/access-token` gives.
 * - `resetMerchant(merchantId)`: deletes the merchant's sessions, idempotency keys and webhooks.
 * - `dispatchDue(at?, options?)`, `sweepExpired(at?, batchSize?)`: one run of the webhook
 *   dispatcher / expiry sweeper at `at` (default: the clock).
 *
 * @since 0.1.0
 * @category Server
 */
export interface ProviderContext {
  readonly services: ProviderServices;
  readonly seedSession: (options: SeedSessionOptions) => Promise<SeededSession>;
  readonly issueAccessToken: (merchantId: string, at?: number) => string;
  readonly resetMerchant: (merchantId: string) => Promise<void>;
  readonly dispatchDue: (at?: number, options?: DispatchOptions) => Promise<DispatchReport>;
  readonly sweepExpired: (at?: number, batchSize?: number) => Promise<number>;
  /** One run of the refund sweeper at `at` (default: the clock): the sandbox's due refund steps (decision R1). */
  readonly settleRefunds: (at?: number) => Promise<number>;
}

/**
 * A running provider: its base `url` (`http://127.0.0.1:<port>`), `port`, and `close()` (stops the
 * background tasks, the server, then the database it opened).
 *
 * @since 0.1.0
 * @category Server
 */
export interface RunningProvider extends ProviderContext {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly close: () => Promise<void>;
}

/**
 * The environment variable that sets the access-token signing secret (at least 32 characters) for
 * every instance that shares it; without it, the secret is the database's own (made the first
 * time a provider starts on it, kept in `provider_settings`).
 *
 * @since 0.1.0
 * @category Server
 */
export const tokenSecretVariable = "PAYMENT_SESSION_TOKEN_SECRET";

const environmentTokenSecret = (): string | undefined => {
  const value = process.env[tokenSecretVariable];
  if (value === undefined || value === "") return undefined;
  if (value.length < 32) throw new Error(`${tokenSecretVariable} must be at least 32 characters long`);
  return value;
};

/**
 * The access-token signing secret of a database: 32 random bytes made the first time a provider
 * starts on it and kept in `provider_settings`, so tokens survive a restart and instances on one
 * database accept each other's tokens, while no two data folders share a secret.
 */
const tokenSecretOf = (db: Database): Promise<string> =>
  loadOrCreateSetting(db, "access_token_secret", () => randomBytes(32).toString("base64url"));

const openStore = (options: StartProviderOptions): Promise<Database> =>
  options.databaseUrl !== undefined && options.databaseUrl !== ""
    ? openDatabase({ url: options.databaseUrl, schema: options.databaseSchema })
    : options.memory === true
      ? openDatabase({ memory: true, schema: options.databaseSchema })
      : openDatabase({ dataDir: join(options.dataDir ?? ".data", "pglite"), schema: options.databaseSchema });

/**
 * Builds the {@link ProviderContext} on an open database: the services (with the sandbox's clock,
 * issuers and webhook ledger when there is one) and the helpers that act on them.
 */
const providerContext = async (
  db: Database,
  options: StartProviderOptions,
  sandbox: Sandbox | undefined,
): Promise<ProviderContext> => {
  const merchants =
    options.merchants === undefined || Array.isArray(options.merchants)
      ? createMerchantRegistry(options.merchants as ReadonlyArray<Merchant> | undefined)
      : (options.merchants as MerchantRegistry);
  const services: ProviderServices = {
    db,
    clock: sandbox?.clock ?? options.clock ?? systemClock,
    merchants,
    issuers: sandbox?.issuers(options.issuers ?? sandboxIssuers) ?? options.issuers ?? sandboxIssuers,
    ids: options.ids ?? randomIds,
    tokenSecret: options.tokenSecret ?? environmentTokenSecret() ?? (await tokenSecretOf(db)),
  };
  const now = () => services.clock.now();
  // The sandbox's webhook ledger hears of every delivery attempt (decision S4).
  const dispatch = sandbox?.dispatch(db, options.dispatch) ?? options.dispatch;
  return {
    services,
    seedSession: (seed) => seedSession(services, seed),
    issueAccessToken: (merchantId, at) => {
      const merchant = merchants.get(merchantId);
      if (merchant === undefined) throw new Error(`no merchant ${merchantId}`);
      return signAccessToken(merchant, at ?? now(), services.tokenSecret);
    },
    resetMerchant: async (merchantId) => {
      await deleteMerchantData(db, merchantId);
    },
    // Without an explicit instant, each claim and outcome takes the clock's (decision H6).
    dispatchDue: (at, more) =>
      dispatchDue(db, merchants, at ?? now(), { ...(at === undefined ? { now } : {}), ...dispatch, ...more }),
    sweepExpired: (at, batchSize) => sweepExpired(db, at ?? now(), batchSize),
    settleRefunds: (at) => settleDueRefunds(db, at ?? now()),
  };
};

/**
 * Starts the reference provider: opens (and migrates) the database, serves the API on `host:port`,
 * and optionally runs the dispatcher and sweeper in the background. Rejects with the cause when the
 * port is busy, the data folder is locked or the database is unreachable (nothing is left open).
 *
 * @example
 * const provider = await startProvider({ memory: true, clock: createTestClock("2026-03-01T10:00:00Z") })
 * const token = provider.issueAccessToken("demo-merchant")
 * await fetch(`${provider.url}/v2/payments`, { method: "POST", headers: { authorization: `Bearer ${token}` }, … })
 * await provider.close()
 * @since 0.1.0
 * @category Server
 */
export const startProvider = async (options: StartProviderOptions = {}): Promise<RunningProvider> => {
  const ownsDb = options.db === undefined;
  const db = options.db ?? (await openStore(options));
  const host = options.host ?? "127.0.0.1";
  let context: ProviderContext;
  let sandbox: Sandbox | undefined;
  let served: Awaited<ReturnType<typeof serveProvider>>;
  try {
    sandbox = options.sandbox === undefined ? undefined : createSandbox(options.clock, options.sandbox);
    await sandbox?.clock.load(db);
    context = await providerContext(db, options, sandbox);
    served = await serveProvider(context.services, {
      host,
      port: options.port ?? 0,
      extraRoutes: [...(options.extraRoutes?.(context) ?? []), ...(sandbox?.routes(context) ?? [])],
    });
  } catch (error) {
    if (ownsDb) await db.close();
    throw error;
  }
  const background =
    options.background === true ? {} : options.background === false ? undefined : options.background;
  const stops: Array<() => Promise<void>> = [];
  if (background !== undefined) {
    const intervalMs = background.intervalMs ?? 1000;
    const report = (error: unknown) =>
      console.error(`[reference-provider] background task failed: ${String(error)}`);
    // The sandbox first reads the shared clock offset (a move made by another instance).
    const sweep = async () => {
      await sandbox?.clock.load(db);
      return context.sweepExpired();
    };
    stops.push(every(intervalMs, sweep, report));
    stops.push(every(intervalMs, () => context.settleRefunds(), report));
    stops.push(every(intervalMs, () => context.dispatchDue(), report));
  }
  let closed: Promise<void> | undefined;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  sandbox?.listening(`http://${urlHost}:${served.port}`);
  return {
    ...context,
    url: `http://${urlHost}:${served.port}`,
    host,
    port: served.port,
    close: () => {
      closed ??= (async () => {
        for (const stop of stops) await stop();
        await served.close();
        if (ownsDb) await db.close();
      })();
      return closed;
    },
  };
};
