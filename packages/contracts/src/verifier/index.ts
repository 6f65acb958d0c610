/**
 * The generic provider verifier: verify any implementation of the Payments v2 API, known only by URL,
 * against the Pact contracts (HTTP interactions and webhook messages).
 *
 * @since 0.1.0
 */
export { ExitCode, parseVerifyArgs, runCli, USAGE } from "./command.js";
export { formatReport, REPORT_WIDTH } from "./format.js";
export { messageRequestOf } from "./internal/messages.js";
export { toJUnitXml } from "./junit.js";
export { addToSum, flushSums, markPhase, timed } from "./timings.js";
export {
  type ConsumerVersionSelector,
  DEFAULT_PROVIDER,
  type InteractionVerification,
  isVerifierError,
  isVerifierLogLevel,
  type JsonValue,
  type MessageProducer,
  type MessageProvider,
  type MessageRequest,
  type ProviderStateRef,
  type ProviderStateValues,
  type StateHandler,
  showsCoreTranscript,
  type VerificationMismatch,
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
export {
  checkHttpUrl,
  type PreparedVerification,
  preloadVerifier,
  prepareVerification,
  verifyProvider,
} from "./verifyProvider.js";
export {
  serveVerifyWorker,
  startVerifyWorker,
  type VerifyWorker,
  type VerifyWorkerOptions,
} from "./worker.js";
