/**
 * Seeding a refund in any status through the provider's own refund code (`createRefund`) and the
 * core's events (`refundSeedPath`), never by writing a state: what the provider-states endpoint and
 * tests use.
 *
 * @since 0.2.0
 */
import {
  applyRefundEvent,
  type CreateRefundRequest,
  type RefundCallback,
  type RefundEvent,
  type RefundMethod,
  RefundResponse,
  type RefundStatus,
  refundSeedPath,
} from "@payment-session/core";
import { Schema } from "effect";
import type { ProviderServices } from "../payments.js";
import { inOneTransaction } from "../store/index.js";
import { enqueueWebhooks } from "../store/outbox.js";
import { answerOf, writeEndpoints } from "../writes.js";
import { loadRefund, updateRefund } from "./refundStore.js";
import { refundOutboxRows } from "./refunds.js";

const decodeCreated = Schema.decodeUnknownSync(RefundResponse);

/**
 * What {@link seedRefund} makes.
 *
 * @since 0.2.0
 * @category Seeding
 */
export interface SeedRefundOptions {
  readonly merchantId: string;
  readonly paymentSessionId: string;
  readonly at: number;
  readonly status: RefundStatus;
  readonly amount?: number | undefined;
  readonly isFullAmount?: boolean | undefined;
  readonly method?: RefundMethod | undefined;
  readonly clientReferenceId?: string | undefined;
}

/** The transfer destination seeded refunds carry: the sandbox's succeeding account (facts §12). */
const seedDestination = {
  channelCode: "BCA",
  channelInformation: { accountNumber: "999966660001", accountName: "Reforza Harsya" },
};

/**
 * Makes a refund of the session as `POST /v1/refunds` does, at `at`, then applies the core's events
 * that bring it to `status` (each at `at`, with its callback in the outbox), all in one transaction
 * (decision P21: one BEGIN and COMMIT, and nothing left behind when it rejects). Rejects with the
 * refusal when the session cannot be refunded. Returns the refund id.
 *
 * @since 0.2.0
 * @category Seeding
 */
export const seedRefund = (services: ProviderServices, options: SeedRefundOptions): Promise<string> =>
  inOneTransaction(services.db, (db) => seedRefundWith({ ...services, db }, options));

const seedRefundWith = async (services: ProviderServices, options: SeedRefundOptions): Promise<string> => {
  const method = options.method ?? "AUTO";
  const request: CreateRefundRequest = {
    clientReferenceId: options.clientReferenceId ?? `REFUND-${options.at}`,
    paymentSessionId: options.paymentSessionId,
    reason: "REQUESTED_BY_CUSTOMER",
    method,
    transferDestination: seedDestination,
    ...(options.isFullAmount === true
      ? { isFullAmount: true }
      : { amount: { value: options.amount ?? 10_000, currency: "IDR" } }),
  };
  const merchant = services.merchants.get(options.merchantId);
  if (merchant === undefined) throw new Error(`unknown merchant ${options.merchantId}`);
  const context = { merchant, at: options.at, traceId: services.ids.traceId() };
  const created = await answerOf(writeEndpoints(services).refund(context, undefined, request));
  if (created.status !== 200) {
    throw new Error(`the refund was refused: ${created.status} ${JSON.stringify(created.body)}`);
  }
  const id = decodeCreated(created.body).data.id;
  const path = refundSeedPath(options.status, method);
  if (path.length === 0) return id;
  await services.db.transaction(async (tx) => {
    const row = await loadRefund(tx, options.merchantId, id, { forUpdate: true });
    if (row === null) throw new Error(`refund ${id} vanished`);
    let refund = row.refund;
    const callbacks: Array<RefundCallback> = [];
    for (const step of path) {
      const event = (
        step.type === "REFUND_FAILED"
          ? { type: step.type, at: options.at, failureReason: "the sandbox failed this refund" }
          : { type: step.type, at: options.at }
      ) as RefundEvent;
      const applied = applyRefundEvent(refund, event);
      if (applied.outcome._tag === "Refused") throw new Error(`${step.type}: ${applied.outcome.message}`);
      refund = applied.refund;
      callbacks.push(...applied.outcome.webhooks);
    }
    if (!(await updateRefund(tx, refund, row.version))) throw new Error(`refund ${id} changed while seeded`);
    await enqueueWebhooks(tx, refundOutboxRows(options.merchantId, callbacks, options.at));
  });
  return id;
};
