/**
 * The sandbox's webhook ledger (decision S4): every delivery attempt of a merchant's webhooks — the
 * dispatcher's, a resend, a test event — with the URL, the receiver's status code, the latency,
 * the start of its answer and the retry the attempt scheduled on the W2 schedule; and the two
 * actions on it, "resend" and "send a test event" (`PAYMENT.TEST`), which answer what the receiver
 * said.
 *
 * @since 0.1.0
 */
import {
  type CreatePaymentSessionRequest,
  createWithIssued,
  type PaymentSession,
  toPaymentSession,
} from "@payment-session/core";
import type { Merchant } from "../merchants.js";
import {
  type Database,
  findWebhook,
  markResentDelivered,
  type NewWebhookAttempt,
  type Queryable,
  recordWebhookAttempt,
  type WebhookAttemptKind,
} from "../store/index.js";
import {
  type DeliveryAttempt,
  type DeliveryResult,
  deliverOnce,
  fetchWebhookSender,
  type WebhookSender,
} from "../webhookDispatcher.js";

/** A resend or a test event: sent at once, waited for 10 s (as the dispatcher does by default). */
const deliverNow = (host: LedgerHost, merchant: Merchant, payload: unknown) =>
  deliverOnce(host.send ?? fetchWebhookSender(10_000), merchant, payload, 10_000);

/**
 * Where the ledger writes an attempt (default: {@link recordWebhookAttempt}). A seam for tests.
 *
 * @since 0.1.0
 * @category Sandbox
 */
export type AttemptRecorder = (db: Queryable, attempt: NewWebhookAttempt) => Promise<unknown>;

/** The dispatcher's `onAttempt` that writes each of its attempts to the ledger. */
export const ledgerOnAttempt =
  (db: Database, record: AttemptRecorder = recordWebhookAttempt) =>
  async (attempt: DeliveryAttempt): Promise<void> => {
    await record(db, {
      ...attemptFields(attempt.result, attempt.latencyMs),
      merchantId: attempt.row.merchantId,
      outboxId: attempt.row.id,
      sessionId: attempt.row.sessionId,
      event: attempt.row.event,
      kind: "dispatch",
      url: attempt.url,
      attemptedAt: attempt.at,
      nextAttemptAt: attempt.nextAttemptAt,
    });
  };

const attemptFields = (result: DeliveryResult, latencyMs: number) => ({
  outcome: result._tag,
  statusCode: result.statusCode ?? null,
  latencyMs,
  responseBody: result.body ?? null,
  error: result._tag === "delivered" ? null : result.error,
});

/**
 * What a resend or a test event answers: the attempt as the ledger holds it (`id`), and what the
 * receiver said.
 *
 * @since 0.1.0
 * @category Sandbox
 */
export interface LedgerAction {
  readonly attemptId: number;
  readonly kind: WebhookAttemptKind;
  readonly event: string;
  readonly url: string | null;
  readonly outcome: DeliveryResult["_tag"];
  readonly statusCode: number | null;
  readonly latencyMs: number;
  readonly responseBody: string | null;
  readonly error: string | null;
  /** A resend that reached the receiver marked the event delivered (it was pending or manual). */
  readonly markedDelivered?: boolean;
}

/**
 * What the ledger's actions run on: the database, the clock, and the sender (default: the
 * dispatcher's `fetch` sender with a 10 s timeout) and recorder (seams for tests).
 *
 * @since 0.1.0
 * @category Sandbox
 */
export interface LedgerHost {
  readonly db: Database;
  readonly now: () => number;
  readonly send?: WebhookSender | undefined;
  readonly record?: AttemptRecorder | undefined;
}

/**
 * Sends `payload` to the merchant's callback URL now (a resend, a test event: never retried), and
 * writes the attempt to the ledger after `delivered` (run when the receiver took it, at the instant
 * the attempt is recorded at). Answers the attempt as {@link LedgerAction}.
 */
const sendNow = async (
  host: LedgerHost,
  merchant: Merchant,
  payload: unknown,
  what: Pick<NewWebhookAttempt, "outboxId" | "sessionId" | "event" | "kind">,
  delivered: (at: number) => Promise<boolean> = async () => false,
): Promise<LedgerAction & { readonly markedDelivered: boolean }> => {
  const { result, latencyMs } = await deliverNow(host, merchant, payload);
  const at = host.now();
  const markedDelivered = result._tag === "delivered" ? await delivered(at) : false;
  const attempt: NewWebhookAttempt = {
    ...attemptFields(result, latencyMs),
    ...what,
    merchantId: merchant.id,
    url: merchant.callbackUrl ?? null,
    attemptedAt: at,
    nextAttemptAt: null,
  };
  const id = await (host.record ?? recordWebhookAttempt)(host.db, attempt);
  return {
    attemptId: typeof id === "number" ? id : 0,
    kind: attempt.kind,
    event: attempt.event,
    url: attempt.url,
    outcome: attempt.outcome,
    statusCode: attempt.statusCode,
    latencyMs: Math.round(attempt.latencyMs),
    responseBody: attempt.responseBody,
    error: attempt.error,
    markedDelivered,
  };
};

/**
 * Sends the merchant's webhook event `outboxId` again, now, to its callback URL, whatever its
 * state (pending, delivered or manual), and writes the attempt to the ledger; when the receiver
 * takes it (2xx), a pending or manual event becomes delivered (the dispatcher stops retrying).
 * `undefined` when the merchant has no such event.
 */
export const resendWebhook = async (
  host: LedgerHost,
  merchant: Merchant,
  outboxId: number,
): Promise<LedgerAction | undefined> => {
  const row = await findWebhook(host.db, merchant.id, outboxId);
  if (row === undefined) return undefined;
  const what = { outboxId: row.id, sessionId: row.sessionId, event: row.event, kind: "resend" } as const;
  return sendNow(host, merchant, row.payload, what, (at) => markResentDelivered(host.db, row.id, at));
};

/** The event name of the sandbox's test call (facts §10: handlers get it from the dashboard). */
const testEventName = "PAYMENT.TEST";

/** The id of the test event's sample session: the nil UUID (no such session exists). */
const testEventSessionId = "00000000-0000-0000-0000-000000000000";

const testEventRequest = {
  clientReferenceId: testEventName,
  amount: { value: 10000, currency: "IDR" },
  paymentMethod: { type: "VIRTUAL_ACCOUNT" },
  paymentMethodOptions: { virtualAccount: { channel: "PERMATA", virtualAccountName: "Sandbox test" } },
  mode: "API",
  autoConfirm: true,
} as const satisfies CreatePaymentSessionRequest;

/**
 * The body of a test event at `at` (decision S4): the callbacks' envelope `{ event, data }` with
 * `event` `PAYMENT.TEST` and `data` a sample payment session rendered by the core (id: the nil
 * UUID, `clientReferenceId` `PAYMENT.TEST`, a PERMATA VA of 10 000 IDR), so a handler that decodes
 * `data` as a session still can.
 *
 * @since 0.1.0
 * @category Sandbox
 */
export const testEventPayload = (at: number): { readonly event: string; readonly data: PaymentSession } => {
  const created = createWithIssued(testEventRequest, { id: testEventSessionId, at });
  if (!created.ok) throw new Error(`the test event's sample session is refused: ${created.refusal.message}`);
  return { event: testEventName, data: toPaymentSession(created.snapshot) };
};

/**
 * Sends a `PAYMENT.TEST` event ({@link testEventPayload}) to the merchant's callback URL now and
 * writes the attempt to the ledger (no outbox row: it is never retried).
 */
export const sendTestEvent = async (host: LedgerHost, merchant: Merchant): Promise<LedgerAction> => {
  const { markedDelivered: _none, ...action } = await sendNow(host, merchant, testEventPayload(host.now()), {
    outboxId: null,
    sessionId: null,
    event: testEventName,
    kind: "test",
  });
  return action;
};
