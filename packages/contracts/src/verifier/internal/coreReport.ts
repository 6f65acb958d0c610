/**
 * Turning the Pact core's JSON verification report into per-interaction results.
 *
 * The core (pact_ffi `pactffi_verifier_json`, the same document `pact_verifier --json` writes) reports:
 * `interactionResults` ([{description, duration, result: "OK" | "Error"}], in run order, no consumer),
 * `errors` / `pendingErrors` ([{interaction: "Verifying a pact between C and P Given S1 And S2 - D",
 * mismatch: {type: "mismatches", mismatches: [...]} | {type: "error", message}}]), `notices`, `output`
 * (the printed transcript) and `result`. Failures are joined to the local pact files by that exact
 * `interaction` text (consumer, provider, state names, description), so consumers, provider states and
 * params come from the pact files, not from parsing printed text. For pacts that are not local (URLs,
 * broker) the consumer and state names are parsed from the `interaction` text and the transcript.
 */
import type {
  InteractionVerification,
  JsonValue,
  ProviderStateRef,
  VerificationMismatch,
  VerificationReport,
} from "../types.js";
import { arrayAt, isRecord, stringAt, toText, type UnknownRecord } from "./json.js";
import type { PactInteractionInfo } from "./pactFiles.js";
import type { StateCall } from "./stateServer.js";

/** The parts of the core's JSON report this module reads. */
export interface CoreReport {
  readonly result: boolean;
  readonly interactionResults: ReadonlyArray<{
    readonly description: string;
    readonly result: string;
    readonly duration: string;
  }>;
  readonly errors: ReadonlyArray<CoreError>;
  readonly notices: ReadonlyArray<string>;
  readonly output: ReadonlyArray<string>;
}

interface CoreError {
  readonly interaction: string;
  readonly pending: boolean;
  readonly mismatch: UnknownRecord;
}

const coreErrors = (r: UnknownRecord, key: string, pending: boolean): ReadonlyArray<CoreError> =>
  arrayAt(r, key).flatMap((e) => {
    if (!isRecord(e)) return [];
    return [
      {
        interaction: stringAt(e, "interaction") ?? "",
        pending,
        mismatch: isRecord(e.mismatch) ? e.mismatch : {},
      },
    ];
  });

/** Parses the core's JSON report; `undefined` when the text is not one. */
export const parseCoreReport = (text: string): CoreReport | undefined => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(json) || !Array.isArray(json.interactionResults) || typeof json.result !== "boolean")
    return undefined;
  return {
    result: json.result,
    interactionResults: arrayAt(json, "interactionResults").flatMap((r) =>
      isRecord(r)
        ? [
            {
              description: stringAt(r, "description") ?? "",
              result: stringAt(r, "result") ?? "",
              duration: stringAt(r, "duration") ?? "",
            },
          ]
        : [],
    ),
    errors: [...coreErrors(json, "errors", false), ...coreErrors(json, "pendingErrors", true)],
    notices: arrayAt(json, "notices").map((n) =>
      isRecord(n) && typeof n.text === "string" ? n.text : toText(n),
    ),
    output: arrayAt(json, "output").filter((l): l is string => typeof l === "string"),
  };
};

/** "44ms", "1.126s", "1s 126ms", "2m 3s" → milliseconds. */
export const parseDuration = (text: string): number | undefined => {
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let seen = false;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)\s*(ms|s|m|h)\b/g)) {
    total += Number(m[1]) * (unit[m[2] ?? "ms"] ?? 1);
    seen = true;
  }
  return seen ? Math.round(total) : undefined;
};

/** The text the core uses to name an interaction in `errors[].interaction`. */
export const coreInteractionKey = (
  consumer: string,
  provider: string,
  states: ReadonlyArray<{ readonly name: string }>,
  description: string,
): string => {
  const given = states.length === 0 ? "" : ` Given ${states.map((s) => s.name).join(" And ")}`;
  return `Verifying a pact between ${consumer} and ${provider}${given} - ${description}`;
};

const KEY_RE = /^Verifying a pact between (.+?) and (.+?)(?: Given (.+?))? - (.+)$/;

const parseKey = (
  key: string,
): { consumer: string; states: ReadonlyArray<string>; description: string } | undefined => {
  const m = KEY_RE.exec(key);
  if (m === null) return undefined;
  return {
    consumer: m[1] ?? "",
    states: m[3] === undefined ? [] : m[3].split(" And "),
    description: m[4] ?? "",
  };
};

const IDENTIFIER_RE = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

const childPath = (parent: string, key: string): string =>
  IDENTIFIER_RE.test(key) ? `${parent}.${key}` : `${parent}['${key.replaceAll("'", "\\'")}']`;

/** Follows a simple JSON path (`$.a.b[0]['c d']`) into an example body. */
const lookup = (body: unknown, jsonPath: string): unknown => {
  if (!jsonPath.startsWith("$")) return undefined;
  let current: unknown = body;
  for (const m of jsonPath.slice(1).matchAll(/\.([^.[\]]+)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]/g)) {
    const key = m[1] ?? m[3]?.replaceAll("\\'", "'");
    if (key !== undefined) current = isRecord(current) ? current[key] : undefined;
    else current = Array.isArray(current) ? current[Number(m[2])] : undefined;
  }
  return current;
};

const MISSING_KEYS_RE = /missing the following keys: (.+)$/;
/** The core leaves `actual` (or `expected`) empty where the value is JSON null; its message still says so. */
const ACTUAL_NULL_RE = /^(?:Type mismatch: )?Expected null \(Null\)/;
const EXPECTED_NULL_RE = /to (?:be|equal) (?:equal to |the same type as )?null \(Null\)/;
const MISSING_RE = /\bbut was missing\b|\bwas not present\b/i;

/** Names what an empty text stands for: `null` or `(missing)` when the core's message says which. */
const namedEmpty = (text: string, message: string, nullRe: RegExp): string => {
  if (text !== "") return text;
  if (nullRe.test(message)) return "null";
  if (MISSING_RE.test(message)) return "(missing)";
  return text;
};

/** Maps one core mismatch object to one or more field-level mismatches. */
const fieldMismatches = (m: UnknownRecord, expectedBody: unknown): ReadonlyArray<VerificationMismatch> => {
  const type = stringAt(m, "type") ?? "";
  const message = stringAt(m, "mismatch") ?? toText(m);
  const expected = namedEmpty(toText(m.expected), message, EXPECTED_NULL_RE);
  const actual = namedEmpty(toText(m.actual), message, ACTUAL_NULL_RE);
  switch (type) {
    case "BodyMismatch": {
      const at = stringAt(m, "path") ?? "$";
      const missing = MISSING_KEYS_RE.exec(message);
      if (missing?.[1] !== undefined) {
        return missing[1].split(", ").map((key) => {
          const keyPath = childPath(at, key);
          const example = lookup(expectedBody, keyPath);
          return {
            path: keyPath,
            expected: example === undefined ? "(present)" : JSON.stringify(example),
            actual: "(missing)",
            message,
          };
        });
      }
      return [{ path: at, expected, actual, message }];
    }
    case "StatusMismatch":
      return [{ path: "status", expected, actual, message }];
    case "HeaderMismatch":
      return [{ path: `header ${stringAt(m, "key") ?? ""}`, expected, actual, message }];
    case "MetadataMismatch":
      return [{ path: `metadata ${stringAt(m, "key") ?? ""}`, expected, actual, message }];
    case "QueryMismatch":
      return [{ path: `query ${stringAt(m, "parameter") ?? ""}`, expected, actual, message }];
    case "PathMismatch":
      return [{ path: "path", expected, actual, message }];
    case "MethodMismatch":
      return [{ path: "method", expected, actual, message }];
    case "BodyTypeMismatch":
      return [{ path: "body", expected, actual, message }];
    default:
      return [{ path: stringAt(m, "path") ?? stringAt(m, "key") ?? type, expected, actual, message }];
  }
};

/** Maps a core error entry's `mismatch` to field-level mismatches. */
export const toMismatches = (
  mismatch: UnknownRecord,
  expectedBody: unknown,
): ReadonlyArray<VerificationMismatch> => {
  if (stringAt(mismatch, "type") === "mismatches") {
    return arrayAt(mismatch, "mismatches").flatMap((m) =>
      isRecord(m) ? fieldMismatches(m, expectedBody) : [],
    );
  }
  const message = stringAt(mismatch, "message") ?? toText(mismatch);
  const where = /state change/i.test(message) ? "provider state" : "interaction";
  return [{ path: where, expected: "", actual: "", message }];
};

// biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes from the core's transcript
const ANSI_RE = /\u001b\[[0-9;]*[A-Za-z]/g;
const BLOCK_RE = /^ {2}(\S.*) \([^()]*loading, [^()]*verification\)$/;
const HEADER_RE = /^Verifying a pact between (.+) and (.+)$/;

/** Consumer and state names of each verified interaction, in run order, from the printed transcript. */
export const transcriptBlocks = (
  output: ReadonlyArray<string>,
): ReadonlyArray<{ consumer: string; description: string; states: Array<string> }> => {
  const blocks: Array<{ consumer: string; description: string; states: Array<string> }> = [];
  let consumer = "";
  for (const raw of output.flatMap((l) => l.split("\n"))) {
    const line = raw.replace(ANSI_RE, "");
    const header = HEADER_RE.exec(line.trim());
    if (header !== null) {
      consumer = header[1] ?? "";
      continue;
    }
    const block = BLOCK_RE.exec(line);
    if (block !== null) {
      blocks.push({ consumer, description: block[1] ?? "", states: [] });
      continue;
    }
    const state = /^ {5}(?:Given|And) (.+)$/.exec(line);
    const last = blocks.at(-1);
    if (state !== null && last !== undefined) last.states.push(state[1] ?? "");
  }
  return blocks;
};

interface JoinInput {
  readonly provider: string;
  readonly core: CoreReport;
  readonly local: ReadonlyArray<PactInteractionInfo>;
  /** Why a message interaction could not be produced (no provider, or the provider threw), by description. */
  readonly messageFailures: ReadonlyMap<string, string>;
  /** Descriptions the core asked a message provider for (tells message interactions of remote pacts apart). */
  readonly messagesRequested: ReadonlySet<string>;
  /** Every provider-state call, as the implementation (or a state handler) answered it. */
  readonly stateCalls: ReadonlyArray<StateCall>;
}

/** JSON with sorted keys, so params compare equal whatever order the core sent them in. */
const canonical = (u: unknown): string =>
  JSON.stringify(u, (_key, value: unknown) =>
    isRecord(value)
      ? Object.fromEntries(
          Object.keys(value)
            .sort()
            .map((k) => [k, value[k]]),
        )
      : value,
  );

/** How a provider state and its params read in a message: `"a payment session exists" {"status":"PAID"}`. */
export const stateLabel = (s: ProviderStateRef): string =>
  Object.keys(s.params).length === 0
    ? JSON.stringify(s.name)
    : `${JSON.stringify(s.name)} ${JSON.stringify(s.params)}`;

/** The set-up calls of a run by state name, each with its params as canonical JSON (made once). */
type SetupIndex = ReadonlyMap<string, ReadonlyArray<{ readonly call: StateCall; readonly params: string }>>;

const indexSetups = (calls: ReadonlyArray<StateCall>): SetupIndex => {
  const index = new Map<string, Array<{ readonly call: StateCall; readonly params: string }>>();
  for (const call of calls) {
    if (call.action !== "setup") continue;
    const list = index.get(call.state) ?? [];
    list.push({ call, params: canonical(call.params) });
    index.set(call.state, list);
  }
  return index;
};

/** The set-up calls made for one provider state of an interaction (by name, and by params when known). */
const setupCallsOf = (calls: SetupIndex, s: ProviderStateRef): ReadonlyArray<StateCall> => {
  const params = canonical(s.params);
  const known = Object.keys(s.params).length > 0;
  return (calls.get(s.name) ?? []).filter((c) => !known || c.params === params).map((c) => c.call);
};

/** Why the set-up of each provider state of the interaction failed, one message per failed state. */
const stateFailureMessages = (
  states: ReadonlyArray<ProviderStateRef>,
  calls: SetupIndex,
): ReadonlyArray<string> =>
  states.flatMap((s) => {
    const failed = setupCallsOf(calls, s).find((c) => !c.ok);
    return failed === undefined ? [] : [`provider state ${stateLabel(s)} failed: ${failed.failure}`];
  });

/**
 * The values the interaction's request takes from its provider states (`${id}`) that no set-up returned:
 * the core then sends the pact's example value instead. One note per missing key, saying which state
 * answered what.
 */
const exampleValueNotes = (
  keys: ReadonlyArray<string>,
  states: ReadonlyArray<ProviderStateRef>,
  calls: SetupIndex,
): ReadonlyArray<string> => {
  const answered = states.map((s) => ({ state: s, calls: setupCallsOf(calls, s).filter((c) => c.ok) }));
  if (answered.some((a) => a.calls.length === 0)) return []; // a state failed or was not set up: reported as such
  return keys.flatMap((key) => {
    if (answered.some((a) => a.calls.some((c) => c.values !== undefined && Object.hasOwn(c.values, key))))
      return [];
    const answers = answered.map(({ state, calls: made }) => {
      const last = made.at(-1);
      const what =
        last === undefined
          ? "was not called"
          : last.values === undefined
            ? last.noValuesReason
            : Object.keys(last.values).length === 0
              ? "returned no values ({})"
              : `returned ${Object.keys(last.values)
                  .map((k) => JSON.stringify(k))
                  .join(", ")}`;
      return `${JSON.stringify(state.name)} ${what}`;
    });
    return [
      `the request used the pact's example value for \${${key}}: no provider state returned "${key}" (${answers.join("; ")})`,
    ];
  });
};

/** Replaces the core's generic text with the reason we recorded (a message or state handler that failed). */
const withRecordedFailure = (
  verdict: InteractionVerification,
  { messageFailures }: Pick<JoinInput, "messageFailures">,
  calls: SetupIndex,
): InteractionVerification => {
  if (verdict.status === "passed") return verdict;
  const stateReasons = stateFailureMessages(verdict.providerStates, calls);
  if (stateReasons.length > 0 && verdict.mismatches.some((m) => m.path === "provider state")) {
    return {
      ...verdict,
      mismatches: stateReasons.map((message) => ({
        path: "provider state",
        expected: "",
        actual: "",
        message,
      })),
    };
  }
  const reason = verdict.kind === "message" ? messageFailures.get(verdict.description) : undefined;
  if (reason === undefined) return verdict;
  return { ...verdict, mismatches: [{ path: "message", expected: "", actual: "", message: reason }] };
};

/** Builds the typed report from the core's report and the local pact files. */
export const joinReport = ({
  provider,
  core,
  local,
  messageFailures,
  messagesRequested,
  stateCalls,
}: JoinInput): VerificationReport => {
  const remaining = [...core.errors];
  const takeError = (predicate: (e: CoreError) => boolean): CoreError | undefined => {
    const i = remaining.findIndex(predicate);
    return i < 0 ? undefined : remaining.splice(i, 1)[0];
  };
  const results = [...core.interactionResults];
  const takeResult = (description: string) => {
    const i = results.findIndex((r) => r.description === description);
    return i < 0 ? undefined : results.splice(i, 1)[0];
  };
  const verdicts: Array<InteractionVerification> = [];
  const setups = indexSetups(stateCalls);

  for (const info of local) {
    const result = takeResult(info.description);
    if (result === undefined) continue; // filtered out or not run by the core
    const key = coreInteractionKey(info.consumer, info.provider, info.providerStates, info.description);
    const error =
      takeError((e) => e.interaction === key) ??
      takeError(
        (e) =>
          e.interaction.startsWith(`Verifying a pact between ${info.consumer} and `) &&
          e.interaction.endsWith(` - ${info.description}`),
      );
    const failed = error !== undefined || result.result !== "OK";
    verdicts.push({
      consumer: info.consumer,
      description: info.description,
      kind: info.kind,
      providerStates: info.providerStates,
      status: failed ? "failed" : "passed",
      pending: error?.pending ?? info.pending,
      mismatches:
        error !== undefined
          ? toMismatches(error.mismatch, info.expectedBody)
          : failed
            ? [{ path: "interaction", expected: "", actual: "", message: `core result: ${result.result}` }]
            : [],
      notes: exampleValueNotes(info.providerStateKeys, info.providerStates, setups),
      durationMs: parseDuration(result.duration),
    });
  }

  // Interactions from pacts that are not local files (URLs, a broker): consumer and states from the core's text.
  const blocks = [...transcriptBlocks(core.output)];
  for (const result of results) {
    const error = takeError((e) => e.interaction.endsWith(` - ${result.description}`));
    const parsed = error === undefined ? undefined : parseKey(error.interaction);
    const blockIndex = blocks.findIndex((b) => b.description === result.description);
    const block = blockIndex < 0 ? undefined : blocks.splice(blockIndex, 1)[0];
    const states: ReadonlyArray<ProviderStateRef> = (parsed?.states ?? block?.states ?? []).map((name) => ({
      name,
      params: {} satisfies Record<string, JsonValue>,
    }));
    const failed = error !== undefined || result.result !== "OK";
    verdicts.push({
      consumer: parsed?.consumer ?? block?.consumer ?? "",
      description: result.description,
      kind: messagesRequested.has(result.description) ? "message" : "http",
      providerStates: states,
      status: failed ? "failed" : "passed",
      pending: error?.pending ?? false,
      mismatches: error !== undefined ? toMismatches(error.mismatch, undefined) : [],
      notes: [],
      durationMs: parseDuration(result.duration),
    });
  }

  const interactions = verdicts.map((v) => withRecordedFailure(v, { messageFailures }, setups));
  const failed = interactions.filter((i) => i.status === "failed").length;
  const blocking = interactions.filter((i) => i.status === "failed" && !i.pending).length;
  const notices = [
    ...core.notices,
    ...remaining.map((e) => `${e.interaction}: ${toMismatches(e.mismatch, undefined)[0]?.message ?? ""}`),
  ];
  return {
    _tag: "VerificationReport",
    ok: blocking === 0 && remaining.every((e) => e.pending),
    provider,
    interactions,
    summary: { passed: interactions.length - failed, failed },
    notices,
  };
};
