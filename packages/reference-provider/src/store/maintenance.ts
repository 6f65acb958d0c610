/**
 * Housekeeping across the store's tables.
 *
 * @since 0.1.0
 */
import type { Database } from "./Database.js";

/**
 * Deletes everything stored for one merchant — its webhook events, idempotency records and payment
 * sessions — in one transaction, and returns how many sessions went. For test set-ups that start
 * a merchant afresh (the provider-states endpoint); never called by the API.
 *
 * @since 0.1.0
 */
export const deleteMerchantData = (db: Database, merchantId: string): Promise<number> =>
  db.transaction(async (tx) => {
    await tx.query("DELETE FROM webhook_attempts WHERE merchant_id = $1", [merchantId]);
    await tx.query("DELETE FROM webhook_outbox WHERE merchant_id = $1", [merchantId]);
    await tx.query("DELETE FROM idempotency_records WHERE merchant_id = $1", [merchantId]);
    await tx.query("DELETE FROM refunds WHERE merchant_id = $1", [merchantId]);
    const { rowCount } = await tx.query("DELETE FROM payment_sessions WHERE merchant_id = $1", [merchantId]);
    return rowCount;
  });
