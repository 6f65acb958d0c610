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
import { Cause, Effect, Exit, Schema } from "effect";
import type { RequestContext } from "./payments.js";
import {
  claimExpired,
  type Database,
  DuplicateIdempotencyKey,
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
  withSessionUpdate,
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

/** An event the core accepted, and what it answered. */
interface Accepted {
  readonly event: SessionEvent;
  readonly applied: NotRefused;
}

/**
 * A stored session brought to `at` (the core's `sessionAt`): the snapshot as of then, and
 * `writeOf` — what it writes, with the event the core accepted at that instant if any: the row's
 * change, the timeline entries (S4: the expiry the instant applied, then the event) and the outbox
 * rows, or `null` when nothing changed. The one step every write, the lazy read and the sweeper
 * take.
 */
const atInstant = (row: SessionRow, at: number) => {
  const before = restoreRow(row);
  const { atInstant: snapshot, expiry } = sessionAt(before, at);
  const writeOf = (accepted?: Accepted) =>
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
  return { snapshot, writeOf };
};

/**
 * The one locked update of a stored session (row locked in `db`'s transaction, or in `db` itself
 * when it is one): brings it to `at`, lets `decide` pick the event the core accepted (if any) from
 * the snapshot as of then, and stores what {@link atInstant} says that writes. `value` is handed
 * back; `NotFound` when the merchant has no session `id`.
 */
const updateStored = <A>(
  db: Database | Tx,
  merchantId: string,
  id: string,
  at: number,
  decide: (
    snapshot: SessionSnapshot,
    tx: Tx,
  ) => Promise<{ readonly accepted?: Accepted | undefined; readonly value: A }>,
) =>
  withSessionUpdate(db, merchantId, id, async (row, { tx }) => {
    const now = atInstant(row, at);
    const { accepted, value } = await decide(now.snapshot, tx);
    const write = now.writeOf(accepted);
    if (write === null) return { _tag: "Keep" as const, value };
    // Rolled back with a lost compare-and-set, like everything `decide` writes.
    await recordSessionEvents(tx, write.entries);
    return { _tag: "Write" as const, change: write.change, webhooks: write.webhooks, value };
  });

const applyOrRefuse = (
  snapshot: SessionSnapshot,
  event: SessionEvent,
  traceId: string,
): Effect.Effect<NotRefused, RefusalError> =>
  Effect.suspend(() => {
    const applied = applyEvent(snapshot, event);
    return applied.outcome._tag === "Refused"
      ? Effect.fail(refusalError(applied.outcome, { traceId }))
      : Effect.succeed(applied as NotRefused);
  });

/**
 * Applies to session `id` of the merchant, inside `tx` (row locked), the event `plan` picks from
 * the session as of now (it may issue instruments through `tx`):
 *
 * 1. restore the snapshot and bring it to `at` (the core's `sessionAt`; stored if it changed anything,
 *    with its `PAYMENT.CANCELLED`);
 * 2. apply the event through the core: a refusal fails with the core's error for it (422 / 400 /
 *    404), the session unchanged; accepted → store the snapshot (version + 1), derived columns and
 *    outbox rows of the outcome's callbacks.
 *
 * An unknown session fails with 404 (the row is locked from the load: no compare-and-set is lost).
 */
export const applyToSession = <E>(
  tx: Tx,
  context: RequestContext,
  id: string,
  plan: (snapshot: SessionSnapshot, tx: Tx) => Effect.Effect<SessionEvent, E>,
): Effect.Effect<NotRefused, E | RefusalError | ResourceMissingError | StoreUnavailable> =>
  Effect.gen(function* () {
    const { at, traceId } = context;
    const outcome = yield* fromStore(() =>
      updateStored(tx, context.merchant.id, id, at, async (snapshot, tx) => {
        let event: SessionEvent | undefined;
        const exit = await Effect.runPromiseExit(
          Effect.flatMap(plan(snapshot, tx), (planned) => {
            event = planned;
            return applyOrRefuse(snapshot, planned, traceId);
          }),
        );
        if (Exit.isFailure(exit) && !Exit.hasFails(exit)) throw Cause.squash(exit.cause);
        // A duplicate (the same payment again) changes nothing but the expiry.
        const moved = Exit.isSuccess(exit) && exit.value.outcome._tag !== "Duplicate";
        return {
          accepted: moved && event !== undefined ? { event, applied: exit.value } : undefined,
          value: exit,
        };
      }),
    );
    if (outcome._tag === "NotFound") return yield* Effect.fail(sessionMissingError(id, { traceId }));
    const exit: Exit.Exit<NotRefused, E | RefusalError> = outcome.value;
    return yield* Exit.isSuccess(exit) ? Effect.succeed(exit.value) : Effect.failCause(exit.cause);
  });

/**
 * A stored session as of `at`: restored, and brought to `at` (the core's `sessionAt`) — if that changed
 * it, the change is stored first (with its webhook), so a read never shows a state the database
 * does not hold.
 */
const freshSnapshot = async (db: Database, row: SessionRow, at: number): Promise<SessionSnapshot> => {
  const now = atInstant(row, at);
  if (now.writeOf() === null) return now.snapshot;
  const outcome = await updateStored(db, row.merchantId, row.id, at, async (snapshot) => ({
    value: snapshot,
  }));
  return outcome._tag === "NotFound" ? now.snapshot : outcome.value;
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
