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

/**
 * A stored session brought to `at` (the core's `sessionAt`), and what that writes if it changed
 * anything: the row's change, the expiry's timeline entries and its outbox rows.
 */
const expiryOf = (row: SessionRow, at: number) => {
  const before = restoreRow(row);
  const { atInstant, expiry } = sessionAt(before, at);
  const write =
    expiry === null
      ? null
      : {
          change: sessionChange(atInstant),
          entries: expiryEntries(row.merchantId, before, at),
          webhooks: outboxRows(row.merchantId, expiry.webhooks, at),
        };
  return { atInstant, write };
};

/** What `applyEvent` answered when it did not refuse. */
type NotRefused = Applied<Exclude<Outcome, Refused>>;

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
): Effect.Effect<
  Applied<Exclude<Outcome, Refused>>,
  E | RefusalError | ResourceMissingError | StoreUnavailable
> =>
  Effect.gen(function* () {
    const { at, traceId } = context;
    const merchantId = context.merchant.id;
    const outcome = yield* fromStore(() =>
      withSessionUpdate(tx, merchantId, id, async (row, { tx }) => {
        const before = restoreRow(row);
        const { atInstant, expiry } = sessionAt(before, at);
        let planned: SessionEvent | undefined;
        const exit = await Effect.runPromiseExit(
          Effect.flatMap(plan(atInstant, tx), (event) => {
            planned = event;
            return applyOrRefuse(atInstant, event, traceId);
          }),
        );
        if (Exit.isFailure(exit) && !Exit.hasFails(exit)) throw Cause.squash(exit.cause);
        const applied = Exit.isSuccess(exit) ? exit.value : undefined;
        const moved = applied !== undefined && applied.outcome._tag !== "Duplicate";
        if (!moved && expiry === null) return { _tag: "Keep" as const, value: exit };
        // The timeline (S4): the expiry the instant applied, then the event (stored by the row's
        // update statement, P19: rolled back with a lost compare-and-set).
        const timeline = [
          ...(expiry === null ? [] : expiryEntries(merchantId, before, at)),
          ...(moved && planned !== undefined ? [eventEntry(merchantId, atInstant, planned, applied)] : []),
        ];
        return {
          _tag: "Write" as const,
          change: sessionChange(moved ? applied.snapshot : atInstant),
          timeline,
          webhooks: outboxRows(
            merchantId,
            [...(expiry?.webhooks ?? []), ...(applied?.outcome.webhooks ?? [])],
            at,
          ),
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
  const now = expiryOf(row, at);
  if (now.write === null) return now.atInstant;
  const outcome = await withSessionUpdate(db, row.merchantId, row.id, async (current) => {
    const { atInstant, write } = expiryOf(current, at);
    if (write === null) return { _tag: "Keep" as const, value: atInstant };
    return {
      _tag: "Write" as const,
      change: write.change,
      timeline: write.entries,
      webhooks: write.webhooks,
      value: atInstant,
    };
  });
  return outcome._tag === "Written" || outcome._tag === "Kept" ? outcome.value : now.atInstant;
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
        const { write } = expiryOf(row, at);
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
