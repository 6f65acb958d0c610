/**
 * The refund operations (decisions R1–R5) as Effects that succeed with the endpoint's success type
 * or fail with one of the core's error classes: the core decides (`refundablePayment`,
 * `openRefund`, `sandboxRefundAt`, `refundRefusalError`); this file loads, stores and encodes.
 *
 * Store failures are defects (the global adapter answers them 500 with the trace id).
 *
 * @since 0.2.0
 */

import { randomUUID } from "node:crypto";
import {
  type ApiValidationError,
  apiValidationError,
  type CreateRefundRequest,
  CreateRefundRequest as CreateRefundSchema,
  ErrorEnvelope,
  type IdempotencyError,
  idempotencyError,
  type ListRefundsQuery,
  openRefund,
  type RefundCallback,
  RefundCallback as RefundCallbackSchema,
  type RefundListResponse,
  type RefundRecord,
  RefundResponse,
  type ResourceMissingError,
  refundablePayment,
  refundRefusalError,
  resourceMissingError,
  sandboxRefundAt,
  toRefund,
  UnprocessableError,
  withPageDefaults,
} from "@payment-session/core";
import { Effect, Schema } from "effect";
import { type IdempotencyKey, idempotencyKeyOf } from "../idempotency.js";
import type { ProviderServices } from "../payments.js";
import { restoreRow } from "../sessionWrites.js";
import type { Database, Tx } from "../store/Database.js";
import {
  findIdempotencyRecord,
  type IdempotencyRecord,
  type NewIdempotencyRecord,
  saveIdempotencyRecord,
} from "../store/idempotency.js";
import { enqueueWebhooks, type NewWebhook } from "../store/outbox.js";
import { loadSession } from "../store/sessions.js";
import {
  claimDueRefunds,
  insertRefund,
  listRefundRows,
  loadRefund,
  type RefundRow,
  refundsOfSession,
  updateRefund,
} from "./refundStore.js";

/** Who asks and when: the merchant (Bearer token), the clock's instant, the trace id, the `X-REQUEST-ID`. @since 0.2.0 */
export interface RefundRequestContext {
  readonly merchantId: string;
  readonly at: number;
  readonly traceId: string;
  readonly requestId?: string | undefined;
}

/** The endpoint name idempotency records carry (a key reused on another endpoint is a 409, C6). */
const CREATE_ENDPOINT = "POST /v1/refunds";

const encodeCallback = Schema.encodeSync(RefundCallbackSchema);
const encodeResponse = Schema.encodeSync(RefundResponse);
const decodeResponse = Schema.decodeUnknownSync(RefundResponse);
const decodeEnvelope = Schema.decodeUnknownSync(ErrorEnvelope);

type RefundAnswer = typeof RefundResponse.Type;
type RefundListAnswer = typeof RefundListResponse.Type;

/**
 * Outbox rows of refund callbacks (facts §10): they go through the same outbox and dispatcher as
 * payment callbacks, filed under the refund's session; the dedupe key is (refund id, event).
 *
 * @since 0.2.0
 */
export const refundOutboxRows = (
  merchantId: string,
  callbacks: ReadonlyArray<RefundCallback>,
  at: number,
): ReadonlyArray<NewWebhook> =>
  callbacks.map((callback) => ({
    merchantId,
    sessionId: callback.data.paymentSessionId,
    event: callback.event,
    payload: encodeCallback(callback),
    dedupeKey: `refund|${callback.data.id}|${callback.event}`,
    createdAt: at,
  }));

/**
 * Brings a stored refund to instant `at` (the sandbox's steps due by then, decision R1) and stores
 * what changed with its callbacks, compare-and-set on the row's version. Returns the refund as
 * stored afterwards (unchanged when another writer moved it first: that writer stored the same steps).
 *
 * @since 0.2.0
 */
export const settleRefund = async (tx: Tx, row: RefundRow, at: number): Promise<RefundRecord> => {
  const moved = sandboxRefundAt(row.refund, at);
  if (!moved.changed) return row.refund;
  if (!(await updateRefund(tx, moved.refund, row.version))) return row.refund;
  await enqueueWebhooks(tx, refundOutboxRows(row.merchantId, moved.webhooks, at));
  return moved.refund;
};

/**
 * The refund sweeper: moves every refund whose next sandbox step is due at `at` (optionally of one
 * merchant), in transactions of up to `batchSize` refunds claimed `FOR UPDATE SKIP LOCKED`, through
 * the same core `sandboxRefundAt` as the lazy path. Returns how many refunds it moved.
 *
 * @since 0.2.0
 */
export const settleDueRefunds = async (
  db: Database,
  at: number,
  options: { readonly batchSize?: number; readonly merchantId?: string } = {},
): Promise<number> => {
  const batchSize = options.batchSize ?? 100;
  let total = 0;
  for (;;) {
    const { claimed, moved } = await db.transaction(async (tx) => {
      const rows = await claimDueRefunds(tx, at, batchSize, options.merchantId);
      let count = 0;
      for (const row of rows) if ((await settleRefund(tx, row, at)) !== row.refund) count++;
      return { claimed: rows.length, moved: count };
    });
    total += moved;
    if (claimed < batchSize || moved === 0) return total;
  }
};

const ok = <A>(data: A) => ({ code: "00" as const, message: "Success", data });

/** The first answer to a key again (200 or 422), or 409 for another request (decision C6). */
const replay = (
  record: IdempotencyRecord | null,
  key: IdempotencyKey,
  traceId: string,
): Effect.Effect<RefundAnswer, UnprocessableError | IdempotencyError> => {
  if (record === null || record.requestHash !== key.requestHash || record.endpoint !== key.endpoint) {
    return Effect.fail(idempotencyError({ traceId }));
  }
  if (record.responseStatus === 200) return Effect.succeed(decodeResponse(record.responseBody));
  const envelope = decodeEnvelope(record.responseBody);
  return Effect.fail(new UnprocessableError(envelope));
};

const recordOf = (
  key: IdempotencyKey | undefined,
  status: 200 | 422,
  body: unknown,
): NewIdempotencyRecord | undefined =>
  key === undefined
    ? undefined
    : {
        merchantId: key.merchantId,
        requestKey: key.requestKey,
        endpoint: key.endpoint,
        requestHash: key.requestHash,
        responseStatus: status,
        responseBody: body,
        createdAt: key.at,
      };

type Created =
  | { readonly _tag: "Created"; readonly response: RefundAnswer }
  | { readonly _tag: "Missing" }
  | { readonly _tag: "Invalid"; readonly error: ApiValidationError }
  | { readonly _tag: "Refused"; readonly error: UnprocessableError }
  | { readonly _tag: "Duplicate" };

const createInTransaction = async (
  services: ProviderServices,
  context: RefundRequestContext,
  request: CreateRefundRequest,
  key: IdempotencyKey | undefined,
  tx: Tx,
): Promise<Created> => {
  const { merchantId, at, traceId } = context;
  // The session row lock serialises refunds of one session: two requests cannot both take the rest.
  const loaded = await loadSession(tx, merchantId, request.paymentSessionId, { forUpdate: true });
  if (loaded === null) return { _tag: "Missing" };
  const session = restoreRow(loaded.row);
  const refunds: Array<RefundRecord> = [];
  for (const row of await refundsOfSession(tx, loaded.row.id)) refunds.push(await settleRefund(tx, row, at));
  const payment = refundablePayment(session, refunds, request.chargeId);
  if ("_tag" in payment) return { _tag: "Invalid", error: apiValidationError(payment.details, { traceId }) };
  const id = services.ids.refundId?.() ?? randomUUID();
  const opened = openRefund({ id, at, request }, payment);
  if (!opened.ok) {
    const error = refundRefusalError(opened.refusal, { traceId });
    if (!(error instanceof UnprocessableError)) return { _tag: "Invalid", error };
    const body = { code: error.code, message: error.message, error: error.error };
    const record = recordOf(key, 422, Schema.encodeSync(ErrorEnvelope)(body));
    if (record !== undefined && (await saveIdempotencyRecord(tx, record)) === "duplicate") {
      return { _tag: "Duplicate" };
    }
    return { _tag: "Refused", error };
  }
  const response = ok(toRefund(opened.refund));
  const record = recordOf(key, 200, encodeResponse(response));
  // The record is saved first: a concurrent request with the same key that committed first makes
  // this one write nothing (and replay that one's answer).
  if (record !== undefined && (await saveIdempotencyRecord(tx, record)) === "duplicate") {
    return { _tag: "Duplicate" };
  }
  await insertRefund(tx, merchantId, opened.refund);
  await enqueueWebhooks(tx, refundOutboxRows(merchantId, opened.webhooks, at));
  return { _tag: "Created", response };
};

/**
 * `POST /v1/refunds` (decisions R1–R3, C6): in one transaction, under the session's row lock —
 * load the merchant's session (404 otherwise, also for another merchant's), bring its refunds to
 * now, derive the payment with the core (`refundablePayment`: 400 at `chargeId`), open the refund
 * with the core (`openRefund`: 400 / 422 by `refundRefusalError`), store it with its
 * `REFUND.PENDING` outbox row and the idempotency record. With `X-REQUEST-ID`: the same request
 * again is the first answer, another is 409.
 *
 * @since 0.2.0
 */
export const createRefund = (
  services: ProviderServices,
  context: RefundRequestContext,
  request: CreateRefundRequest,
): Effect.Effect<
  RefundAnswer,
  ApiValidationError | ResourceMissingError | IdempotencyError | UnprocessableError
> =>
  Effect.gen(function* () {
    const key = idempotencyKeyOf(
      context.merchantId,
      context.requestId,
      CREATE_ENDPOINT,
      Schema.encodeSync(CreateRefundSchema)(request),
      context.at,
    );
    const lookUp = (k: IdempotencyKey) =>
      Effect.promise(() => findIdempotencyRecord(services.db, k.merchantId, k.requestKey, k.at));
    if (key !== undefined) {
      const record = yield* lookUp(key);
      if (record !== null) return yield* replay(record, key, context.traceId);
    }
    const created = yield* Effect.promise(() =>
      services.db.transaction((tx) => createInTransaction(services, context, request, key, tx)),
    );
    switch (created._tag) {
      case "Created":
        return created.response;
      case "Missing":
        return yield* Effect.fail(
          resourceMissingError("PaymentSession", request.paymentSessionId, { traceId: context.traceId }),
        );
      case "Invalid":
      case "Refused":
        return yield* Effect.fail(created.error);
      case "Duplicate":
        if (key === undefined) return yield* Effect.fail(idempotencyError({ traceId: context.traceId }));
        return yield* replay(yield* lookUp(key), key, context.traceId);
    }
  });

/**
 * `GET /v1/refunds/{id}`: the merchant's refund as of now (the sandbox's due steps stored first,
 * with their callbacks), or 404 `resource_missing` (also for another merchant's refund).
 *
 * @since 0.2.0
 */
export const getRefund = (
  services: ProviderServices,
  context: RefundRequestContext,
  id: string,
): Effect.Effect<RefundAnswer, ResourceMissingError> =>
  Effect.gen(function* () {
    const refund = yield* Effect.promise(() =>
      services.db.transaction(async (tx) => {
        const row = await loadRefund(tx, context.merchantId, id, { forUpdate: true });
        return row === null ? null : settleRefund(tx, row, context.at);
      }),
    );
    if (refund === null) {
      return yield* Effect.fail(resourceMissingError("Refund", id, { traceId: context.traceId }));
    }
    return ok(toRefund(refund));
  });

/**
 * `GET /v1/refunds[?paymentSessionId=…&clientReferenceId=…&status=…&page=…&perPage=…]`: the
 * merchant's refunds as of now (due steps stored first), newest first, with `pagination`.
 *
 * @since 0.2.0
 */
export const listRefunds = (
  services: ProviderServices,
  context: RefundRequestContext,
  query: ListRefundsQuery,
): Effect.Effect<RefundListAnswer> =>
  Effect.promise(async () => {
    await settleDueRefunds(services.db, context.at, { merchantId: context.merchantId });
    const { page, perPage } = withPageDefaults(query);
    const result = await listRefundRows(
      services.db,
      context.merchantId,
      {
        paymentSessionId: query.paymentSessionId,
        clientReferenceId: query.clientReferenceId,
        status: query.status,
      },
      { page, perPage },
    );
    return {
      ...ok(result.items.map((row) => toRefund(row.refund))),
      pagination: {
        page,
        perPage,
        totalItems: result.totalItems,
        totalPages: Math.ceil(result.totalItems / perPage),
      },
    };
  });
