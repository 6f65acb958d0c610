/**
 * The sandbox's test clock: real time plus an offset that only grows, kept in the database so that
 * every instance on it reads the same time (decision S1). Moving it is one event: add to the
 * shared offset, then run the expiry sweeper and the webhook dispatcher at the new instant — the
 * functions the background loop runs on real time, so expiry, retries, the capture window and the
 * idempotency window (all read from the provider's clock) follow it.
 *
 * @since 0.1.0
 */
import { type ProviderClock, systemClock } from "../clock.js";
import type { Queryable } from "../store/index.js";
import { addClockOffset, readClockOffset } from "../store/settings.js";

/**
 * A {@link ProviderClock} that reads `base` plus the shared offset (as last loaded).
 *
 * - `offsetMs()`: the offset this instance applies now.
 * - `load(db)`: reads the shared offset (at start, and on every background tick, so an instance
 *   follows a move made by another within one tick). The offset applied never decreases.
 * - `advance(db, ms)`: adds `ms` (> 0) to the shared offset, applies it here at once, and returns it.
 */
export interface SandboxClock extends ProviderClock {
  readonly offsetMs: () => number;
  readonly load: (db: Queryable) => Promise<number>;
  readonly advance: (db: Queryable, ms: number) => Promise<number>;
}

/**
 * Makes a {@link SandboxClock} over `base` (default the wall clock).
 *
 * @example
 * const clock = createSandboxClock()
 * await clock.load(db)
 * await clock.advance(db, 3_600_000) // one hour later, for every instance on `db`
 */
export const createSandboxClock = (base: ProviderClock = systemClock): SandboxClock => {
  let offset = 0;
  const apply = (value: number) => {
    offset = Math.max(offset, value);
    return offset;
  };
  return {
    now: () => base.now() + offset,
    offsetMs: () => offset,
    load: async (db) => apply(await readClockOffset(db)),
    advance: async (db, ms) => apply(await addClockOffset(db, ms, offset)),
  };
};
