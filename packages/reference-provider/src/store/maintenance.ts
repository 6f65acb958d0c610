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
 * @category Store
 */
export const deleteMerchantData = (db: Database, merchantId: string): Promise<number> =>
  db.transaction(async (tx) => {
    // The merchant's own rows and its sub-accounts' (owner id `<merchant id>::sub::…`, decision S5).
    const mine = "(merchant_id = $1 OR left(merchant_id, length($2)) = $2)";
    const ids = [merchantId, `${merchantId}::sub::`];
    await tx.query(`DELETE FROM webhook_attempts WHERE ${mine}`, ids);
    await tx.query(`DELETE FROM webhook_outbox WHERE ${mine}`, ids);
    await tx.query(`DELETE FROM idempotency_records WHERE ${mine}`, ids);
    await tx.query(`DELETE FROM refunds WHERE ${mine}`, ids);
    const { rowCount } = await tx.query(`DELETE FROM payment_sessions WHERE ${mine}`, ids);
    return rowCount;
  });
