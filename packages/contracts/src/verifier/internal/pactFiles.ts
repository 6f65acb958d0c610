/**
 * Finding, reading and checking local pact files before the Pact core sees them, so that a missing folder,
 * an empty one or a broken file is one clear usage error instead of a core failure.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { JsonValue, ProviderStateRef, VerifierUsageError } from "../types.js";
import { verifierUsageError } from "../types.js";
import { arrayAt, isRecord, stringAt, type UnknownRecord } from "./json.js";

/** One interaction of a local pact file, as the report needs it. */
export interface PactInteractionInfo {
  readonly consumer: string;
  readonly provider: string;
  readonly description: string;
  readonly kind: "http" | "message";
  readonly providerStates: ReadonlyArray<ProviderStateRef>;
  readonly pending: boolean;
  /** The example body the pact expects (response body or message contents), for naming missing keys. */
  readonly expectedBody: unknown;
  /**
   * The provider-state values the interaction takes (`${id}` of a `fromProviderState` expression), in
   * order of first use; without them the core sends the pact's example value instead.
   */
  readonly providerStateKeys: ReadonlyArray<string>;
}

/** A local pact file that was read and understood. */
export interface LoadedPact {
  readonly file: string;
  readonly consumer: string;
  readonly provider: string;
  readonly interactions: ReadonlyArray<PactInteractionInfo>;
}

const CONTRACTS_PACKAGE = "@payment-session/contracts";

const moduleDir = (): string | undefined => {
  // import.meta.url is absent in a CommonJS build; the caller then falls back to the working directory.
  const url: unknown = import.meta.url;
  return typeof url === "string" && url.startsWith("file:") ? path.dirname(fileURLToPath(url)) : undefined;
};

const packageRoot = (): string | undefined => {
  let dir = moduleDir();
  while (dir !== undefined) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        const json: unknown = JSON.parse(readFileSync(manifest, "utf8"));
        if (isRecord(json) && json.name === CONTRACTS_PACKAGE) return dir;
      } catch {
        // not our manifest; keep walking up
      }
    }
    const parent = path.dirname(dir);
    dir = parent === dir ? undefined : parent;
  }
  return undefined;
};

/**
 * The pact folder used when none is given: `contracts/` shipped inside this package when present, else
 * `./contracts` under the working directory (the repository layout).
 */
export const defaultPactDir = (cwd: string = process.cwd()): string => {
  const root = packageRoot();
  const bundled = root === undefined ? undefined : path.join(root, "contracts");
  return bundled !== undefined && existsSync(bundled) ? bundled : path.resolve(cwd, "contracts");
};

const toParams = (u: unknown): Readonly<Record<string, JsonValue>> => {
  if (!isRecord(u)) return {};
  // Values come from JSON.parse, so every value is a JsonValue.
  return u as Readonly<Record<string, JsonValue>>;
};

const providerStatesOf = (interaction: UnknownRecord): ReadonlyArray<ProviderStateRef> => {
  const states = arrayAt(interaction, "providerStates").flatMap((s): ReadonlyArray<ProviderStateRef> => {
    if (!isRecord(s)) return [];
    const name = stringAt(s, "name");
    return name === undefined ? [] : [{ name, params: toParams(s.params) }];
  });
  if (states.length > 0) return states;
  const legacy = stringAt(interaction, "providerState");
  return legacy === undefined ? [] : [{ name: legacy, params: {} }];
};

/** Every `${key}` of the ProviderState generators anywhere under `u` (request, response, message). */
const providerStateKeysOf = (u: unknown, found: Set<string> = new Set()): Set<string> => {
  if (Array.isArray(u)) for (const v of u) providerStateKeysOf(v, found);
  else if (isRecord(u)) {
    const expression = u.type === "ProviderState" ? stringAt(u, "expression") : undefined;
    if (expression !== undefined)
      for (const m of expression.matchAll(/\$\{([^}]+)\}/g)) found.add(m[1] ?? "");
    for (const v of Object.values(u)) providerStateKeysOf(v, found);
  }
  return found;
};

const bodyContent = (body: unknown): unknown =>
  isRecord(body) && "content" in body && ("contentType" in body || "encoded" in body) ? body.content : body;

const interactionInfo = (
  raw: unknown,
  consumer: string,
  provider: string,
  fallbackKind: "http" | "message",
): PactInteractionInfo | undefined => {
  if (!isRecord(raw)) return undefined;
  const description = stringAt(raw, "description");
  if (description === undefined) return undefined;
  const type = stringAt(raw, "type");
  const kind = type === undefined ? fallbackKind : type.includes("HTTP") ? "http" : "message";
  const expectedBody =
    kind === "http"
      ? isRecord(raw.response)
        ? bodyContent(raw.response.body)
        : undefined
      : bodyContent(raw.contents);
  return {
    consumer,
    provider,
    description,
    kind,
    providerStates: providerStatesOf(raw),
    pending: raw.pending === true,
    expectedBody,
    providerStateKeys: [...providerStateKeysOf(raw)].filter((k) => k.length > 0),
  };
};

/** Reads and checks one local pact file. */
export const readPactFile = (file: string): LoadedPact | VerifierUsageError => {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = isRecord(e) && typeof e.code === "string" ? e.code : "unreadable";
    return verifierUsageError(`cannot read pact file ${file}: ${code}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return verifierUsageError(`not a JSON pact file: ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const consumer = isRecord(json) && isRecord(json.consumer) ? stringAt(json.consumer, "name") : undefined;
  const provider = isRecord(json) && isRecord(json.provider) ? stringAt(json.provider, "name") : undefined;
  const interactions = isRecord(json) ? (json.interactions ?? json.messages) : undefined;
  if (!isRecord(json) || consumer === undefined || provider === undefined || !Array.isArray(interactions)) {
    return verifierUsageError(
      `not a pact file (needs consumer.name, provider.name and interactions): ${file}`,
    );
  }
  const fallbackKind = Array.isArray(json.messages) && !Array.isArray(json.interactions) ? "message" : "http";
  return {
    file,
    consumer,
    provider,
    interactions: interactions.flatMap((i) => interactionInfo(i, consumer, provider, fallbackKind) ?? []),
  };
};

/**
 * Reads every `*.json` file of a pact folder (not its subfolders) and keeps the pacts for `provider`.
 * Refuses a missing folder, a folder without pact files, an unreadable or non-JSON file, and a folder
 * whose pacts are all for other providers.
 */
export const readPactDir = (
  dir: string,
  provider: string,
): ReadonlyArray<LoadedPact> | VerifierUsageError => {
  let names: ReadonlyArray<string>;
  try {
    if (!statSync(dir).isDirectory()) return verifierUsageError(`pact folder is not a folder: ${dir}`);
    names = readdirSync(dir)
      .filter((n) => n.endsWith(".json"))
      .sort();
  } catch {
    return verifierUsageError(`pact folder not found: ${dir}`);
  }
  if (names.length === 0) return verifierUsageError(`pact folder is empty (no .json pact files): ${dir}`);
  const pacts: Array<LoadedPact> = [];
  for (const name of names) {
    const pact = readPactFile(path.join(dir, name));
    if ("_tag" in pact) return pact;
    pacts.push(pact);
  }
  const mine = pacts.filter((p) => p.provider === provider);
  if (mine.length === 0) {
    const others = [...new Set(pacts.map((p) => p.provider))].join(", ");
    return verifierUsageError(`no pact for provider "${provider}" in ${dir} (found pacts for: ${others})`);
  }
  return mine;
};
