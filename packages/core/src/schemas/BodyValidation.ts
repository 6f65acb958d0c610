/**
 * Decoding request bodies into typed values, with every offending field reported.
 *
 * @since 0.1.0
 */
import { Result, Schema, SchemaIssue } from "effect";
import type { ErrorDetail } from "./Envelope.js";

/**
 * A body that does not fit its schema: every offending field, as the `details[]` of a 400
 * `api_validation_error` answer.
 *
 * @since 0.1.0
 * @category Schemas
 */
export interface BodyValidationError {
  readonly _tag: "BodyValidationError";
  readonly details: ReadonlyArray<ErrorDetail>;
}

/**
 * Builds a {@link BodyValidationError}.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const BodyValidationError = (details: ReadonlyArray<ErrorDetail>): BodyValidationError => ({
  _tag: "BodyValidationError",
  details,
});

/** Keys that can be written bare in a dot path (no `.`, `[`, `]`, not empty). */
const BARE_KEY = /^[^.[\]]+$/u;

/**
 * Renders a schema issue path as a dot path: `amount.value`,
 * `orderInformation.productDetails[0].price.value`, `x-request-id`; the root is `""`. A key that is
 * empty or holds `.`, `[` or `]` is bracketed and quoted: `metadata["a.b"]`.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const formatFieldPath = (path: ReadonlyArray<PropertyKey>): string =>
  path.reduce<string>((acc, key) => {
    if (typeof key === "number") return `${acc}[${key}]`;
    const name = typeof key === "symbol" ? String(key) : key;
    if (BARE_KEY.test(name)) return acc === "" ? name : `${acc}.${name}`;
    return `${acc}[${JSON.stringify(name)}]`;
  }, "");

const formatter = SchemaIssue.makeFormatterStandardSchemaV1();

const toPathKey = (segment: PropertyKey | { readonly key: PropertyKey }): PropertyKey =>
  typeof segment === "object" ? segment.key : segment;

/**
 * Lists the offending fields of a schema issue, one entry per field (first message kept), in the
 * order the schema reports them.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const issueDetails = (issue: SchemaIssue.Issue): ReadonlyArray<ErrorDetail> => {
  const seen = new Set<string>();
  const details: Array<ErrorDetail> = [];
  for (const entry of formatter(issue).issues) {
    const field = formatFieldPath((entry.path ?? []).map(toPathKey));
    if (seen.has(field)) continue;
    seen.add(field);
    details.push({ field, message: entry.message });
  }
  return details;
};

/**
 * Decodes an untrusted body (already parsed JSON, or anything) with `schema`, collecting every
 * issue (`errors: "all"`). Never throws: any input gives a success or a {@link BodyValidationError}
 * with at least one field (`""` when the body itself is wrong, e.g. not an object).
 *
 * @example
 * const r = decodeBody(CreatePaymentSessionRequest)({ clientReferenceId: "r1", amount: { value: 1.5, currency: "IDR" } })
 * // Result.fail({ _tag: "BodyValidationError", details: [{ field: "amount.value", message: "Expected an integer" }] })
 * @since 0.1.0
 * @category Schemas
 */
export const decodeBody =
  <S extends Schema.ConstraintDecoder<unknown>>(schema: S) =>
  (input: unknown): Result.Result<S["Type"], BodyValidationError> => {
    const decode = Schema.decodeUnknownResult(schema);
    try {
      const result = decode(input, { errors: "all", onExcessProperty: "ignore" });
      if (Result.isSuccess(result)) return Result.succeed(result.success);
      const details = issueDetails(result.failure.issue);
      return Result.fail(
        BodyValidationError(details.length > 0 ? details : [{ field: "", message: "Invalid body" }]),
      );
    } catch (cause) {
      // A hostile input (a throwing getter, a Proxy) must still end as a refusal, not an exception.
      return Result.fail(
        BodyValidationError([
          { field: "", message: cause instanceof Error ? cause.message : "Invalid body" },
        ]),
      );
    }
  };

/**
 * Encodes a typed value to plain JSON with `schema` (the wire form: instants as `…Z` strings,
 * unknown fields absent). Throws only on a value that does not fit its own type — a programming
 * error.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const encodeBody =
  <S extends Schema.ConstraintEncoder<unknown>>(schema: S) =>
  (value: S["Type"]): S["Encoded"] =>
    Schema.encodeSync(schema)(value);
