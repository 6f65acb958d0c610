/**
 * The `provider_settings` repository: named values that live with the data (one row per name), e.g.
 * the access-token signing secret of a data folder.
 *
 * @since 0.1.0
 */
import type { Queryable } from "./Database.js";
import { text } from "./internal/values.js";

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
  const { rows } = await db.query<{ value: unknown }>("SELECT value FROM provider_settings WHERE name = $1", [
    name,
  ]);
  return text(rows[0]?.value, `provider_settings.${name}`);
};
