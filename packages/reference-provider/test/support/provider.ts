/**
 * Test harness of the provider: the drivers every suite runs on (PGlite always, the server of
 * `DATABASE_URL` too, in a fresh schema per file), a provider on a test clock per file, emptied
 * before each test, and a small HTTP client over real `fetch`.
 */
import { randomUUID } from "node:crypto";
import { ErrorEnvelope, type PaymentSession, PaymentSessionResponse } from "@payment-session/core";
import { seedCreateRequest } from "@payment-session/core/testing";
import { Schema } from "effect";
import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import {
  createTestClock,
  type Database,
  demoMerchant,
  type Merchant,
  openDatabase,
  type RunningProvider,
  type StartProviderOptions,
  startProvider,
  storeTables,
  type TestClock,
  toEpochMillis,
} from "../../src/index.js";

/** How a suite opens its database. */
export interface Driver {
  readonly name: "pglite" | "postgres";
  readonly open: (schema: string | undefined) => Promise<Database>;
}

const serverUrl = process.env.DATABASE_URL;

/** PGlite in memory. */
export const pglite: Driver = { name: "pglite", open: (schema) => openDatabase({ memory: true, schema }) };

/** The PostgreSQL server of `DATABASE_URL`. */
export const postgres: Driver = {
  name: "postgres",
  open: (schema) => openDatabase({ url: serverUrl, schema }),
};

/** Every driver available here: PGlite always, the server when `DATABASE_URL` is set. */
export const drivers: ReadonlyArray<Driver> = [pglite, ...(serverUrl ? [postgres] : [])];

/** A fresh schema name for one test file on the server. */
export const randomSchema = (): string => `provider_test_${randomUUID().replaceAll("-", "").slice(0, 20)}`;

/** 2026-03-01T10:00:00Z: where the test clock starts before each test. */
export const T0 = toEpochMillis("2026-03-01T10:00:00Z");
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;

/** A second merchant, to check that sessions belong to their merchant. */
export const otherMerchant: Merchant = {
  id: "other-merchant",
  secret: "other-secret",
  name: "Other Merchant",
  callbackApiKey: "other-callback-key",
};

/** What a suite gets: the running provider, its test clock and an HTTP client. */
export interface ProviderHandle {
  readonly provider: RunningProvider;
  readonly clock: TestClock;
  readonly db: Database;
  readonly http: HttpClient;
}

/**
 * Opens the database for the file (server: in a fresh schema, dropped afterwards), starts a
 * provider on it with a test clock at {@link T0}, empties every table and resets the clock
 * before each test, and closes everything after the file.
 */
export const useProvider = (
  driver: Driver,
  options: Omit<StartProviderOptions, "db" | "clock"> = {},
): ProviderHandle => {
  const schema = driver.name === "postgres" ? randomSchema() : undefined;
  const clock = createTestClock(T0);
  let state: { provider: RunningProvider; db: Database } | undefined;
  const get = () => {
    if (state === undefined) throw new Error("the provider is not started yet (use it inside a test)");
    return state;
  };
  beforeAll(async () => {
    const db = await driver.open(schema);
    const provider = await startProvider({ merchants: [demoMerchant, otherMerchant], ...options, db, clock });
    state = { provider, db };
  });
  beforeEach(async () => {
    clock.set(T0);
    await get().db.query(`TRUNCATE ${storeTables.join(", ")} RESTART IDENTITY CASCADE`);
  });
  afterAll(async () => {
    if (state === undefined) return;
    await state.provider.close();
    if (schema !== undefined) await state.db.query(`DROP SCHEMA ${schema} CASCADE`);
    await state.db.close();
  });
  return {
    get provider() {
      return get().provider;
    },
    get db() {
      return get().db;
    },
    clock,
    http: httpClient(() => get().provider),
  };
};

/** An answer as a test reads it. */
export interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers;
}

/** Request options: a merchant to act as (a token is made for it), extra headers, a raw body. */
export interface RequestOptions {
  readonly merchant?: string | null;
  readonly requestId?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly rawBody?: string;
}

/** A tiny client over `fetch` that signs in as the demo merchant unless told otherwise. */
export interface HttpClient {
  readonly get: (path: string, options?: RequestOptions) => Promise<Reply>;
  readonly post: (path: string, body?: unknown, options?: RequestOptions) => Promise<Reply>;
}

const read = async (response: Response): Promise<Reply> => {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body, headers: response.headers };
};

export const httpClient = (provider: () => RunningProvider): HttpClient => {
  const headersFor = (options: RequestOptions = {}): Record<string, string> => {
    const p = provider();
    const merchant = options.merchant === undefined ? demoMerchant.id : options.merchant;
    return {
      ...(merchant === null ? {} : { authorization: `Bearer ${p.issueAccessToken(merchant)}` }),
      ...(options.requestId === undefined ? {} : { "x-request-id": options.requestId }),
      ...options.headers,
    };
  };
  return {
    get: async (path, options) =>
      read(await fetch(`${provider().url}${path}`, { headers: headersFor(options) })),
    post: async (path, body, options) =>
      read(
        await fetch(`${provider().url}${path}`, {
          method: "POST",
          headers: { "content-type": "application/json", ...headersFor(options) },
          body: options?.rawBody ?? (body === undefined ? undefined : JSON.stringify(body)),
        }),
      ),
  };
};

/** The seed page's create body (VA on PERMATA, mode API, autoConfirm), expiry left to the default. */
export const vaCreateBody = (overrides: Record<string, unknown> = {}) => ({
  ...seedCreateRequest,
  ...overrides,
});

/** Creates a VA session (as `merchant`, default the demo merchant) and pays it by the simulation; its id. */
export const paidVaSession = async (http: HttpClient, options: RequestOptions = {}): Promise<string> => {
  const session = sessionOf(await http.post("/v2/payments", vaCreateBody(), options));
  const paid = await http.post(
    "/v2/payments/simulations",
    { paymentSessionId: session.id, chargeStatus: "SUCCESS" },
    options,
  );
  expect(paid.status).toBe(200);
  return session.id;
};

/** Row counts of every table of the store. */
export const rowCounts = async (db: Database): Promise<Record<string, number>> => {
  const counts: Record<string, number> = {};
  for (const table of storeTables) {
    const { rows } = await db.query<{ n: unknown }>(`SELECT count(*) AS n FROM ${table}`);
    counts[table] = Number(rows[0]?.n ?? 0);
  }
  return counts;
};

/** The session of a 200 answer, decoded with the core's schema (so the answer must fit it). */
export const sessionOf = (reply: Reply): PaymentSession => {
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return Schema.decodeUnknownSync(PaymentSessionResponse)(reply.body).data;
};

/** The error envelope of an answer, decoded with the core's schema; `traceId` must be there. */
export const envelopeOf = (reply: Reply, status: number): ErrorEnvelope => {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  const envelope = Schema.decodeUnknownSync(ErrorEnvelope)(reply.body);
  expect(envelope.error.traceId).toEqual(expect.any(String));
  return envelope;
};

/** The `data` of a success answer, decoded with `schema`'s envelope. */
export const dataOf = <A>(reply: Reply, schema: Schema.Decoder<{ readonly data: A }>): A => {
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return Schema.decodeUnknownSync(schema)(reply.body).data;
};

/** Row counts plus an md5 of every row of every table, ordered: equal iff nothing changed. */
export const tableChecksum = async (db: Database): Promise<Record<string, string>> => {
  const sums: Record<string, string> = {};
  for (const table of storeTables) {
    const { rows } = await db.query<{ n: unknown; sum: unknown }>(
      `SELECT count(*) AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS sum FROM ${table} t`,
    );
    sums[table] = `${String(rows[0]?.n)}:${String(rows[0]?.sum)}`;
  }
  return sums;
};
