/**
 * The `issuer_sequences` repository: named counters for deterministic numbers (VA numbers).
 *
 * @since 0.1.0
 */
import type { Queryable } from "./Database.js";
import { toSafeNumber } from "./internal/values.js";

/**
 * The next value of counter `name` (1 for a new name), atomically (`INSERT … ON CONFLICT DO UPDATE
 * … RETURNING`). The row stays locked until the transaction ends, so concurrent callers queue; a
 * rolled-back transaction gives its number back (no gaps, unlike a PostgreSQL SEQUENCE).
 *
 * @example
 * ```ts
 * const n = await nextSequence(tx, "va:BCA") // 1, 2, 3, …
 * ```
 * @since 0.1.0
 * @category Store
 */
export const nextSequence = async (db: Queryable, name: string): Promise<number> => {
  const { rows } = await db.query<{ value: unknown }>(
    `INSERT INTO issuer_sequences AS s (name, value) VALUES ($1, 1)
     ON CONFLICT (name) DO UPDATE SET value = s.value + 1
     RETURNING value`,
    [name],
  );
  return toSafeNumber(rows[0]?.value, `issuer_sequences ${name}`);
};
