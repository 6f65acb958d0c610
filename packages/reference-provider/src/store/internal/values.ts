/** Small checks and conversions shared by the repositories. */
import type { Queryable, SqlValue } from "../Database.js";
import { StoreError } from "../errors.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `id` is a UUID in its canonical hyphenated form (any case). */
export const isUuid = (id: string): boolean => UUID.test(id);

/** Refuses an argument before any SQL runs. */
export const invalidInput = (message: string): StoreError =>
  new StoreError({ reason: "invalid_input", message });

/** The JSON text of `value` for a `$n::jsonb` parameter; `undefined`, functions and cycles are refused. */
export const toJsonText = (value: unknown, what: string): string => {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw invalidInput(`${what} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (text === undefined) throw invalidInput(`${what} is not JSON (got ${typeof value})`);
  return text;
};

/** A positive safe integer (limits, pages). */
export const positiveInt = (value: number, what: string, max = Number.MAX_SAFE_INTEGER): number => {
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw invalidInput(`${what} must be an integer from 1 to ${max}, got ${value}`);
  }
  return value;
};

/**
 * A `bigint`/`int8` value read from either driver (pg gives a string, PGlite a number) as a
 * JavaScript number. Values beyond 2^53 are a `StoreError`.

 */
export const toSafeNumber = (value: unknown, what: string): number => {
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n)) {
    throw new StoreError({ reason: "query", message: `${what}: expected an integer, got ${String(value)}` });
  }
  return n;
};

/** {@link toSafeNumber}, keeping SQL `NULL` as `null`.*/
export const toNullableNumber = (value: unknown, what: string): number | null =>
  value === null || value === undefined ? null : toSafeNumber(value, what);

/** A text column read back. */
export const text = (value: unknown, what: string): string => {
  if (typeof value !== "string") {
    throw new StoreError({ reason: "query", message: `${what}: expected text, got ${typeof value}` });
  }
  return value;
};

/** A text column read back that must be one of `allowed`. */
export const oneOf = <const T extends string>(value: unknown, allowed: ReadonlyArray<T>, what: string): T => {
  const read = text(value, what);
  const found = allowed.find((candidate) => candidate === read);
  if (found === undefined)
    throw new StoreError({ reason: "query", message: `${what}: unknown value ${read}` });
  return found;
};

/** A nullable text column read back. */
export const nullableText = (value: unknown, what: string): string | null =>
  value === null || value === undefined ? null : text(value, what);

/**
 * One page of `table`'s rows (read as `columns`) whose columns equal every value of `filters` that
 * is not `undefined`, newest first (`created_at DESC, id DESC`, stable across pages), and how many
 * match in all. One statement: the count and the page come from the same snapshot; the LEFT JOIN
 * keeps the count row when the page is empty (its columns are then NULL, `page_row` too).
 */
export const selectPage = async (
  db: Queryable,
  table: string,
  columns: string,
  filters: Readonly<Record<string, SqlValue | undefined>>,
  request: { readonly page: number; readonly perPage: number },
): Promise<{ readonly rows: ReadonlyArray<Record<string, unknown>>; readonly totalItems: number }> => {
  const perPage = positiveInt(request.perPage, "perPage", 100);
  const offset = (positiveInt(request.page, "page") - 1) * perPage;
  const params: SqlValue[] = [perPage, offset];
  const where = Object.entries(filters)
    .flatMap(([column, value]) => (value === undefined ? [] : [`${column} = $${params.push(value)}`]))
    .join(" AND ");
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT t.total_items, p.*
       FROM (SELECT count(*) AS total_items FROM ${table} WHERE ${where}) t
       LEFT JOIN LATERAL (
         SELECT ${columns}, true AS page_row FROM ${table} WHERE ${where}
          ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2
       ) p ON true`,
    params,
  );
  const totalItems = toSafeNumber(rows[0]?.total_items ?? 0, `${table} count`);
  return { rows: rows.filter((row) => row.page_row === true), totalItems };
};
