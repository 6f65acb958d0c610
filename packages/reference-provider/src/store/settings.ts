/**
 * The `provider_settings` repository: named values that live with the data (one row per name):
 * the access-token signing secret of a data folder, the card encryption keys, and the sandbox test
 * clock's shared offset.
 *
 * @since 0.1.0
 */
import type { Queryable } from "./Database.js";
import { text } from "./internal/values.js";

/**
 * The value of setting `name`, or `undefined` when it was never set.
 *
 * @since 0.2.0
 * @category Store
 */
export const readSetting = async (db: Queryable, name: string): Promise<string | undefined> => {
  const { rows } = await db.query<{ value: unknown }>("SELECT value FROM provider_settings WHERE name = $1", [
    name,
  ]);
  return rows[0] === undefined ? undefined : text(rows[0].value, `provider_settings.${name}`);
};

/**
 * Sets `name` to `value`, replacing what it held.
 *
 * @since 0.2.0
 * @category Store
 */
export const writeSetting = async (db: Queryable, name: string, value: string): Promise<void> => {
  await db.query(
    "INSERT INTO provider_settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value",
    [name, value],
  );
};

/**
 * The value of setting `name`, created with `make()` the first time it is asked for. Safe when
 * several processes ask at once on the same database: the first insert wins and every caller gets
 * the same value.
 *
 * @example
 * const secret = await loadOrCreateSetting(db, "access_token_secret", () => randomBytes(32).toString("base64url"))
 * @since 0.1.0
 * @category Store
 */
export const loadOrCreateSetting = async (
  db: Queryable,
  name: string,
  make: () => string,
): Promise<string> => {
  await db.query(
    "INSERT INTO provider_settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
    [name, make()],
  );
  return text(await readSetting(db, name), `provider_settings.${name}`);
};

/** The setting of the sandbox clock's offset (milliseconds, decimal text). */
const clockOffsetSetting = "sandbox_clock_offset_ms";

const toOffset = (value: unknown): number => {
  const n = typeof value === "string" ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 0)
    throw new Error(`provider_settings.${clockOffsetSetting} is not a count of ms: ${String(value)}`);
  return n;
};

/**
 * The offset the sandbox clock runs ahead of real time (0 until it is first moved; decision S1).
 *
 * @since 0.1.0
 */
export const readClockOffset = async (db: Queryable): Promise<number> => {
  const value = await readSetting(db, clockOffsetSetting);
  return value === undefined ? 0 : toOffset(value);
};

/**
 * Adds `ms` (> 0) to the sandbox clock's shared offset in one statement (two instances moving the
 * clock at once both count) and returns the new offset. `applied` is the offset the caller already
 * runs at: the sum starts from the larger of it and the stored one, so the time never goes back for
 * anyone.
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
