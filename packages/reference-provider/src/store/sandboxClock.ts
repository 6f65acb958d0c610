/**
 * The sandbox test clock's shared offset: one `provider_settings` row (`sandbox_clock_offset_ms`)
 * that every instance on the database reads, and that moving the clock adds to atomically.
 *
 * @since 0.1.0
 */
import type { Queryable } from "./Database.js";

/** The `provider_settings` name of the sandbox clock's offset (milliseconds, decimal text). @since 0.1.0 */
export const clockOffsetSetting = "sandbox_clock_offset_ms";

const toOffset = (value: unknown): number => {
  const n = typeof value === "string" ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 0)
    throw new Error(`provider_settings.${clockOffsetSetting} is not a count of ms: ${String(value)}`);
  return n;
};

/**
 * The offset the sandbox clock runs ahead of real time (0 until it is first moved).
 *
 * @since 0.1.0
 */
export const readClockOffset = async (db: Queryable): Promise<number> => {
  const { rows } = await db.query<{ value: unknown }>("SELECT value FROM provider_settings WHERE name = $1", [
    clockOffsetSetting,
  ]);
  return rows[0] === undefined ? 0 : toOffset(rows[0].value);
};

/**
 * Adds `ms` (> 0) to the shared offset in one statement (two instances moving the clock at once
 * both count) and returns the new offset. `applied` is the offset the caller already runs at: the
 * sum starts from the larger of it and the stored one, so the time never goes back for anyone.
 *
 * @since 0.1.0
 */
export const addClockOffset = async (db: Queryable, ms: number, applied = 0): Promise<number> => {
  if (!Number.isSafeInteger(ms) || ms <= 0) throw new RangeError(`the clock only moves forward: ${ms}`);
  const { rows } = await db.query<{ value: unknown }>(
    `INSERT INTO provider_settings (name, value) VALUES ($1, ($3::bigint + $2::bigint)::text)
     ON CONFLICT (name) DO UPDATE
       SET value = (GREATEST(provider_settings.value::bigint, $3::bigint) + $2::bigint)::text
     RETURNING value`,
    [clockOffsetSetting, String(ms), String(applied)],
  );
  return toOffset(rows[0]?.value);
};
