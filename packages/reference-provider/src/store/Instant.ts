/**
 * Instants as the store takes and gives them. The caller's clock decides every instant: the store
 * never reads a clock and never uses `now()` in SQL for anything the lifecycle depends on.
 *
 * @since 0.1.0
 */
import { parseInstantMillis } from "@payment-session/core";
import { StoreError } from "./errors.js";

/**
 * An instant passed into the store: epoch milliseconds (an integer) or an ISO-8601 date-time with
 * an offset (`2026-03-01T10:00:00Z`, `2026-03-01T17:00:00.5+07:00`). Stored as `timestamptz` at
 * millisecond precision (finer fractions are truncated). Read back as epoch milliseconds.
 *
 * @since 0.1.0
 * @category Store
 */
export type Instant = number | string;

/** Earliest and latest instants accepted (years 0001–9999). */
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
 * @category Store
 */
export const toEpochMillis = (instant: Instant, what = "instant"): number => {
  const ms = typeof instant === "number" ? instant : parseInstantMillis(instant);
  if (ms === undefined || !Number.isSafeInteger(ms) || ms < MIN_MS || ms > MAX_MS) {
    throw new StoreError({
      reason: "invalid_input",
      message: `${what} must be integer epoch milliseconds or an ISO-8601 date-time with an offset, got ${JSON.stringify(instant)}`,
    });
  }
  return ms;
};

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
