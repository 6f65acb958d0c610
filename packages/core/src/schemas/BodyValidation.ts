/**
 * Decoding request bodies into typed values, with every offending field reported.
 *
 * @since 0.1.0
 */
import { Result, Schema, SchemaAST, SchemaIssue } from "effect";
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

/** The tag key and its values when every member of `union` is an object with a literal at that key. */
const unionTag = (
  union: SchemaAST.Union,
): { readonly key: string; readonly values: ReadonlyArray<string> } | undefined => {
  const members = union.types.map(SchemaAST.toEncoded);
  const [first] = members;
  if (first === undefined || !members.every(SchemaAST.isObjects) || !SchemaAST.isObjects(first))
    return undefined;
  const literalAt = (member: SchemaAST.Objects, key: PropertyKey) => {
    const property = member.propertySignatures.find((p) => p.name === key);
    return property !== undefined && SchemaAST.isLiteral(property.type) ? property.type.literal : undefined;
  };
  for (const property of first.propertySignatures) {
    if (typeof property.name !== "string") continue;
    const values = members.map((member) =>
      SchemaAST.isObjects(member) ? literalAt(member, property.name) : undefined,
    );
    if (values.every((v): v is string => typeof v === "string")) return { key: property.name, values };
  }
  return undefined;
};

/** The dot paths (with their tag) where a tagged union matched no member at all (an unknown or missing tag). */
const tagMisses = (issue: SchemaIssue.Issue): Map<string, { key: string; values: ReadonlyArray<string> }> => {
  const misses = new Map<string, { key: string; values: ReadonlyArray<string> }>();
  const walk = (node: SchemaIssue.Issue, path: ReadonlyArray<PropertyKey>): void => {
    switch (node._tag) {
      case "Pointer":
        walk(node.issue, [...path, ...node.path]);
        return;
      case "Filter":
      case "Encoding":
        walk(node.issue, path);
        return;
      case "Composite":
        for (const inner of node.issues) walk(inner, path);
        return;
      case "AnyOf": {
        const tag = node.issues.length === 0 ? unionTag(node.ast) : undefined;
        if (tag !== undefined) misses.set(formatFieldPath(path), tag);
        for (const inner of node.issues) walk(inner, path);
        return;
      }
      default:
        return;
    }
  };
  walk(issue, []);
  return misses;
};

const valueAt = (input: unknown, path: ReadonlyArray<PropertyKey>): unknown =>
  path.reduce<unknown>(
    (value, key) =>
      typeof value === "object" && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined,
    input,
  );

const isRecord = (value: unknown): boolean =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Lists the offending fields of a schema issue, one entry per field (first message kept), in the
 * order the schema reports them.
 *
 * With the decoded `input`, a discriminated union (e.g. `paymentMethod`) that got an object whose
 * tag is missing or unknown is reported at the tag (`paymentMethod.type`, `Expected "VIRTUAL_ACCOUNT"
 * | …`), as a plain enum field would be; a value that is not an object at all stays at the union's
 * own path. Without `input` the union's path is used.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const issueDetails = (issue: SchemaIssue.Issue, input?: unknown): ReadonlyArray<ErrorDetail> => {
  const seen = new Set<string>();
  const details: Array<ErrorDetail> = [];
  const misses = input === undefined ? new Map() : tagMisses(issue);
  for (const entry of formatter(issue).issues) {
    const path = (entry.path ?? []).map(toPathKey);
    let field = formatFieldPath(path);
    let message = entry.message;
    const miss = misses.get(field);
    if (miss !== undefined && isRecord(valueAt(input, path))) {
      field = formatFieldPath([...path, miss.key]);
      message = `Expected ${miss.values.map((v: string) => JSON.stringify(v)).join(" | ")}`;
    }
    if (seen.has(field)) continue;
    seen.add(field);
    details.push({ field, message });
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
      const details = issueDetails(result.failure.issue, input);
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
