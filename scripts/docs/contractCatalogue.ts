/**
 * The contract catalogue page: every interaction of the committed pact files — provider states with
 * their params, request, expected response with its matchers in words — and every webhook message.
 */
import { anchor, anchorId, cell, code, githubSlug } from "./markdown.ts";
import {
  describeMatcher,
  describeRule,
  type Generator,
  type HttpInteraction,
  type Json,
  type Matcher,
  type MessageInteraction,
  type Pact,
  type PactState,
  type Rules,
  rulePathMatches,
} from "./pacts.ts";

/** The anchor of an interaction (by its description) in docs/contracts.md. */
export const interactionAnchor = (description: string): string => anchorId("interaction", description);

/**
 * Pretty-prints JSON as `jsonc`, with a `// …` comment on every line whose value a rule matches
 * (`noteFor(segments, value)` answers the comment or `null`).
 */
export const jsonWithNotes = (
  value: Json,
  noteFor: (segments: ReadonlyArray<string>, value: Json) => string | null,
): string => {
  const lines: Array<string> = [];
  const emit = (v: Json, segments: ReadonlyArray<string>, indent: string, prefix: string, last: boolean) => {
    const comma = last ? "" : ",";
    const note = noteFor(segments, v);
    const comment = note === null ? "" : ` // ${note}`;
    if (Array.isArray(v)) {
      if (v.length === 0) {
        lines.push(`${indent}${prefix}[]${comma}${comment}`);
        return;
      }
      lines.push(`${indent}${prefix}[${comment}`);
      v.forEach((item: Json, i: number) => {
        emit(item, [...segments, String(i)], `${indent}  `, "", i === v.length - 1);
      });
      lines.push(`${indent}]${comma}`);
      return;
    }
    if (v !== null && typeof v === "object") {
      const entries = Object.entries(v as { readonly [key: string]: Json });
      if (entries.length === 0) {
        lines.push(`${indent}${prefix}{}${comma}${comment}`);
        return;
      }
      lines.push(`${indent}${prefix}{${comment}`);
      entries.forEach(([key, item], i) => {
        emit(item, [...segments, key], `${indent}  `, `${JSON.stringify(key)}: `, i === entries.length - 1);
      });
      lines.push(`${indent}}${comma}`);
      return;
    }
    lines.push(`${indent}${prefix}${JSON.stringify(v)}${comma}${comment}`);
  };
  emit(value, [], "", "", true);
  return lines.join("\n");
};

/** A literal regex on a JSON literal (`^true$`, `^42$`). Pact matches a regex against a boolean's or a number's text too. */
const JSON_LITERAL_REGEX = /^\^(true|false|-?\d+(?:\.\d+)?)\$$/u;

/** One matcher in words, with what a regex on a JSON literal also accepts. */
const matcherText = (matcher: Matcher, value: Json): string => {
  const literal = matcher.match === "regex" ? JSON_LITERAL_REGEX.exec(String(matcher.regex)) : null;
  if (literal?.[1] !== undefined)
    return `${literal[1]}, as text or as JSON (${JSON.stringify(literal[1])} or ${literal[1]})`;
  return describeMatcher(matcher, value);
};

const leafKind = (value: Json): string | null =>
  value === null ? "null" : typeof value === "object" ? null : typeof value;

/**
 * The comment beside one body value: its own rules in words (a matcher repeated by several rules said
 * once), the provider-state expression that fills it, or, for a leaf with no rule of its own inside an
 * object or array matched by type, the type it must have (Pact's type rule reaches the children).
 */
export const ruleNotes =
  (rules: Rules | undefined, generators: Readonly<Record<string, Generator>> | undefined) =>
  (segments: ReadonlyArray<string>, value: Json): string | null => {
    const notes: Array<string> = [];
    for (const [path, rule] of Object.entries(rules ?? {})) {
      if (rulePathMatches(path, segments)) notes.push(...rule.matchers.map((m) => matcherText(m, value)));
    }
    const kind = leafKind(value);
    if (notes.length === 0 && kind !== null) {
      for (let depth = segments.length - 1; depth >= 0 && notes.length === 0; depth--) {
        const parent = Object.entries(rules ?? {}).find(
          ([path, rule]) =>
            rulePathMatches(path, segments.slice(0, depth)) && rule.matchers.some((m) => m.match === "type"),
        );
        if (parent !== undefined)
          notes.push(`${kind === "null" ? "null" : `any ${kind}`} (the type rule of ${parent[0]})`);
      }
    }
    for (const [path, generator] of Object.entries(generators ?? {})) {
      if (rulePathMatches(path, segments) && generator.expression !== undefined) {
        notes.push(`from provider state: ${generator.expression}`);
      }
    }
    const unique = [...new Set(notes)];
    return unique.length === 0 ? null : unique.join("; ");
  };

const bodyNotes = ruleNotes;

const stateLink = (state: PactState): string =>
  `[${code(state.name)}](provider-states.md#${githubSlug(state.name)})`;

const statesList = (states: ReadonlyArray<PactState> | undefined): ReadonlyArray<string> =>
  (states ?? []).map(
    (s, i) =>
      `${i + 1}. ${stateLink(s)}${s.params === undefined || Object.keys(s.params).length === 0 ? "" : ` ${code(JSON.stringify(s.params))}`}`,
  );

const generatorsOf = (
  generators: HttpInteraction["request"]["generators"],
  kind: string,
): Readonly<Record<string, Generator>> | undefined => {
  const found = generators?.[kind];
  if (found === undefined) return undefined;
  return "type" in found && typeof found.type === "string"
    ? { "": found as Generator }
    : (found as Readonly<Record<string, Generator>>);
};

const headerRows = (
  headers: Readonly<Record<string, ReadonlyArray<string>>> | undefined,
  rules: Rules | undefined,
  generators: Readonly<Record<string, Generator>> | undefined,
): ReadonlyArray<string> => {
  const entries = Object.entries(headers ?? {});
  if (entries.length === 0) return [];
  const rows = ["| Header | Example | Rule |", "|---|---|---|"];
  for (const [name, values] of entries) {
    const value = values.join(", ");
    const notes: Array<string> = [];
    const rule = Object.entries(rules ?? {}).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
    if (rule !== undefined) notes.push(describeRule(rule, value));
    const generator = generators?.[name];
    if (generator?.expression !== undefined)
      notes.push(`sent as ${code(generator.expression)} (from provider state)`);
    rows.push(`| ${code(name)} | ${code(value)} | ${cell(notes.join("; ") || "exactly this")} |`);
  }
  return rows;
};

const bodyBlock = (
  content: Json | undefined,
  contentType: string | undefined,
  rules: Rules | undefined,
  generators: Readonly<Record<string, Generator>> | undefined,
): ReadonlyArray<string> => {
  if (content === undefined) return ["No body."];
  const notes = bodyNotes(rules, generators);
  return [
    `Body (${contentType ?? "application/json"}):`,
    "",
    "```jsonc",
    jsonWithNotes(content, notes),
    "```",
  ];
};

const httpSection = (interaction: HttpInteraction): ReadonlyArray<string> => {
  const { request, response } = interaction;
  const pathGenerator = generatorsOf(request.generators, "path")?.[""];
  const query = Object.entries(request.query ?? {})
    .flatMap(([key, values]) => values.map((v) => `${encodeURIComponent(key)}=${encodeURIComponent(v)}`))
    .join("&");
  const path = `${request.path}${query === "" ? "" : `?${query}`}`;
  return [
    `### ${anchor(interactionAnchor(interaction.description))}${interaction.description}`,
    "",
    "Provider states:",
    "",
    ...statesList(interaction.providerStates),
    "",
    `**Request** ${code(`${request.method} ${path}`)}${
      pathGenerator?.expression === undefined
        ? ""
        : ` — sent as ${code(pathGenerator.expression)} with the provider state's value`
    }`,
    "",
    ...headerRows(request.headers, request.matchingRules?.header, generatorsOf(request.generators, "header")),
    "",
    ...bodyBlock(
      request.body?.content,
      request.body?.contentType,
      request.matchingRules?.body,
      generatorsOf(request.generators, "body"),
    ),
    "",
    `**Expected response** ${code(String(response.status))}`,
    "",
    ...headerRows(response.headers, response.matchingRules?.header, undefined),
    "",
    ...bodyBlock(response.body?.content, response.body?.contentType, response.matchingRules?.body, undefined),
    "",
  ];
};

const eventOf = (content: Json | undefined): string | null =>
  content !== null && typeof content === "object" && !Array.isArray(content)
    ? typeof (content as { readonly [key: string]: Json }).event === "string"
      ? String((content as { readonly [key: string]: Json }).event)
      : null
    : null;

const messageSection = (interaction: MessageInteraction): ReadonlyArray<string> => {
  const metadata = Object.entries(interaction.metadata ?? {});
  const metadataRules = interaction.matchingRules?.metadata;
  return [
    `### ${anchor(interactionAnchor(interaction.description))}${interaction.description}`,
    "",
    `Event: ${code(eventOf(interaction.contents.content) ?? "(none)")}`,
    "",
    "Provider states:",
    "",
    ...statesList(interaction.providerStates),
    "",
    ...(metadata.length === 0
      ? []
      : [
          "| Metadata | Example | Rule |",
          "|---|---|---|",
          ...metadata.map(([key, value]) => {
            const rule = metadataRules?.[key];
            return `| ${code(key)} | ${code(String(value))} | ${cell(rule === undefined ? "exactly this" : describeRule(rule, value))} |`;
          }),
          "",
        ]),
    ...bodyBlock(
      interaction.contents.content,
      interaction.contents.contentType,
      interaction.matchingRules?.body,
      undefined,
    ),
    "",
  ];
};

/** The states nearly every interaction starts with (left out of the summary). */
const COMMON_STATES: ReadonlySet<string> = new Set(["the clock reads", "a merchant with credentials exists"]);

/** `METHOD /path?query` of an HTTP interaction, the path as the provider state fills it (`/v2/payments/${id}`). */
export const requestLine = (interaction: HttpInteraction): string => {
  const { request } = interaction;
  const path = generatorsOf(request.generators, "path")?.[""]?.expression ?? request.path;
  const query = Object.entries(request.query ?? {})
    .flatMap(([key, values]) => values.map((v) => `${encodeURIComponent(key)}=${encodeURIComponent(v)}`))
    .join("&");
  return `${request.method} ${path}${query === "" ? "" : `?${query}`}`;
};

const summaryRow = (interaction: HttpInteraction | MessageInteraction): string => {
  const link = `[${cell(interaction.description)}](#${interactionAnchor(interaction.description)})`;
  const states = (interaction.providerStates ?? [])
    .map((s) => s.name)
    .filter((name) => !COMMON_STATES.has(name));
  if (interaction.type === "Synchronous/HTTP") {
    return `| ${link} | ${code(requestLine(interaction))} | ${interaction.response.status} | ${cell(states.join(", ") || "—")} |`;
  }
  return `| ${link} | callback ${code(eventOf(interaction.contents.content) ?? "?")} | — | ${cell(states.join(", ") || "—")} |`;
};

/** The whole page, from the loaded pacts. */
export const contractCatalogue = (pacts: ReadonlyArray<Pact>): string => {
  const out: Array<string> = [
    "# Contract catalogue",
    "",
    "<!-- Generated by scripts/docs from contracts/*.json (the Pact files): do not edit by hand. -->",
    "",
    "Every interaction of the Pact contracts in [`contracts/`](../contracts/), as an implementation of the",
    "Payments v2 API must answer it, and every webhook message it must be able to send. How to run them",
    "against your implementation: [the implementer's guide](guides/implementing-the-api.md). What each",
    "provider state must set up: [provider states](provider-states.md).",
    "",
    "How to read the bodies: a value with a `//` comment is matched by that rule (any UUID, an ISO-8601",
    "UTC instant, …; the example is only an example); a value without one must be equal. A response or",
    "message may carry more object keys than shown (Pact's rule); a request is sent as shown. Paths and",
    "headers marked *from provider state* are filled with the values the provider's state setup returned.",
    "Every interaction starts with the provider state `the clock reads`, and every one that sends a token",
    "with `a merchant with credentials exists`; the summaries list the other states. A `null` without a",
    "comment must be sent as `null` (those fields are always present, decision F1); other fields without",
    "a value may be `null` or left out, and are not shown.",
    "",
  ];
  for (const pact of pacts) {
    out.push(
      `## ${pact.consumer.name} → ${pact.provider.name}`,
      "",
      `File: [\`contracts/${pact.file}\`](../contracts/${pact.file}) — ${pact.interactions.length} interactions.`,
      "",
      "| Interaction | Request / message | Status | Further provider states |",
      "|---|---|---|---|",
      ...pact.interactions.map(summaryRow),
      "",
    );
    for (const interaction of pact.interactions) {
      out.push(
        ...(interaction.type === "Synchronous/HTTP" ? httpSection(interaction) : messageSection(interaction)),
      );
    }
  }
  return `${out.join("\n").replace(/\n{3,}/gu, "\n\n")}\n`;
};
