/**
 * Instants on the wire: ISO-8601 date-times, read liberally, written in UTC.
 *
 * @since 0.1.0
 */
import { Effect, Schema, SchemaGetter, SchemaIssue } from "effect";

// YYYY-MM-DD[T|t]hh:mm:ss[.f{1,9}](Z|z|±hh:mm|±hhmm|±hh)
const INPUT_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)$/;

const CANONICAL_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;

const MINUTE_MS = 60_000;

interface ParsedInstant {
  /** Epoch milliseconds of the whole second, in UTC. */
  readonly secondMillis: number;
  /** The fraction digits exactly as written ("" when none). */
  readonly fraction: string;
}

const pad = (n: number, width: number): string => String(n).padStart(width, "0");

const DAY_MS = 86_400_000;

const isLeapYear = (year: number): boolean => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

const daysInMonth = (year: number, month: number): number =>
  month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`). */
const daysFromCivil = (year: number, month: number, day: number): number => {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
};

/** Inverse of {@link daysFromCivil}: `[year, month, day]`. */
const civilFromDays = (days: number): readonly [number, number, number] => {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
};

/** Epoch milliseconds of a UTC calendar second. */
const utcMillis = (year: number, month: number, day: number, hour: number, minute: number, second: number) =>
  daysFromCivil(year, month, day) * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000;

/** Earliest representable instant, 0000-01-01T00:00:00Z. */
const MIN_MILLIS = utcMillis(0, 1, 1, 0, 0, 0);
/** Latest representable whole second, 9999-12-31T23:59:59Z. */
const MAX_MILLIS = utcMillis(9999, 12, 31, 23, 59, 59);

const parse = (input: string): ParsedInstant | undefined => {
  const m = INPUT_PATTERN.exec(input);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, frac, zulu, sign, oh, om] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const local = utcMillis(year, month, day, hour, minute, second);
  let offsetMinutes = 0;
  if (zulu === undefined) {
    const offH = Number(oh);
    const offM = om === undefined ? 0 : Number(om);
    if (offH > 23 || offM > 59) return undefined;
    offsetMinutes = (sign === "-" ? -1 : 1) * (offH * 60 + offM);
  }
  const secondMillis = local - offsetMinutes * MINUTE_MS;
  if (secondMillis < MIN_MILLIS || secondMillis > MAX_MILLIS) return undefined;
  return { secondMillis, fraction: frac ?? "" };
};

/** "00" … "99". */
const TWO_DIGITS: ReadonlyArray<string> = Array.from({ length: 100 }, (_, n) => (n < 10 ? `0${n}` : `${n}`));

/**
 * The date part (`YYYY-MM-DDT`) of the last day rendered, kept because the instants rendered
 * together (one session's `createdAt`, `updatedAt`, `expiryAt`, its charges') mostly share a day.
 */
let lastDay = Number.NaN;
let lastDate = "";

const datePart = (days: number): string => {
  if (days !== lastDay) {
    const [year, month, day] = civilFromDays(days);
    lastDate = `${pad(year, 4)}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}T`;
    lastDay = days;
  }
  return lastDate;
};

const render = (secondMillis: number, fraction: string): string => {
  const days = Math.floor(secondMillis / DAY_MS);
  const secondOfDay = (secondMillis - days * DAY_MS) / 1000;
  const hour = Math.floor(secondOfDay / 3600);
  const minute = Math.floor((secondOfDay % 3600) / 60);
  const body = `${datePart(days)}${TWO_DIGITS[hour]}:${TWO_DIGITS[minute]}:${TWO_DIGITS[secondOfDay % 60]}`;
  return fraction === "" ? `${body}Z` : `${body}.${fraction}Z`;
};

/**
 * Normalises any ISO-8601 date-time with an offset to the canonical UTC form (`…Z`), keeping the
 * fraction digits as written. Returns `undefined` when the text is not such an instant.
 *
 * @example
 * canonicalInstant("2025-04-01T06:59:05+07:00") // "2025-03-31T23:59:05Z"
 * canonicalInstant("2025-03-31T23:59:05")       // undefined (no offset)
 * @since 0.1.0
 * @category Schemas
 */
export const canonicalInstant = (input: string): string | undefined => {
  const parsed = parse(input);
  return parsed === undefined ? undefined : render(parsed.secondMillis, parsed.fraction);
};

const CanonicalInstant = Schema.String.check(
  Schema.isPattern(CANONICAL_PATTERN, {
    expected: "an ISO-8601 instant in UTC (YYYY-MM-DDTHH:MM:SS[.fffffffff]Z)",
  }),
);

/**
 * An instant on the wire (`createdAt`, `expiryAt`, `paidAt` …). Decoding accepts any ISO-8601
 * date-time WITH an offset (`Z`, `+07:00`, `+0700`, with or without 1–9 fraction digits) and yields the
 * canonical UTC string; encoding writes that string unchanged.
 *
 * Gotcha: the fraction is kept as written (the gateway sends nanoseconds), so
 * `2025-03-30T05:48:17.105883834Z` round-trips unchanged and `2025-03-31T23:59:05Z` stays without
 * a fraction. Compare instants with {@link instantToMillis}, never as strings of unequal precision.
 *
 * @example
 * Schema.decodeUnknownSync(Instant)("2025-04-01T06:59:05+07:00") // "2025-03-31T23:59:05Z"
 * @since 0.1.0
 * @category Schemas
 */
export const Instant = Schema.String.annotate({
  description: "ISO-8601 date-time with an offset (Z or ±hh:mm); answered in UTC (…Z)",
  format: "date-time",
}).pipe(
  Schema.decodeTo(CanonicalInstant, {
    decode: SchemaGetter.transformEffect((input: string, options) => {
      const canonical = canonicalInstant(input);
      return canonical === undefined
        ? Effect.fail(
            new SchemaIssue.InvalidValue(
              { message: "Expected an ISO-8601 date-time with an offset (Z or ±hh:mm)" },
              input,
              options,
            ),
          )
        : Effect.succeed(canonical);
    }),
    encode: SchemaGetter.passthrough(),
  }),
);

/** A canonical UTC instant string, e.g. `2025-03-31T23:59:05Z`. @since 0.1.0 @category Schemas */
export type Instant = typeof Instant.Type;

/**
 * Epoch milliseconds of an ISO-8601 instant (any offset). Digits past the millisecond are truncated.
 * Returns `undefined` for text that is not an instant; see {@link instantToMillis} for decoded values.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const parseInstantMillis = (input: string): number | undefined => {
  const parsed = parse(input);
  if (parsed === undefined) return undefined;
  const ms = parsed.fraction === "" ? 0 : Number(parsed.fraction.slice(0, 3).padEnd(3, "0"));
  return parsed.secondMillis + ms;
};

/**
 * Epoch milliseconds of a decoded {@link Instant} (the lifecycle code works in milliseconds).
 * Digits past the millisecond are truncated.
 *
 * Gotcha: throws a `RangeError` for a string that is not an ISO-8601 instant — a decoded `Instant`
 * never is; use {@link parseInstantMillis} for untrusted text.
 *
 * @example
 * instantToMillis("1970-01-01T00:00:01.5Z") // 1500
 * @since 0.1.0
 * @category Schemas
 */
export const instantToMillis = (instant: string): number => {
  const ms = parseInstantMillis(instant);
  if (ms === undefined) throw new RangeError(`Not an ISO-8601 instant: ${instant.slice(0, 64)}`);
  return ms;
};

/**
 * The instants rendered last, by their low bits (a direct-mapped cache): a session is rendered
 * again and again with the same `createdAt`, `expiryAt`, charge instants.
 */
const RENDERED_SLOTS = 256;
const renderedMillis: Array<number> = new Array<number>(RENDERED_SLOTS).fill(Number.NaN);
const renderedText: Array<string> = new Array<string>(RENDERED_SLOTS).fill("");

/**
 * Renders epoch milliseconds as a canonical {@link Instant}: `…Z`, with `.mmm` only when the
 * milliseconds are not zero (trailing zeros kept: `.500`).
 *
 * Gotcha: throws a `RangeError` outside years 0000–9999 or for a non-integer.
 *
 * @example
 * millisToInstant(0)    // "1970-01-01T00:00:00Z"
 * millisToInstant(1500) // "1970-01-01T00:00:01.500Z"
 * @since 0.1.0
 * @category Schemas
 */
export const millisToInstant = (ms: number): Instant => {
  const slot = ms & (RENDERED_SLOTS - 1);
  if (renderedMillis[slot] === ms) return renderedText[slot] as Instant;
  if (!Number.isSafeInteger(ms) || ms < MIN_MILLIS || ms > MAX_MILLIS + 999) {
    throw new RangeError(`Not a representable instant (epoch ms): ${ms}`);
  }
  const rest = ((ms % 1000) + 1000) % 1000;
  const text = render(
    ms - rest,
    rest === 0 ? "" : rest < 10 ? `00${rest}` : rest < 100 ? `0${rest}` : `${rest}`,
  );
  renderedMillis[slot] = ms;
  renderedText[slot] = text;
  return text;
};
