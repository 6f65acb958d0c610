/**
 * The sandbox's record of what happened (migration 4, decision S4): `session_events`, every event
 * applied to a session with the transitions the machines took, and `webhook_attempts`, every
 * delivery attempt of a webhook. Append-only; the dashboard reads them.
 *
 * @since 0.1.0
 */
import type { Queryable, SqlValue, Tx } from "./Database.js";
import { type Instant, sqlInstant, sqlMillis, toEpochMillis } from "./Instant.js";
import {
  isUuid,
  nullableText,
  oneOf,
  positiveInt,
  text,
  toJsonText,
  toNullableNumber,
  toSafeNumber,
} from "./internal/values.js";

/**
 * One event applied to a session: its type (`CREATE` for the creation), instant, the statuses
 * before (`null` at creation) and after, and the machines' transition keys in the order taken.
 *
 * @since 0.1.0
 * @category Store
 */
export interface NewSessionEvent {
  readonly merchantId: string;
  readonly sessionId: string;
  readonly event: string;
  readonly at: Instant;
  readonly statusBefore: string | null;
  readonly statusAfter: string;
  readonly transitions: ReadonlyArray<string>;
  readonly detail: Readonly<Record<string, string | number | boolean>>;
}

/**
 * A stored {@link NewSessionEvent} (`at` in epoch ms).
 *
 * @since 0.1.0
 * @category Store
 */
export interface SessionEventRow extends Omit<NewSessionEvent, "at"> {
  readonly id: number;
  readonly at: number;
}

/**
 * Appends events to the sessions' timelines, in the caller's transaction beside the session change
 * that applied them: there the INSERT is deferred (`Tx.defer`: on a PostgreSQL server it travels
 * with the transaction's next statement or its COMMIT, no round trip of its own), and its failure
 * fails the transaction, so a change is never committed without its events nor events without it.
 *
 * @since 0.1.0
 * @category Store
 */
export const recordSessionEvents = async (
  db: Queryable | Tx,
  events: ReadonlyArray<NewSessionEvent>,
): Promise<void> => {
  if (events.length === 0) return;
  // One statement for all of a write's events, in their order: one round trip, and one statement
  // text whatever their number (named once, decision P11), as the outbox's enqueue.
  const sql = `INSERT INTO session_events ${sessionEventsSelect(1, "")}`;
  const params = [sessionEventsJson(events)];
  if ("defer" in db) db.defer(sql, params);
  else await db.query(sql, params);
};

/** `events` as the JSON array {@link sessionEventsSelect} reads (store-internal). */
export const sessionEventsJson = (events: ReadonlyArray<NewSessionEvent>): string =>
  toJsonText(
    events.map((event) => ({
      merchant_id: event.merchantId,
      session_id: event.sessionId,
      event: event.event,
      at: toEpochMillis(event.at, "at"),
      status_before: event.statusBefore,
      status_after: event.statusAfter,
      transitions: event.transitions,
      detail: event.detail,
    })),
    "events",
  );

/**
 * The column list and SELECT of an INSERT of the events in parameter `$n` (from
 * {@link sessionEventsJson}), in their order; `join` adds a `FROM` item (store-internal).
 */
export const sessionEventsSelect = (n: number, join: string): string =>
  `(merchant_id, session_id, event, at, status_before, status_after, transitions, detail)
     SELECT e.merchant_id, e.session_id, e.event, timestamptz 'epoch' + e.at * interval '1 millisecond',
            e.status_before, e.status_after, e.transitions, e.detail
       FROM ROWS FROM (jsonb_to_recordset($${n}::jsonb)
              AS (merchant_id text, session_id uuid, event text, at bigint, status_before text, status_after text,
                  transitions jsonb, detail jsonb)) WITH ORDINALITY
            AS e(merchant_id, session_id, event, at, status_before, status_after, transitions, detail, n)${join}
      ORDER BY e.n`;

const toStrings = (value: unknown, what: string): ReadonlyArray<string> => {
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string"))
    throw new Error(`${what} is not a list of strings`);
  return value as ReadonlyArray<string>;
};

/**
 * A merchant's session's timeline, oldest first (empty for an unknown id or another merchant's).
 *
 * @since 0.1.0
 * @category Store
 */
export const listSessionEvents = async (
  db: Queryable,
  merchantId: string,
  sessionId: string,
): Promise<ReadonlyArray<SessionEventRow>> => {
  if (!isUuid(sessionId)) return [];
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT id, merchant_id, session_id::text AS session_id, event, ${sqlMillis("at")} AS at, status_before,
            status_after, transitions, detail
       FROM session_events WHERE merchant_id = $1 AND session_id = $2 ORDER BY id`,
    [merchantId, sessionId],
  );
  return rows.map((raw) => ({
    id: toSafeNumber(raw.id, "session_events.id"),
    merchantId: text(raw.merchant_id, "session_events.merchant_id"),
    sessionId: text(raw.session_id, "session_events.session_id"),
    event: text(raw.event, "session_events.event"),
    at: toSafeNumber(raw.at, "session_events.at"),
    statusBefore: nullableText(raw.status_before, "session_events.status_before"),
    statusAfter: text(raw.status_after, "session_events.status_after"),
    transitions: toStrings(raw.transitions, "session_events.transitions"),
    detail: (raw.detail ?? {}) as Record<string, string | number | boolean>,
  }));
};

/**
 * Who made a delivery attempt: the dispatcher, a resend from the dashboard / sandbox API, or a
 * test event.
 *
 * @since 0.1.0
 * @category Store
 */
export type WebhookAttemptKind = (typeof attemptKinds)[number];

const attemptKinds = ["dispatch", "resend", "test"] as const;
const attemptOutcomes = ["delivered", "retry", "rejected"] as const;

/**
 * One delivery attempt: where it went, how the receiver answered (status code, the start of its
 * body, `error` when it did not answer), how long it took, and the retry it scheduled.
 *
 * @since 0.1.0
 * @category Store
 */
export interface NewWebhookAttempt {
  readonly merchantId: string;
  readonly outboxId: number | null;
  readonly sessionId: string | null;
  readonly event: string;
  readonly kind: WebhookAttemptKind;
  readonly url: string | null;
  readonly outcome: (typeof attemptOutcomes)[number];
  readonly statusCode: number | null;
  readonly latencyMs: number;
  readonly responseBody: string | null;
  readonly error: string | null;
  readonly attemptedAt: Instant;
  readonly nextAttemptAt: Instant | null;
}

/**
 * A stored {@link NewWebhookAttempt} (instants in epoch ms).
 *
 * @since 0.1.0
 * @category Store
 */
export interface WebhookAttemptRow extends Omit<NewWebhookAttempt, "attemptedAt" | "nextAttemptAt"> {
  readonly id: number;
  readonly attemptedAt: number;
  readonly nextAttemptAt: number | null;
}

/**
 * How much of a receiver's answer a sender keeps and the ledger stores (characters).
 *
 * @since 0.1.0
 * @category Store
 */
export const attemptBodyChars = 500;

/**
 * Appends one attempt to the ledger and returns its id.
 *
 * @since 0.1.0
 * @category Store
 */
export const recordWebhookAttempt = async (db: Queryable, attempt: NewWebhookAttempt): Promise<number> => {
  const params: SqlValue[] = [
    attempt.merchantId,
    attempt.outboxId,
    attempt.sessionId,
    attempt.event,
    attempt.kind,
    attempt.url,
    attempt.outcome,
    attempt.statusCode,
    Math.max(0, Math.round(attempt.latencyMs)),
    attempt.responseBody === null ? null : attempt.responseBody.slice(0, attemptBodyChars),
    attempt.error,
    toEpochMillis(attempt.attemptedAt, "attemptedAt"),
    attempt.nextAttemptAt === null ? null : toEpochMillis(attempt.nextAttemptAt, "nextAttemptAt"),
  ];
  const { rows } = await db.query<{ id: unknown }>(
    `INSERT INTO webhook_attempts (merchant_id, outbox_id, session_id, event, kind, url, outcome, status_code,
       latency_ms, response_body, error, attempted_at, next_attempt_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, ${sqlInstant(12)},
       CASE WHEN $13::bigint IS NULL THEN NULL ELSE ${sqlInstant(13)} END)
     RETURNING id`,
    params,
  );
  return toSafeNumber(rows[0]?.id, "webhook_attempts.id");
};

/**
 * A merchant's delivery attempts, newest first: all (at most `limit`), or one session's.
 *
 * @since 0.1.0
 * @category Store
 */
export const listWebhookAttempts = async (
  db: Queryable,
  merchantId: string,
  options: { readonly sessionId?: string | undefined; readonly limit?: number | undefined } = {},
): Promise<ReadonlyArray<WebhookAttemptRow>> => {
  if (options.sessionId !== undefined && !isUuid(options.sessionId)) return [];
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT id, merchant_id, outbox_id, session_id::text AS session_id, event, kind, url, outcome, status_code,
            latency_ms, response_body, error, ${sqlMillis("attempted_at")} AS attempted_at,
            ${sqlMillis("next_attempt_at")} AS next_attempt_at
       FROM webhook_attempts
      WHERE merchant_id = $1 AND ($2::uuid IS NULL OR session_id = $2::uuid)
      ORDER BY id DESC LIMIT $3`,
    [merchantId, options.sessionId ?? null, positiveInt(options.limit ?? 100, "limit", 1000)],
  );
  return rows.map((raw) => ({
    id: toSafeNumber(raw.id, "webhook_attempts.id"),
    merchantId: text(raw.merchant_id, "webhook_attempts.merchant_id"),
    outboxId: toNullableNumber(raw.outbox_id, "webhook_attempts.outbox_id"),
    sessionId: nullableText(raw.session_id, "webhook_attempts.session_id"),
    event: text(raw.event, "webhook_attempts.event"),
    kind: oneOf(raw.kind, attemptKinds, "webhook_attempts.kind"),
    url: nullableText(raw.url, "webhook_attempts.url"),
    outcome: oneOf(raw.outcome, attemptOutcomes, "webhook_attempts.outcome"),
    statusCode: toNullableNumber(raw.status_code, "webhook_attempts.status_code"),
    latencyMs: toSafeNumber(raw.latency_ms, "webhook_attempts.latency_ms"),
    responseBody: nullableText(raw.response_body, "webhook_attempts.response_body"),
    error: nullableText(raw.error, "webhook_attempts.error"),
    attemptedAt: toSafeNumber(raw.attempted_at, "webhook_attempts.attempted_at"),
    nextAttemptAt: toNullableNumber(raw.next_attempt_at, "webhook_attempts.next_attempt_at"),
  }));
};
