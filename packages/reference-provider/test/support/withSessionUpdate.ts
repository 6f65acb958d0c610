/**
 * A locked session update as a plain callback, for the store's concurrency tests: load the session
 * `FOR NO KEY UPDATE`, decide, then store the new snapshot by the deferred compare-and-set (P12) with
 * its timeline entries (P19) and webhook events — the same store calls the provider's one write
 * (`applyToStored` in `src/sessionWrites.ts`, decision H11) makes, without the core and the HTTP
 * errors around them.
 */
import type { Database, Tx } from "../../src/store/Database.js";
import { toEpochMillis } from "../../src/store/Instant.js";
import { enqueueWebhooks, type NewWebhook, type OutboxRow } from "../../src/store/outbox.js";
import type { NewSessionEvent } from "../../src/store/sandboxRecords.js";
import {
  deferUpdateLockedSession,
  loadSession,
  type SessionChange,
  type SessionRow,
} from "../../src/store/sessions.js";

/**
 * What the callback decided about the loaded session.
 *
 * - `Write`: store `change` (version + 1) and the `timeline` entries, enqueue `webhooks`; `value` is
 *   handed back.
 * - `Keep`: change nothing (e.g. the core refused the event: a 422).
 *
 */
export type SessionDecision<A> =
  | {
      readonly _tag: "Write";
      readonly change: Omit<SessionChange, "id" | "merchantId">;
      readonly webhooks?: ReadonlyArray<NewWebhook> | undefined;
      /** Timeline entries, stored by the row's update statement (decision P19). */
      readonly timeline?: ReadonlyArray<NewSessionEvent> | undefined;
      readonly value: A;
    }
  | { readonly _tag: "Keep"; readonly value: A };

/**
 * What {@link withSessionUpdate} did.
 *
 * - `Written`: committed; `row` is the session as now stored, `webhooks` the events newly enqueued
 *   (a duplicate `dedupeKey` is left out).
 * - `Kept`: committed without a session change.
 * - `NotFound`: no such session for this merchant; the callback was not called.
 *
 */
export type SessionUpdateOutcome<A> =
  | {
      readonly _tag: "Written";
      readonly value: A;
      readonly row: SessionRow;
      readonly webhooks: ReadonlyArray<OutboxRow>;
    }
  | { readonly _tag: "Kept"; readonly value: A; readonly row: SessionRow }
  | { readonly _tag: "NotFound" };

/**
 * Runs load → `decide(row)` → update in one transaction (or, given a `Tx`, inside that one). The
 * session is loaded locked (`SELECT … FOR NO KEY UPDATE`), so concurrent requests on one session
 * queue and the compare-and-set cannot lose: the update is deferred (decision P12; a write that
 * touches no row fails the transaction). If `decide` throws, everything is rolled back and its
 * error is rethrown.
 *
 * @example
 * ```ts
 * const outcome = await withSessionUpdate(db, merchantId, id, (row) => {
 *   const next = applyEvent(row.snapshot, { type: "CONFIRM", at, ... })
 *   return next.refused
 *     ? { _tag: "Keep", value: next }
 *     : { _tag: "Write", value: next, change: { status, expiryAt, snapshot, updatedAt: at }, webhooks: [...] }
 * })
 * ```
 */
export const withSessionUpdate = async <A>(
  db: Database | Tx,
  merchantId: string,
  id: string,
  decide: (
    current: SessionRow,
    context: { readonly tx: Tx },
  ) => SessionDecision<A> | Promise<SessionDecision<A>>,
): Promise<SessionUpdateOutcome<A>> => {
  const run = async (tx: Tx): Promise<SessionUpdateOutcome<A>> => {
    const loaded = await loadSession(tx, merchantId, id, { forUpdate: true });
    if (loaded === null) return { _tag: "NotFound" };
    const decision = await decide(loaded.row, { tx });
    if (decision._tag === "Keep") return { _tag: "Kept", value: decision.value, row: loaded.row };
    const { change } = decision;
    deferUpdateLockedSession(tx, { ...change, id, merchantId }, loaded.version, decision.timeline);
    const webhooks = await enqueueWebhooks(tx, decision.webhooks ?? []);
    const row: SessionRow = {
      ...loaded.row,
      status: change.status,
      expiryAt: change.expiryAt === null ? null : toEpochMillis(change.expiryAt, "expiryAt"),
      snapshot: change.snapshot,
      updatedAt: toEpochMillis(change.updatedAt, "updatedAt"),
      version: loaded.version + 1,
    };
    return { _tag: "Written", value: decision.value, row, webhooks };
  };
  return db._tag === "Tx" ? run(db) : db.transaction(run);
};
