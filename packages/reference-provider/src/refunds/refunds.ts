/**
 * The refund operations (decisions R1–R5) as Effects that succeed with the endpoint's success type
 * or fail with one of the core's error classes: the core decides (`refundablePayment`,
 * `openRefund`, `sandboxRefundAt`, `refundRefusalError`); this file loads, stores and encodes.
 *
 * Store failures are defects (the global adapter answers them 500 with the trace id).
 *
 * @since 0.2.0
 */
import {
  type ApiValidationError,
  apiValidationError,
  type CreateRefundRequest,
  type ListRefundsQuery,
  openRefund,
  type RefundCallback,
  RefundCallback as RefundCallbackSchema,
  type RefundListResponse,
  type RefundRecord,
  type RefundResponse,
  type ResourceMissingError,
  refundablePayment,
  refundCallbackDedupeKey,
  refundRefusalError,
  resourceMissingError,
  sandboxRefundAt,
  toRefund,
  type UnprocessableError,
  withPageDefaults,
} from "@payment-session/core";
import { Effect, Schema } from "effect";
import { listBody, successBody } from "../answers.js";
import type { ProviderServices, RequestContext } from "../payments.js";
import { fromStore, restoreRow } from "../sessionWrites.js";
import type { Database, Tx } from "../store/Database.js";
import { StoreError, type StoreUnavailable } from "../store/errors.js";
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

const encodeCallback = Schema.encodeSync(RefundCallbackSchema);

type RefundAnswer = typeof RefundResponse.Type;
type RefundListAnswer = typeof RefundListResponse.Type;

/**
 * Outbox rows of refund callbacks (facts §10): they go through the same outbox and dispatcher as
 * payment callbacks, filed under the refund's session; the dedupe key is the core's `refundCallbackDedupeKey` (refund id, event), the one the contracts' handler uses.
 *
 * @since 0.2.0
 * @category Refunds
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
    dedupeKey: refundCallbackDedupeKey(callback),
    createdAt: at,
  }));

/**
 * Brings a stored refund to instant `at` (the sandbox's steps due by then, decision R1) and stores
 * what changed with its callbacks, compare-and-set on the row's version. Returns the refund as
 * stored afterwards.
 *
 * When another writer moved the row first (the sweeper, at an earlier instant), the row is read
 * again, locked, and brought to `at` from there: what the caller counts is the stored refund, not
 * the one it read before (a refund that failed meanwhile must not still count as being refunded).
 */
const settleRefund = async (tx: Tx, row: RefundRow, at: number, locked = false): Promise<RefundRecord> => {
  const moved = sandboxRefundAt(row.refund, at);
  if (!moved.changed) return row.refund;
  if (await updateRefund(tx, moved.refund, row.version)) {
    await enqueueWebhooks(tx, refundOutboxRows(row.merchantId, moved.webhooks, at));
    return moved.refund;
  }
  if (locked) {
    throw new StoreError({
      reason: "serialization_failure",
      message: `refund ${row.refund.context.id} changed while locked`,
    });
  }
  const stored = await loadRefund(tx, row.merchantId, row.refund.context.id, { forUpdate: true });
  if (stored === null) {
    throw new StoreError({
      reason: "query",
      message: `refund ${row.refund.context.id} vanished while settled`,
    });
  }
  // Locked now: no other writer can move it before this transaction ends.
  return settleRefund(tx, stored, at, true);
};

/**
 * The refund sweeper: moves every refund whose next sandbox step is due at `at` (optionally of one
 * merchant), in transactions of up to `batchSize` refunds claimed `FOR NO KEY UPDATE SKIP LOCKED`, through
 * the same core `sandboxRefundAt` as the lazy path. Returns how many refunds it moved.
 *
 * @since 0.2.0
 * @category Refunds
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

/**
 * `POST /v1/refunds` (decisions R1–R3; the provider's idempotency layer around it, C6): opens a
 * refund in transaction `tx`, under the session's row lock (two requests cannot both take
 * the rest): load the merchant's session (404 otherwise, also for another merchant's), bring its
 * refunds to now, derive the payment with the core (`refundablePayment`: 400 at `chargeId`), open
 * the refund with the core (`openRefund`: 400 / 422 by `refundRefusalError`), store it with its
 * `REFUND.PENDING` outbox row.
 *
 * @since 0.2.0
 * @category Refunds
 */
export const createRefund = (
  services: ProviderServices,
  context: RequestContext,
  tx: Tx,
  request: CreateRefundRequest,
): Effect.Effect<
  RefundAnswer,
  ApiValidationError | ResourceMissingError | UnprocessableError | StoreUnavailable
> =>
  Effect.gen(function* () {
    const { at, traceId } = context;
    const merchantId = context.merchant.id;
    const loaded = yield* fromStore(() =>
      loadSession(tx, merchantId, request.paymentSessionId, { forUpdate: true }),
    );
    if (loaded === null) {
      return yield* Effect.fail(
        resourceMissingError("PaymentSession", request.paymentSessionId, { traceId }),
      );
    }
    const session = restoreRow(loaded.row);
    const refunds = yield* fromStore(async () => {
      const settled: Array<RefundRecord> = [];
      for (const row of await refundsOfSession(tx, loaded.row.id))
        settled.push(await settleRefund(tx, row, at));
      return settled;
    });
    const payment = refundablePayment(session, refunds, request.chargeId);
    if ("_tag" in payment) return yield* Effect.fail(apiValidationError(payment.details, { traceId }));
    const id = services.ids.refundId();
    const opened = openRefund({ id, at, request }, payment);
    if (!opened.ok) return yield* Effect.fail(refundRefusalError(opened.refusal, { traceId }));
    yield* fromStore(async () => {
      await insertRefund(tx, merchantId, opened.refund);
      await enqueueWebhooks(tx, refundOutboxRows(merchantId, opened.webhooks, at));
    });
    return successBody(toRefund(opened.refund));
  });

/**
 * `GET /v1/refunds/{id}`: the merchant's refund as of now (the sandbox's due steps stored first,
 * with their callbacks), or 404 `resource_missing` (also for another merchant's refund).
 *
 * @since 0.2.0
 * @category Refunds
 */
export const getRefund = (
  services: ProviderServices,
  context: RequestContext,
  id: string,
): Effect.Effect<RefundAnswer, ResourceMissingError | StoreUnavailable> =>
  Effect.gen(function* () {
    const refund = yield* fromStore(() =>
      services.db.transaction(async (tx) => {
        const row = await loadRefund(tx, context.merchant.id, id, { forUpdate: true });
        return row === null ? null : settleRefund(tx, row, context.at);
      }),
    );
    if (refund === null) {
      return yield* Effect.fail(resourceMissingError("Refund", id, { traceId: context.traceId }));
    }
    return successBody(toRefund(refund));
  });

/**
 * `GET /v1/refunds[?paymentSessionId=…&clientReferenceId=…&status=…&page=…&perPage=…]`: the
 * merchant's refunds as of now (due steps stored first), newest first, with `pagination`.
 *
 * @since 0.2.0
 * @category Refunds
 */
export const listRefunds = (
  services: ProviderServices,
  context: RequestContext,
  query: ListRefundsQuery,
): Effect.Effect<RefundListAnswer, StoreUnavailable> =>
  fromStore(async () => {
    await settleDueRefunds(services.db, context.at, { merchantId: context.merchant.id });
    const { page, perPage } = withPageDefaults(query);
    const result = await listRefundRows(
      services.db,
      context.merchant.id,
      {
        paymentSessionId: query.paymentSessionId,
        clientReferenceId: query.clientReferenceId,
        status: query.status,
      },
      { page, perPage },
    );
    return listBody(
      result.items.map((row) => toRefund(row.refund)),
      page,
      perPage,
      result.totalItems,
    );
  });
