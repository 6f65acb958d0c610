import { Result, type Schema } from "effect";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CancelPaymentSessionRequest,
  CapturePaymentSessionRequest,
  ConfirmPaymentSessionRequest,
  CreatePaymentSessionRequest,
  decodeBody,
  encodeBody,
  formatFieldPath,
  PaymentMethodSelection,
  PaymentSession,
  SimulationRequest,
} from "../../src/schemas/index.js";
import { propertySeed } from "../../src/testing/index.js";
import * as arb from "./arbitraries.js";

const params = { seed: propertySeed("schema properties").seed, numRuns: 1000 };

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json };
type Path = ReadonlyArray<string | number>;

const cases: ReadonlyArray<[string, Schema.Codec<unknown, unknown>, fc.Arbitrary<unknown>]> = [
  ["CreatePaymentSessionRequest", CreatePaymentSessionRequest, arb.createPaymentSessionRequest],
  ["PaymentMethodSelection", PaymentMethodSelection, arb.paymentMethodSelection],
  ["ConfirmPaymentSessionRequest", ConfirmPaymentSessionRequest, arb.confirmPaymentSessionRequest],
  ["CancelPaymentSessionRequest", CancelPaymentSessionRequest, arb.cancelPaymentSessionRequest],
  ["CapturePaymentSessionRequest", CapturePaymentSessionRequest, arb.capturePaymentSessionRequest],
  ["SimulationRequest", SimulationRequest, arb.simulationRequest],
  ["PaymentSession", PaymentSession, arb.paymentSession],
];

/** Subtrees that hold free JSON (or a union with free members): any value fits, so they are not mutated. */
const OPAQUE = new Set([
  "metadata",
  "threeDsInfo",
  "installment",
  "storedPaymentMethods",
  "authorizedAmount",
]);

const isObject = (u: Json): u is { readonly [key: string]: Json } =>
  typeof u === "object" && u !== null && !Array.isArray(u);

/** Every path to a value in a JSON tree (the root excluded), skipping opaque subtrees. */
const paths = (json: Json, prefix: Path = []): Array<Path> => {
  const entries: Array<[string | number, Json]> = Array.isArray(json)
    ? json.map((v: Json, i: number) => [i, v] as [number, Json])
    : isObject(json)
      ? Object.entries(json)
      : [];
  return entries.flatMap(([key, value]) =>
    typeof key === "string" && OPAQUE.has(key) ? [] : [[...prefix, key], ...paths(value, [...prefix, key])],
  );
};

const update = (json: Json, path: Path, f: (value: Json) => Json | undefined): Json => {
  const [head, ...rest] = path;
  if (head === undefined) return json;
  if (Array.isArray(json) && typeof head === "number") {
    return json.map((v: Json, i: number) =>
      i === head ? (rest.length === 0 ? (f(v) ?? null) : update(v, rest, f)) : v,
    );
  }
  if (isObject(json) && typeof head === "string") {
    const copy: { [key: string]: Json } = { ...json };
    const current = copy[head];
    if (current === undefined) return json;
    const next = rest.length === 0 ? f(current) : update(current, rest, f);
    if (next === undefined) delete copy[head];
    else copy[head] = next;
    return copy;
  }
  return json;
};

/** A value of another JSON kind than `value`, which no schema here accepts in its place. */
const wrongTyped = (value: Json): Json => {
  if (value === null) return true;
  if (typeof value === "string") return 12345;
  return "not-the-right-type";
};

const fieldsOf = (result: Result.Result<unknown, { readonly details: ReadonlyArray<{ field: string }> }>) =>
  Result.isFailure(result) ? result.failure.details.map((d) => d.field) : [];

// 1000 generated bodies per property take seconds on a loaded machine: a generous timeout, no timing assertion.
describe("decodeBody refuses what is not a body, never throws", { timeout: 60_000 }, () => {
  for (const [name, schema] of cases) {
    it(`${name}: random JSON either decodes or is refused with at least one field`, () => {
      fc.assert(
        fc.property(fc.jsonValue(), (input) => {
          const result = decodeBody(schema)(input);
          if (Result.isFailure(result)) {
            expect(result.failure._tag).toBe("BodyValidationError");
            expect(result.failure.details.length).toBeGreaterThan(0);
          }
          if (typeof input !== "object" || input === null || Array.isArray(input)) {
            expect(fieldsOf(result)).toEqual([""]);
          }
        }),
        params,
      );
    });
  }

  for (const [name, schema, arbitrary] of cases) {
    it(`${name}: a field replaced by a wrong-typed value is reported at its path`, () => {
      const mutated = arbitrary
        .map((value) => JSON.parse(JSON.stringify(encodeBody(schema)(value))) as Json)
        .chain((json) => {
          const candidates = paths(json);
          return candidates.length === 0
            ? fc.constant({ json, path: [] as Path })
            : fc.constantFrom(...candidates).map((path) => ({ json, path }));
        })
        .filter(({ path }) => path.length > 0);
      fc.assert(
        fc.property(mutated, ({ json, path }) => {
          const result = decodeBody(schema)(update(json, path, wrongTyped));
          expect(fieldsOf(result)).toContain(formatFieldPath(path));
        }),
        params,
      );
    });

    it(`${name}: a deleted field is either optional or reported`, () => {
      const mutated = arbitrary
        .map((value) => JSON.parse(JSON.stringify(encodeBody(schema)(value))) as Json)
        .chain((json) => {
          const candidates = paths(json).filter((p) => typeof p[p.length - 1] === "string");
          return candidates.length === 0
            ? fc.constant({ json, path: [] as Path })
            : fc.constantFrom(...candidates).map((path) => ({ json, path }));
        })
        .filter(({ path }) => path.length > 0);
      fc.assert(
        fc.property(mutated, ({ json, path }) => {
          const result = decodeBody(schema)(update(json, path, () => undefined));
          if (Result.isFailure(result)) {
            // The cross-field rule of the create body: without `paymentType: MULTIPLE`, `amount` is due.
            const allowed = [formatFieldPath(path), ...(path[0] === "paymentType" ? ["amount"] : [])];
            expect(result.failure.details.map((d) => d.field)).toEqual(
              expect.arrayContaining([expect.toSatisfy((f: string) => allowed.includes(f))]),
            );
          }
        }),
        params,
      );
    });
  }
});
