/**
 * @payment-session/reference-provider — the Payments v2 API implemented on @payment-session/core and
 * PostgreSQL (embedded PGlite by default): a thin HTTP shell (decode → load → expire → apply → store
 * → encode), pluggable issuers, an outbox with a webhook dispatcher, an expiry sweeper, and the
 * hooks test set-ups use (`seedSession`, `extraRoutes`, a test clock).
 *
 * @since 0.1.0
 */
export * from "./accessToken.js";
export * from "./answers.js";
export * from "./clock.js";
export * from "./decryptCard.js";
export * from "./http/server.js";
export * from "./ids.js";
export * from "./issuers.js";
export * from "./merchants.js";
export type { ProviderServices, RequestContext } from "./payments.js";
export * from "./refunds/index.js";
export {
  type AttemptRecorder,
  type LedgerAction,
  type LedgerHost,
  type SandboxOptions,
  testEventPayload,
} from "./sandbox/index.js";
export * from "./seedSession.js";
export * from "./startProvider.js";
export * from "./store/index.js";
export * from "./timeline.js";
export * from "./webhookDispatcher.js";
