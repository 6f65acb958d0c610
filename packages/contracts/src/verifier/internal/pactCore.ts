/**
 * The Pact core's verifier (pact_ffi, through `@pact-foundation/pact-core`'s native binding), run
 * directly: the core sends each request straight to the implementation, each provider-state call to
 * the state URL it is given, and each message request to a `message` transport on the provider's
 * host. pact-js's `Verifier` puts an Express proxy in front of the implementation for all three
 * (every request, state call and teardown passes through JavaScript) and loads about 300 modules;
 * this calls the same native functions in the order pact-core's own `verifyPacts` does, with the
 * one switch pact-core does not expose: whether the core sends teardowns at all.
 */
import { createRequire } from "node:module";
import type { ConsumerVersionSelector, VerifierLogLevel } from "../types.js";
import { isRecord } from "./json.js";

/** What one run of the core verifies, and against what. */
export interface CoreRun {
  readonly provider: string;
  readonly providerBaseUrl: URL;
  /** Where the core sends provider-state calls; none: interactions run without set-up. */
  readonly statesUrl: string | undefined;
  /** Whether the core sends a teardown call after each interaction (to `statesUrl`). */
  readonly teardowns: boolean;
  /** The `message` transport on the provider's host: the core POSTs each message request there. */
  readonly messages: { readonly port: number; readonly path: string; readonly scheme: string } | undefined;
  readonly timeout: number;
  readonly logLevel: VerifierLogLevel;
  readonly pactFiles: ReadonlyArray<string>;
  readonly pactUrls: ReadonlyArray<string>;
  /** The core's description filter (a regular expression), as `PACT_DESCRIPTION` sets it. */
  readonly description: string | undefined;
  readonly broker:
    | {
        readonly url: string;
        readonly token: string | undefined;
        readonly username: string | undefined;
        readonly password: string | undefined;
        readonly consumerVersionSelectors: ReadonlyArray<ConsumerVersionSelector> | undefined;
      }
    | undefined;
  readonly publish: { readonly providerVersion: string; readonly branch: string | undefined } | undefined;
}

/** The core's answer: its JSON report (verified, passed or not), or why it could not run. */
export type CoreOutcome =
  | { readonly _tag: "report"; readonly json: string }
  | { readonly _tag: "failed"; readonly message: string };

type Ffi = ReturnType<typeof import("@pact-foundation/pact-core/src/ffi/index.js")["getFfiLib"]>;

const loadFfiModule = () => import("@pact-foundation/pact-core/src/ffi/index.js");

let loading: ReturnType<typeof loadFfiModule> | undefined;

/** Loads the native binding's module (once per process); the core itself starts on first use. */
export const loadPactCore = (): ReturnType<typeof loadFfiModule> => {
  loading ??= loadFfiModule();
  return loading;
};

/**
 * pact-core's version (its package.json), the verifying application's version; "unknown" if
 * unreadable. Read with `require` (a JSON import needs import attributes, whose syntax changed
 * between Node 20 and 22); the CommonJS build has no `import.meta.url` but its own `require`.
 */
const pactCoreVersion = (): string => {
  try {
    const url: unknown = import.meta.url;
    const load = typeof url === "string" && url.startsWith("file:") ? createRequire(url) : require;
    const manifest: unknown = load("@pact-foundation/pact-core/package.json");
    const version = isRecord(manifest) ? manifest.version : undefined;
    return typeof version === "string" ? version : "unknown";
  } catch {
    return "unknown";
  }
};

/** pact_ffi's results of `pactffi_verifier_execute`. */
const VERIFIED = 0;
const NOT_VERIFIED = 1;

const env = (name: string): string => process.env[name] ?? "";

/** Sets the run up on a new verifier handle, in pact-core's order (`orderOfExecution`). */
const configure = (ffi: Ffi, run: CoreRun, version: string): number => {
  // The application pact-js's Verifier names (pact-core), so published results read as before.
  const handle = ffi.pactffiVerifierNewForApplication("pact-core", version);
  const base = run.providerBaseUrl;
  const port = base.port === "" ? (base.protocol === "https:" ? 443 : 80) : Number(base.port);
  ffi.pactffiVerifierSetProviderInfo(
    handle,
    run.provider,
    base.protocol.replace(":", ""),
    base.hostname.replace(/^\[(.*)\]$/, "$1"),
    port,
    base.pathname,
  );
  // The core's filters, as pact-core reads them from the environment; `description` wins.
  const description = run.description ?? env("PACT_DESCRIPTION");
  if (description !== "" || env("PACT_PROVIDER_STATE") !== "" || env("PACT_PROVIDER_NO_STATE") !== "")
    ffi.pactffiVerifierSetFilterInfo(
      handle,
      description,
      env("PACT_PROVIDER_STATE"),
      env("PACT_PROVIDER_NO_STATE") !== "",
    );
  if (run.statesUrl !== undefined)
    ffi.pactffiVerifierSetProviderState(handle, run.statesUrl, run.teardowns, true);
  ffi.pactffiVerifierSetVerificationOptions(handle, false, run.timeout);
  if (run.publish !== undefined)
    ffi.pactffiVerifierSetPublishOptions(
      handle,
      run.publish.providerVersion,
      "",
      [],
      run.publish.branch ?? "",
    );
  ffi.pactffiVerifierSetFailIfNoPactsFound(handle, true);
  for (const file of run.pactFiles) ffi.pactffiVerifierAddFileSource(handle, file);
  const broker = run.broker;
  for (const url of run.pactUrls)
    ffi.pactffiVerifierUrlSource(
      handle,
      url,
      broker?.username ?? env("PACT_BROKER_USERNAME"),
      broker?.password ?? env("PACT_BROKER_PASSWORD"),
      broker?.token ?? env("PACT_BROKER_TOKEN"),
    );
  if (broker !== undefined)
    ffi.pactffiVerifierBrokerSourceWithSelectors(
      handle,
      broker.url,
      broker.username ?? env("PACT_BROKER_USERNAME"),
      broker.password ?? env("PACT_BROKER_PASSWORD"),
      broker.token ?? env("PACT_BROKER_TOKEN"),
      false,
      "",
      [],
      run.publish?.branch ?? "",
      (broker.consumerVersionSelectors ?? []).map((s) => JSON.stringify(s)),
      [],
    );
  if (run.messages !== undefined)
    ffi.pactffiVerifierAddProviderTransport(
      handle,
      "message",
      run.messages.port,
      run.messages.path,
      run.messages.scheme,
    );
  return handle;
};

/**
 * Runs the core once. Never rejects: a core that cannot load or run is a `failed` outcome with the
 * reason. While it runs, the core prints its transcript on this process's stdout.
 */
export const runPactCore = async (run: CoreRun): Promise<CoreOutcome> => {
  let ffi: Ffi;
  let version: string;
  try {
    const module = await loadPactCore();
    ffi = module.getFfiLib(run.logLevel);
    version = pactCoreVersion();
  } catch (e) {
    return {
      _tag: "failed",
      message: `cannot load the Pact core: ${e instanceof Error ? e.message : String(e)}`,
    };
  }
  let handle: number;
  try {
    handle = configure(ffi, run, version);
  } catch (e) {
    return { _tag: "failed", message: e instanceof Error ? e.message : String(e) };
  }
  return new Promise((resolve) => {
    ffi.pactffiVerifierExecute(handle, (error, result) => {
      const json = ffi.pactffiVerifierJson(handle);
      ffi.pactffiVerifierShutdown(handle);
      if (error) {
        resolve({ _tag: "failed", message: error instanceof Error ? error.message : String(error) });
      } else if (result === VERIFIED || result === NOT_VERIFIED) {
        resolve({ _tag: "report", json });
      } else {
        resolve({
          _tag: "failed",
          message:
            result === 4
              ? "the core was invoked with invalid arguments (pact_ffi result 4)"
              : `the core stopped unexpectedly (pact_ffi result ${result})`,
        });
      }
    });
  });
};
