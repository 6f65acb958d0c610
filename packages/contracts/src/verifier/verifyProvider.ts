/**
 * Verifies a running implementation of the Payments v2 API against Pact contracts (HTTP interactions and
 * webhook messages), known only by URL.
 *
 * @since 0.1.0
 */
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { VerifierOptions } from "@pact-foundation/pact";
import { withoutCertificateStore } from "./internal/certificateStore.js";
import { joinReport, parseCoreReport } from "./internal/coreReport.js";
import {
  answerMessageRequest,
  httpMessageProvider,
  type PactMessageProvider,
  pactMessageProviders,
} from "./internal/messages.js";
import { loadPactCore, runPactCore } from "./internal/pactCore.js";
import { defaultPactDir, type LoadedPact, readPactDir, readPactFile } from "./internal/pactFiles.js";
import { probeUrl } from "./internal/probe.js";
import { keepAliveAgents, type StateServer, startStateServer } from "./internal/stateServer.js";
import { toJUnitXml } from "./junit.js";
import { markPhase } from "./timings.js";
import {
  DEFAULT_PROVIDER,
  isVerifierLogLevel,
  type VerificationReport,
  type VerifierCoreError,
  type VerifierLogLevel,
  type VerifierUsageError,
  type VerifyProviderOptions,
  type VerifyProviderOutcome,
  verifierCoreError,
  verifierLogLevels,
  verifierUsageError,
} from "./types.js";

const DEFAULT_TIMEOUT_MS = 30_000;
const PROBE_TIMEOUT_MS = 5_000;

/**
 * Checks that `value` is an absolute http(s) URL. `name` starts the message
 * (e.g. `providerBaseUrl: not a valid http(s) URL: "foo"`).
 *
 * @since 0.1.0
 * @category Verifier
 */
export const checkHttpUrl = (name: string, value: string): URL | VerifierUsageError => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return verifierUsageError(`${name}: not a valid http(s) URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return verifierUsageError(`${name}: not a valid http(s) URL: ${JSON.stringify(value)}`);
  }
  return url;
};

const isUsageError = (u: unknown): u is VerifierUsageError =>
  typeof u === "object" && u !== null && "_tag" in u && u._tag === "VerifierUsageError";

/**
 * What {@link prepareVerification} found: checked URLs and the local pact files to verify.
 *
 * @since 0.1.0
 * @category Verifier
 */
export interface PreparedVerification {
  readonly provider: string;
  readonly providerBaseUrl: URL;
  readonly pacts: ReadonlyArray<LoadedPact>;
  readonly remotePactUrls: ReadonlyArray<string>;
  readonly timeout: number;
  readonly logLevel: VerifierLogLevel;
}

const loadSources = (
  options: VerifyProviderOptions,
  provider: string,
): { pacts: Array<LoadedPact>; remote: Array<string> } | VerifierUsageError => {
  const pacts: Array<LoadedPact> = [];
  const remote: Array<string> = [];
  const add = (loaded: ReadonlyArray<LoadedPact>) => {
    for (const p of loaded) if (!pacts.some((q) => q.file === p.file)) pacts.push(p);
  };
  const noSource =
    options.pactDir === undefined && options.pactUrls === undefined && options.brokerUrl === undefined;
  const dirs = noSource ? [defaultPactDir()] : options.pactDir === undefined ? [] : [options.pactDir];
  for (const dir of dirs) {
    const loaded = readPactDir(path.resolve(dir), provider);
    if (isUsageError(loaded)) return loaded;
    add(loaded);
  }
  for (const entry of options.pactUrls ?? []) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry)) {
      const url = checkHttpUrl("pactUrls", entry);
      if (isUsageError(url)) return url;
      remote.push(url.href);
      continue;
    }
    const file = path.resolve(entry);
    let isDir: boolean;
    try {
      isDir = statSync(file).isDirectory();
    } catch {
      return verifierUsageError(`pact file not found: ${entry}`);
    }
    const loaded = isDir ? readPactDir(file, provider) : readPactFile(file);
    if (isUsageError(loaded)) return loaded;
    const list = Array.isArray(loaded) ? loaded : [loaded];
    const foreign = list.find((p) => p.provider !== provider);
    if (foreign !== undefined) {
      return verifierUsageError(
        `pact file ${foreign.file} is for provider "${foreign.provider}", not "${provider}"`,
      );
    }
    add(list);
  }
  return { pacts, remote };
};

/**
 * Checks options, reads the local pact files and probes the provider, without loading Pact.
 * {@link verifyProvider} runs it first; the CLI runs it alone to refuse bad usage quickly.
 *
 * @since 0.1.0
 * @category Verifier
 */
export const prepareVerification = async (
  options: VerifyProviderOptions,
): Promise<PreparedVerification | VerifierUsageError> => {
  if (typeof options.providerBaseUrl !== "string" || options.providerBaseUrl.length === 0) {
    return verifierUsageError("providerBaseUrl is required (the URL of the running implementation)");
  }
  const baseUrl = checkHttpUrl("providerBaseUrl", options.providerBaseUrl);
  if (isUsageError(baseUrl)) return baseUrl;
  const extraUrls: Array<URL> = [];
  for (const [name, value] of [
    ["providerStatesSetupUrl", options.providerStatesSetupUrl],
    ["providerMessagesUrl", options.providerMessagesUrl],
    ["brokerUrl", options.brokerUrl],
  ] as const) {
    if (value === undefined) continue;
    const url = checkHttpUrl(name, value);
    if (isUsageError(url)) return url;
    if (name !== "brokerUrl") extraUrls.push(url);
  }
  if (options.providerStatesSetupUrl !== undefined && options.stateHandlers !== undefined) {
    return verifierUsageError("give providerStatesSetupUrl or stateHandlers, not both");
  }
  if (options.publishVerificationResult === true && (options.providerVersion ?? "") === "") {
    return verifierUsageError("publishVerificationResult needs providerVersion");
  }
  if (options.publishVerificationResult === true && options.brokerUrl === undefined) {
    return verifierUsageError("publishVerificationResult needs brokerUrl");
  }
  const timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(timeout) || timeout <= 0) {
    return verifierUsageError(
      `timeout: not a positive number of milliseconds: ${JSON.stringify(options.timeout)}`,
    );
  }
  const logLevel = options.logLevel ?? "error";
  if (!isVerifierLogLevel(logLevel)) {
    return verifierUsageError(
      `logLevel: one of ${verifierLogLevels.join(", ")}, not ${JSON.stringify(logLevel)}`,
    );
  }
  const provider = options.provider ?? DEFAULT_PROVIDER;
  const sources = loadSources(options, provider);
  if (isUsageError(sources)) return sources;
  const interactionFlag = options.hints === "cli" ? "--interaction" : "interaction";
  if (options.interaction !== undefined) {
    let pattern: RegExp;
    try {
      pattern = new RegExp(options.interaction);
    } catch (e) {
      return verifierUsageError(
        `${interactionFlag}: not a regular expression: ${JSON.stringify(options.interaction)} (${e instanceof Error ? e.message : String(e)})`,
      );
    }
    const local = sources.pacts.flatMap((p) => p.interactions);
    if (
      sources.remote.length === 0 &&
      options.brokerUrl === undefined &&
      !local.some((i) => pattern.test(i.description))
    ) {
      return verifierUsageError(
        `${interactionFlag}: no interaction's description matches /${options.interaction}/ (of ${local.length} in the pacts)`,
      );
    }
  }

  const probeTimeout = Math.min(timeout, PROBE_TIMEOUT_MS);
  const targets = [baseUrl, ...extraUrls.filter((u) => u.origin !== baseUrl.origin)];
  for (const target of targets) {
    const failure = await probeUrl(target, probeTimeout);
    if (failure !== undefined)
      return verifierUsageError(`provider not reachable at ${target.href}: ${failure}`);
  }
  if (options.junitFile !== undefined) {
    try {
      mkdirSync(path.dirname(path.resolve(options.junitFile)), { recursive: true });
    } catch (e) {
      return verifierUsageError(
        `cannot create the folder of the JUnit file ${options.junitFile}: ${String(e)}`,
      );
    }
  }
  return {
    provider,
    providerBaseUrl: baseUrl,
    pacts: sources.pacts,
    remotePactUrls: sources.remote,
    timeout,
    logLevel,
  };
};

/**
 * Loads the Pact core (its native library) ahead of {@link verifyProvider}, which otherwise loads it on
 * first use. A process that waits for its options (a verification worker) calls it to overlap the load
 * with other work. Safe to call any number of times.
 *
 * @example void preloadVerifier()
 *
 * @since 0.1.0
 * @category Verifier
 */
export const preloadVerifier = async (): Promise<void> => {
  await loadPactCore();
};

const firstLine = (text: string): string => text.split("\n").find((l) => l.trim().length > 0) ?? text;

/** Where the core sends message requests on our loopback server. */
const MESSAGES_PATH = "/_messages";

/**
 * The host our loopback server listens on so that the core reaches it as the provider's host (its
 * `message` transport), when the provider is plain http on this machine; else undefined.
 */
const directHost = (base: URL): string | undefined => {
  if (base.protocol !== "http:") return undefined;
  if (base.hostname === "127.0.0.1" || base.hostname === "localhost") return base.hostname;
  return base.hostname === "[::1]" ? "::1" : undefined;
};

/**
 * The message provider of a description, or undefined (never an inherited property); `open`: the
 * providers are pactMessageProviders' Proxy, which resolves any description.
 */
const messageProviderFor =
  (providers: Readonly<Record<string, PactMessageProvider>>, open: boolean) =>
  (description: string): PactMessageProvider | undefined =>
    open || Object.hasOwn(providers, description) ? providers[description] : undefined;

/**
 * A provider elsewhere (another host, or https): pact-js's `Verifier`, whose proxy stands in for the
 * provider so that the core reaches the message providers on the provider's address. Resolves the
 * core's JSON report, or the error.
 */
const verifyThroughPactJs = async (
  prepared: PreparedVerification,
  options: VerifyProviderOptions,
  statesUrl: string | undefined,
  messageProviders: Record<string, PactMessageProvider>,
  plainHttpOnly: boolean,
): Promise<string | VerifierCoreError> => {
  const pactOptions: VerifierOptions = {
    provider: prepared.provider,
    providerBaseUrl: options.providerBaseUrl,
    logLevel: prepared.logLevel,
    timeout: prepared.timeout,
    failIfNoPactsFound: true,
    messageProviders,
    ...(statesUrl === undefined ? {} : { providerStatesSetupUrl: statesUrl }),
    ...(prepared.pacts.length + prepared.remotePactUrls.length === 0
      ? {}
      : { pactUrls: [...prepared.pacts.map((p) => p.file), ...prepared.remotePactUrls] }),
    ...(options.brokerUrl === undefined
      ? {}
      : {
          pactBrokerUrl: options.brokerUrl,
          ...(options.brokerToken === undefined ? {} : { pactBrokerToken: options.brokerToken }),
          ...(options.brokerUsername === undefined ? {} : { pactBrokerUsername: options.brokerUsername }),
          ...(options.brokerPassword === undefined ? {} : { pactBrokerPassword: options.brokerPassword }),
          ...(options.consumerVersionSelectors === undefined
            ? {}
            : { consumerVersionSelectors: options.consumerVersionSelectors.map((s) => ({ ...s })) }),
        }),
    ...(options.publishVerificationResult === true
      ? {
          publishVerificationResult: true,
          providerVersion: options.providerVersion,
          ...(options.providerVersionBranch === undefined
            ? {}
            : { providerVersionBranch: options.providerVersionBranch }),
        }
      : {}),
  };
  const { Verifier } = await import("@pact-foundation/pact");
  markPhase("verifyProvider: Pact imported, core starts");
  // The core reads its description filter from the environment only; set it for this run alone.
  const filterBefore = process.env.PACT_DESCRIPTION;
  if (options.interaction !== undefined) process.env.PACT_DESCRIPTION = options.interaction;
  try {
    return await withoutCertificateStore(plainHttpOnly, () => new Verifier(pactOptions).verifyProvider());
  } catch (e) {
    // pact-core rejects a failed verification with Error(<the JSON report>); anything else is a core error.
    const text = e instanceof Error ? e.message : String(e);
    if (parseCoreReport(text) === undefined)
      return verifierCoreError(`the Pact core could not run: ${firstLine(text)}`);
    return text;
  } finally {
    if (filterBefore === undefined) delete process.env.PACT_DESCRIPTION;
    else process.env.PACT_DESCRIPTION = filterBefore;
  }
};

/**
 * Verifies a running implementation against the pacts and returns a typed report, never throwing for a
 * contract failure or a usage problem.
 *
 * - Returns {@link VerificationReport} (`ok` false when an interaction failed: its `mismatches` name each
 *   failing field path with expected and actual), {@link VerifierUsageError} (bad options, missing/empty
 *   pact folder, broken pact file, provider not reachable: checked before Pact is loaded), or
 *   {@link VerifierCoreError} (the Pact core could not run).
 * - HTTP and message interactions are verified in one run of the Pact core (pact_ffi). For a provider on
 *   this machine over http (`127.0.0.1`, `localhost`, `[::1]`) the core sends its requests to the provider
 *   itself, and its state calls and message requests to the verifier's loopback server, which records
 *   each and passes it on (decision P16). For a provider elsewhere (another host, https) pact-js's
 *   `Verifier` runs it, whose proxy stands in for the provider, as before.
 * - Gotcha: the Pact core prints its own transcript on stdout while it runs (the CLI hides it by running
 *   the verification in a child process). The returned report is the source of truth.
 * - Sets `PACT_DO_NOT_TRACK=true` unless it is already set (Pact would otherwise send usage data).
 *
 * @example
 * const outcome = await verifyProvider({ providerBaseUrl: "http://127.0.0.1:8080", providerStatesSetupUrl: "http://127.0.0.1:8080/_pact/provider-states" });
 * if (outcome._tag !== "VerificationReport") throw new Error(outcome.message);
 * for (const i of outcome.interactions.filter((i) => i.status === "failed")) console.log(i.description, i.mismatches);
 *
 * @since 0.1.0
 * @category Verifier
 */
export const verifyProvider = async (options: VerifyProviderOptions): Promise<VerifyProviderOutcome> => {
  const prepared = await prepareVerification(options);
  if (isUsageError(prepared)) return prepared;
  markPhase("verifyProvider: prepared (pacts read, provider probed)");

  const messageFailures = new Map<string, string>();
  const messagesRequested = new Set<string>();
  let stateServer: StateServer | undefined;
  const messageAgents = keepAliveAgents();
  const openSources = prepared.remotePactUrls.length > 0 || options.brokerUrl !== undefined;
  const messageProviders = pactMessageProviders({
    providers: options.messageProviders ?? {},
    fallback:
      options.providerMessagesUrl === undefined
        ? undefined
        : httpMessageProvider(options.providerMessagesUrl, prepared.timeout, messageAgents),
    descriptions: prepared.pacts.flatMap((p) =>
      p.interactions.filter((i) => i.kind === "message").map((i) => i.description),
    ),
    open: openSources,
    failures: messageFailures,
    requested: messagesRequested,
    hints: options.hints ?? "api",
  });
  const direct = directHost(prepared.providerBaseUrl);
  let coreText: string;
  try {
    const serverOptions = {
      host: direct ?? "127.0.0.1",
      // The core sends message requests to the provider's host: our server is there when it is loopback.
      ...(direct === undefined
        ? {}
        : {
            messages: {
              path: MESSAGES_PATH,
              answer: (body: unknown) =>
                answerMessageRequest(messageProviderFor(messageProviders, openSources), body),
            },
          }),
    };
    if (options.stateHandlers !== undefined)
      stateServer = await startStateServer({ handlers: options.stateHandlers }, serverOptions);
    else if (options.providerStatesSetupUrl !== undefined || direct !== undefined)
      stateServer = await startStateServer(
        options.providerStatesSetupUrl === undefined
          ? { handlers: {} }
          : {
              url: options.providerStatesSetupUrl,
              timeoutMs: prepared.timeout,
              forwardTeardowns: options.forwardTeardowns,
            },
        serverOptions,
      );
    const statesUrl =
      options.stateHandlers === undefined && options.providerStatesSetupUrl === undefined
        ? undefined
        : stateServer?.url;
    // Pact would otherwise try to send usage data; this machine and most CI have no such network.
    process.env.PACT_DO_NOT_TRACK ??= "true";
    // The core's peers are then our loopback servers and the provider, over http: only (see certificateStore.ts).
    const plainHttpOnly =
      prepared.remotePactUrls.length === 0 &&
      options.brokerUrl === undefined &&
      prepared.providerBaseUrl.protocol === "http:";
    if (direct !== undefined && stateServer !== undefined) {
      const { port } = stateServer;
      markPhase("verifyProvider: core starts");
      const outcome = await withoutCertificateStore(plainHttpOnly, () =>
        runPactCore({
          provider: prepared.provider,
          providerBaseUrl: prepared.providerBaseUrl,
          statesUrl,
          // A teardown the implementation does not want is not sent at all (decision P16).
          teardowns: options.stateHandlers !== undefined || options.forwardTeardowns !== false,
          messages: { port, path: MESSAGES_PATH, scheme: "http" },
          timeout: prepared.timeout,
          logLevel: prepared.logLevel,
          pactFiles: prepared.pacts.map((p) => p.file),
          pactUrls: prepared.remotePactUrls,
          description: options.interaction,
          broker:
            options.brokerUrl === undefined
              ? undefined
              : {
                  url: options.brokerUrl,
                  token: options.brokerToken,
                  username: options.brokerUsername,
                  password: options.brokerPassword,
                  consumerVersionSelectors: options.consumerVersionSelectors,
                },
          publish:
            options.publishVerificationResult === true && options.providerVersion !== undefined
              ? { providerVersion: options.providerVersion, branch: options.providerVersionBranch }
              : undefined,
        }),
      );
      if (outcome._tag === "failed")
        return verifierCoreError(`the Pact core could not run: ${firstLine(outcome.message)}`);
      coreText = outcome.json;
    } else {
      const text = await verifyThroughPactJs(prepared, options, statesUrl, messageProviders, plainHttpOnly);
      if (typeof text !== "string") return text;
      coreText = text;
    }
  } finally {
    messageAgents.http.destroy();
    messageAgents.https.destroy();
    await stateServer?.close();
  }

  markPhase("verifyProvider: core done");
  const core = parseCoreReport(coreText);
  if (core === undefined)
    return verifierCoreError(`the Pact core returned no report: ${firstLine(coreText)}`);
  if (core.interactionResults.length === 0 && !core.result) {
    const reason =
      core.errors[0]?.interaction ??
      core.output.find((l) => l.trim().length > 0) ??
      "no interaction was verified";
    return verifierCoreError(`the Pact core verified nothing: ${firstLine(reason)}`);
  }
  const report: VerificationReport = joinReport({
    provider: prepared.provider,
    core,
    local: prepared.pacts.flatMap((p) => p.interactions),
    messageFailures,
    messagesRequested,
    stateCalls: stateServer?.calls ?? [],
  });
  if (options.junitFile !== undefined) {
    try {
      writeFileSync(options.junitFile, toJUnitXml(report));
    } catch (e) {
      return verifierUsageError(`cannot write the JUnit file ${options.junitFile}: ${String(e)}`);
    }
  }
  return report;
};
