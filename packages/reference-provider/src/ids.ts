/**
 * Identifiers the provider issues: sessions, charges, captures and the trace id of an error answer.
 *
 * @since 0.1.0
 */
import { randomUUID } from "node:crypto";

/**
 * Makes new ids. Session ids must be UUIDs (the store's key); the others are free-form strings.
 * Inject a deterministic one in tests (see {@link sequentialIds}).
 *
 * @since 0.1.0
 */
export interface IdGenerator {
  readonly sessionId: () => string;
  readonly chargeId: () => string;
  readonly captureId: () => string;
  readonly traceId: () => string;
  /** Refund ids (optional: generators written before refunds fall back to random UUIDs). */
  readonly refundId?: () => string;
}

/**
 * Random UUIDs (`crypto.randomUUID`) for everything: the default.
 *
 * @since 0.1.0
 */
export const randomIds: IdGenerator = {
  sessionId: () => randomUUID(),
  chargeId: () => randomUUID(),
  captureId: () => randomUUID(),
  traceId: () => randomUUID(),
  refundId: () => randomUUID(),
};

const uuidOf = (kind: number, n: number): string =>
  `00000000-0000-4000-${(0x8000 + kind).toString(16)}-${n.toString(16).padStart(12, "0")}`;

/**
 * Predictable UUIDs counting up per kind (`00000000-0000-4000-8001-000000000001`, …), for tests
 * that want stable ids. Each call of this function starts its own counters.
 *
 * @since 0.1.0
 */
export const sequentialIds = (): IdGenerator => {
  const counters = [0, 0, 0, 0, 0];
  const next = (kind: 0 | 1 | 2 | 3 | 4) => () => {
    counters[kind] = (counters[kind] ?? 0) + 1;
    return uuidOf(kind + 1, counters[kind] ?? 0);
  };
  return { sessionId: next(0), chargeId: next(1), captureId: next(2), traceId: next(3), refundId: next(4) };
};
