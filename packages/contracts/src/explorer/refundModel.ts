/**
 * The explorer's model of refunds: what the core's refund machine predicts for `POST /v1/refunds`
 * (`refundablePayment`, then `openRefund`'s SUBMIT: accepted as PENDING, or refused by a money rule
 * with its code), what the sandbox does to a refund as time passes (`sandboxRefundAt`, decision R1),
 * the callbacks each step sends, and how a refund answer is checked. No refund rule is restated here:
 * every status, refusal code, amount and callback comes from the core.
 *
 * @since 0.2.0
 */
import {
  CreateRefundRequest,
  decodeBody,
  openRefund,
  parseInstantMillis,
  Refund,
  type RefundCallback,
  type RefundRecord,
  refundablePayment,
  refundTransitionKeyOf,
  type SessionSnapshot,
  sandboxRefundAt,
  sandboxRefundKeys,
  type TransitionKey,
  toRefund,
} from "@payment-session/core";
import { Result } from "effect";

/** Where an answer differs from the model (the same shape as the session model's). @since 0.2.0 */
export interface RefundMismatch {
  readonly path: string;
  readonly expected: unknown;
  readonly actual: unknown;
  readonly message?: string;
}

/** The expectation of a refund answer, or of a refund error (status, code, fields). @since 0.2.0 */
export type RefundExpectation =
  | { readonly kind: "refund"; readonly status: 200; readonly refund: Refund }
  | {
      readonly kind: "refundList";
      readonly status: 200;
      readonly refunds: ReadonlyArray<Refund>;
      readonly page: number;
      readonly perPage: number;
    }
  | {
      readonly kind: "error";
      readonly status: number;
      readonly code: string;
      readonly types: ReadonlyArray<"API_ERROR" | "GATEWAY_ERROR">;
      readonly fields?: ReadonlyArray<string>;
    };

/** The refund machine's prediction for one `POST /v1/refunds`. @since 0.2.0 */
export interface RefundPrediction {
  readonly expectation: RefundExpectation;
  /** The refund opened (its id a placeholder until the answer is learnt), or `null` when refused. */
  readonly refund: RefundRecord | null;
  readonly webhooks: ReadonlyArray<RefundCallback>;
  readonly reached: ReadonlyArray<TransitionKey>;
}

const decodeCreate = decodeBody(CreateRefundRequest);
const decodeRefund = decodeBody(Refund);

/** The id a new refund has in the model until the provider's answer names it. */
export const REFUND_PLACEHOLDER = "provider-chosen:refund";

/**
 * Predicts `POST /v1/refunds` with `body` (the JSON sent) at `at`, for `session` and the refunds of
 * it (already brought to `at`): a body the schema refuses is 400; a charge that cannot be named is
 * 400 at `chargeId`; then the refund machine's SUBMIT decides (decisions R2, R3).
 *
 * @example
 * predictRefund(paid, [], { clientReferenceId: "r", paymentSessionId: id, reason: "OTHERS", isFullAmount: true }, at)
 * // { expectation: { kind: "refund", status: 200, refund: { status: "PENDING", … } }, … }
 * @since 0.2.0
 */
export const predictRefund = (
  session: SessionSnapshot,
  refunds: ReadonlyArray<RefundRecord>,
  body: unknown,
  at: number,
): RefundPrediction => {
  const refused = (expectation: RefundExpectation): RefundPrediction => ({
    expectation,
    refund: null,
    webhooks: [],
    reached: [],
  });
  const decoded = decodeCreate(body);
  if (Result.isFailure(decoded)) {
    return refused({
      kind: "error",
      status: 400,
      code: "api_validation_error",
      types: ["API_ERROR"],
      fields: decoded.failure.details.map((d) => d.field),
    });
  }
  const payment = refundablePayment(session, refunds, decoded.success.chargeId);
  if ("_tag" in payment) {
    return refused({
      kind: "error",
      status: 400,
      code: "api_validation_error",
      types: ["API_ERROR"],
      fields: payment.details.map((d) => d.field),
    });
  }
  const opened = openRefund({ id: REFUND_PLACEHOLDER, at, request: decoded.success }, payment);
  if (!opened.ok) {
    const refusal = opened.refusal;
    const key = refundTransitionKeyOf(null, { type: "SUBMIT" }, refusal);
    return {
      expectation:
        refusal.code === "validation"
          ? {
              kind: "error",
              status: 400,
              code: "api_validation_error",
              types: ["API_ERROR"],
              fields: (refusal.details ?? []).map((d) => d.field),
            }
          : { kind: "error", status: 422, code: refusal.code, types: ["API_ERROR"] },
      refund: null,
      webhooks: [],
      reached: [key],
    };
  }
  return {
    expectation: { kind: "refund", status: 200, refund: toRefund(opened.refund) },
    refund: opened.refund,
    webhooks: opened.webhooks,
    reached: [
      refundTransitionKeyOf(null, { type: "SUBMIT" }, { _tag: "Accepted", status: "PENDING", webhooks: [] }),
    ],
  };
};

/** Whether a model value is one the provider chooses and the model has not learnt (skipped). */
const providerChosen = (value: unknown): boolean =>
  typeof value === "string" && value.startsWith("provider-chosen:");

/**
 * The refund with the provider's id (from its answer's `data.id`) in place of the placeholder. Its
 * charge id stays the model's (the session's charge, learnt when the session is read).
 *
 * @since 0.2.0
 */
export const learnRefund = (refund: RefundRecord, data: unknown): RefundRecord => {
  const id = typeof data === "object" && data !== null ? (data as { id?: unknown }).id : undefined;
  if (!providerChosen(refund.context.id) || typeof id !== "string") return refund;
  return { ...refund, context: { ...refund.context, id } };
};

/** The callbacks of a refund's step, rendered from the refund after it (as the provider does). @since 0.2.0 */
export const callbacksOf = (refund: RefundRecord, webhooks: ReadonlyArray<RefundCallback>) =>
  webhooks.map((w): RefundCallback => ({ event: w.event, data: toRefund(refund) }));

/**
 * A refund as of `at`: the sandbox's steps due by then (decision R1), their callbacks and keys.
 *
 * @since 0.2.0
 */
export const advanceRefund = (
  refund: RefundRecord,
  at: number,
): {
  readonly refund: RefundRecord;
  readonly webhooks: ReadonlyArray<RefundCallback>;
  readonly reached: ReadonlyArray<TransitionKey>;
} => {
  const moved = sandboxRefundAt(refund, at);
  if (!moved.changed) return { refund, webhooks: [], reached: [] };
  return { refund: moved.refund, webhooks: moved.webhooks, reached: sandboxRefundKeys(refund, at) };
};

/** How far an instant may lie from the model's (as for sessions). */
const TOLERANCE_MS = 2_000;

const orNull = (u: unknown): unknown => (u === undefined ? null : u);

/**
 * The first field where `actual` (a refund as sent) differs from the model's refund, or `undefined`:
 * it must decode with the core's `Refund` schema (so `amount.value` is a decimal string), then id
 * (unless not learnt yet), status, references, amounts, method, reason, destination type, failure
 * reason and instants (within 2 s).
 *
 * @since 0.2.0
 */
export const compareRefund = (
  path: string,
  expected: Refund,
  actual: unknown,
): RefundMismatch | undefined => {
  const decoded = decodeRefund(actual);
  if (Result.isFailure(decoded)) {
    const detail = decoded.failure.details[0];
    return {
      path: `${path}.${detail?.field ?? ""}`,
      expected: "a refund object (core Refund schema)",
      actual,
      message: detail?.message ?? "the refund does not decode",
    };
  }
  const got = decoded.success;
  const fields: ReadonlyArray<readonly [string, unknown, unknown]> = [
    ["id", providerChosen(expected.id) ? got.id : expected.id, got.id],
    ["status", expected.status, got.status],
    ["clientReferenceId", expected.clientReferenceId, got.clientReferenceId],
    ["paymentSessionId", expected.paymentSessionId, got.paymentSessionId],
    ["chargeId", providerChosen(expected.chargeId) ? got.chargeId : expected.chargeId, got.chargeId],
    ["isFullAmount", expected.isFullAmount, got.isFullAmount],
    ["amount.value", expected.amount.value, got.amount.value],
    ["amount.currency", expected.amount.currency, got.amount.currency],
    ["capturedAmount.value", expected.capturedAmount.value, got.capturedAmount.value],
    ["method", expected.method, got.method],
    ["reason", expected.reason, got.reason],
    ["destinationType", orNull(expected.destinationType), orNull(got.destinationType)],
    ["failureReason", orNull(expected.failureReason), orNull(got.failureReason)],
  ];
  for (const [field, want, have] of fields) {
    if (want !== have) return { path: `${path}.${field}`, expected: want, actual: have };
  }
  for (const field of ["createdAt", "updatedAt"] as const) {
    const want = parseInstantMillis(expected[field]);
    const have = parseInstantMillis(got[field]);
    if (want !== undefined && (have === undefined || Math.abs(have - want) > TOLERANCE_MS)) {
      return { path: `${path}.${field}`, expected: expected[field], actual: got[field] };
    }
  }
  return undefined;
};

const get = (u: unknown, key: string): unknown =>
  typeof u === "object" && u !== null && !Array.isArray(u) ? (u as Record<string, unknown>)[key] : undefined;

/**
 * Checks a refund answer's body (status already checked): one refund, or a page of the list —
 * newest first, refunds made at the same instant in any order among themselves, with `pagination`.
 *
 * @since 0.2.0
 */
export const checkRefundBody = (
  expectation: Extract<RefundExpectation, { kind: "refund" | "refundList" }>,
  body: unknown,
): RefundMismatch | undefined => {
  const data = get(body, "data");
  if (expectation.kind === "refund") return compareRefund("data", expectation.refund, data);
  if (!Array.isArray(data)) return { path: "data", expected: "a list", actual: data };
  const { page, perPage } = expectation;
  const newest = [...expectation.refunds].reverse();
  const instant = (r: Refund) => parseInstantMillis(r.createdAt) ?? 0;
  const sorted = newest.sort((a, b) => instant(b) - instant(a));
  const want = sorted.slice((page - 1) * perPage, page * perPage);
  if (want.length !== data.length) return { path: "data.length", expected: want.length, actual: data.length };
  const byId = new Map(sorted.map((r) => [r.id, r]));
  const ids = new Set<unknown>();
  for (let i = 0; i < want.length; i++) {
    const id = get(data[i], "id");
    const model = typeof id === "string" ? byId.get(id) : undefined;
    const slot = want[i] as Refund;
    if (model === undefined || instant(model) !== instant(slot)) {
      return {
        path: `data[${i}].id`,
        expected: `a refund created at ${slot.createdAt} (newest first)`,
        actual: id,
      };
    }
    const mismatch = compareRefund(`data[${i}]`, model, data[i]);
    if (mismatch !== undefined) return mismatch;
    if (ids.has(id)) return { path: "data[].id", expected: "distinct refunds", actual: id };
    ids.add(id);
  }
  const pagination = get(body, "pagination");
  const total = expectation.refunds.length;
  for (const [key, value] of Object.entries({
    page,
    perPage,
    totalItems: total,
    totalPages: Math.ceil(total / perPage),
  })) {
    if (get(pagination, key) !== value) {
      return { path: `pagination.${key}`, expected: value, actual: get(pagination, key) };
    }
  }
  return undefined;
};
