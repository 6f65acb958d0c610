/**
 * The faulty provider's refunds: every decision the core's (`refundablePayment`, `openRefund`,
 * `refundRefusalError`, `refundSeedPath`, the sandbox's `sandboxRefundAt` on every read and create),
 * kept in memory beside the world's sessions. Callbacks go through the world's outbox (`sent`, the
 * merchant's callback URL). The refund defects (`refundOverRefundAllowed`,
 * `refundFullAfterPartialAllowed`, `refundOfUnpaidSession`, `refundWrongEventName`,
 * `otherMerchantRefundVisible`) are marked where they act.
 */
import { randomUUID } from "node:crypto";
import {
  applyRefundEvent,
  type RefundCallback as Callback,
  type CreateRefundRequest,
  type ListRefundsQuery,
  openRefund,
  type RefundablePayment,
  RefundCallback,
  type RefundEvent,
  RefundListResponse,
  type RefundMethod,
  type RefundRecord,
  RefundResponse,
  type RefundStatus,
  refundablePayment,
  refundRefusalError,
  refundSeedPath,
  resourceMissingError,
  sandboxRefundAt,
  toRefund,
  withPageDefaults,
} from "@payment-session/core";
import { Schema } from "effect";
import { type Answer, type Caller, errorAnswer, validationAnswer } from "./api.js";
import type { World } from "./world.js";

interface StoredRefund {
  readonly merchantId: string;
  refund: RefundRecord;
}

const stores = new WeakMap<World, Map<string, StoredRefund>>();

/** The refunds of a world (made on first use). */
export const refundsOf = (world: World): Map<string, StoredRefund> => {
  const existing = stores.get(world);
  if (existing !== undefined) return existing;
  const made = new Map<string, StoredRefund>();
  stores.set(world, made);
  return made;
};

const encodeCallback = Schema.encodeSync(RefundCallback);

const notify = (world: World, merchantId: string, callbacks: ReadonlyArray<Callback>) => {
  for (const callback of callbacks) {
    const encoded = encodeCallback(callback) as { event: string };
    // Defect refundWrongEventName: the docs' typo "fixed" on the wire.
    const event =
      world.has("refundWrongEventName") && encoded.event === "REFUND.WAITING_BANK_TRANFER"
        ? "REFUND.WAITING_BANK_TRANSFER"
        : encoded.event;
    world.send(merchantId, callback.data.paymentSessionId, JSON.stringify({ ...encoded, event }));
  }
};

/** A stored refund brought to now: the sandbox's due steps (decision R1), stored with their callbacks. */
const settle = (world: World, stored: StoredRefund): void => {
  const moved = sandboxRefundAt(stored.refund, world.now());
  if (!moved.changed) return;
  stored.refund = moved.refund;
  notify(world, stored.merchantId, moved.webhooks);
};

/** The payment as a defective provider sees it. */
const withDefects = (
  world: World,
  payment: RefundablePayment,
  body: CreateRefundRequest,
): RefundablePayment => {
  // Defect refundOfUnpaidSession: any charge of any session counts as paid.
  if (world.has("refundOfUnpaidSession"))
    return { ...payment, chargeStatus: "SUCCESS", sessionStatus: "PAID" };
  // Defect refundOverRefundAllowed: a partial refund is checked against the captured amount alone.
  if (world.has("refundOverRefundAllowed") && body.isFullAmount !== true) return { ...payment, held: 0 };
  // Defect refundFullAfterPartialAllowed: a full refund ignores what earlier refunds took.
  if (world.has("refundFullAfterPartialAllowed") && body.isFullAmount === true)
    return { ...payment, held: 0 };
  return payment;
};

/** `POST /v1/refunds` (no idempotency record: the contracts send no key here). */
export const createRefund = (world: World, caller: Caller, body: CreateRefundRequest): Answer => {
  const session = world.sessions.get(body.paymentSessionId);
  if (session === undefined || session.merchantId !== caller.merchant.id) {
    return errorAnswer(404, resourceMissingError("PaymentSession", body.paymentSessionId));
  }
  world.expireDue(session);
  const stored = [...refundsOf(world).values()].filter(
    (r) => r.refund.context.paymentSessionId === session.id,
  );
  for (const r of stored) settle(world, r);
  const refunds = stored.map((r) => r.refund);
  const payment = refundablePayment(session.snapshot, refunds, body.chargeId);
  if ("_tag" in payment) return validationAnswer(payment.details);
  const opened = openRefund(
    { id: randomUUID(), at: world.now(), request: body },
    withDefects(world, payment, body),
  );
  if (!opened.ok) {
    const error = refundRefusalError(opened.refusal);
    return error._tag === "ApiValidationError"
      ? validationAnswer(error.error.details ?? [])
      : errorAnswer(422, error);
  }
  refundsOf(world).set(opened.refund.context.id, { merchantId: caller.merchant.id, refund: opened.refund });
  notify(world, caller.merchant.id, opened.webhooks);
  return { status: 200, body: Schema.encodeSync(RefundResponse)(ok(toRefund(opened.refund))) };
};

const ok = <A>(data: A) => ({ code: "00" as const, message: "Success", data });

/** `GET /v1/refunds/{id}`: the caller's refund, or 404. */
export const getRefund = (world: World, caller: Caller, id: string): Answer => {
  const stored = refundsOf(world).get(id);
  // Defect otherMerchantRefundVisible: any merchant's refund is answered.
  const visible =
    stored !== undefined &&
    (stored.merchantId === caller.merchant.id || world.has("otherMerchantRefundVisible"));
  if (stored === undefined || !visible) {
    return errorAnswer(404, resourceMissingError("Refund", id));
  }
  settle(world, stored);
  return { status: 200, body: Schema.encodeSync(RefundResponse)(ok(toRefund(stored.refund))) };
};

/** `GET /v1/refunds`: the caller's refunds, newest first, filtered and paged. */
export const listRefunds = (world: World, caller: Caller, query: ListRefundsQuery): Answer => {
  const { page, perPage } = withPageDefaults(query);
  const own = [...refundsOf(world).values()].filter((r) => r.merchantId === caller.merchant.id);
  for (const r of own) settle(world, r);
  const items = own
    .map((r) => r.refund)
    .filter(
      (r) =>
        (query.paymentSessionId === undefined || r.context.paymentSessionId === query.paymentSessionId) &&
        (query.clientReferenceId === undefined || r.context.clientReferenceId === query.clientReferenceId) &&
        (query.status === undefined || r.state === query.status),
    )
    .reverse();
  return {
    status: 200,
    body: Schema.encodeSync(RefundListResponse)({
      ...ok(items.slice((page - 1) * perPage, page * perPage).map(toRefund)),
      pagination: { page, perPage, totalItems: items.length, totalPages: Math.ceil(items.length / perPage) },
    }),
  };
};

/** State `a refund exists`: made as the endpoint makes it, then moved by the core's seed path. */
export const seedRefund = (
  world: World,
  caller: Caller,
  sessionId: string,
  params: {
    readonly status: RefundStatus;
    readonly amount?: number | undefined;
    readonly isFullAmount?: boolean | undefined;
    readonly method?: RefundMethod | undefined;
    readonly clientReferenceId?: string | undefined;
  },
): string => {
  const method = params.method ?? "AUTO";
  const answer = createRefund(world, caller, {
    clientReferenceId: params.clientReferenceId ?? `REFUND-${world.now()}`,
    paymentSessionId: sessionId,
    reason: "REQUESTED_BY_CUSTOMER",
    method,
    transferDestination: {
      channelCode: "BCA",
      channelInformation: { accountNumber: "999966660001", accountName: "Reforza Harsya" },
    },
    ...(params.isFullAmount === true
      ? { isFullAmount: true }
      : { amount: { value: params.amount ?? 10_000, currency: "IDR" } }),
  });
  if (answer.status !== 200) throw new Error(`the refund was refused: ${JSON.stringify(answer.body)}`);
  const id = (answer.body as { data: { id: string } }).data.id;
  const stored = refundsOf(world).get(id);
  if (stored === undefined) throw new Error("the refund was not stored");
  for (const step of refundSeedPath(params.status, method)) {
    const at = world.now();
    const event = (
      step.type === "REFUND_FAILED" ? { ...step, at, failureReason: "seeded" } : { ...step, at }
    ) as RefundEvent;
    const applied = applyRefundEvent(stored.refund, event);
    if (applied.outcome._tag === "Refused") throw new Error(`${step.type}: ${applied.outcome.message}`);
    stored.refund = applied.refund;
    notify(world, caller.merchant.id, applied.outcome.webhooks);
  }
  return id;
};
