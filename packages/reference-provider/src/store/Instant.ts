/**
 * Instants as the store takes and gives them. The caller's clock decides every instant: the store
 * never reads a clock and never uses `now()` in SQL for anything the lifecycle depends on.
 *
 * @since 0.1.0
 */
import { StoreError } from "./errors.js";

/**
 * An instant passed into the store: epoch milliseconds (an integer) or an ISO-8601 date-time with
 * an offset (`2026-03-01T10:00:00Z`, `2026-03-01T17:00:00.5+07:00`). Stored as `timestamptz` at
 * millisecond precision (finer fractions are truncated). Read back as epoch milliseconds.
 *
 * @since 0.1.0
 */
export type Instant = number | string;

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:[Zz]|([+-])(\d{2})(?::?(\d{2}))?)$/;

/** Earliest and latest instants accepted (years 0001–9999; as strings, 0100–9999). */
const MIN_MS = -62_135_596_800_000;
const MAX_MS = 253_402_300_799_999;

/**
 * Epoch milliseconds of an {@link Instant}; a non-integer number, an unreadable string or a year
 * outside 0001–9999 is a `StoreError` with reason `invalid_input`.
 *
 * @example
 * ```ts
 * toEpochMillis("2026-03-01T17:00:00+07:00") // 1772359200000
 * ```
 * @since 0.1.0
 */
export const toEpochMillis = (instant: Instant, what = "instant"): number => {
  const ms = typeof instant === "number" ? instant : parseIso(instant);
  if (ms === undefined || !Number.isSafeInteger(ms) || ms < MIN_MS || ms > MAX_MS) {
    throw new StoreError({
      reason: "invalid_input",
      message: `${what} must be integer epoch milliseconds or an ISO-8601 date-time with an offset, got ${JSON.stringify(instant)}`,
    });
  }
  return ms;
};

const parseIso = (input: string): number | undefined => {
  const m = ISO.exec(input);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, fraction, sign, oh, om] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  const monthDays = [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (month < 1 || month > 12 || day < 1 || day > (monthDays[month - 1] ?? 0)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const offsetMinutes =
    sign === undefined ? 0 : (sign === "-" ? -1 : 1) * (Number(oh) * 60 + Number(om ?? "0"));
  if (Number(oh ?? "0") > 23 || Number(om ?? "0") > 59) return undefined;
  const millis = Number((fraction ?? "").padEnd(3, "0").slice(0, 3));
  // Date.UTC is a pure calendar computation (it reads no clock). It maps years 0–99 to 19xx,
  // so those are refused here rather than misread.
  if (year < 100) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
};

const isLeap = (year: number): boolean => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

/**
 * SQL turning the epoch-milliseconds parameter `$n` into a `timestamptz`, exactly (interval
 * arithmetic in microseconds, no floating point).
 *
 * @since 0.1.0
 */
export const sqlInstant = (n: number): string =>
  `(timestamptz 'epoch' + $${n}::bigint * interval '1 millisecond')`;

/**
 * SQL reading the `timestamptz` column `column` as epoch milliseconds (`bigint`); the drivers'
 * own date parsing is never used, so both give the same numbers.
 *
 * @since 0.1.0
 */
export const sqlMillis = (column: string): string => `(floor(extract(epoch from ${column}) * 1000))::bigint`;

/**
 * A `bigint`/`int8` value read from either driver (pg gives a string, PGlite a number) as a
 * JavaScript number. Values beyond 2^53 are a `StoreError`.
 *
 * @since 0.1.0
 */
export const toSafeNumber = (value: unknown, what: string): number => {
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n)) {
    throw new StoreError({ reason: "query", message: `${what}: expected an integer, got ${String(value)}` });
  }
  return n;
};

/** {@link toSafeNumber}, keeping SQL `NULL` as `null`. @since 0.1.0 */
export const toNullableNumber = (value: unknown, what: string): number | null =>
  value === null || value === undefined ? null : toSafeNumber(value, what);
