/**
 * Webhook delivery by two dispatchers on one database (decision H6), on the wall clock with
 * real leases: against a receiver that answers after 2 s and one that never answers (the 10 s
 * timeout lowered to 1 s), every event reaches the merchant once, a second time only after an
 * attempt whose outcome is unknown (no answer in time), and a slow merchant does not delay
 * another. The same scenarios run against the dispatcher as it was before H6 (one batch claimed
 * under one lease, delivered one after another: test/support/legacyDispatcher.ts), where the
 * same checks must find duplicates and a delayed merchant: that is how the test shows it catches
 * the defect.
 *
 * Runs on the PostgreSQL server of `DATABASE_URL` (two pools on one schema: two instances), else
 * on PGlite (two dispatchers on one handle).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createMerchantRegistry,
  type Database,
  type DispatchOptions,
  dispatchDue,
  enqueueWebhooks,
  every,
  listWebhooks,
  type Merchant,
  type OutboxRow,
  storeTables,
} from "../src/index.js";
import { drivers, newSession, randomSchema } from "./store/harness.js";
import { legacyDispatchDue } from "./support/legacyDispatcher.js";
import { type Receiver, startReceiver } from "./support/receiver.js";
import { insertSession } from "./support/storeWrites.js";

const driver = drivers[drivers.length - 1] ?? drivers[0];
if (driver === undefined) throw new Error("no driver");

const SLOW_MS = 2000;
const MINUTE = 60_000;

type Kind = "current" | "legacy";

interface Figures {
  readonly kind: Kind;
  readonly events: number;
  readonly deliveries: number;
  readonly duplicates: number;
  /** Milliseconds from the start until the last event of the fast merchant arrived. */
  readonly fastLatencyMs: number | undefined;
  readonly tookMs: number;
}

describe(`webhook delivery by two dispatchers on one database (${driver.name})`, () => {
  const schema = driver.name === "postgres" ? randomSchema() : undefined;
  let dbs: ReadonlyArray<Database> = [];
  let receiver: Receiver;
  let skew = 0;
  const clock = () => Date.now() + skew;

  beforeAll(async () => {
    receiver = await startReceiver();
    const first = await driver.open({ schema });
    // Two instances: a second pool on the same schema (PGlite has one connection: one handle).
    dbs = driver.name === "postgres" ? [first, await driver.open({ schema })] : [first, first];
  });
  beforeEach(async () => {
    skew = 0;
    await dbs[0]?.query(`TRUNCATE ${storeTables.join(", ")} RESTART IDENTITY CASCADE`);
  });
  afterAll(async () => {
    await receiver?.close();
    if (schema !== undefined) await dbs[0]?.query(`DROP SCHEMA ${schema} CASCADE`);
    for (const db of new Set(dbs)) await db.close();
  });

  const merchant = (name: string): Merchant => ({
    id: name,
    secret: `${name}-secret`,
    name,
    callbackApiKey: `${name}-key`,
    callbackUrl: receiver.url(`/${name}`),
  });

  const enqueue = async (merchantId: string, count: number): Promise<void> => {
    const db = dbs[0];
    if (db === undefined) throw new Error("no database");
    const createdAt = clock() - 1000;
    for (let i = 0; i < count; i++) {
      const session = newSession({ merchantId, createdAt, expiryAt: createdAt + 15 * MINUTE });
      await insertSession(db, session);
      const key = `${merchantId}:${i}`;
      await enqueueWebhooks(db, [
        {
          merchantId,
          sessionId: session.id,
          event: "PAYMENT.PAID",
          payload: { key, event: "PAYMENT.PAID", data: { id: session.id } },
          dedupeKey: `${session.id}:PAYMENT.PAID`,
          createdAt,
        },
      ]);
    }
  };

  const keyOf = (body: unknown): string =>
    typeof body === "object" && body !== null && "key" in body ? String(body.key) : "?";

  const rows = async (): Promise<ReadonlyArray<OutboxRow>> => {
    const db = dbs[0];
    if (db === undefined) return [];
    const { rows } = await db.query<{ merchant_id: string; session_id: string }>(
      "SELECT DISTINCT merchant_id, session_id::text AS session_id FROM webhook_outbox",
    );
    const all = await Promise.all(rows.map((r) => listWebhooks(db, r.merchant_id, r.session_id)));
    return all.flat();
  };

  /** Both dispatchers polling every 100 ms, as `pnpm start` runs them, until stopped. */
  const runDispatchers = (kind: Kind, options: DispatchOptions) => {
    const merchants = createMerchantRegistry(["slow", "fast", "hung"].map(merchant));
    const errors: unknown[] = [];
    let stopped = false;
    const stops = dbs.map((db) =>
      every(
        100,
        () =>
          kind === "current"
            ? dispatchDue(db, merchants, clock(), { ...options, now: clock })
            : legacyDispatchDue(db, merchants, clock(), { ...options, stopped: () => stopped }),
        (error) => errors.push(error),
      ),
    );
    return {
      errors,
      stop: async () => {
        stopped = true;
        await Promise.all(stops.map((stop) => stop()));
      },
    };
  };

  const waitFor = async (done: () => Promise<boolean> | boolean, capMs: number): Promise<void> => {
    const until = performance.now() + capMs;
    while (performance.now() < until && !(await done())) await new Promise((r) => setTimeout(r, 50));
  };

  const duplicates = () => [...receiver.countBy(keyOf).values()].reduce((n, c) => n + Math.max(0, c - 1), 0);

  /** What the checks of this file demand of a run; empty when it passes. */
  const problems = (figures: Figures, fastWithinMs?: number): string[] => {
    const found: string[] = [];
    if (figures.duplicates > 0) found.push(`${figures.duplicates} event(s) delivered twice`);
    if (figures.deliveries < figures.events)
      found.push(`${figures.events - figures.deliveries} never delivered`);
    if (fastWithinMs !== undefined && (figures.fastLatencyMs ?? Number.POSITIVE_INFINITY) > fastWithinMs)
      found.push(`the fast merchant waited ${figures.fastLatencyMs} ms behind the slow one`);
    return found;
  };

  /** 8 events of a merchant answering after 2 s, then 8 of one answering at once. */
  const slowScenario = async (kind: Kind): Promise<Figures> => {
    receiver.behave("/slow", { kind: "slow", delayMs: SLOW_MS });
    receiver.behave("/fast", { kind: "ok" });
    receiver.clear();
    await enqueue("slow", 8);
    await enqueue("fast", 8);
    const started = performance.now();
    const run = runDispatchers(kind, { timeoutMs: SLOW_MS + 500, leaseMs: SLOW_MS + 1000 });
    await waitFor(
      async () =>
        duplicates() > 0 && kind === "legacy"
          ? true
          : (await rows()).every((row) => row.status === "delivered"),
      kind === "current" ? 15_000 : 8_000,
    );
    const tookMs = Math.round(performance.now() - started);
    await run.stop();
    expect(run.errors).toEqual([]);
    const fast = receiver.receipts.filter((r) => r.path === "/fast").map((r) => r.at - started);
    return {
      kind,
      events: 16,
      deliveries: receiver.countBy(keyOf).size,
      duplicates: duplicates(),
      fastLatencyMs: fast.length === 8 ? Math.round(Math.max(...fast)) : undefined,
      tookMs,
    };
  };

  /** 7 events of a merchant that never answers, the dispatch timeout lowered from 10 s to 1 s. */
  const hungScenario = async (kind: Kind): Promise<Figures> => {
    receiver.behave("/hung", { kind: "hung" });
    receiver.clear();
    await enqueue("hung", 7);
    const started = performance.now();
    const run = runDispatchers(kind, { timeoutMs: 1000, leaseMs: 3000 });
    await waitFor(
      async () =>
        duplicates() > 0 && kind === "legacy"
          ? true
          : (await rows()).every((row) => row.attempts === 1 && row.status === "pending"),
      kind === "current" ? 10_000 : 6_000,
    );
    const tookMs = Math.round(performance.now() - started);
    await run.stop();
    expect(run.errors).toEqual([]);
    return {
      kind,
      events: 7,
      deliveries: receiver.countBy(keyOf).size,
      duplicates: duplicates(),
      fastLatencyMs: undefined,
      tookMs,
    };
  };

  it("a receiver answering after 2 s: each event once; the fast merchant is not held up by the slow one", async () => {
    const figures = await slowScenario("current");
    console.log(`[webhook delivery] slow receiver: ${JSON.stringify(figures)}`);
    expect(problems(figures, SLOW_MS - 100)).toEqual([]);
    const stored = await rows();
    expect(stored.map((row) => [row.status, row.attempts])).toEqual(Array(16).fill(["delivered", 1]));
  }, 30_000);

  it("a hung receiver (timeout 1 s): each event sent once, then once more only after its unknown outcome, on the W2 schedule", async () => {
    const figures = await hungScenario("current");
    console.log(`[webhook delivery] hung receiver: ${JSON.stringify(figures)}`);
    expect(problems(figures)).toEqual([]);
    const pending = await rows();
    for (const row of pending) {
      expect(row.lastError).toBe("no answer within 1000 ms");
      // Retried 5 min after the attempt (W2), not at the end of the lease.
      expect(row.nextAttemptAt - clock()).toBeGreaterThan(4 * MINUTE);
    }
    // Five minutes on, the receiver answers: each event arrives a second time (the first attempt's
    // outcome was unknown), and no third time.
    receiver.behave("/hung", { kind: "ok" });
    skew = 5 * MINUTE + 1000;
    const run = runDispatchers("current", { timeoutMs: 1000, leaseMs: 3000 });
    await waitFor(async () => (await rows()).every((row) => row.status === "delivered"), 10_000);
    await run.stop();
    expect(run.errors).toEqual([]);
    expect([...receiver.countBy(keyOf).values()]).toEqual(Array(7).fill(2));
    expect((await rows()).map((row) => [row.status, row.attempts])).toEqual(Array(7).fill(["delivered", 2]));
  }, 30_000);

  it("the same checks catch the dispatcher before H6 (a batch under one lease, delivered in sequence)", async () => {
    const slow = await slowScenario("legacy");
    console.log(`[webhook delivery] legacy, slow receiver: ${JSON.stringify(slow)}`);
    const found = problems(slow, SLOW_MS - 100);
    expect(found).toContainEqual(expect.stringMatching(/delivered twice/));
    expect(found).toContainEqual(expect.stringMatching(/fast merchant waited/));
    await dbs[0]?.query(`TRUNCATE ${storeTables.join(", ")} RESTART IDENTITY CASCADE`);
    const hung = await hungScenario("legacy");
    console.log(`[webhook delivery] legacy, hung receiver: ${JSON.stringify(hung)}`);
    expect(problems(hung)).toContainEqual(expect.stringMatching(/delivered twice/));
  }, 30_000);
});
