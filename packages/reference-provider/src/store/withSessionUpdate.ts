/**
 * One request's write, in one transaction: load the session, decide (the core's `applyEvent`), then
 * store the new snapshot by compare-and-set, with its webhook events. (The request's idempotency
 * record is the caller's: the provider's idempotency layer saves it in the same transaction.)
 *
 * @since 0.1.0
 */
import type { Database, Tx } from "./Database.js";
import { ConcurrencyConflict } from "./errors.js";
import { toEpochMillis } from "./Instant.js";
import { positiveInt } from "./internal/values.js";
import { enqueueWebhooks, type NewWebhook, type OutboxRow } from "./outbox.js";
import {
  deferUpdateLockedSession,
  loadSession,
  type SessionChange,
  type SessionRow,
  updateSession,
} from "./sessions.js";

/**
 * What the callback decided about the loaded session.
 *
 * - `Write`: store `change` (version + 1), enqueue `webhooks`; `value` is handed back.
 * - `Keep`: change nothing (e.g. the core refused the event: a 422).
 *
 * @since 0.1.0
 * @category Store
 */
export type SessionDecision<A> =
  | {
      readonly _tag: "Write";
      readonly change: Omit<SessionChange, "id" | "merchantId">;
      readonly webhooks?: ReadonlyArray<NewWebhook> | undefined;
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
 * @since 0.1.0
 * @category Store
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
 * Options of {@link withSessionUpdate}.
 *
 * - `forUpdate` (default `true`): load with `SELECT … FOR NO KEY UPDATE`, so concurrent requests on one
 *   session queue and the compare-and-set never loses to them. `false`: optimistic; a lost
 *   compare-and-set is retried.
 * - `maxAttempts` (default 5): how many times to load and decide before giving up with
 *   {@link ConcurrencyConflict}.
 *
 * @since 0.1.0
 * @category Store
 */
export interface SessionUpdateOptions {
  readonly forUpdate?: boolean | undefined;
  readonly maxAttempts?: number | undefined;
}

/**
 * Runs load → `decide(row)` → update in one transaction (or, given a `Tx`, inside that one). On a version conflict the attempt is rolled
 * back to a savepoint (so whatever `decide` wrote through `tx`, e.g. a `nextSequence`, is undone)
 * and `decide` runs again on the reloaded row; after `maxAttempts` conflicts it throws
 * {@link ConcurrencyConflict} and nothing is written. If `decide` throws, everything is rolled back
 * and its error is rethrown. `decide` must be pure apart from writes through `tx`: it may run more
 * than once.
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
 * @since 0.1.0
 * @category Store
 */
export const withSessionUpdate = async <A>(
  db: Database | Tx,
  merchantId: string,
  id: string,
  decide: (
    current: SessionRow,
    context: { readonly tx: Tx; readonly attempt: number },
  ) => SessionDecision<A> | Promise<SessionDecision<A>>,
  options: SessionUpdateOptions = {},
): Promise<SessionUpdateOutcome<A>> => {
  const maxAttempts = positiveInt(options.maxAttempts ?? 5, "maxAttempts", 1000);
  const forUpdate = options.forUpdate ?? true;
  const run = async (tx: Tx): Promise<SessionUpdateOutcome<A>> => {
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      // Locked from the load, there is no second attempt, so nothing to roll back to. Otherwise a
      // savepoint to retry from, issued with the load (pipelined on a PostgreSQL server: one round
      // trip), in this order.
      const loaded = forUpdate
        ? await loadSession(tx, merchantId, id, { forUpdate })
        : (
            await Promise.all([
              tx.query(attempt === 1 ? "SAVEPOINT session_update" : "ROLLBACK TO SAVEPOINT session_update"),
              loadSession(tx, merchantId, id, { forUpdate }),
            ])
          )[1];
      if (loaded === null) return { _tag: "NotFound" };
      const decision = await decide(loaded.row, { tx, attempt });
      if (decision._tag === "Keep") return { _tag: "Kept", value: decision.value, row: loaded.row };
      const { change } = decision;
      if (forUpdate) {
        // The row is locked since the load: the compare-and-set cannot lose, so it is not waited
        // for (decision P12; a write that touches no row fails the transaction).
        deferUpdateLockedSession(tx, { ...change, id, merchantId }, loaded.version);
      } else {
        const result = await updateSession(tx, { ...change, id, merchantId }, loaded.version);
        if (result === "not_found") return { _tag: "NotFound" };
        if (result === "version_conflict") continue;
      }
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
    }
    throw new ConcurrencyConflict({
      message: `session ${id} changed under every one of ${maxAttempts} attempts`,
      merchantId,
      sessionId: id,
      attempts: maxAttempts,
    });
  };
  // Inside the caller's transaction: the savepoint loop only; the caller commits.
  return db._tag === "Tx" ? run(db) : db.transaction(run);
};
