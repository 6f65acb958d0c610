/**
 * `GET /_sandbox/clock` and `POST /_sandbox/clock` (sandbox only): read and move the sandbox's test
 * clock (decision S1).
 *
 * @since 0.1.0
 */
import { millisToInstant, parseInstantMillis } from "@payment-session/core";
import { fieldError } from "../answers.js";
import type { ExtraRoute } from "../http/server.js";
import type { SandboxHost } from "./index.js";
import type { SandboxClock } from "./sandboxClock.js";

/** The furthest one move may take the clock: 400 days. */
const maxClockMoveMs = 400 * 24 * 3_600_000;

/**
 * The answer of the clock routes: the time now, how far ahead of real time it runs, and (after a
 * move) what the move did.
 */
interface ClockState {
  readonly now: string;
  readonly offsetSeconds: number;
  readonly expiredSessions?: number;
  readonly webhooks?: { readonly delivered: number; readonly retried: number; readonly manual: number };
}

const state = (clock: SandboxClock): ClockState => ({
  now: millisToInstant(clock.now()),
  offsetSeconds: clock.offsetMs() / 1000,
});

/**
 * Reads how far a `POST /_sandbox/clock` body moves the clock: `{ "advanceSeconds": n }` (a whole
 * number of seconds > 0) or `{ "to": "<ISO-8601 instant with an offset>" }` (later than now). Either
 * the milliseconds to add, or the field and what is wrong with it.
 */
const clockMove = (
  body: unknown,
  now: number,
): { readonly ms: number } | { readonly field: string; readonly message: string } => {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    return { field: "", message: 'expected { "advanceSeconds": n } or { "to": "<instant>" }' };
  const record = body as Record<string, unknown>;
  const unknownKey = Object.keys(record).find((key) => key !== "advanceSeconds" && key !== "to");
  if (unknownKey !== undefined) return { field: unknownKey, message: "unknown field" };
  const { advanceSeconds, to } = record;
  if ((advanceSeconds === undefined) === (to === undefined))
    return { field: "", message: 'send exactly one of "advanceSeconds" and "to"' };
  let ms: number;
  let field: string;
  if (advanceSeconds !== undefined) {
    field = "advanceSeconds";
    if (typeof advanceSeconds !== "number" || !Number.isInteger(advanceSeconds) || advanceSeconds <= 0)
      return { field, message: "a whole number of seconds greater than 0 (the clock only moves forward)" };
    ms = advanceSeconds * 1000;
  } else {
    field = "to";
    const target = typeof to === "string" ? parseInstantMillis(to) : undefined;
    if (target === undefined) return { field, message: "an ISO-8601 date-time with an offset" };
    if (target <= now)
      return {
        field,
        message: `must be later than now (${millisToInstant(now)}): the clock only moves forward`,
      };
    ms = target - now;
  }
  if (ms > maxClockMoveMs)
    return { field, message: `at most ${maxClockMoveMs / 1000} seconds ahead in one move` };
  return { ms };
};

/**
 * Moves the clock by `ms` and runs what real time would have run by then: the offset is added in
 * the database (shared by every instance), then the provider's expiry sweeper and webhook
 * dispatcher run once at the new instant.
 */
const moveClock = async (clock: SandboxClock, host: SandboxHost, ms: number): Promise<ClockState> => {
  await clock.advance(host.services.db, ms);
  const at = clock.now();
  const expiredSessions = await host.sweepExpired(at);
  const report = await host.dispatchDue(at);
  return {
    ...state(clock),
    expiredSessions,
    webhooks: {
      delivered: report.delivered.length,
      retried: report.retried.length,
      manual: report.manual.length,
    },
  };
};

/** The clock routes on `clock` and `host`. */
export const clockRoutes = (clock: SandboxClock, host: SandboxHost): ReadonlyArray<ExtraRoute> => [
  {
    method: "GET",
    path: "/_sandbox/clock",
    handle: async () => {
      await clock.load(host.services.db);
      return { status: 200, body: state(clock) };
    },
  },
  {
    method: "POST",
    path: "/_sandbox/clock",
    handle: async (request) => {
      await clock.load(host.services.db);
      const move = clockMove(request.body, clock.now());
      if ("field" in move) return fieldError(request.traceId, move.field, move.message);
      return { status: 200, body: await moveClock(clock, host, move.ms) };
    },
  },
];
