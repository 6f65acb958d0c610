/**
 * The batch claim the dispatcher made before decision H6 (it now claims one event at a time with
 * `claimNextWebhook`), kept for the store tests of `FOR NO KEY UPDATE SKIP LOCKED` and for the old
 * dispatcher (`legacyDispatcher.ts`), the defect the delivery tests must catch.
 */

import { sqlInstant, toEpochMillis } from "../../src/store/Instant.js";
import type { Instant, OutboxRow, Tx } from "../../src/store/index.js";
import { positiveInt } from "../../src/store/internal/values.js";
import { COLUMNS, toOutboxRow } from "../../src/store/outbox.js";

/**
 * Claims up to `limit` pending events due at `at` (`nextAttemptAt ≤ at`), oldest first, locked
 * `FOR NO KEY UPDATE SKIP LOCKED`: dispatchers running at once get disjoint rows.
 *
 * Two ways to use it:
 * - deliver inside the transaction, then `markDelivered`/`scheduleRetry`/`markManual` in it (the lock
 *   is held for the whole HTTP call);
 * - or pass `leaseMs`: the claim also moves `nextAttemptAt` to `at + leaseMs`, so after COMMIT other
 *   dispatchers leave the rows alone until the lease ends; deliver outside any transaction, then
 *   record the outcome. A dispatcher that dies just lets the lease run out (at-least-once).
 */
export const claimDueWebhooks = async (
  tx: Tx,
  at: Instant,
  limit: number,
  options: { readonly leaseMs?: number } = {},
): Promise<ReadonlyArray<OutboxRow>> => {
  const leaseMs = options.leaseMs === undefined ? undefined : positiveInt(options.leaseMs, "leaseMs");
  const { rows } = await tx.query<Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM webhook_outbox
      WHERE status = 'pending' AND next_attempt_at <= ${sqlInstant(1)}
      ORDER BY next_attempt_at, id
      LIMIT $2
      FOR NO KEY UPDATE SKIP LOCKED`,
    [toEpochMillis(at, "at"), positiveInt(limit, "limit")],
  );
  const claimed = rows.map(toOutboxRow);
  if (leaseMs === undefined || claimed.length === 0) return claimed;
  const leasedUntil = toEpochMillis(at, "at") + leaseMs;
  await tx.query(
    `UPDATE webhook_outbox SET next_attempt_at = ${sqlInstant(1)}
      WHERE id IN (SELECT value::bigint FROM jsonb_array_elements_text($2::jsonb))`,
    [leasedUntil, JSON.stringify(claimed.map((row) => row.id))],
  );
  return claimed.map((row) => ({ ...row, nextAttemptAt: leasedUntil }));
};
