/**
 * `GET /_sandbox/clock` and `POST /_sandbox/clock` (sandbox only): read and move the sandbox's test
 * clock (decision S1).
 *
 * @since 0.1.0
 */
import {
  apiValidationError,
  type ErrorDetail,
  Instant,
  issueDetails,
  millisToInstant,
  parseInstantMillis,
} from "@payment-session/core";
import { Result, Schema } from "effect";
import { errorAnswer } from "../answers.js";
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
 * A `POST /_sandbox/clock` body: `{ "advanceSeconds": n }` (a whole number of seconds > 0) or
 * `{ "to": "<ISO-8601 instant with an offset>" }`, exactly one of them and nothing else. Decoded
 * with the core's schemas, so its 400 names the field as the API's do.
 */
const ClockMove = Schema.Struct({
  advanceSeconds: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThan(0))),
  to: Schema.optionalKey(Instant),
}).check(
  Schema.makeFilter(
    (move) =>
      (move.advanceSeconds === undefined) !== (move.to === undefined) ||
      'send exactly one of "advanceSeconds" and "to"',
  ),
);

const decodeClockMove = Schema.decodeUnknownResult(ClockMove);

/**
 * How far a `POST /_sandbox/clock` body moves the clock from `now`: the milliseconds to add
 * (forward only, at most {@link maxClockMoveMs}), or the details of its 400.
 */
const clockMove = (body: unknown, now: number): { readonly ms: number } | ReadonlyArray<ErrorDetail> => {
  const decoded = decodeClockMove(body, { errors: "all", onExcessProperty: "error" });
  if (Result.isFailure(decoded)) return issueDetails(decoded.failure.issue);
  const { advanceSeconds, to } = decoded.success;
  const field = to === undefined ? "advanceSeconds" : "to";
  const ms = to === undefined ? (advanceSeconds ?? 0) * 1000 : (parseInstantMillis(to) ?? now) - now;
  if (ms <= 0)
    return [
      { field, message: `must be later than now (${millisToInstant(now)}): the clock only moves forward` },
    ];
  if (ms > maxClockMoveMs)
    return [{ field, message: `at most ${maxClockMoveMs / 1000} seconds ahead in one move` }];
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
      if (!("ms" in move)) return errorAnswer(apiValidationError(move, { traceId: request.traceId }));
      return { status: 200, body: await moveClock(clock, host, move.ms) };
    },
  },
];
