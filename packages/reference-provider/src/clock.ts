/**
 * Where the provider reads the time: every instant of a request (lazy expiry, idempotency window,
 * token expiry, webhook retries) comes from one injected clock, never from `Date.now()` scattered
 * through the code.
 *
 * @since 0.1.0
 */
import { toEpochMillis } from "./store/index.js";

/**
 * A source of instants (epoch milliseconds). The provider asks it once per request.
 *
 * @since 0.1.0
 * @category Clock
 */
export interface ProviderClock {
  readonly now: () => number;
}

/**
 * The wall clock (`Date.now()`), the default of `startProvider` and `pnpm start`.
 *
 * @since 0.1.0
 * @category Clock
 */
export const systemClock: ProviderClock = { now: () => Date.now() };

/**
 * A clock that only moves when told: tests and the provider-states endpoint ("the clock reads")
 * set it, then advance it to expire sessions or make webhook retries due.
 *
 * @example
 * const clock = createTestClock("2026-03-01T10:00:00Z")
 * clock.advance(16 * 60_000) // past the default 15 min expiry
 * @since 0.1.0
 * @category Clock
 */
export interface TestClock extends ProviderClock {
  /** Sets the time (epoch ms or ISO-8601 with an offset). */
  readonly set: (instant: number | string) => void;
  /** Moves the time forward (or back, with a negative number) by `ms`. */
  readonly advance: (ms: number) => void;
}

/**
 * Makes a {@link TestClock} reading `start` (epoch ms or ISO-8601).
 *
 * @since 0.1.0
 * @category Clock
 */
export const createTestClock = (start: number | string): TestClock => {
  let current = toEpochMillis(start, "start");
  return {
    now: () => current,
    set: (instant) => {
      current = toEpochMillis(instant, "instant");
    },
    advance: (ms) => {
      current = toEpochMillis(current + ms, "instant");
    },
  };
};
