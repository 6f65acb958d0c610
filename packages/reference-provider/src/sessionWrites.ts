/**
 * The write path every operation shares: load the session, bring it to the request's instant
 * (lazy expiry, decision L4), apply the event through the core, and store the snapshot, its derived
 * columns and its webhook events in the caller's transaction — or nothing but the expiry when the
 * core refuses. Failures are the core's API errors and the expected store failures
 * (`StoreUnavailable`); any other store failure is a defect (`StoreError`).
 *
 * @since 0.1.0
 */
import {
  type Applied,
  applyEvent,
  type PaymentCallback as Callback,
  callbackDedupeKey,
  type Outcome,
  PaymentCallback,
  persistSession,
  type RefusalError,
  type Refused,
  type ResourceMissingError,
  refusalError,
  restoreSession,
  type SessionEvent,
  type SessionSnapshot,
  sessionAt,
  sessionMissingError,
  sessionStatus,
} from "@payment-session/core";
import { Effect, Exit, Schema } from "effect";
import type { RequestContext } from "./payments.js";
import {
  claimExpired,
  type Database,
  DuplicateIdempotencyKey,
  deferUpdateLockedSession,
  enqueueWebhooks,
  isDuplicateIdempotencyKey,
  loadSession,
  type NewWebhook,
  recordSessionEvents,
  type SessionChange,
  type SessionRow,
  StoreError,
  StoreUnavailable,
  type Tx,
  updateSessions,
} from "./store/index.js";
import { eventEntry, expiryEntries } from "./timeline.js";

/**
 * The expected store failure `error` stands for, if any: the database unusable (`connect`,
 * `closed`) is {@link StoreUnavailable}; a live idempotency record met by a deferred write is
 * {@link DuplicateIdempotencyKey} (expected of a COMMIT only). Anything else is a bug: a defect.
 */
const storeFailure = (error: unknown): StoreUnavailable | DuplicateIdempotencyKey | undefined => {
  if (!(error instanceof StoreError)) return undefined;
  if (error.reason === "connect" || error.reason === "closed")
    return new StoreUnavailable({ message: error.message, cause: error });
  if (isDuplicateIdempotencyKey(error))
    return new DuplicateIdempotencyKey({ message: error.message, cause: error });
  return undefined;
};

/**
 * A store call as an Effect: its rejection fails with {@link StoreUnavailable} when the database
 * cannot be used (answered 503); any other rejection (a `StoreError` of a bug, a thrown bug) is a
 * defect (500).
 */
export const fromStore = <A>(run: () => Promise<A>): Effect.Effect<A, StoreUnavailable> =>
  Effect.flatMap(
    Effect.promise(() =>
      run().then(
        (value): Exit.Exit<A, StoreUnavailable> => Exit.succeed(value),
        (error: unknown) => {
          const failure = storeFailure(error);
          return failure instanceof StoreUnavailable ? Exit.fail(failure) : Exit.die(error);
        },
      ),
    ),
    (exit) => exit,
  );

class RolledBack {
  constructor(readonly exit: Exit.Exit<unknown, unknown>) {}
}

/**
 * Runs `body` in one transaction of `db`: committed when it succeeds, rolled back when it fails
 * (typed failure or defect), which it then fails with. A transaction the database cannot run or
 * commit fails with {@link StoreUnavailable}; a COMMIT refused for a deferred idempotency record's
 * live key with {@link DuplicateIdempotencyKey}; any other driver error is a defect.
 */
export const inTransaction = <A, E, R>(
  db: Database,
  body: (tx: Tx) => Effect.Effect<A, E, R>,
): Effect.Effect<A, E | StoreUnavailable | DuplicateIdempotencyKey, R> =>
  Effect.flatMap(Effect.context<R>(), (context) =>
    Effect.flatten(
      Effect.promise(
        (): Promise<Exit.Exit<A, E | StoreUnavailable | DuplicateIdempotencyKey>> =>
          db
            .transaction(async (tx) => {
              const exit = await Effect.runPromiseExitWith(context)(body(tx));
              if (Exit.isFailure(exit)) throw new RolledBack(exit);
              return exit;
            })
            .catch((error: unknown) => {
              if (error instanceof RolledBack) return error.exit as Exit.Exit<A, E>;
              const failure = storeFailure(error);
              return failure === undefined ? Exit.die(error) : Exit.fail(failure);
            }),
      ),
    ),
  );

/**
 * Restores a stored row's snapshot with the core. A row the core cannot read is a `StoreError`
 * (reason `query`): the database holds something this code did not write.
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
 * The row's new state: the persisted snapshot and the columns derived from it (status, expiry,
 * last update).
 */
const sessionChange = (snapshot: SessionSnapshot): Omit<SessionChange, "id" | "merchantId"> => ({
  status: sessionStatus(snapshot),
  expiryAt: snapshot.context.expiryAt,
  snapshot: persistSession(snapshot),
  updatedAt: snapshot.context.updatedAt,
});

const encodeCallback = Schema.encodeSync(PaymentCallback);

/** Outbox rows for callbacks, due at `at`, keyed by the core's `callbackDedupeKey` (W2). */
const outboxRows = (
  merchantId: string,
  callbacks: ReadonlyArray<Callback>,
  at: number,
): ReadonlyArray<NewWebhook> =>
  callbacks.map((callback) => ({
    merchantId,
    sessionId: callback.data.id,
    event: callback.event,
    payload: encodeCallback(callback),
    dedupeKey: callbackDedupeKey(callback),
    createdAt: at,
  }));

/** What `applyEvent` answered when it did not refuse. */
type NotRefused = Applied<Exclude<Outcome, Refused>>;

/**
 * A stored session brought to `at` (the core's `sessionAt`): the snapshot as of then, whether the
 * instant expired it, and `writeOf` — what it writes, with the event the core accepted at that instant if any: the row's
 * change, the timeline entries (S4: the expiry the instant applied, then the event) and the outbox
 * rows, or `null` when nothing changed. The one step every write, the lazy read and the sweeper
 * take.
 */
const atInstant = (row: SessionRow, at: number) => {
  const before = restoreRow(row);
  const { atInstant: snapshot, expiry } = sessionAt(before, at);
  const writeOf = (accepted?: { readonly event: SessionEvent; readonly applied: NotRefused }) =>
    expiry === null && accepted === undefined
      ? null
      : {
          change: sessionChange(accepted?.applied.snapshot ?? snapshot),
          entries: [
            ...(expiry === null ? [] : expiryEntries(row.merchantId, before, at)),
            ...(accepted === undefined
              ? []
              : [eventEntry(row.merchantId, snapshot, accepted.event, accepted.applied)]),
          ],
          webhooks: outboxRows(
            row.merchantId,
            [...(expiry?.webhooks ?? []), ...(accepted?.applied.outcome.webhooks ?? [])],
            at,
          ),
        };
  return { snapshot, expired: expiry !== null, writeOf };
};

/**
 * The one write of a stored session (decision H11), in `tx`: load it locked (`FOR NO KEY UPDATE`:
 * writes of one session queue, so the compare-and-set cannot lose), bring it to `at` (the core's
 * `sessionAt`), apply the event `plan` picks from the snapshot as of then (none: only the instant),
 * and store what {@link atInstant} says changed — the snapshot (version + 1, deferred to the COMMIT:
 * decision P12) with its derived columns, the timeline entries and the outbox rows. A refusal (or a
 * failure of `plan`) fails with its error after the expiry is stored; a duplicate (the same payment
 * again) stores only the expiry. An unknown session fails with 404. Every API write, channel
 * notification and lazy read goes through here; the sweeper takes the same step ({@link atInstant})
 * in batches.
 */
const applyToStored = <E>(
  tx: Tx,
  merchantId: string,
  id: string,
  at: number,
  traceId: string,
  plan: ((snapshot: SessionSnapshot, tx: Tx) => Effect.Effect<SessionEvent, E>) | undefined,
): Effect.Effect<
  { readonly snapshot: SessionSnapshot; readonly applied: NotRefused | undefined },
  E | RefusalError | ResourceMissingError | StoreUnavailable
> =>
  Effect.gen(function* () {
    const loaded = yield* fromStore(() => loadSession(tx, merchantId, id, { forUpdate: true }));
    if (loaded === null) return yield* Effect.fail(sessionMissingError(id, { traceId }));
    const now = atInstant(loaded.row, at);
    const step = yield* Effect.exit(
      plan === undefined
        ? Effect.succeed(undefined)
        : Effect.flatMap(plan(now.snapshot, tx), (event) => {
            const applied = applyEvent(now.snapshot, event);
            return applied.outcome._tag === "Refused"
              ? Effect.fail(refusalError(applied.outcome, { traceId }))
              : Effect.succeed({ event, applied: applied as NotRefused });
          }),
    );
    // A defect (a bug) stores nothing: the transaction rolls back.
    if (Exit.isFailure(step) && !Exit.hasFails(step)) return yield* Effect.failCause(step.cause);
    const accepted = Exit.isSuccess(step) ? step.value : undefined;
    const write = now.writeOf(accepted?.applied.outcome._tag === "Duplicate" ? undefined : accepted);
    if (write !== null)
      yield* fromStore(async () => {
        // The row and its timeline entries are one statement (P19): rolled back together.
        deferUpdateLockedSession(tx, { ...write.change, id, merchantId }, loaded.version, write.entries);
        await enqueueWebhooks(tx, write.webhooks);
      });
    const applied = (yield* step)?.applied;
    return { snapshot: applied?.snapshot ?? now.snapshot, applied };
  });

/**
 * Applies to session `id` of the merchant, inside `tx`, the event `plan` picks from the session as
 * of now (it may issue instruments through `tx`), through {@link applyToStored}: the core's answer
 * when it accepts, the core's error for its refusal (422 / 400 / 404) otherwise.
 */
export const applyToSession = <E>(
  tx: Tx,
  context: RequestContext,
  id: string,
  plan: (snapshot: SessionSnapshot, tx: Tx) => Effect.Effect<SessionEvent, E>,
): Effect.Effect<NotRefused, E | RefusalError | ResourceMissingError | StoreUnavailable> =>
  Effect.flatMap(
    applyToStored(tx, context.merchant.id, id, context.at, context.traceId, plan),
    ({ applied }) =>
      applied === undefined
        ? Effect.die(new Error("unreachable: a planned event is applied or refused"))
        : Effect.succeed(applied),
  );

/**
 * A stored session as of `at`: restored, and brought to `at` (the core's `sessionAt`) — if that changed
 * it, the change is stored first (with its webhook), so a read never shows a state the database
 * does not hold. Store failures reject as the store's errors (the database gone: 503).
 */
const freshSnapshot = async (db: Database, row: SessionRow, at: number): Promise<SessionSnapshot> => {
  const now = atInstant(row, at);
  // Nothing but the instant can change a read: no expiry, nothing to store (and nothing to build).
  if (!now.expired) return now.snapshot;
  const stored = inTransaction(db, (tx) => applyToStored(tx, row.merchantId, row.id, at, "", undefined));
  return Effect.runPromise(
    stored.pipe(
      Effect.map(({ snapshot }) => snapshot),
      Effect.catchTags({
        // Deleted since it was read: the session as read.
        ResourceMissingError: () => Effect.succeed(now.snapshot),
        StoreUnavailable: (error: StoreUnavailable) => Effect.die(error.cause),
        DuplicateIdempotencyKey: Effect.die,
      }),
    ),
  );
};

/** Stored sessions as of `at`, in order (see {@link freshSnapshot}). */
export const freshSnapshots = async (
  db: Database,
  rows: ReadonlyArray<SessionRow>,
  at: number,
): Promise<ReadonlyArray<SessionSnapshot>> => {
  const snapshots: Array<SessionSnapshot> = [];
  for (const row of rows) snapshots.push(await freshSnapshot(db, row, at));
  return snapshots;
};

/**
 * Loads a merchant's session as of `at` (see {@link freshSnapshot}), or `null` when the merchant
 * has no session with that id.
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
 * The expiry sweeper (decision L4): brings every session whose `expiryAt` is not after `at` to `at`
 * (the core's `sessionAt`), in transactions of up to `batchSize` sessions claimed with
 * `FOR NO KEY UPDATE SKIP LOCKED` (so sweepers and requests never wait for each other), writing the same
 * snapshot and `PAYMENT.CANCELLED` outbox rows as the lazy path. Returns how many sessions it
 * expired.
 */
export const sweepExpired = async (db: Database, at: number, batchSize = 100): Promise<number> => {
  let total = 0;
  for (;;) {
    // Three statements per batch: the claim, one compare-and-set UPDATE of every expired session,
    // one INSERT of their outbox rows.
    const { claimed, expired } = await db.transaction(async (tx) => {
      const rows = await claimExpired(tx, at, batchSize);
      const expiries = rows.flatMap((row) => {
        const write = atInstant(row, at).writeOf();
        return write === null ? [] : [{ row, ...write }];
      });
      const written = await updateSessions(
        tx,
        expiries.map(({ row, change }) => ({
          change: { ...change, id: row.id, merchantId: row.merchantId },
          expectedVersion: row.version,
        })),
      );
      const done = expiries.filter(({ row }) => written.has(row.id));
      await recordSessionEvents(
        tx,
        done.flatMap(({ entries }) => entries),
      );
      await enqueueWebhooks(
        tx,
        done.flatMap(({ webhooks }) => webhooks),
      );
      return { claimed: rows.length, expired: done.length };
    });
    total += expired;
    if (claimed < batchSize || expired === 0) return total;
  }
};
