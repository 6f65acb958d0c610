/**
 * Which merchant a session belongs to, by its id alone: for the sandbox's hosted payment page,
 * whose URL (like the gateway's) carries only the session id.
 *
 * @since 0.1.0
 */
import type { Queryable } from "./Database.js";
import { text } from "./internal/values.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The merchant id of session `id`, or `null` when there is none (or `id` is not a UUID).
 *
 * @since 0.1.0
 */
export const merchantOfSession = async (db: Queryable, id: string): Promise<string | null> => {
  if (!UUID.test(id)) return null;
  const { rows } = await db.query<{ merchant_id: unknown }>(
    "SELECT merchant_id FROM payment_sessions WHERE id = $1",
    [id],
  );
  return rows[0] === undefined ? null : text(rows[0].merchant_id, "payment_sessions.merchant_id");
};
