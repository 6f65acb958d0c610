/**
 * The dispatcher's end of a run when a delivery ends while it claims (the cause of the flaky
 * `REFUND.PENDING` message that came back as `PAYMENT.PAID` on PostgreSQL, issue 13): one session
 * with two due events is delivered one event at a time, so the second claim leaves the session
 * out while the first delivery runs. If that delivery ends while the claim is still on its way to
 * the database, the claim answers "nothing due" for a session that has just become free again; a
 * dispatcher that then sees nothing in flight stops, leaving the session's next event due and
 * undelivered, and the contracts' message producer answers the session's previous delivery.
 *
 * The race is made deterministic: the database handle holds back the answer of the claim made
 * while the first delivery runs until that delivery has been recorded. The dispatcher must claim
 * again and deliver both events, in order, in one run.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  createMerchantRegistry,
  type Database,
  dispatchDue,
  enqueueWebhooks,
  listWebhooks,
  type Merchant,
} from "../src/index.js";
import { drivers, MERCHANT, newSession, newWebhook, signal, T0, useStore } from "./store/harness.js";
import { insertSession } from "./support/storeWrites.js";

const merchant: Merchant = {
  id: MERCHANT,
  secret: "secret",
  name: MERCHANT,
  callbackApiKey: "key",
  callbackUrl: "http://127.0.0.1:9/hooks",
};

const isClaim = (sql: string) => sql.includes("UPDATE webhook_outbox SET next_attempt_at");
const isDelivered = (sql: string) => sql.includes("SET status = 'delivered'");

/**
 * `db` whose second claim answers only after the first delivery has been recorded (the delivery
 * ends while the claim is in flight).
 */
const racing = (db: Database, firstSent: Promise<void>, releaseFirst: () => void): Database => {
  let claims = 0;
  const recorded = signal();
  return {
    ...db,
    query: async (sql, params) => {
      if (isClaim(sql)) {
        claims++;
        const answer = await db.query(sql, params);
        if (claims === 2) {
          await firstSent;
          releaseFirst();
          await recorded.promise;
          // Let the delivery's bookkeeping (it ends after its record) run before the claim answers.
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        return answer as never;
      }
      const answer = await db.query(sql, params);
      if (isDelivered(sql)) recorded.fire();
      return answer;
    },
  } as Database;
};

describe.each(drivers)("the dispatcher when a delivery ends during a claim ($name)", (driver) => {
  const store = useStore(driver);

  it("delivers a session's next event in the same run, after the previous one", async () => {
    const sessionId = randomUUID();
    await insertSession(store.db, newSession({ id: sessionId }));
    await enqueueWebhooks(store.db, [
      newWebhook(sessionId, { event: "PAYMENT.PAID", dedupeKey: `${sessionId}|paid` }),
      newWebhook(sessionId, {
        event: "REFUND.PENDING",
        dedupeKey: `${sessionId}|refund`,
        payload: { event: "REFUND.PENDING", data: { paymentSessionId: sessionId } },
        createdAt: T0 + 1,
      }),
    ]);
    const firstSent = signal();
    const firstRelease = signal();
    const sent: Array<string> = [];
    const report = await dispatchDue(
      racing(store.db, firstSent.promise, firstRelease.fire),
      createMerchantRegistry([merchant]),
      T0 + 60_000,
      {
        send: async ({ payload }) => {
          const event = String((payload as { event: string }).event);
          sent.push(event);
          if (sent.length === 1) {
            firstSent.fire();
            await firstRelease.promise;
          }
          return { _tag: "delivered" };
        },
      },
    );
    expect(sent).toEqual(["PAYMENT.PAID", "REFUND.PENDING"]);
    expect(report.delivered).toHaveLength(2);
    const rows = await listWebhooks(store.db, MERCHANT, sessionId);
    expect(rows.map((r) => [r.event, r.status])).toEqual([
      ["PAYMENT.PAID", "delivered"],
      ["REFUND.PENDING", "delivered"],
    ]);
  });
});
