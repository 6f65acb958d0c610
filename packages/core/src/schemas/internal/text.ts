import { Schema } from "effect";

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * What the API accepts as text (decision H1): any well-formed Unicode except U+0000. PostgreSQL's
 * `text` and `jsonb` cannot hold NUL, and a lone surrogate (half of a UTF-16 pair, e.g.
 * `"\ud800"`) is no character at all: it cannot be encoded as UTF-8. Both are refused with the
 * field path rather than failing later in the store.
 *
 * @returns why `text` is refused, or `undefined` when it is fine.
 */
export const textIssue = (text: string): string | undefined => {
  if (text.includes("\u0000")) return `contains NUL (U+0000) at index ${text.indexOf("\u0000")}`;
  const lone = LONE_SURROGATE.exec(text);
  if (lone !== null) return `contains a lone surrogate at index ${lone.index}`;
  return undefined;
};

const expected = "text without NUL (U+0000) or lone surrogates";

/** The H1 check on a string. */
export const isStorableText = Schema.makeFilter<string>((text) => textIssue(text) ?? true, { expected });

/** Free text of any length that the API accepts (H1). */
export const FreeText = Schema.String.check(isStorableText);

/** A string of `min`–`max` UTF-16 code units, of text the API accepts (H1). */
export const Text = (min: number, max: number) =>
  Schema.String.check(Schema.isBetweenLength(min, max), isStorableText);

/** Every key and string of a JSON value that H1 refuses, with its path. */
const jsonTextIssues = (
  value: unknown,
  path: ReadonlyArray<PropertyKey>,
  out: Array<{ readonly path: ReadonlyArray<PropertyKey>; readonly issue: string }>,
): void => {
  if (typeof value === "string") {
    const issue = textIssue(value);
    if (issue !== undefined) out.push({ path, issue: `a string that ${issue}` });
  } else if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) jsonTextIssues(item, [...path, index], out);
  } else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const issue = textIssue(key);
      // The key itself is not echoed: it holds what cannot be stored.
      if (issue !== undefined) out.push({ path, issue: `a key that ${issue}` });
      else jsonTextIssues(item, [...path, key], out);
    }
  }
};

/** Free JSON object (metadata, opaque gateway sub-objects) whose keys and strings are H1 text. */
export const JsonObject = Schema.JsonObject.check(
  Schema.makeFilter<typeof Schema.JsonObject.Type>(
    (value): ReadonlyArray<{ readonly path: ReadonlyArray<PropertyKey>; readonly issue: string }> => {
      const out: Array<{ readonly path: ReadonlyArray<PropertyKey>; readonly issue: string }> = [];
      jsonTextIssues(value, [], out);
      return out;
    },
    { expected: `a JSON object of ${expected}` },
  ),
);

/** The longest `metadata` a create request may carry, as JSON text (decision H5). */
export const maxMetadataChars = 512;

/**
 * `metadata` of a create request: a {@link JsonObject} of at most {@link maxMetadataChars}
 * characters as JSON (decision H5: the gateway's code caps it at 512), which also bounds its keys,
 * its depth and what every list answer echoes.
 */
export const Metadata = JsonObject.check(
  Schema.makeFilter<typeof Schema.JsonObject.Type>(
    (value) => {
      const length = JSON.stringify(value).length;
      return length <= maxMetadataChars
        ? true
        : `metadata is ${length} characters as JSON; at most ${maxMetadataChars}`;
    },
    { expected: `a JSON object of at most ${maxMetadataChars} characters as JSON` },
  ),
);
