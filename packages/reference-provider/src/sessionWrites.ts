/**
 * The write path every operation shares: load the session, apply the instant (lazy expiry, decision
 * L4), apply the event through the core, and store the snapshot, its derived columns, the webhook
 * events and the idempotency record in one transaction — or nothing but the expiry when the core
 * refuses.
 *
 * @since 0.1.0
 */
import {
  type Applied,
  applyEvent,
  type PaymentCallback as Callback,
  PaymentCallback,
  persistSession,
  restoreSession,
  type SessionEvent,
  type SessionSnapshot,
  sessionStatus,
} from "@payment-session/core";
import { Schema } from "effect";
import { type Answer, failure, fromRefusal, sessionMissing } from "./answers.js";
import { type IdempotencyKey, idempotencyRecordOf, replayOrConflict } from "./idempotency.js";
import {
  ConcurrencyConflict,
  claimExpired,
  type Database,
  enqueueWebhooks,
  loadSession,
  type NewWebhook,
  type SessionChange,
  type SessionRow,
  StoreError,
  type Tx,
  updateSession,
  withSessionUpdate,
} from "./store/index.js";

/**
 * Restores a stored row's snapshot with the core. A row the core cannot read is a `StoreError`
 * (reason `query`): the database holds something this code did not write.
 *
 * @since 0.1.0
 */
export const restoreRow = (row: SessionRow): SessionSnapshot => {
  const restored = restoreSession(row.snapshot);
  if (!restored.ok) {
    throw new StoreError({
      reason: "query",
      message: `payment session ${row.id} cannot be restored: ${restored.error.message}`,
    });
  }
  return restored.snapshot;
};

/**
 * The session as of instant `at` (decision L4): `EXPIRE` applied through the core. `changed` is
 * true when that moved the session (it must then be stored, with `webhooks`).
 *
 * @since 0.1.0
 */
export const expireAt = (
  snapshot: SessionSnapshot,
  at: number,
): {
  readonly snapshot: SessionSnapshot;
  readonly webhooks: ReadonlyArray<Callback>;
  readonly changed: boolean;
} => {
  const applied = applyEvent(snapshot, { type: "EXPIRE", at });
  if (applied.outcome._tag === "Refused" || sessionStatus(applied.snapshot) === sessionStatus(snapshot)) {
    return { snapshot, webhooks: [], changed: false };
  }
  return { snapshot: applied.snapshot, webhooks: applied.outcome.webhooks, changed: true };
};

/**
 * The row's new state: the persisted snapshot and the columns derived from it (status, expiry,
 * last update).
 *
 * @since 0.1.0
 */
export const sessionChange = (snapshot: SessionSnapshot): Omit<SessionChange, "id" | "merchantId"> => ({
  status: sessionStatus(snapshot),
  expiryAt: snapshot.context.expiryAt,
  snapshot: persistSession(snapshot),
  updatedAt: snapshot.context.updatedAt,
});

/**
 * The dedupe key of a callback (decision W2): session id, event, and the latest charge's id and
 * status (empty when there is no charge).
 *
 * @example
 * webhookDedupeKey(callback) // "7f65…|PAYMENT.PAID|b4db…|SUCCESS"
 * @since 0.1.0
 */
export const webhookDedupeKey = (callback: Callback): string => {
  const charges = callback.data.chargeDetails ?? [];
  const charge = charges[charges.length - 1];
  return [callback.data.id, callback.event, charge?.id ?? "", charge?.status ?? ""].join("|");
};

const encodeCallback = Schema.encodeSync(PaymentCallback);

/** Outbox rows for the callbacks of an outcome, due at `at`. @since 0.1.0 */
export const outboxRows = (
  merchantId: string,
  callbacks: ReadonlyArray<Callback>,
  at: number,
): ReadonlyArray<NewWebhook> =>
  callbacks.map((callback) => ({
    merchantId,
    sessionId: callback.data.id,
    event: callback.event,
    payload: encodeCallback(callback),
    dedupeKey: webhookDedupeKey(callback),
    createdAt: at,
  }));

/**
 * What an operation wants to do with the session as of now: apply an `event`, or answer without
 * one (a request the session makes impossible before any event, e.g. a missing amount).
 *
 * @since 0.1.0
 */
export type Planned =
  | { readonly _tag: "Event"; readonly event: SessionEvent }
  | { readonly _tag: "Answer"; readonly answer: Answer };

/**
 * One operation on a stored session: `plan` picks the event from the session as of now (it may
 * issue instruments through `tx`); `answer` renders an applied (not refused) outcome.
 *
 * @since 0.1.0
 */
export interface SessionOperation {
  readonly plan: (snapshot: SessionSnapshot, tx: Tx) => Promise<Planned>;
  readonly answer: (applied: Applied) => Answer;
}

/** Who asks, when, and how to quote an error. @since 0.1.0 */
export interface OperationContext {
  readonly merchantId: string;
  readonly at: number;
  readonly traceId: string;
}

/**
 * Runs `operation` on session `id` of the merchant in one transaction (the store's
 * `withSessionUpdate`, row locked):
 *
 * 1. restore the snapshot; apply `EXPIRE` at `at` (stored if it changed anything, with its
 *    `PAYMENT.CANCELLED`);
 * 2. plan and apply the event through the core;
 * 3. refused → the refusal's answer (422 / 400 / 404), the session unchanged; accepted → store the
 *    snapshot (version + 1), derived columns, outbox rows of the outcome's callbacks;
 * 4. save the idempotency record with the answer (200 and 422 only).
 *
 * A concurrent request with the same key that committed first is replayed (or 409). An unknown
 * session is 404.
 *
 * @since 0.1.0
 */
export const applyToSession = async (
  db: Database,
  context: OperationContext,
  id: string,
  operation: SessionOperation,
  idempotency?: IdempotencyKey,
): Promise<Answer> => {
  const { merchantId, at, traceId } = context;
  try {
    const outcome = await withSessionUpdate(db, merchantId, id, async (row, { tx }) => {
      const expiry = expireAt(restoreRow(row), at);
      const planned = await operation.plan(expiry.snapshot, tx);
      let next = expiry.snapshot;
      let changed = expiry.changed;
      const callbacks = [...expiry.webhooks];
      let answer: Answer;
      if (planned._tag === "Answer") {
        answer = planned.answer;
      } else {
        const applied = applyEvent(expiry.snapshot, planned.event);
        if (applied.outcome._tag === "Refused") {
          answer = fromRefusal(applied.outcome, traceId);
        } else {
          answer = operation.answer(applied);
          callbacks.push(...applied.outcome.webhooks);
          if (applied.outcome._tag !== "Duplicate") {
            next = applied.snapshot;
            changed = true;
          }
        }
      }
      const record = idempotencyRecordOf(idempotency, answer);
      return changed
        ? {
            _tag: "Write" as const,
            change: sessionChange(next),
            webhooks: outboxRows(merchantId, callbacks, at),
            idempotency: record,
            value: answer,
          }
        : { _tag: "Keep" as const, idempotency: record, value: answer };
    });
    switch (outcome._tag) {
      case "Written":
      case "Kept":
        return outcome.value;
      case "NotFound":
        return sessionMissing(id, traceId);
      case "DuplicateRequest":
        return idempotency === undefined
          ? sessionMissing(id, traceId)
          : replayOrConflict(outcome.record, idempotency, traceId);
    }
  } catch (error) {
    if (error instanceof ConcurrencyConflict) {
      return failure(409, "duplicate_error", "The payment session changed concurrently; retry the request", {
        traceId,
        type: "GATEWAY_ERROR",
      });
    }
    throw error;
  }
};

/**
 * A stored session as of `at`: restored, and expired through the core if its time has passed —
 * in which case the expiry is stored first (with its webhook), so a read never shows a state the
 * database does not hold.
 *
 * @since 0.1.0
 */
export const freshSnapshot = async (db: Database, row: SessionRow, at: number): Promise<SessionSnapshot> => {
  const expiry = expireAt(restoreRow(row), at);
  if (!expiry.changed) return expiry.snapshot;
  const outcome = await withSessionUpdate(db, row.merchantId, row.id, (current) => {
    const now = expireAt(restoreRow(current), at);
    return now.changed
      ? {
          _tag: "Write" as const,
          change: sessionChange(now.snapshot),
          webhooks: outboxRows(row.merchantId, now.webhooks, at),
          value: now.snapshot,
        }
      : { _tag: "Keep" as const, value: now.snapshot };
  });
  return outcome._tag === "Written" || outcome._tag === "Kept" ? outcome.value : expiry.snapshot;
};

/**
 * Loads a merchant's session as of `at` (see {@link freshSnapshot}), or `null` when the merchant
 * has no session with that id.
 *
 * @since 0.1.0
 */
export const readSession = async (
  db: Database,
  merchantId: string,
  id: string,
  at: number,
): Promise<SessionSnapshot | null> => {
  const loaded = await loadSession(db, merchantId, id);
  return loaded === null ? null : freshSnapshot(db, loaded.row, at);
};

/**
 * The expiry sweeper (decision L4): expires every session whose `expiryAt` is not after `at`, in
 * transactions of up to `batchSize` sessions claimed with `FOR UPDATE SKIP LOCKED` (so sweepers and
 * requests never wait for each other), through the same core `EXPIRE` as the lazy path, writing the
 * same snapshot and `PAYMENT.CANCELLED` outbox rows. Returns how many sessions it expired.
 *
 * @since 0.1.0
 */
export const sweepExpired = async (db: Database, at: number, batchSize = 100): Promise<number> => {
  let total = 0;
  for (;;) {
    const { claimed, expired } = await db.transaction(async (tx) => {
      const rows = await claimExpired(tx, at, batchSize);
      let count = 0;
      for (const row of rows) {
        const expiry = expireAt(restoreRow(row), at);
        if (!expiry.changed) continue;
        const change = { ...sessionChange(expiry.snapshot), id: row.id, merchantId: row.merchantId };
        if ((await updateSession(tx, change, row.version)) !== "updated") continue;
        await enqueueWebhooks(tx, outboxRows(row.merchantId, expiry.webhooks, at));
        count++;
      }
      return { claimed: rows.length, expired: count };
    });
    total += expired;
    if (claimed < batchSize || expired === 0) return total;
  }
};
