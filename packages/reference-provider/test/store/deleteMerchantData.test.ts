/**
 * `deleteMerchantData` (the provider-states endpoint's reset before every interaction, one statement
 * since decision P14) deletes every row of the merchant and of its sub-accounts in each table it
 * covers — sessions with their events, the outbox, delivery attempts, refunds, idempotency records —
 * and nothing of another merchant. Every table holds rows of each merchant before the reset, so a
 * table the statement forgot shows up.
 */
import { describe, expect, it } from "vitest";
import { deleteMerchantData, demoMerchant } from "../../src/index.js";
import { subAccountSeparator } from "../../src/merchants.js";
import { seedRefund } from "../../src/refunds/seedRefund.js";
import { recordWebhookAttempt } from "../../src/store/sandboxRecords.js";
import { drivers, otherMerchant, useProvider } from "../support/provider.js";

const tables = [
  "payment_sessions",
  "session_events",
  "webhook_outbox",
  "webhook_attempts",
  "refunds",
  "idempotency_records",
] as const;

for (const driver of drivers) {
  describe(`deleteMerchantData (${driver.name})`, () => {
    const h = useProvider(driver);

    /** Rows per table of one owner id. */
    const rowsOf = async (merchantId: string): Promise<Record<string, number>> => {
      const counts: Record<string, number> = {};
      for (const table of tables) {
        const { rows } = await h.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM ${table} WHERE merchant_id = $1`,
          [merchantId],
        );
        counts[table] = rows[0]?.n ?? 0;
      }
      return counts;
    };

    /** A paid session with a refund, created with a request id, and a delivery attempt in the ledger. */
    const fill = async (merchantId: string) => {
      const { id } = await h.provider.seedSession({
        merchantId,
        status: "PAID",
        requestId: `req-${merchantId}`,
      });
      await seedRefund(h.provider.services, {
        merchantId,
        paymentSessionId: id,
        at: h.clock.now(),
        status: "SUCCESS",
      });
      const { rows } = await h.db.query<{ id: number; session_id: string; event: string }>(
        "SELECT id::int AS id, session_id::text AS session_id, event FROM webhook_outbox WHERE merchant_id = $1 LIMIT 1",
        [merchantId],
      );
      const outbox = rows[0];
      if (outbox === undefined) throw new Error(`no webhook in the outbox of ${merchantId}`);
      await recordWebhookAttempt(h.db, {
        merchantId,
        outboxId: outbox.id,
        sessionId: outbox.session_id,
        event: outbox.event,
        kind: "dispatch",
        url: "http://127.0.0.1:9/hooks",
        outcome: "delivered",
        statusCode: 200,
        latencyMs: 1,
        responseBody: "",
        error: null,
        attemptedAt: h.clock.now(),
        nextAttemptAt: null,
      });
    };

    it("deletes the merchant's and its sub-accounts' rows in every table, and no one else's", async () => {
      const sub = `${demoMerchant.id}${subAccountSeparator}shop-1`;
      for (const merchantId of [demoMerchant.id, sub, otherMerchant.id]) await fill(merchantId);
      const other = await rowsOf(otherMerchant.id);
      for (const merchantId of [demoMerchant.id, sub, otherMerchant.id]) {
        const before = await rowsOf(merchantId);
        const empty = tables.filter((table) => before[table] === 0);
        expect({ merchantId, empty }).toEqual({ merchantId, empty: [] });
      }

      expect(await deleteMerchantData(h.db, demoMerchant.id)).toBe(2);

      const none = Object.fromEntries(tables.map((t) => [t, 0]));
      expect(await rowsOf(demoMerchant.id)).toEqual(none);
      expect(await rowsOf(sub)).toEqual(none);
      expect(await rowsOf(otherMerchant.id)).toEqual(other);
    });
  });
}
