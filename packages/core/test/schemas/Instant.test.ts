import { Result, Schema } from "effect";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Instant, instantToMillis, millisToInstant, parseInstantMillis } from "../../src/schemas/index.js";
import { propertySeed } from "../../src/testing/index.js";
import { instant } from "./arbitraries.js";

const params = { seed: propertySeed("schema properties").seed, numRuns: 1000 };
const decode = Schema.decodeUnknownResult(Instant);

describe("Instant reads any ISO-8601 offset and answers in UTC", () => {
  it.each([
    ["2025-03-31T23:59:05Z", "2025-03-31T23:59:05Z"],
    ["2025-03-30T05:48:17.105883834Z", "2025-03-30T05:48:17.105883834Z"],
    ["2025-04-01T06:59:05+07:00", "2025-03-31T23:59:05Z"],
    ["2025-04-01T06:59:05.120+0700", "2025-03-31T23:59:05.120Z"],
    ["2025-03-31T20:59:05-03", "2025-03-31T23:59:05Z"],
    ["2025-03-31t23:59:05z", "2025-03-31T23:59:05Z"],
    ["2024-02-29T00:00:00Z", "2024-02-29T00:00:00Z"],
    ["2025-01-01T01:00:00+05:30", "2024-12-31T19:30:00Z"],
    ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"],
  ])("%s → %s", (input, expected) => {
    expect(decode(input)).toEqual(Result.succeed(expected));
  });

  it.each([
    "2025-03-31T23:59:05",
    "2025-03-31",
    "2025-02-29T00:00:00Z",
    "2025-13-01T00:00:00Z",
    "2025-03-31T23:60:00Z",
    "2025-03-31T23:59:60Z",
    "2025-03-31T23:59:05.1234567890Z",
    "2025-03-31T23:59:05+24:00",
    " 2025-03-31T23:59:05Z",
    "+02025-03-31T23:59:05Z",
  ])("refuses %s", (input) => {
    expect(Result.isFailure(decode(input))).toBe(true);
  });

  it("encodes the canonical string unchanged", () => {
    expect(Schema.encodeSync(Instant)("2025-03-30T05:48:17.105883834Z")).toBe(
      "2025-03-30T05:48:17.105883834Z",
    );
  });

  it("canonical instants decode to themselves", () => {
    fc.assert(
      fc.property(instant, (s) => {
        expect(decode(s)).toEqual(Result.succeed(s));
      }),
      params,
    );
  });

  it("an offset form decodes to the same moment in UTC", () => {
    const offsetMinutes = fc.integer({ min: -14 * 60, max: 14 * 60 });
    const ms = fc.integer({ min: 0, max: 4_102_444_800_000 });
    fc.assert(
      fc.property(ms, offsetMinutes, (t, offset) => {
        const local = millisToInstant(t + offset * 60_000).slice(0, -1);
        const sign = offset < 0 ? "-" : "+";
        const abs = Math.abs(offset);
        const text = `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
        expect(decode(text)).toEqual(Result.succeed(millisToInstant(t)));
      }),
      params,
    );
  });
});

describe("epoch milliseconds for the lifecycle", () => {
  it("millisToInstant omits .000 and keeps other milliseconds", () => {
    expect(millisToInstant(0)).toBe("1970-01-01T00:00:00Z");
    expect(millisToInstant(1_500)).toBe("1970-01-01T00:00:01.500Z");
    expect(millisToInstant(-1)).toBe("1969-12-31T23:59:59.999Z");
    expect(millisToInstant(1_743_465_545_000)).toBe("2025-03-31T23:59:05Z");
  });

  it("instantToMillis truncates past the millisecond", () => {
    expect(instantToMillis("2025-03-30T05:48:17.105883834Z")).toBe(1_743_313_697_105);
    expect(instantToMillis("2025-04-01T06:59:05+07:00")).toBe(1_743_465_545_000);
    expect(parseInstantMillis("not an instant")).toBeUndefined();
    expect(() => instantToMillis("not an instant")).toThrow(RangeError);
    expect(() => millisToInstant(0.5)).toThrow(RangeError);
  });

  it("millis → instant → millis is the identity, and agrees with the platform's calendar", () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_135_596_800_000, max: 253_402_300_799_999 }), (ms) => {
        const text = millisToInstant(ms);
        expect(instantToMillis(text)).toBe(ms);
        expect(text).toBe(new Date(ms).toISOString().replace(".000Z", "Z"));
      }),
      params,
    );
  });

  it("a list of instants that share the render cache's slots (same low bits, whole days apart) reads as the platform's calendar", () => {
    fc.assert(
      rendersAsCalendar(() => millisToInstant),
      params,
    );
  });

  it("the check catches a render cache that looks at the slot and not the instant (deliberate defect)", () => {
    const slotOnly = () => {
      const cache = new Map<number, string>();
      return (ms: number) => {
        const hit = cache.get(ms & 255);
        if (hit !== undefined) return hit;
        const text = millisToInstant(ms);
        cache.set(ms & 255, text);
        return text;
      };
    };
    expect(fc.check(rendersAsCalendar(slotOnly), params).failed).toBe(true);
  });
});

/**
 * The check of a renderer with a cache: instants in the order given, each with neighbours that fall
 * in the same slot of a 256-entry cache (256 ms and whole days apart, 86,400,000 being a multiple of
 * 256) or on the same day, read as `Date#toISOString` without `.000`.
 */
const rendersAsCalendar = (makeRender: () => (ms: number) => string) =>
  fc.property(
    fc.array(
      fc.tuple(
        fc.integer({ min: -62_135_596_800_000, max: 253_300_000_000_000 }),
        fc.constantFrom(0, 256, 1_000, 86_400_000, 256 * 86_400_000),
      ),
      { minLength: 1, maxLength: 30 },
    ),
    (pairs) => {
      const render = makeRender();
      for (const [ms, apart] of pairs) {
        for (const t of [ms, ms + apart, ms, ms + 2 * apart]) {
          expect(render(t)).toBe(new Date(t).toISOString().replace(".000Z", "Z"));
        }
      }
    },
  );
