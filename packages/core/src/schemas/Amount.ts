/**
 * Money on the wire: `{ value, currency }` with an integer value in the currency's unit (rupiah).
 *
 * @since 0.1.0
 */
import { Schema } from "effect";

/**
 * ISO-4217-style currency code: 1–3 uppercase letters (all documented examples use `IDR`).
 *
 * @since 0.1.0
 * @category Schemas
 */
export const Currency = Schema.String.check(
  Schema.isPattern(/^[A-Z]{1,3}$/u, { expected: "a currency code of 1–3 uppercase letters (e.g. IDR)" }),
).annotate({ description: "ISO 4217 currency code", examples: ["IDR"] });

/** @since 0.1.0 @category Schemas */
export type Currency = typeof Currency.Type;

/** An integer money value: no floats, no strings, at most `Number.MAX_SAFE_INTEGER`. */
const MoneyValue = Schema.Int.check(Schema.isLessThanOrEqualTo(Number.MAX_SAFE_INTEGER));

/**
 * An amount in a response (session, charge, capture). `value` is an integer ≥ 0: an open static VA
 * session (MULTIPLE) shows `0`.
 *
 * Gotcha: the gateway documents a "decimal" value; this project only ever reads and writes integers
 * (IDR has no minor unit in use). `10000.5` and `"10000"` are refused.
 *
 * @example
 * const a: Amount = { value: 20000, currency: "IDR" }
 * @since 0.1.0
 * @category Schemas
 */
export const Amount = Schema.Struct({
  value: MoneyValue.check(Schema.isGreaterThanOrEqualTo(0)),
  currency: Currency,
}).annotate({ identifier: "Amount", description: "Integer amount in the currency's unit (IDR: rupiah)" });

/** @since 0.1.0 @category Schemas */
export type Amount = typeof Amount.Type;

/**
 * An amount a merchant sends (create, capture, simulation): integer `value` ≥ 1 (decision C5).
 *
 * @since 0.1.0
 * @category Schemas
 */
export const RequestAmount = Schema.Struct({
  value: MoneyValue.check(Schema.isGreaterThanOrEqualTo(1)),
  currency: Currency,
}).annotate({ identifier: "RequestAmount", description: "Integer amount ≥ 1 in the currency's unit" });

/** @since 0.1.0 @category Schemas */
export type RequestAmount = typeof RequestAmount.Type;
