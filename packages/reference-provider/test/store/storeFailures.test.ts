/**
 * The expected store failures are typed failures in the Effect channel, bugs stay defects (issue 10,
 * "the store is a service whose errors are typed"): `fromStore` fails with `StoreUnavailable` when
 * the database cannot be used and dies on anything else; `inTransaction` fails with
 * `DuplicateIdempotencyKey` when a deferred idempotency record meets a live key at COMMIT — and the
 * idempotency layer replays the record from that typed failure. Each check also runs against the
 * defect it exists to catch (the duplicate or the outage turned back into a defect) and must report it.
 */

import { Cause, Effect, Exit } from "effect";
import { describe, expect, it } from "vitest";
import { idempotent } from "../../src/idempotency.js";
import { demoMerchant } from "../../src/merchants.js";
import type { ProviderServices, RequestContext } from "../../src/payments.js";
import { fromStore, inTransaction } from "../../src/sessionWrites.js";
import {
  type Database,
  DuplicateIdempotencyKey,
  deferIdempotencyRecord,
  StoreError,
  StoreUnavailable,
} from "../../src/store/index.js";
import { saveIdempotencyRecord } from "../support/storeWrites.js";
import { drivers, T0, useStore } from "./harness.js";

type InTransaction = typeof inTransaction;
type FromStore = typeof fromStore;

const failureOf = (exit: Exit.Exit<unknown, unknown>): unknown =>
  Exit.isFailure(exit) ? exit.cause.reasons.find((reason) => reason._tag === "Fail")?.error : undefined;

const record = (merchantId: string, requestHash: string, createdAt: number) => ({
  merchantId,
  requestKey: "typed-key",
  endpoint: "POST /v2/payments",
  requestHash,
  responseStatus: 200,
  responseBody: { data: { id: requestHash } },
  createdAt,
});

/** A transaction deferring a record for a live key must fail with the typed duplicate, not die. */
const checkDuplicateIsTyped = async (db: Database, inTx: InTransaction): Promise<string | undefined> => {
  await saveIdempotencyRecord(db, record("m-typed", "first", T0));
  const exit = await Effect.runPromiseExit(
    inTx(db, (tx) => Effect.sync(() => deferIdempotencyRecord(tx, record("m-typed", "second", T0 + 1000)))),
  );
  if (Exit.isSuccess(exit)) return "the transaction committed a second record for a live key";
  if (!(failureOf(exit) instanceof DuplicateIdempotencyKey))
    return `not a typed DuplicateIdempotencyKey: ${Cause.pretty(exit.cause)}`;
  return undefined;
};

/** The database unusable is a typed StoreUnavailable; any other StoreError (a bug) a defect. */
const checkUnavailableIsTyped = async (from: FromStore): Promise<string | undefined> => {
  for (const reason of ["connect", "closed"] as const) {
    const exit = await Effect.runPromiseExit(
      from(() => Promise.reject(new StoreError({ reason, message: `database ${reason}` }))),
    );
    if (!(failureOf(exit) instanceof StoreUnavailable))
      return `reason ${reason} is not a typed StoreUnavailable`;
  }
  const bug = await Effect.runPromiseExit(
    from(() => Promise.reject(new StoreError({ reason: "query", message: "syntax error" }))),
  );
  if (Exit.isSuccess(bug) || Exit.hasFails(bug)) return "a query error (a bug) is not a defect";
  return undefined;
};

/** The defects: the typed failures turned back into defects. */
const duplicateAsDefect: InTransaction = (db, body) =>
  inTransaction(db, body).pipe(Effect.catchTag("DuplicateIdempotencyKey", (error) => Effect.die(error)));
const unavailableAsDefect: FromStore = (run) =>
  fromStore(run).pipe(Effect.catchTag("StoreUnavailable", (error) => Effect.die(error)));

describe("store failures are typed", () => {
  it("the database unusable fails with StoreUnavailable, a query error dies", async () => {
    expect(await checkUnavailableIsTyped(fromStore)).toBeUndefined();
    expect(await checkUnavailableIsTyped(unavailableAsDefect)).toBe(
      "reason connect is not a typed StoreUnavailable",
    );
  });
});

for (const driver of drivers) {
  describe(`store failures are typed (${driver.name})`, () => {
    const h = useStore(driver);

    it("a deferred record meeting a live key fails the transaction with DuplicateIdempotencyKey", async () => {
      expect(await checkDuplicateIsTyped(h.db, inTransaction)).toBeUndefined();
      await h.db.query("TRUNCATE idempotency_records");
      expect(await checkDuplicateIsTyped(h.db, duplicateAsDefect)).toMatch(
        /^not a typed DuplicateIdempotencyKey/,
      );
    });

    it("the idempotency layer replays the first answer from the typed duplicate", async () => {
      const services = { db: h.db } as ProviderServices;
      const context: RequestContext = { merchant: demoMerchant, at: T0, traceId: "trace-typed" };
      const call = (id: string) =>
        Effect.runPromiseExit(
          idempotent(
            services,
            { ...context, at: context.at + (id === "first" ? 0 : 1000) },
            { endpoint: "create", requestId: "typed-replay", request: { same: true } },
            (value: { readonly id: string }) => ({ data: value }),
            () => Effect.succeed({ id }),
          ),
        );
      const first = await call("first");
      const retry = await call("second");
      // The answer carries its encoded text (P23); the replay the record's, the same bytes.
      expect(first).toEqual(
        Exit.succeed({ status: 200, body: { data: { id: "first" } }, json: '{"data":{"id":"first"}}' }),
      );
      expect(retry).toEqual(first);
    });
  });
}
