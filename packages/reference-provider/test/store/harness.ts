/**
 * Test harness of the store: the drivers every suite runs on, one database per test file and
 * driver, emptied before each test, and small row builders.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach } from "vitest";
import {
  type Database,
  type Dialect,
  type NewSession,
  type NewWebhook,
  openDatabase,
  storeTables,
  toEpochMillis,
} from "../../src/store/index.js";

/** A way to open the store. `schema` isolates a test file on the shared server. */
export interface Driver {
  readonly name: Dialect;
  readonly open: (options?: { readonly schema?: string; readonly dataDir?: string }) => Promise<Database>;
}

const serverUrl = process.env.DATABASE_URL;

/** PGlite in memory (or in `dataDir` when given). */
export const pgliteInMemory: Driver = {
  name: "pglite",
  open: (options = {}) => openDatabase({ dataDir: options.dataDir, schema: options.schema }),
};

/** The PostgreSQL server of `DATABASE_URL`. */
export const pgServer: Driver = {
  name: "postgres",
  open: (options = {}) => openDatabase({ url: serverUrl, schema: options.schema }),
};

/** Every driver available here: PGlite always, the server when `DATABASE_URL` is set. */
export const drivers: ReadonlyArray<Driver> = [pgliteInMemory, ...(serverUrl ? [pgServer] : [])];

/** A fresh schema name for one test file on the server. */
export const randomSchema = (): string => `store_test_${randomUUID().replaceAll("-", "").slice(0, 20)}`;

/**
 * Opens one database for the file (server: in a fresh schema, dropped afterwards), empties every
 * table before each test, closes it after the file.
 */
export const useStore = (driver: Driver): { readonly db: Database; readonly schema: string | undefined } => {
  const schema = driver.name === "postgres" ? randomSchema() : undefined;
  let opened: Database | undefined;
  const handle = {
    get db(): Database {
      if (opened === undefined) throw new Error("the store is not open yet (use it inside a test)");
      return opened;
    },
    schema,
  };
  beforeAll(async () => {
    opened = await driver.open({ schema });
  });
  beforeEach(async () => {
    await handle.db.query(`TRUNCATE ${storeTables.join(", ")} RESTART IDENTITY CASCADE`);
  });
  afterAll(async () => {
    if (opened === undefined) return;
    if (schema !== undefined) await opened.query(`DROP SCHEMA ${schema} CASCADE`);
    await opened.close();
  });
  return handle;
};

/** 2026-03-01T10:00:00Z: the instant the tests start at. */
export const T0 = toEpochMillis("2026-03-01T10:00:00Z");
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export const MERCHANT = "merchant-a";
export const OTHER_MERCHANT = "merchant-b";

/** A new SINGLE session created at `T0`, expiring 15 minutes later (decision C2). */
export const newSession = (overrides: Partial<NewSession> = {}): NewSession => ({
  id: randomUUID(),
  merchantId: MERCHANT,
  clientReferenceId: "order-1",
  status: "REQUIRE_PAYMENT_METHOD",
  paymentType: "SINGLE",
  expiryAt: T0 + 15 * MINUTE,
  snapshot: { status: "REQUIRE_PAYMENT_METHOD", counter: 0, chargeDetails: null },
  createdAt: T0,
  ...overrides,
});

/** A webhook event of `sessionId`, due at `T0`. */
export const newWebhook = (sessionId: string, overrides: Partial<NewWebhook> = {}): NewWebhook => ({
  merchantId: MERCHANT,
  sessionId,
  event: "PAYMENT.PAID",
  payload: { event: "PAYMENT.PAID", data: { id: sessionId, status: "PAID" } },
  dedupeKey: `${sessionId}:PAYMENT.PAID`,
  createdAt: T0,
  ...overrides,
});

/** A promise and the function that resolves it (for making two transactions overlap). */
export const signal = (): { readonly promise: Promise<void>; readonly fire: () => void } => {
  let fire = () => {};
  const promise = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { promise, fire };
};
