/**
 * The `payment-session-contracts verify` command: flags → {@link VerifyProviderOptions}, one clear line for
 * bad usage, the verification in a child process (so the Pact core's own transcript does not mix with the
 * report), the per-interaction report, and the exit code.
 *
 * @since 0.1.0
 */
import { parseArgs } from "node:util";
import { formatReport } from "./format.js";
import {
  type ConsumerVersionSelector,
  isVerifierLogLevel,
  showsCoreTranscript,
  type VerifierUsageError,
  type VerifyProviderOptions,
  verifierLogLevels,
} from "./types.js";
import { checkHttpUrl, prepareVerification } from "./verifyProvider.js";
import { serveVerifyWorker, startVerifyWorker } from "./worker.js";

/**
 * Exit codes of the CLI.
 *
 * @since 0.1.0
 * @category Verifier CLI
 */
export const ExitCode = { passed: 0, contractFailed: 1, usage: 2 } as const;

/** Where the command writes; the real CLI passes process.stdout/stderr. */
export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** The hidden first argument that makes the entry file run as the verification worker. */
export const WORKER_ARG = "__verify-worker";

/**
 * The `--help` text.
 *
 * @since 0.1.0
 * @category Verifier CLI
 */
export const USAGE = `Usage: payment-session-contracts verify --provider-base-url URL --provider-states-setup-url URL [options]

Verifies a running implementation of the Payments v2 API against the Pact contracts
(HTTP interactions and webhook messages) and prints one line per interaction.

Required:
  --provider-base-url URL          base URL of the running implementation
  --provider-states-setup-url URL  endpoint that sets up provider states:
                                   POST {"state","params","action":"setup"|"teardown"} -> 200 JSON object
                                   (application/json; its keys feed the request, e.g. "id").
                                   Each set-up is sent once: any non-2xx answer, 5xx included,
                                   fails the interaction and is not retried.

Messages (webhooks):
  --provider-messages-url URL      endpoint that produces a webhook message:
                                   POST {"description","providerStates"} -> 200 message body;
                                   a message with metadata (e.g. the X-API-Key header) also needs
                                   the Pact-Message-Metadata header: base64 of a JSON object

Pacts (default: the contracts shipped with this package, else ./contracts):
  --pact-dir DIR                   folder of pact files (*.json)
  --pact-url FILE|URL              one pact file or URL; repeatable
  --broker-url URL                 fetch the pacts from a Pact Broker
  --broker-token TOKEN             broker bearer token (or --broker-username U --broker-password P)
  --consumer-version-selector JSON broker consumer version selector; repeatable
  --publish                        publish the results to the broker (needs --provider-version)
  --provider-version VERSION       provider version for published results
  --provider-branch BRANCH         provider branch for published results

Other:
  --interaction REGEX              verify only the interactions whose description matches REGEX
  --provider NAME                  provider name in the pacts (default: payments-v2-api)
  --junit FILE                     also write a JUnit XML report
  --log-level LEVEL                error (default), warn, info, debug or trace; info and above
                                   also show the Pact core's own output on stderr
  --timeout MS                     timeout of each request to the implementation (default: 30000)
  -h, --help                       show this help

Exit codes: 0 every interaction passed, 1 a contract failed,
            2 bad usage or the implementation could not be reached.
`;

const FLAGS = {
  "provider-base-url": { type: "string" },
  "provider-states-setup-url": { type: "string" },
  "provider-messages-url": { type: "string" },
  "pact-dir": { type: "string" },
  "pact-url": { type: "string", multiple: true },
  "broker-url": { type: "string" },
  "broker-token": { type: "string" },
  "broker-username": { type: "string" },
  "broker-password": { type: "string" },
  "consumer-version-selector": { type: "string", multiple: true },
  publish: { type: "boolean" },
  "provider-version": { type: "string" },
  "provider-branch": { type: "string" },
  provider: { type: "string" },
  interaction: { type: "string" },
  junit: { type: "string" },
  "log-level": { type: "string" },
  timeout: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

type Parsed = { readonly help: true } | { readonly options: VerifyProviderOptions };

const usageError = (message: string): VerifierUsageError => ({ _tag: "VerifierUsageError", message });

const isUsageError = (u: unknown): u is VerifierUsageError =>
  typeof u === "object" && u !== null && "_tag" in u && u._tag === "VerifierUsageError";

/** `parseArgs` errors carry a long hint; keep the first sentence. */
const parseErrorMessage = (e: unknown): string => {
  const text = e instanceof Error ? e.message : String(e);
  const first = text.split(". ")[0] ?? text;
  return `${first.charAt(0).toLowerCase()}${first.slice(1)}`.replace(/\.$/, "");
};

const checkUrlFlag = (
  flag: string,
  value: string | undefined,
  required: boolean,
): VerifierUsageError | undefined => {
  if (value === undefined) return required ? usageError(`missing --${flag} URL`) : undefined;
  const url = checkHttpUrl(`--${flag}`, value);
  return isUsageError(url) ? url : undefined;
};

/**
 * Parses the arguments after `verify` (or `--help`) into verifier options or one usage error.
 *
 * @since 0.1.0
 * @category Verifier CLI
 */
export const parseVerifyArgs = (argv: ReadonlyArray<string>): Parsed | VerifierUsageError => {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof FLAGS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: FLAGS, allowPositionals: true, strict: true });
  } catch (e) {
    return usageError(`${parseErrorMessage(e)} (see --help)`);
  }
  const { values, positionals } = parsed;
  const [command, ...extra] = positionals;
  if (values.help === true || command === "help") return { help: true };
  if (command === undefined) return usageError('missing command: use "verify" (see --help)');
  if (command !== "verify") return usageError(`unknown command "${command}": use "verify" (see --help)`);
  if (extra.length > 0) return usageError(`unexpected argument "${extra[0]}" (see --help)`);

  const urlProblem =
    checkUrlFlag("provider-base-url", values["provider-base-url"], true) ??
    checkUrlFlag("provider-states-setup-url", values["provider-states-setup-url"], true) ??
    checkUrlFlag("provider-messages-url", values["provider-messages-url"], false) ??
    checkUrlFlag("broker-url", values["broker-url"], false) ??
    (values["pact-url"] ?? [])
      .filter((u) => /^[a-z][a-z0-9+.-]*:\/\//i.test(u))
      .map((u) => checkUrlFlag("pact-url", u, true))
      .find((p) => p !== undefined);
  if (urlProblem !== undefined) return urlProblem;

  const selectors: Array<ConsumerVersionSelector> = [];
  for (const raw of values["consumer-version-selector"] ?? []) {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      json = undefined;
    }
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      return usageError(`--consumer-version-selector: not a JSON object: ${JSON.stringify(raw)}`);
    }
    selectors.push(json);
  }
  if (values.publish === true && values["provider-version"] === undefined) {
    return usageError("--publish needs --provider-version");
  }
  if (values.publish === true && values["broker-url"] === undefined)
    return usageError("--publish needs --broker-url");
  const logLevel = values["log-level"];
  if (logLevel !== undefined && !isVerifierLogLevel(logLevel)) {
    return usageError(`--log-level: one of ${verifierLogLevels.join(", ")}, not ${JSON.stringify(logLevel)}`);
  }
  const timeoutText = values.timeout;
  const timeout = timeoutText === undefined ? undefined : Number(timeoutText);
  if (timeout !== undefined && (!Number.isInteger(timeout) || timeout <= 0)) {
    return usageError(`--timeout: not a positive number of milliseconds: ${JSON.stringify(timeoutText)}`);
  }

  const options: VerifyProviderOptions = {
    providerBaseUrl: values["provider-base-url"] ?? "",
    providerStatesSetupUrl: values["provider-states-setup-url"],
    ...(values["provider-messages-url"] === undefined
      ? {}
      : { providerMessagesUrl: values["provider-messages-url"] }),
    ...(values["pact-dir"] === undefined ? {} : { pactDir: values["pact-dir"] }),
    ...(values["pact-url"] === undefined ? {} : { pactUrls: values["pact-url"] }),
    ...(values["broker-url"] === undefined ? {} : { brokerUrl: values["broker-url"] }),
    ...(values["broker-token"] === undefined ? {} : { brokerToken: values["broker-token"] }),
    ...(values["broker-username"] === undefined ? {} : { brokerUsername: values["broker-username"] }),
    ...(values["broker-password"] === undefined ? {} : { brokerPassword: values["broker-password"] }),
    ...(selectors.length === 0 ? {} : { consumerVersionSelectors: selectors }),
    ...(values.publish === true ? { publishVerificationResult: true } : {}),
    ...(values["provider-version"] === undefined ? {} : { providerVersion: values["provider-version"] }),
    ...(values["provider-branch"] === undefined ? {} : { providerVersionBranch: values["provider-branch"] }),
    ...(values.provider === undefined ? {} : { provider: values.provider }),
    ...(values.interaction === undefined ? {} : { interaction: values.interaction }),
    ...(values.junit === undefined ? {} : { junitFile: values.junit }),
    ...(logLevel === undefined ? {} : { logLevel }),
    ...(timeout === undefined ? {} : { timeout }),
    hints: "cli",
  };
  return { options };
};

/** Node flags a child must not inherit (a second inspector would fight for the port). */
const childExecArgv = (): ReadonlyArray<string> =>
  process.execArgv.filter((a) => !/^--(inspect|debug)/.test(a));

/**
 * Runs `verifyProvider` in a child process of `entry` (this CLI file), so that stdout carries only
 * our report; the Pact core's transcript goes to stderr at log level info and above.
 */
const verifyInChild = (entry: string, options: VerifyProviderOptions, io: CommandIo) =>
  startVerifyWorker({
    entry,
    args: [WORKER_ARG],
    execArgv: childExecArgv(),
    ...(showsCoreTranscript(options.logLevel) ? { onOutput: io.stderr } : {}),
  }).verify(options);

/**
 * Runs the CLI with `argv` (without `node` and the script). `entry` is the file that runs the CLI (it is
 * started again as the verification worker). Resolves the exit code; never throws for bad usage.
 *
 * @example process.exitCode = await runCli(process.argv.slice(2), fileURLToPath(import.meta.url), io)
 *
 * @since 0.1.0
 * @category Verifier CLI
 */
export const runCli = async (argv: ReadonlyArray<string>, entry: string, io: CommandIo): Promise<number> => {
  if (argv[0] === WORKER_ARG) return serveVerifyWorker().then(() => 0);
  const parsed = parseVerifyArgs(argv);
  if (isUsageError(parsed)) {
    io.stderr(`error: ${parsed.message}\n`);
    return ExitCode.usage;
  }
  if ("help" in parsed) {
    io.stdout(USAGE);
    return ExitCode.passed;
  }
  const prepared = await prepareVerification(parsed.options);
  if (isUsageError(prepared)) {
    io.stderr(`error: ${prepared.message}\n`);
    return ExitCode.usage;
  }
  const files = prepared.pacts.length + prepared.remotePactUrls.length;
  io.stdout(
    `Verifying ${prepared.provider} at ${prepared.providerBaseUrl.href} against ${files > 0 ? `${files} pact file${files === 1 ? "" : "s"}` : "the broker's pacts"}\n\n`,
  );
  const outcome = await verifyInChild(entry, parsed.options, io);
  if (outcome._tag !== "VerificationReport") {
    io.stderr(`error: ${outcome.message}\n`);
    return ExitCode.usage;
  }
  io.stdout(formatReport(outcome));
  return outcome.ok ? ExitCode.passed : ExitCode.contractFailed;
};
