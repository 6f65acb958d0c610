/**
 * Housekeeping across the store's tables.
 *
 * @since 0.1.0
 */
import type { Database } from "./Database.js";

/**
 * Deletes everything stored for one merchant — its webhook events, idempotency records and payment
 * sessions — in one statement, and returns how many sessions went. For test set-ups that start
 * a merchant afresh (the provider-states endpoint); never called by the API.
 *
 * @since 0.1.0
 * @category Store
 */
export const deleteMerchantData = async (db: Database, merchantId: string): Promise<number> => {
  // The merchant's own rows and its sub-accounts' (owner id `<merchant id>::sub::…`, decision S5).
  const mine = "(merchant_id = $1 OR left(merchant_id, length($2)) = $2)";
  // One statement (atomic by itself, one round trip instead of seven with BEGIN and COMMIT; the
  // provider-states endpoint runs it before every interaction, decision P14): the sub-statements see
  // one snapshot, and the foreign keys to payment_sessions (NO ACTION) are checked at its end, when
  // the outbox and refund rows that pointed at the sessions are gone too.
  const { rowCount } = await db.query(
    `WITH attempts AS (DELETE FROM webhook_attempts WHERE ${mine}),
       outbox AS (DELETE FROM webhook_outbox WHERE ${mine}),
       idempotency AS (DELETE FROM idempotency_records WHERE ${mine}),
       refunds AS (DELETE FROM refunds WHERE ${mine})
     DELETE FROM payment_sessions WHERE ${mine}`,
    [merchantId, `${merchantId}::sub::`],
  );
  return rowCount;
};
