/**
 * The webhook dispatcher (decisions W1, W2): delivers the outbox's due events to each merchant's
 * callback URL, at least once, retrying on the documented schedule.
 *
 * @since 0.1.0
 */
import type { Merchant, MerchantRegistry } from "./merchants.js";
import {
  attemptBodyChars,
  claimNextWebhook,
  type Database,
  markDelivered,
  markManual,
  type OutboxRow,
  scheduleRetry,
} from "./store/index.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * The delays before each retry (decision W2): 5 min, 15 min, 1 h, 3 h, 6 h, 12 h after the failed
 * attempt; after the sixth retry fails the event is marked for manual retry.
 *
 * @since 0.1.0
 * @category Webhooks
 */
export const webhookRetryDelaysMs: ReadonlyArray<number> = [
  5 * MINUTE,
  15 * MINUTE,
  HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
];

/**
 * How the receiver answered, when it did: its status code and the start of its body (what the
 * sandbox's webhook ledger shows).
 *
 * @since 0.1.0
 * @category Webhooks
 */
export interface ReceiverAnswer {
  readonly statusCode?: number | undefined;
  readonly body?: string | undefined;
}

/**
 * How one delivery went: `delivered` (2xx), `retry` (5xx, 408, 429, no answer: try again later),
 * or `rejected` (another status: the merchant refuses it, retrying will not help); with the
 * receiver's answer when there was one.
 *
 * @since 0.1.0
 * @category Webhooks
 */
export type DeliveryResult =
  | ({ readonly _tag: "delivered" } & ReceiverAnswer)
  | ({ readonly _tag: "retry"; readonly error: string } & ReceiverAnswer)
  | ({ readonly _tag: "rejected"; readonly error: string } & ReceiverAnswer);

/**
 * Sends one callback. The default POSTs the JSON payload with `X-API-Key`, `Content-Type` and
 * `Accept: application/json`. `signal` aborts when the dispatcher stops waiting (its `timeoutMs`):
 * a sender should give up then; its answer is not waited for anyway.
 *
 * @since 0.1.0
 * @category Webhooks
 */
export type WebhookSender = (request: {
  readonly url: string;
  readonly apiKey: string;
  readonly payload: unknown;
  readonly signal?: AbortSignal | undefined;
}) => Promise<DeliveryResult>;

const noAnswer = (error: unknown): DeliveryResult => ({
  _tag: "retry",
  error: `no answer: ${error instanceof Error ? error.message : String(error)}`,
});

/**
 * The default {@link WebhookSender}: `fetch` with a timeout (default 10 s), also aborted by the
 * request's `signal`.
 *
 * @since 0.1.0
 * @category Webhooks
 */
export const fetchWebhookSender =
  (timeoutMs = 10_000): WebhookSender =>
  async ({ url, apiKey, payload, signal }) => {
    try {
      const timeout = AbortSignal.timeout(timeoutMs);
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json", "x-api-key": apiKey },
        body: JSON.stringify(payload),
        signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
      });
      const text = await response.text().catch(() => "");
      const answer = { statusCode: response.status, body: text.slice(0, attemptBodyChars) };
      if (response.ok) return { _tag: "delivered", ...answer };
      const error = `HTTP ${response.status}`;
      const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
      return retryable ? { _tag: "retry", error, ...answer } : { _tag: "rejected", error, ...answer };
    } catch (error) {
      return noAnswer(error);
    }
  };

/**
 * One delivery attempt as the dispatcher saw it (for {@link DispatchOptions.onAttempt}): the event,
 * where it went (`null`: the merchant has no callback URL), the result, how long the receiver took
 * (wall time), the instant the outcome was recorded at, and the retry it scheduled (`null`: none).
 *
 * @since 0.1.0
 * @category Webhooks
 */
export interface DeliveryAttempt {
  readonly row: OutboxRow;
  readonly url: string | null;
  readonly result: DeliveryResult;
  readonly latencyMs: number;
  readonly at: number;
  readonly nextAttemptAt: number | null;
}

/**
 * What one {@link dispatchDue} run did, with the ids of the events in each group.
 *
 * @since 0.1.0
 * @category Webhooks
 */
export interface DispatchReport {
  readonly delivered: ReadonlyArray<number>;
  readonly retried: ReadonlyArray<number>;
  readonly manual: ReadonlyArray<number>;
}

/**
 * Options of {@link dispatchDue} (decision H6):
 *
 * - `limit`: the most events one run claims (default 100);
 * - `timeoutMs`: how long one delivery is waited for (default 10 s); no answer by then is a failed
 *   attempt (retried on the W2 schedule) whose outcome is unknown: the merchant may have it;
 * - `leaseMs`: how long a claimed event is kept from other dispatchers (default 60 s); it must
 *   exceed `timeoutMs`, since it covers one delivery and the recording of its outcome;
 * - `concurrency`: deliveries in flight at once (default 8); at most two of one merchant
 *   (`perMerchant`), so that one slow merchant holds no more of them;
 * - `now`: the instant of each claim and outcome (default: the run's `at` throughout); a run on
 *   the wall clock passes it so that a lease taken late in a run is as long as one taken early;
 * - `send`: the sender (default {@link fetchWebhookSender} with `timeoutMs`).
 *
 * @since 0.1.0
 * @category Webhooks
 */
export interface DispatchOptions {
  readonly limit?: number | undefined;
  readonly timeoutMs?: number | undefined;
  readonly leaseMs?: number | undefined;
  readonly concurrency?: number | undefined;
  readonly now?: (() => number) | undefined;
  readonly send?: WebhookSender | undefined;
  /** Told of every attempt after its outcome is recorded (the sandbox's webhook ledger). */
  readonly onAttempt?: ((attempt: DeliveryAttempt) => Promise<void>) | undefined;
}

/** Waits for the sender at most `timeoutMs`, then aborts it: no answer in time is a retry. */
const sendWithin = async (
  send: WebhookSender,
  request: { readonly url: string; readonly apiKey: string; readonly payload: unknown },
  timeoutMs: number,
): Promise<DeliveryResult> => {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<DeliveryResult>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ _tag: "retry", error: `no answer within ${timeoutMs} ms` });
    }, timeoutMs);
  });
  try {
    return await Promise.race([send({ ...request, signal: controller.signal }).catch(noAnswer), timedOut]);
  } finally {
    clearTimeout(timer);
  }
};

/**
 * One delivery of `payload` to the merchant's callback URL, waited for at most `timeoutMs` (no
 * callback URL: a retry), and how long the receiver took (wall time). The dispatcher's and the
 * sandbox's resend and test event.
 *
 * @since 0.1.0
 * @category Webhooks
 */
export const deliverOnce = async (
  send: WebhookSender,
  merchant: Merchant | undefined,
  payload: unknown,
  timeoutMs: number,
): Promise<{ readonly result: DeliveryResult; readonly latencyMs: number }> => {
  if (merchant?.callbackUrl === undefined)
    return { result: { _tag: "retry", error: "the merchant has no callback URL" }, latencyMs: 0 };
  const sentAt = performance.now();
  const request = { url: merchant.callbackUrl, apiKey: merchant.callbackApiKey, payload };
  const result = await sendWithin(send, request, timeoutMs);
  return { result, latencyMs: performance.now() - sentAt };
};

/** Deliveries of one merchant in flight at once. */
const perMerchant = 2;
/** A run stops claiming after this much wall time and ends when its deliveries have. */
const maxRunMs = 30_000;
/**
 * While deliveries are in flight and nothing is claimable, look again this often, so an event due
 * meanwhile does not wait for a slow delivery.
 */
const pollMs = 250;

const positive = (value: number | undefined, fallback: number, name: string): number => {
  const chosen = value ?? fallback;
  if (!Number.isInteger(chosen) || chosen < 1)
    throw new RangeError(`${name} must be a positive integer, got ${chosen}`);
  return chosen;
};

/**
 * Delivers the outbox's events due at `at` (decisions W2, H6), several at once, each claimed by
 * itself just before its delivery and leased for `leaseMs` (other dispatchers, in this process or
 * another instance on the same database, leave it alone meanwhile), then records each outcome
 * under that lease: delivered; retry at the outcome's instant + the next delay of
 * {@link webhookRetryDelaysMs}; or manual when retries are used up or the merchant rejects it.
 *
 * So an event is sent twice only when its first outcome is truly unknown: no answer within
 * `timeoutMs` (the merchant may have it), or this dispatcher died or lost the database before it
 * recorded the outcome (the lease runs out, another dispatcher sends it again). At most
 * `perMerchant` deliveries of one merchant run at once, so a slow merchant delays only itself, and
 * one of a session, so a run sends a session's events in the order they were written.
 *
 * A run ends when nothing more is due (or claimable), after `limit` claims, or once `maxRunMs` has
 * passed, when its deliveries have ended. "Nothing is due" is only concluded from a claim made after
 * the last delivery ended: a claim that left out a session whose delivery ended meanwhile is made
 * again, so a session's next event is sent in the same run. Call it with the provider's clock (`pnpm start` runs it
 * every second with `now` = the clock); tests call it directly after advancing a test clock. A
 * failure to record an outcome rejects the run after its other deliveries have ended.
 *
 * @since 0.1.0
 * @category Webhooks
 */
export const dispatchDue = async (
  db: Database,
  merchants: MerchantRegistry,
  at: number,
  options: DispatchOptions = {},
): Promise<DispatchReport> => {
  const timeoutMs = positive(options.timeoutMs, 10_000, "timeoutMs");
  const leaseMs = positive(options.leaseMs, Math.max(60_000, 2 * timeoutMs), "leaseMs");
  if (leaseMs <= timeoutMs) {
    throw new RangeError(
      `leaseMs (${leaseMs}) must exceed timeoutMs (${timeoutMs}): a lease covers one delivery`,
    );
  }
  const limit = positive(options.limit, 100, "limit");
  const concurrency = positive(options.concurrency, 8, "concurrency");
  const now = options.now ?? (() => at);
  const send = options.send ?? fetchWebhookSender(timeoutMs);
  const started = performance.now();

  const report: { delivered: number[]; retried: number[]; manual: number[] } = {
    delivered: [],
    retried: [],
    manual: [],
  };
  const inFlight = new Set<Promise<void>>();
  const perMerchantInFlight = new Map<string, number>();
  // One delivery per session at a time: a session's events go out in the order they were written.
  const sessionsInFlight = new Set<string>();
  const failures: unknown[] = [];
  let claims = 0;
  // Deliveries ended so far: a claim that found nothing while one ended may have left out a
  // session that is free again (and has its next event due), so it does not end the run.
  let ended = 0;

  const deliver = async (row: OutboxRow, leasedUntil: number): Promise<void> => {
    const merchant = merchants.get(row.merchantId);
    const { result, latencyMs } = await deliverOnce(send, merchant, row.payload, timeoutMs);
    const outcomeAt = now();
    const attempt = (nextAttemptAt: number | null) =>
      options.onAttempt?.({
        row,
        url: merchant?.callbackUrl ?? null,
        result,
        latencyMs,
        at: outcomeAt,
        nextAttemptAt,
      });
    if (result._tag === "delivered") {
      // Delivered is a fact even if the lease ran out meanwhile: recorded unless already recorded.
      await markDelivered(db, row.id, outcomeAt);
      report.delivered.push(row.id);
      await attempt(null);
      return;
    }
    const delay = webhookRetryDelaysMs[row.attempts];
    if (result._tag === "retry" && delay !== undefined) {
      const recorded = await scheduleRetry(db, row.id, outcomeAt + delay, result.error, { leasedUntil });
      report.retried.push(row.id);
      await attempt(recorded ? outcomeAt + delay : null);
      return;
    }
    await markManual(db, row.id, result.error, { leasedUntil });
    report.manual.push(row.id);
    await attempt(null);
  };

  const start = (row: OutboxRow, leasedUntil: number) => {
    perMerchantInFlight.set(row.merchantId, (perMerchantInFlight.get(row.merchantId) ?? 0) + 1);
    sessionsInFlight.add(row.sessionId);
    const delivery: Promise<void> = deliver(row, leasedUntil)
      .catch((error: unknown) => {
        failures.push(error);
      })
      .finally(() => {
        ended++;
        sessionsInFlight.delete(row.sessionId);
        const left = (perMerchantInFlight.get(row.merchantId) ?? 1) - 1;
        if (left === 0) perMerchantInFlight.delete(row.merchantId);
        else perMerchantInFlight.set(row.merchantId, left);
        inFlight.delete(delivery);
      });
    inFlight.add(delivery);
  };

  const mayClaim = () => claims < limit && performance.now() - started < maxRunMs && failures.length === 0;

  for (;;) {
    // Fill the free slots, one claim at a time (so the per-merchant count is exact).
    while (inFlight.size < concurrency && mayClaim()) {
      const saturated = [...perMerchantInFlight].filter(([, n]) => n >= perMerchant).map(([id]) => id);
      const claimAt = now();
      const leasedUntil = claimAt + leaseMs;
      const endedBefore = ended;
      const row = await claimNextWebhook(db, claimAt, leasedUntil, {
        excludeMerchants: saturated,
        excludeSessions: [...sessionsInFlight],
      }).catch((error: unknown) => {
        failures.push(error);
        return undefined;
      });
      // Nothing due for the sessions and merchants left out when the claim was made; if a delivery
      // ended meanwhile, its session and merchant are free again: claim once more before deciding.
      if (row === undefined && ended !== endedBefore) continue;
      if (row === undefined) break;
      claims++;
      start(row, leasedUntil);
    }
    if (inFlight.size === 0) break;
    if (!mayClaim()) {
      await Promise.all(inFlight);
      break;
    }
    // Wait for a delivery to end or, with a slot free, look again after pollMs (an event due
    // meanwhile, or of a merchant no longer saturated, does not wait for a slow delivery).
    let poll: ReturnType<typeof setTimeout> | undefined;
    const waits: Array<Promise<void>> = [...inFlight];
    if (inFlight.size < concurrency)
      waits.push(new Promise<void>((resolve) => (poll = setTimeout(resolve, pollMs))));
    await Promise.race(waits);
    clearTimeout(poll);
  }
  if (failures.length > 0) throw failures[0];
  return report;
};

/**
 * Runs `task` every `intervalMs` (never two at once) until the returned stop function is called;
 * errors go to `onError`. Used by `pnpm start` for the dispatcher and the expiry sweeper.
 *
 * @since 0.1.0
 * @category Webhooks
 */
export const every = (
  intervalMs: number,
  task: () => Promise<unknown>,
  onError: (error: unknown) => void,
): (() => Promise<void>) => {
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running !== undefined) return;
    running = task()
      .catch(onError)
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
};
