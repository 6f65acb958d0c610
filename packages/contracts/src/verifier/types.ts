/**
 * Types of the generic provider verifier: what `verifyProvider` takes and what it returns.
 *
 * @since 0.1.0
 */

/**
 * A JSON value as it appears in a pact file or a provider-state request.
 *
 * @since 0.1.0
 * @category Verifier
 */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | ReadonlyArray<JsonValue>
  | { readonly [key: string]: JsonValue };

/**
 * Pact's log levels for the native core (`error` is quiet; `debug`/`trace` are for bug reports).
 *
 * @since 0.1.0
 * @category Verifier
 */
export const verifierLogLevels = ["error", "warn", "info", "debug", "trace"] as const;

/**
 * One of {@link verifierLogLevels}.
 *
 * @since 0.1.0
 * @category Verifier
 */
export type VerifierLogLevel = (typeof verifierLogLevels)[number];

/**
 * Whether `s` is a {@link VerifierLogLevel}.
 *
 * @since 0.1.0
 * @category Verifier
 */
export const isVerifierLogLevel = (s: string): s is VerifierLogLevel =>
  (verifierLogLevels as ReadonlyArray<string>).includes(s);

/**
 * Whether a run at `level` shows the Pact core's transcript (info and above).
 *
 * @since 0.1.0
 * @category Verifier
 */
export const showsCoreTranscript = (level: VerifierLogLevel | undefined): boolean =>
  level === "info" || level === "debug" || level === "trace";

/**
 * The name every consumer pact of this package gives the provider.
 *
 * @since 0.1.0
 * @category Verifier
 */
export const DEFAULT_PROVIDER = "payments-v2-api";

/**
 * A provider state as the pact names it: `given("a payment session exists", { sessionId })`.
 *
 * @example { name: "a payment session exists", params: { sessionId: "7f65c757-…", status: "REQUIRE_ACTION" } }
 *
 * @since 0.1.0
 * @category Verifier
 */
export interface ProviderStateRef {
  readonly name: string;
  readonly params: Readonly<Record<string, JsonValue>>;
}

/**
 * Values a provider-state setup hands back. Their keys feed `fromProviderState("${key}", …)` expressions
 * in the pact (request paths, headers, bodies, and expected response values).
 *
 * @since 0.1.0
 * @category Verifier
 */
export type ProviderStateValues = { readonly [key: string]: JsonValue };

/**
 * An in-process provider-state handler (JavaScript implementations only; others use a setup URL).
 * Called with the state's params; return values for `fromProviderState` expressions, or nothing.
 *
 * @since 0.1.0
 * @category Verifier
 */
export type StateHandler =
  | ((params: Readonly<Record<string, JsonValue>>) => Promise<ProviderStateValues | undefined>)
  | {
      readonly setup?: (
        params: Readonly<Record<string, JsonValue>>,
      ) => Promise<ProviderStateValues | undefined>;
      readonly teardown?: (
        params: Readonly<Record<string, JsonValue>>,
      ) => Promise<ProviderStateValues | undefined>;
    };

/**
 * What a message provider is asked for: the pact's message description and its provider states.
 *
 * @since 0.1.0
 * @category Verifier
 */
export interface MessageRequest {
  readonly description: string;
  readonly providerStates: ReadonlyArray<ProviderStateRef>;
}

/**
 * Produces the body of one asynchronous message (a webhook) the pact expects.
 *
 * @since 0.1.0
 * @category Verifier
 */
export type MessageProducer = (request: MessageRequest) => Promise<unknown>;

/**
 * A message provider: a producer, or a producer plus message metadata (e.g. `{ contentType: "application/json" }`)
 * that the pact's message metadata is matched against.
 *
 * @since 0.1.0
 * @category Verifier
 */
export type MessageProvider =
  | MessageProducer
  | { readonly produce: MessageProducer; readonly metadata: Readonly<Record<string, string>> };

/**
 * A consumer version selector for a Pact Broker (see Pact's documentation of selectors).
 *
 * @since 0.1.0
 * @category Verifier
 */
export interface ConsumerVersionSelector {
  readonly tag?: string;
  readonly latest?: boolean;
  readonly consumer?: string;
  readonly deployedOrReleased?: boolean;
  readonly deployed?: boolean;
  readonly released?: boolean;
  readonly environment?: string;
  readonly fallbackTag?: string;
  readonly branch?: string;
  readonly mainBranch?: boolean;
  readonly matchingBranch?: boolean;
}

/**
 * Options of {@link verifyProvider}.
 *
 * - The provider is known only by URL (`providerBaseUrl`); it must be running.
 * - Provider states: either `providerStatesSetupUrl` (any language; see the README's provider-states protocol)
 *   or `stateHandlers` (JavaScript functions), not both.
 * - Message (webhook) interactions: `messageProviders` (functions, by message description) and/or
 *   `providerMessagesUrl` (any language: the verifier POSTs `{description, providerStates}` and takes the
 *   response body as the message).
 * - Pacts: `pactDir` and/or `pactUrls` (files or http(s) URLs), or a Pact Broker (`brokerUrl`). With none of
 *   them, the `contracts/` folder shipped in this package is used, else `./contracts`.
 *
 * @example
 * await verifyProvider({
 *   providerBaseUrl: "http://127.0.0.1:8080",
 *   providerStatesSetupUrl: "http://127.0.0.1:8080/_pact/provider-states",
 *   providerMessagesUrl: "http://127.0.0.1:8080/_pact/messages",
 *   pactDir: "contracts",
 * });
 *
 * @since 0.1.0
 * @category Verifier
 */
export interface VerifyProviderOptions {
  readonly providerBaseUrl: string;
  readonly providerStatesSetupUrl?: string;
  /**
   * With `providerStatesSetupUrl`: send the Pact core's teardown calls on to it (default true).
   * `false` for an implementation whose teardown does nothing: the implementation sees set-ups
   * only. The core then sends no teardowns at all (a provider on this machine, decision P16); behind
   * pact-js's proxy (a provider elsewhere) the verifier answers each one itself (`{}`).
   */
  readonly forwardTeardowns?: boolean;
  readonly stateHandlers?: Readonly<Record<string, StateHandler>>;
  readonly messageProviders?: Readonly<Record<string, MessageProvider>>;
  readonly providerMessagesUrl?: string;
  readonly pactDir?: string;
  readonly pactUrls?: ReadonlyArray<string>;
  readonly brokerUrl?: string;
  readonly brokerToken?: string;
  readonly brokerUsername?: string;
  readonly brokerPassword?: string;
  readonly consumerVersionSelectors?: ReadonlyArray<ConsumerVersionSelector>;
  /** Publish results to the broker; needs `providerVersion`. */
  readonly publishVerificationResult?: boolean;
  readonly providerVersion?: string;
  readonly providerVersionBranch?: string;
  /** Provider name in the pacts; default {@link DEFAULT_PROVIDER}. Pact files for other providers are skipped. */
  readonly provider?: string;
  /** Native core log level; default `"error"`. */
  readonly logLevel?: VerifierLogLevel;
  /** Timeout in ms for each request to the provider and to the state-setup URL; default 30000. */
  readonly timeout?: number;
  /** Write a JUnit XML report here (one testcase per interaction). */
  readonly junitFile?: string;
  /**
   * Verify only the interactions whose description matches this regular expression (e.g. `cancel`); the
   * Pact core's `PACT_DESCRIPTION` filter. A pattern that matches no local interaction is a usage error.
   */
  readonly interaction?: string;
  /** How hints in messages name options: as API options (`providerMessagesUrl`, default) or CLI flags. */
  readonly hints?: "api" | "cli";
}

/**
 * One failing field of one interaction.
 *
 * `path` is a JSON path into the body (`$.data.status`, `$.data.cancellationReason` for a missing key),
 * or `status`, `header <Name>`, `metadata <key>`, `query <param>`, `path`, `method`, `body` (content type),
 * or `provider state` / `interaction` for errors that are not a field mismatch.
 * `expected` and `actual` are JSON texts where the value is JSON (`"\"PAID\""`), else plain text.
 *
 * @since 0.1.0
 * @category Verifier
 */
export interface VerificationMismatch {
  readonly path: string;
  readonly expected: string;
  readonly actual: string;
  readonly message: string;
}

/**
 * The verdict on one interaction of one consumer's pact.
 *
 * @since 0.1.0
 * @category Verifier
 */
export interface InteractionVerification {
  readonly consumer: string;
  readonly description: string;
  /** `http` for Synchronous/HTTP interactions, `message` for Asynchronous/Messages (webhooks). */
  readonly kind: "http" | "message";
  readonly providerStates: ReadonlyArray<ProviderStateRef>;
  readonly status: "passed" | "failed";
  /** A failure of a pending pact (broker "pending" feature) does not make the run fail. */
  readonly pending: boolean;
  readonly mismatches: ReadonlyArray<VerificationMismatch>;
  /**
   * What the verifier noticed that explains a result without being a field mismatch, e.g. that the request
   * used the pact's example value for `${id}` because no provider state returned an `id`.
   */
  readonly notes: ReadonlyArray<string>;
  /** Time the core spent on the interaction, when it reported one. */
  readonly durationMs: number | undefined;
}

/**
 * The result of a verification run that did run: `ok` is true when every non-pending interaction passed.
 * A run that could not start is a {@link VerifierUsageError} or {@link VerifierCoreError} instead.
 *
 * @since 0.1.0
 * @category Verifier
 */
export interface VerificationReport {
  readonly _tag: "VerificationReport";
  readonly ok: boolean;
  readonly provider: string;
  readonly interactions: ReadonlyArray<InteractionVerification>;
  readonly summary: { readonly passed: number; readonly failed: number };
  /** Notices and source-level errors the core reported that belong to no interaction. */
  readonly notices: ReadonlyArray<string>;
}

/**
 * The verifier was used wrongly or cannot reach what it needs: a missing or malformed URL, a missing or empty
 * pact folder, an unreadable or non-JSON pact file, a provider that does not answer. `message` is one line.
 * The CLI prints it as `error: <message>` and exits 2.
 *
 * @since 0.1.0
 * @category Verifier
 */
export interface VerifierUsageError {
  readonly _tag: "VerifierUsageError";
  readonly message: string;
}

/**
 * The Pact core could not run the verification (e.g. a broker that refuses the credentials, a crash of the
 * native library). `message` is one line. The CLI exits 2.
 *
 * @since 0.1.0
 * @category Verifier
 */
export interface VerifierCoreError {
  readonly _tag: "VerifierCoreError";
  readonly message: string;
}

/**
 * Everything {@link verifyProvider} can return.
 *
 * @since 0.1.0
 * @category Verifier
 */
export type VerifyProviderOutcome = VerificationReport | VerifierUsageError | VerifierCoreError;

/**
 * Builds a {@link VerifierUsageError}.
 *
 * @since 0.1.0
 * @category Verifier
 */
export const verifierUsageError = (message: string): VerifierUsageError => ({
  _tag: "VerifierUsageError",
  message,
});

/**
 * Builds a {@link VerifierCoreError}.
 *
 * @since 0.1.0
 * @category Verifier
 */
export const verifierCoreError = (message: string): VerifierCoreError => ({
  _tag: "VerifierCoreError",
  message,
});

/**
 * True for the two error values {@link verifyProvider} may return instead of a report.
 *
 * @since 0.1.0
 * @category Verifier
 */
export const isVerifierError = (
  outcome: VerifyProviderOutcome,
): outcome is VerifierUsageError | VerifierCoreError => outcome._tag !== "VerificationReport";
