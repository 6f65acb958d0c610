/**
 * The deadlock the explorer found on PostgreSQL (CI, seed 1, run 787: a refund answered 500
 * "deadlock detected"): a request that opens a refund holds its session's row lock and waits for
 * a refund row that the refund sweeper has claimed; the sweeper then files the refund's callback
 * in the outbox, whose foreign key to the session takes a KEY SHARE lock on the same session row.
 * With the session locked `FOR UPDATE` the two wait for each other. Session writes change no key,
 * so they lock `FOR NO KEY UPDATE`, which a foreign-key check does not wait for.
 *
 * The interleaving is made deterministic: the sweeper's database handle holds its claimed refund
 * until the request is seen waiting for that row's lock (`pg_stat_activity`), then lets the
 * sweeper go on. Only the server runs transactions at once; PGlite runs them one after the other,
 * so this file runs where `DATABASE_URL` is set.
 */
import { RefundResponse, sandboxRefundAccounts, sandboxRefundStepMs } from "@payment-session/core";
import { describe, expect, it } from "vitest";
import { type Database, demoMerchant, listWebhooks, settleDueRefunds, type Tx } from "../src/index.js";
import { signal } from "./store/harness.js";
import { dataOf, drivers, paidVaSession, useProvider } from "./support/provider.js";

const isRefundClaim = (sql: string) => sql.includes("FROM refunds") && sql.includes("SKIP LOCKED");

/** `db` whose refund claim answers, then waits for `release` before the transaction goes on. */
const holdingClaim = (db: Database, claimed: () => void, release: Promise<void>): Database => {
  const wrap = (tx: Tx): Tx => ({
    ...tx,
    query: async (sql, params) => {
      const answer = await tx.query(sql, params);
      if (isRefundClaim(sql)) {
        claimed();
        await release;
      }
      return answer as never;
    },
  });
  return { ...db, transaction: (fn) => db.transaction((tx) => fn(wrap(tx))) };
};

/** Waits (polling the server, at most ~10 s) until a backend of this database waits for a lock. */
const someoneWaitsForALock = async (db: Database): Promise<void> => {
  for (let attempt = 0; attempt < 200; attempt++) {
    const { rows } = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if (Number(rows[0]?.n ?? 0) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("no backend waited for a lock: the interleaving was not reached");
};

// Without `DATABASE_URL` the suite is reported skipped (as `twoInstances.test.ts`): a file that
// registers no suite at all is a failure for vitest, and `pnpm test` on a fresh machine (PGlite only)
// must pass. A skipped suite runs no hook, so the embedded driver named for it is never opened.
const server = drivers.find((d) => d.name === "postgres");
{
  const driver = server ?? (drivers[0] as (typeof drivers)[number]);
  describe.runIf(server !== undefined)(
    "refund sweeper and a refund request on one session (postgres)",
    () => {
      const h = useProvider(driver);

      const paidSession = () => paidVaSession(h.http);

      const refundBody = (paymentSessionId: string, clientReferenceId: string, overrides = {}) => ({
        clientReferenceId,
        paymentSessionId,
        amount: { value: "5000.00", currency: "IDR" },
        reason: "REQUESTED_BY_CUSTOMER",
        ...overrides,
      });

      /**
       * Runs the refund sweeper at `sweepAt` and, while it holds the refunds it claimed, the request
       * `POST /v1/refunds` `body` (at the clock's instant), until the request waits for the claimed row.
       */
      const sweepDuringRequest = async (sweepAt: number, body: unknown) => {
        const claimed = signal();
        const release = signal();
        const sweeper = settleDueRefunds(holdingClaim(h.db, claimed.fire, release.promise), sweepAt);
        await claimed.promise;
        // The request locks the session, then waits for the refund row the sweeper holds.
        const request = h.http.post("/v1/refunds", body);
        await someoneWaitsForALock(h.db);
        release.fire();
        const [moved, answer] = await Promise.all([sweeper, request]);
        return { moved, answer };
      };

      const refundEvents = async (sessionId: string) =>
        (await listWebhooks(h.db, demoMerchant.id, sessionId))
          .map((row) => row.event)
          .filter((event) => event.startsWith("REFUND."));

      it("do not deadlock: the sweeper files its callback while the request holds the session", async () => {
        const id = await paidSession();
        const first = dataOf(await h.http.post("/v1/refunds", refundBody(id, "refund-a")), RefundResponse);
        expect(first.status).toBe("PENDING");
        h.clock.advance(sandboxRefundStepMs);
        const { moved, answer } = await sweepDuringRequest(h.clock.now(), refundBody(id, "refund-b"));
        expect(moved).toBe(1);
        expect(answer.status).toBe(200);
        const events = await refundEvents(id);
        expect(events.filter((event) => event === "REFUND.SUCCESS")).toHaveLength(1);
        expect(events.filter((event) => event === "REFUND.PENDING")).toHaveLength(2);
      });

      it("the request settles a refund the sweeper moved under it from what the sweeper stored", async () => {
        // The explorer's second find (seed 1, PostgreSQL): a `2001-` refund that fails on the channel
        // and by transfer. The sweeper, behind, moves it one step; the request, at a later instant,
        // lost the compare-and-set and counted the refund as it had read it (PENDING), refusing a
        // full refund of the rest as "already being refunded" although the refund had failed.
        const id = await paidSession();
        const failing = refundBody(id, "2001-refund-a", {
          transferDestination: {
            channelCode: "BCA",
            channelInformation: { accountNumber: sandboxRefundAccounts.bothFail, accountName: "Explorer" },
          },
        });
        expect((await h.http.post("/v1/refunds", failing)).status).toBe(200);
        const createdAt = h.clock.now();
        h.clock.advance(100 * sandboxRefundStepMs);
        const full = { ...refundBody(id, "refund-b"), amount: undefined, isFullAmount: true };
        const { moved, answer } = await sweepDuringRequest(createdAt + sandboxRefundStepMs, full);
        expect(moved).toBe(1);
        expect(answer.status).toBe(200);
        expect(await refundEvents(id)).toContain("REFUND.FAILED");
      });
    },
  );
}
