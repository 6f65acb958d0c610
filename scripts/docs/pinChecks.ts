/**
 * What a decision record says the contracts pin, as data: each pin names an interaction, a place in
 * its expected answer (a JSON path into the body, the status, a metadata key) and what is expected
 * there. `pinProblem` checks a pin against the pact files (the value, and that no matching rule
 * makes it looser than the pin says); `pinText` renders it for the record's page. A record's
 * "What the contracts pin" lines are these pins, so a claim the pacts do not back fails the docs
 * tests.
 */
import type { Interaction, Json, Matcher, Rules } from "./pacts.ts";

/**
 * One claim about a contract.
 *
 * - `exactly`: the value at `path` is `value`, compared by equality (no type, regex or `eachKey`
 *   rule there or above it).
 * - `oneOf`: a regex rule at `path` admits exactly these alternatives.
 * - `instant`: a regex rule at `path` admits `at` written `…Z` and `….000Z`, and refuses an
 *   instant an hour later.
 * - `noValue`: `path` may be `null` or absent but never a value (a `null` matcher under an
 *   `eachKey` rule), or `null` compared by equality.
 * - `items`: the array at `path` has exactly `count` elements (no type/min/max rule on it).
 * - `status`: the HTTP status.
 * - `metadata`: a message's metadata `key` equals `value` (no matching rule on it).
 */
export type Pin =
  | { readonly kind: "exactly"; readonly interaction: string; readonly path: string; readonly value: Json }
  | {
      readonly kind: "oneOf";
      readonly interaction: string;
      readonly path: string;
      readonly values: ReadonlyArray<string>;
    }
  | { readonly kind: "instant"; readonly interaction: string; readonly path: string; readonly at: string }
  | { readonly kind: "noValue"; readonly interaction: string; readonly path: string }
  | { readonly kind: "items"; readonly interaction: string; readonly path: string; readonly count: number }
  | { readonly kind: "status"; readonly interaction: string; readonly value: number }
  | { readonly kind: "metadata"; readonly interaction: string; readonly key: string; readonly value: string };

type Token = string | number;

/** `$.data.chargeDetails[0].status` → `["data", "chargeDetails", 0, "status"]`. */
export const parsePath = (path: string): ReadonlyArray<Token> => {
  if (!path.startsWith("$")) throw new Error(`not a JSON path: ${path}`);
  const tokens: Array<Token> = [];
  const re = /\.([A-Za-z0-9_-]+)|\[(\d+|\*)\]/gu;
  let rest = path.slice(1);
  let m: RegExpExecArray | null = re.exec(rest);
  let consumed = 0;
  while (m !== null) {
    if (m.index !== consumed) break;
    tokens.push(m[1] ?? (m[2] === "*" ? "*" : Number(m[2])));
    consumed = re.lastIndex;
    m = re.exec(rest);
  }
  if (consumed !== rest.length) throw new Error(`cannot read the JSON path ${path}`);
  rest = "";
  return tokens;
};

const valueAt = (root: Json | undefined, tokens: ReadonlyArray<Token>): { found: boolean; value?: Json } => {
  let node: Json | undefined = root;
  for (const t of tokens) {
    if (typeof t === "number") {
      if (!Array.isArray(node) || t >= node.length) return { found: false };
      node = (node as ReadonlyArray<Json>)[t];
    } else {
      if (node === null || typeof node !== "object" || Array.isArray(node) || !Object.hasOwn(node, t)) {
        return { found: false };
      }
      node = (node as { readonly [k: string]: Json })[t];
    }
  }
  return { found: true, value: node as Json };
};

/** Does a rule's path (tokens, `*` a wildcard) cover the path `at` (it or an ancestor)? */
const covers = (rule: ReadonlyArray<Token>, at: ReadonlyArray<Token>, ancestorOnly: boolean): boolean =>
  (ancestorOnly ? rule.length < at.length : rule.length <= at.length) &&
  rule.every((t, i) => t === "*" || t === at[i]);

const bodyOf = (interaction: Interaction): Json | undefined =>
  interaction.type === "Synchronous/HTTP" ? interaction.response.body?.content : interaction.contents.content;

const bodyRules = (interaction: Interaction): Rules =>
  (interaction.type === "Synchronous/HTTP"
    ? interaction.response.matchingRules?.body
    : interaction.matchingRules?.body) ?? {};

const rulesAt = (interaction: Interaction, path: string): ReadonlyArray<Matcher> =>
  bodyRules(interaction)[path]?.matchers ?? [];

/** The rules at `path` or above it that make a comparison looser than equality. */
const looseningRules = (interaction: Interaction, path: string): ReadonlyArray<string> => {
  const at = parsePath(path);
  return Object.entries(bodyRules(interaction)).flatMap(([rulePath, rule]) => {
    const tokens = parsePath(rulePath);
    const exact = tokens.length === at.length && covers(tokens, at, false);
    if (!exact && !covers(tokens, at, true)) return [];
    return rule.matchers
      .filter((m) => m.match !== "equality" && (exact || m.match !== "regex"))
      .map((m) => `${rulePath}: ${m.match}`);
  });
};

const regexOf = (interaction: Interaction, path: string): string | undefined => {
  const regex = rulesAt(interaction, path).find((m) => m.match === "regex")?.regex;
  return typeof regex === "string" ? regex : undefined;
};

/** JSON text with object keys sorted (two values are equal when their canonical texts are). */
const canonical = (value: Json | undefined): string =>
  JSON.stringify(value, (_, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );

const json = (value: Json | undefined): string => (value === undefined ? "(missing)" : JSON.stringify(value));

/** Why `pin` does not hold for the pacts' interactions, or `undefined` when it holds. */
export const pinProblem = (pin: Pin, interactions: ReadonlyMap<string, Interaction>): string | undefined => {
  const interaction = interactions.get(pin.interaction);
  if (interaction === undefined) return `no pact interaction is described "${pin.interaction}"`;
  const where = `"${pin.interaction}"`;
  switch (pin.kind) {
    case "status": {
      if (interaction.type !== "Synchronous/HTTP") return `${where} is a message, it has no status`;
      return interaction.response.status === pin.value
        ? undefined
        : `${where}: status ${interaction.response.status}, not ${pin.value}`;
    }
    case "metadata": {
      if (interaction.type !== "Asynchronous/Messages") return `${where} is not a message`;
      const value = interaction.metadata?.[pin.key];
      const rules = interaction.matchingRules?.metadata?.[pin.key]?.matchers ?? [];
      if (value !== pin.value)
        return `${where}: metadata ${pin.key} is ${json(value)}, not ${json(pin.value)}`;
      if (rules.length > 0)
        return `${where}: metadata ${pin.key} is matched by ${rules.map((r) => r.match).join(", ")}`;
      return undefined;
    }
    case "exactly": {
      const found = valueAt(bodyOf(interaction), parsePath(pin.path));
      if (!found.found) return `${where}: ${pin.path} is missing`;
      if (canonical(found.value) !== canonical(pin.value)) {
        return `${where}: ${pin.path} is ${json(found.value)}, not ${json(pin.value)}`;
      }
      const loose = looseningRules(interaction, pin.path);
      return loose.length === 0
        ? undefined
        : `${where}: ${pin.path} is not compared exactly (${loose.join("; ")})`;
    }
    case "items": {
      const found = valueAt(bodyOf(interaction), parsePath(pin.path));
      if (!found.found || !Array.isArray(found.value)) return `${where}: ${pin.path} is not an array`;
      if (found.value.length !== pin.count) {
        return `${where}: ${pin.path} has ${found.value.length} elements, not ${pin.count}`;
      }
      const loose = looseningRules(interaction, pin.path);
      return loose.length === 0
        ? undefined
        : `${where}: ${pin.path} is not compared item by item (${loose.join("; ")})`;
    }
    case "oneOf": {
      const regex = regexOf(interaction, pin.path);
      if (regex === undefined) return `${where}: no regex rule at ${pin.path}`;
      const re = new RegExp(regex, "u");
      const refused = pin.values.filter((v) => !re.test(v));
      if (refused.length > 0) return `${where}: ${pin.path} refuses ${refused.join(", ")}`;
      for (const probe of ["", "OTHER", `${pin.values[0]}X`]) {
        if (re.test(probe)) return `${where}: ${pin.path} admits ${JSON.stringify(probe)} too`;
      }
      return undefined;
    }
    case "instant": {
      const regex = regexOf(interaction, pin.path);
      if (regex === undefined) return `${where}: no regex rule at ${pin.path}`;
      const re = new RegExp(regex, "u");
      const at = new Date(pin.at).toISOString();
      const forms = [at.replace(".000Z", "Z"), at];
      const refused = forms.filter((f) => !re.test(f));
      if (refused.length > 0) return `${where}: ${pin.path} refuses ${refused.join(", ")}`;
      const later = new Date(Date.parse(pin.at) + 3_600_000).toISOString().replace(".000Z", "Z");
      return re.test(later) ? `${where}: ${pin.path} admits ${later} too` : undefined;
    }
    case "noValue": {
      const tokens = parsePath(pin.path);
      const parent = `$${tokens
        .slice(0, -1)
        .map((t) => (typeof t === "number" ? `[${t}]` : `.${t}`))
        .join("")}`;
      const nullRule = rulesAt(interaction, pin.path).some((m) => m.match === "null");
      const eachKey = rulesAt(interaction, parent).some((m) => m.match === "eachKey");
      if (nullRule && eachKey) return undefined;
      if (nullRule)
        return `${where}: ${pin.path} must be null but may not be absent (no eachKey rule on ${parent})`;
      const found = valueAt(bodyOf(interaction), tokens);
      if (!found.found) return `${where}: ${pin.path} is not in the expected body (any value would pass)`;
      if (found.value !== null) return `${where}: ${pin.path} is ${json(found.value)}, not null`;
      const loose = looseningRules(interaction, pin.path);
      return loose.length === 0
        ? undefined
        : `${where}: ${pin.path} is not compared exactly (${loose.join("; ")})`;
    }
  }
};

/** Every pin that does not hold, `record id: problem` each. */
export const pinProblems = (
  records: ReadonlyArray<{ readonly id: string; readonly checks: ReadonlyArray<Pin> }>,
  interactions: ReadonlyMap<string, Interaction>,
): ReadonlyArray<string> =>
  records.flatMap((r) =>
    r.checks.flatMap((pin) => {
      const problem = pinProblem(pin, interactions);
      return problem === undefined ? [] : [`${r.id}: ${problem}`];
    }),
  );

const code = (text: string): string => `\`${text}\``;

/** A pin in words, for the record's page. */
export const pinText = (pin: Pin): string => {
  switch (pin.kind) {
    case "status":
      return `status ${pin.value}`;
    case "metadata":
      return `metadata ${code(pin.key)} is exactly ${code(pin.value)}`;
    case "exactly":
      return `${code(pin.path)} is exactly ${code(JSON.stringify(pin.value))}`;
    case "items":
      return `${code(pin.path)} has exactly ${pin.count} item${pin.count === 1 ? "" : "s"}, each compared`;
    case "oneOf":
      return `${code(pin.path)} is one of ${pin.values.map(code).join(", ")}`;
    case "instant":
      return `${code(pin.path)} is the instant ${code(pin.at)} (any ISO-8601 UTC form)`;
    case "noValue":
      return `${code(pin.path)} has no value (\`null\` or absent)`;
  }
};
