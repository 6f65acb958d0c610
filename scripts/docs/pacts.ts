/**
 * Reading the committed Pact V4 files (contracts/*.json) and rendering their matching rules in words.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** A JSON value. */
export type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json };

/** One matcher of a Pact matching rule (`{ match: "regex", regex: "…" }`, …). */
export interface Matcher {
  readonly match: string;
  readonly [key: string]: Json;
}

/** Rules by path (`$.data.id`, a header name, a metadata key). */
export type Rules = Readonly<Record<string, { readonly matchers: ReadonlyArray<Matcher> }>>;

/** A provider state as the pact names it. */
export interface PactState {
  readonly name: string;
  readonly params?: { readonly [key: string]: Json };
}

/** A generator Pact fills from provider-state values (`Bearer ${accessToken}`). */
export interface Generator {
  readonly type: string;
  readonly expression?: string;
}

export interface PactBody {
  readonly content?: Json;
  readonly contentType?: string;
}

export interface PactRequest {
  readonly method: string;
  readonly path: string;
  readonly query?: Readonly<Record<string, ReadonlyArray<string>>>;
  readonly headers?: Readonly<Record<string, ReadonlyArray<string>>>;
  readonly body?: PactBody;
  readonly matchingRules?: Readonly<Record<string, Rules>>;
  readonly generators?: Readonly<Record<string, Generator | Readonly<Record<string, Generator>>>>;
}

export interface PactResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, ReadonlyArray<string>>>;
  readonly body?: PactBody;
  readonly matchingRules?: Readonly<Record<string, Rules>>;
}

/** An HTTP interaction (`Synchronous/HTTP`). */
export interface HttpInteraction {
  readonly type: "Synchronous/HTTP";
  readonly description: string;
  readonly providerStates?: ReadonlyArray<PactState>;
  readonly request: PactRequest;
  readonly response: PactResponse;
}

/** A message interaction (`Asynchronous/Messages`): a webhook callback. */
export interface MessageInteraction {
  readonly type: "Asynchronous/Messages";
  readonly description: string;
  readonly providerStates?: ReadonlyArray<PactState>;
  readonly contents: PactBody;
  readonly metadata?: { readonly [key: string]: Json };
  readonly matchingRules?: Readonly<Record<string, Rules>>;
}

export type Interaction = HttpInteraction | MessageInteraction;

/** One pact file. */
export interface Pact {
  readonly file: string;
  readonly consumer: { readonly name: string };
  readonly provider: { readonly name: string };
  readonly interactions: ReadonlyArray<Interaction>;
}

/** The pact files of `dir` (default: the repository's contracts/), sorted by file name. */
export const loadPacts = (dir: string): ReadonlyArray<Pact> =>
  readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((file) => {
      const parsed = JSON.parse(readFileSync(join(dir, file), "utf8")) as Omit<Pact, "file">;
      return { ...parsed, file };
    });

/** Every interaction description of the pacts. */
export const interactionDescriptions = (pacts: ReadonlyArray<Pact>): ReadonlySet<string> =>
  new Set(pacts.flatMap((p) => p.interactions.map((i) => i.description)));

const UUID = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";
const INSTANT_UTC = "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$";

/** Regexes with a name a reader knows. */
const namedRegexes: ReadonlyMap<string, string> = new Map([
  [UUID, "any UUID"],
  [INSTANT_UTC, "ISO-8601 UTC instant"],
  ["^[0-9]+$", "digits"],
  ["^\\d+$", "digits"],
  ["^[a-z][a-z0-9_]*$", "a snake_case word"],
]);

const exampleKind = (example: Json | undefined): string => {
  if (example === null || example === undefined) return "value";
  if (Array.isArray(example)) return "array";
  if (typeof example === "object") return "object";
  return typeof example;
};

/** One matcher in words: "any UUID", "ISO-8601 UTC instant", "one of BRI, BNC", "matches /…/". */
export const describeMatcher = (matcher: Matcher, example?: Json): string => {
  switch (matcher.match) {
    case "regex": {
      const regex = String(matcher.regex);
      const named = namedRegexes.get(regex);
      if (named !== undefined) return named;
      const alternatives = /^\^\(([A-Za-z0-9_.]+(?:\|[A-Za-z0-9_.]+)+)\)\$$/u.exec(regex);
      if (alternatives?.[1] !== undefined) return `one of ${alternatives[1].split("|").join(", ")}`;
      const literal = /^\^([A-Za-z0-9_.]+)\$$/u.exec(regex);
      if (literal?.[1] !== undefined) return `exactly ${literal[1]}`;
      return `matches /${regex}/`;
    }
    case "type": {
      const kind = exampleKind(example);
      const min = typeof matcher.min === "number" ? matcher.min : null;
      const max = typeof matcher.max === "number" ? matcher.max : null;
      if (kind === "array") {
        const bounds = [
          ...(min === null ? [] : [`at least ${min}`]),
          ...(max === null ? [] : [`at most ${max}`]),
        ].join(", ");
        return `an array${bounds === "" ? "" : ` of ${bounds}`} element${min === 1 ? "" : "s"} shaped like the example's first`;
      }
      if (kind === "object") return "an object shaped like the example";
      return kind === "value" ? "any value" : `any ${kind}`;
    }
    case "integer":
      return "any integer";
    case "decimal":
      return "any decimal number";
    case "number":
      return "any number";
    case "boolean":
      return "any boolean";
    case "null":
      return "null (or absent, under an object matched key by key)";
    case "eachKey":
      return "key by key: each key sent must match the example's, keys may be left out (its fields' own rules below)";
    case "equality":
      return "equal to the example";
    case "include":
      return `contains “${String(matcher.value)}”`;
    case "date":
    case "time":
    case "timestamp":
    case "datetime":
      return `a ${matcher.match} formatted ${String(matcher.format ?? matcher[matcher.match] ?? "")}`;
    case "arrayContains": {
      const variants = Array.isArray(matcher.variants) ? matcher.variants : [];
      return `an array containing, in any order, ${variants.length} element${variants.length === 1 ? "" : "s"} like the example's (with their own rules)`;
    }
    case "values":
      return "an object with any keys, values shaped like the example's";
    case "notEmpty":
      return "not empty";
    case "semver":
      return "a semantic version";
    default:
      return `${matcher.match} ${JSON.stringify(matcher)}`;
  }
};

/** A rule's matchers in words (joined with "and" / "or" as the rule combines them). */
export const describeRule = (
  rule: { readonly matchers: ReadonlyArray<Matcher>; readonly combine?: string },
  example?: Json,
) => rule.matchers.map((m) => describeMatcher(m, example)).join(rule.combine === "OR" ? " or " : " and ");

/** Splits a JSON path (`$.data.chargeDetails[0].id`, `$['a-b']`, `[*]`) into segments. */
export const pathSegments = (path: string): ReadonlyArray<string> => {
  const segments: Array<string> = [];
  const pattern = /\.([^.[\]]+)|\[(\d+|\*)\]|\['([^']*)'\]/gu;
  for (const match of path.replace(/^\$/u, "").matchAll(pattern)) {
    segments.push(match[1] ?? match[2] ?? match[3] ?? "");
  }
  return segments;
};

/** Whether a rule path (with `*` wildcards) names the node at `segments`. */
export const rulePathMatches = (rulePath: string, segments: ReadonlyArray<string>): boolean => {
  const rule = pathSegments(rulePath);
  return rule.length === segments.length && rule.every((r, i) => r === "*" || r === segments[i]);
};
