/**
 * The webhook dispatcher (decisions W1, W2): delivers the outbox's due events to each merchant's
 * callback URL, at least once, retrying on the documented schedule.
 *
 * @since 0.1.0
 */
import type { MerchantRegistry } from "./merchants.js";
import {
  claimDueWebhooks,
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
 * How one delivery went: `delivered` (2xx), `retry` (5xx, 408, 429, no answer: try again later),
 * or `rejected` (another status: the merchant refuses it, retrying will not help).
 *
 * @since 0.1.0
 */
export type DeliveryResult =
  | { readonly _tag: "delivered" }
  | { readonly _tag: "retry"; readonly error: string }
  | { readonly _tag: "rejected"; readonly error: string };

/**
 * Sends one callback. The default POSTs the JSON payload with `X-API-Key`, `Content-Type` and
 * `Accept: application/json`, giving up after `timeoutMs`.
 *
 * @since 0.1.0
 */
export type WebhookSender = (request: {
  readonly url: string;
  readonly apiKey: string;
  readonly payload: unknown;
}) => Promise<DeliveryResult>;

/**
 * The default {@link WebhookSender}: `fetch` with a timeout (default 10 s).
 *
 * @since 0.1.0
 */
export const fetchWebhookSender =
  (timeoutMs = 10_000): WebhookSender =>
  async ({ url, apiKey, payload }) => {
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json", "x-api-key": apiKey },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return { _tag: "delivered" };
      const error = `HTTP ${response.status}`;
      const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
      return retryable ? { _tag: "retry", error } : { _tag: "rejected", error };
    } catch (error) {
      return { _tag: "retry", error: `no answer: ${error instanceof Error ? error.message : String(error)}` };
    }
  };

/** What one {@link dispatchDue} run did, with the ids of the events in each group. @since 0.1.0 */
export interface DispatchReport {
  readonly delivered: ReadonlyArray<number>;
  readonly retried: ReadonlyArray<number>;
  readonly manual: ReadonlyArray<number>;
}

/**
 * Options of {@link dispatchDue}: `limit` events per run (default 100), the lease that keeps other
 * dispatchers off claimed events while they are delivered (default 60 s), the sender.
 *
 * @since 0.1.0
 */
export interface DispatchOptions {
  readonly limit?: number | undefined;
  readonly leaseMs?: number | undefined;
  readonly send?: WebhookSender | undefined;
}

const deliver = async (
  db: Database,
  merchants: MerchantRegistry,
  send: WebhookSender,
  row: OutboxRow,
  at: number,
): Promise<keyof DispatchReport> => {
  const merchant = merchants.get(row.merchantId);
  const result: DeliveryResult =
    merchant?.callbackUrl === undefined
      ? { _tag: "retry", error: "the merchant has no callback URL" }
      : await send({ url: merchant.callbackUrl, apiKey: merchant.callbackApiKey, payload: row.payload });
  if (result._tag === "delivered") {
    await markDelivered(db, row.id, at);
    return "delivered";
  }
  const delay = webhookRetryDelaysMs[row.attempts];
  if (result._tag === "retry" && delay !== undefined) {
    await scheduleRetry(db, row.id, at + delay, result.error);
    return "retried";
  }
  await markManual(db, row.id, result.error);
  return "manual";
};

/**
 * Delivers every outbox event due at `at` (one claim of up to `limit`, leased so concurrent
 * dispatchers take other rows), outside any transaction, then records each outcome: delivered;
 * retry at `at` + the next delay of {@link webhookRetryDelaysMs}; or manual when retries are used
 * up or the merchant rejects it. Call it with the provider's clock (`pnpm start` runs it every
 * second); tests call it directly after advancing a test clock.
 *
 * @since 0.1.0
 */
export const dispatchDue = async (
  db: Database,
  merchants: MerchantRegistry,
  at: number,
  options: DispatchOptions = {},
): Promise<DispatchReport> => {
  const send = options.send ?? fetchWebhookSender();
  const rows = await db.transaction((tx) =>
    claimDueWebhooks(tx, at, options.limit ?? 100, { leaseMs: options.leaseMs ?? 60_000 }),
  );
  const report: { delivered: number[]; retried: number[]; manual: number[] } = {
    delivered: [],
    retried: [],
    manual: [],
  };
  for (const row of rows) report[await deliver(db, merchants, send, row, at)].push(row.id);
  return report;
};

/**
 * Runs `task` every `intervalMs` (never two at once) until the returned stop function is called;
 * errors go to `onError`. Used by `pnpm start` for the dispatcher and the expiry sweeper.
 *
 * @since 0.1.0
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
