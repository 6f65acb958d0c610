/**
 * The provider-state catalogue as a Markdown page (the docs generator writes it to `docs/`).
 *
 * @since 0.1.0
 */
import { SchemaAST } from "effect";
import { type ProviderStateDefinition, providerStateNames, providerStates } from "./catalogue.js";

const cell = (text: string): string => text.replace(/\|/gu, "\\|");

const renderState = (state: ProviderStateDefinition): string => {
  const lines: Array<string> = [`## \`${state.name}\``, "", state.description.replace(/ ?\n ?/gu, "\n"), ""];
  const fields = Object.entries(state.params.fields);
  if (fields.length === 0) {
    lines.push("Parameters: none.", "");
  } else {
    lines.push("| Parameter | Type | Required | Meaning |", "|---|---|---|---|");
    for (const [key, field] of fields) {
      const doc = state.paramDocs[key];
      const required = SchemaAST.isOptional(field.ast) ? "no" : "yes";
      lines.push(`| \`${key}\` | ${cell(doc?.type ?? "")} | ${required} | ${cell(doc?.meaning ?? "")} |`);
    }
    lines.push("");
  }
  if (state.returns.length === 0) {
    lines.push("Returns: nothing (answer `{}`).", "");
  } else {
    lines.push("Returns (the JSON object the setup answers):", "");
    for (const value of state.returns) lines.push(`- \`${value.name}\`: ${value.description}`);
    lines.push("");
  }
  lines.push(
    "Setup request (example):",
    "",
    "```json",
    JSON.stringify({ state: state.name, params: state.example, action: "setup" }),
    "```",
    "",
  );
  return lines.join("\n");
};

/**
 * Renders every catalogued provider state — name, what the provider sets up, parameters (type,
 * required, meaning), returned values and an example setup request — as one Markdown page.
 * Deterministic: the same catalogue gives the same bytes.
 *
 * @example
 * writeFileSync("docs/provider-states.md", providerStatesMarkdown())
 * @since 0.1.0
 * @category Provider states
 */
export const providerStatesMarkdown = (): string => {
  const intro = [
    "# Provider states",
    "",
    "<!-- Generated from packages/contracts/src/providerStates/catalogue.ts: do not edit by hand. -->",
    "",
    "The contracts in `contracts/` name these provider states. Before each interaction the verifier asks",
    "the provider to set up the interaction's states, in the order the pact lists them, by POSTing",
    '`{"state": <name>, "params": {…}, "action": "setup"}` to the provider-states setup URL; the provider',
    "answers 200 with a JSON object of the values named under *Returns*, which the pact uses in",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Pact provider-state expression, not a template
    "`fromProviderState` expressions (request paths `/v2/payments/${id}`, the header",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Pact provider-state expression, not a template
    "`Authorization: Bearer ${accessToken}`, request bodies).",
    "",
    "Every interaction starts with `the clock reads`; every interaction that sends a token then names",
    "`a merchant with credentials exists`; the payment-session states that follow belong to that merchant.",
    "",
  ].join("\n");
  const states = providerStateNames.map((name) => renderState(providerStates[name]));
  return `${intro}\n${states.join("\n")}`;
};
