/**
 * Identifiers the provider issues: sessions, charges, captures, refunds and the trace id of an error
 * answer.
 *
 * @since 0.1.0
 */
import { randomUUID } from "node:crypto";

/**
 * Makes new ids. Session ids must be UUIDs (the store's key); the others are free-form strings.
 * Inject a deterministic one in tests.
 *
 * @since 0.1.0
 * @category Server
 */
export interface IdGenerator {
  readonly sessionId: () => string;
  readonly chargeId: () => string;
  readonly captureId: () => string;
  readonly traceId: () => string;
  readonly refundId: () => string;
}

/**
 * Random UUIDs (`crypto.randomUUID`) for everything: the default.
 *
 * @since 0.1.0
 * @category Server
 */
export const randomIds: IdGenerator = {
  sessionId: () => randomUUID(),
  chargeId: () => randomUUID(),
  captureId: () => randomUUID(),
  traceId: () => randomUUID(),
  refundId: () => randomUUID(),
};
