/**
 * Refunds (facts §4 rows 12–13, §8, §10, §14): the create body, the refund object, the refund
 * callback and the list query. Unlike a session, a refund's `amount.value` is a **string** on the
 * wire (`"10000.00"`); inside it is an integer number of rupiah like every other amount here.
 *
 * @since 0.2.0
 */
import { Schema, SchemaGetter } from "effect";
import { Currency } from "./Amount.js";
import { RefundMethod } from "./Customer.js";
import { ClientReferenceId } from "./Identifiers.js";
import { Instant } from "./Instant.js";
import { isStorableText, JsonObject, Metadata, Text } from "./internal/text.js";
import { PageParam, PerPageParam } from "./Pagination.js";

/** Refund statuses (facts §8). Final: SUCCESS, FAILED, CANCELLED. @since 0.2.0 @category Schemas */
export const RefundStatus = Schema.Literals([
  "PENDING",
  "WAITING_BANK_TRANSFER",
  "SUCCESS",
  "FAILED",
  "CANCELLED",
]);
/** @since 0.2.0 @category Schemas */
export type RefundStatus = typeof RefundStatus.Type;
/** Every {@link RefundStatus}, in the documented order. @since 0.2.0 @category Schemas */
export const refundStatuses = RefundStatus.literals;

/** Why the merchant refunds (facts §8). @since 0.2.0 @category Schemas */
export const RefundReason = Schema.Literals([
  "SUSPECT_FRAUDULENT",
  "DUPLICATE",
  "REQUESTED_BY_CUSTOMER",
  "CANCELLATION",
  "OTHERS",
]);
/** @since 0.2.0 @category Schemas */
export type RefundReason = typeof RefundReason.Type;
/** Every {@link RefundReason}. @since 0.2.0 @category Schemas */
export const refundReasons = RefundReason.literals;

/** Every {@link RefundMethod}: AUTO (default: to the channel, falling back to a transfer), TRANSFER_ONLY. @since 0.2.0 @category Schemas */
export const refundMethods = RefundMethod.literals;

/**
 * Where the money went: `CHANNEL` (back to the card / wallet / channel) or `ACCOUNT` (a bank
 * transfer). Set when the refund reaches a final status; `ACCOUNT` already while
 * WAITING_BANK_TRANSFER (facts §14).
 *
 * @since 0.2.0
 * @category Schemas
 */
export const DestinationType = Schema.Literals(["CHANNEL", "ACCOUNT"]);
/** @since 0.2.0 @category Schemas */
export type DestinationType = typeof DestinationType.Type;

/**
 * Refund callback events (facts §10), spelled as the gateway sends them: the docs' typo
 * `REFUND.WAITING_BANK_TRANFER` (no S) is kept on the wire because real handlers match it
 * (decision R4).
 *
 * @since 0.2.0
 * @category Schemas
 */
export const RefundWebhookEvent = Schema.Literals([
  "REFUND.PENDING",
  "REFUND.WAITING_BANK_TRANFER",
  "REFUND.SUCCESS",
  "REFUND.FAILED",
]);
/** @since 0.2.0 @category Schemas */
export type RefundWebhookEvent = typeof RefundWebhookEvent.Type;
/** Every {@link RefundWebhookEvent}. @since 0.2.0 @category Schemas */
export const refundWebhookEvents = RefundWebhookEvent.literals;

/** A refund value on the wire: whole rupiah, optionally with `.00` / `.0` (1–18 digits). */
const DECIMAL_VALUE = /^(0|[1-9][0-9]{0,17})(\.0{1,2})?$/u;

/** The wire text of a refund value: an integer `n` is `"n.00"`, as the docs' examples write it. */
const valueText = (value: number): string => `${value}.00`;

/**
 * A refund amount's `value`: a decimal **string** on the wire (`"10000"`, `"10000.00"`), an integer
 * inside. Encodes as `"<n>.00"`.
 *
 * Gotcha: IDR has no minor unit in use, so a fraction other than zero (`"10000.50"`) is refused, as
 * are `"-1"`, `"1e3"`, `" 1"`, numbers (not strings) and values beyond `Number.MAX_SAFE_INTEGER`.
 *
 * @example
 * Schema.decodeUnknownSync(RefundValue)("5000.00") // 5000
 * @since 0.2.0
 * @category Schemas
 */
export const RefundValue = Schema.String.check(
  Schema.isPattern(DECIMAL_VALUE, { expected: 'a decimal string of whole rupiah, e.g. "10000.00"' }),
)
  .pipe(
    Schema.decodeTo(Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })), {
      decode: SchemaGetter.transform((s: string) => Number(s)),
      encode: SchemaGetter.transform(valueText),
    }),
  )
  .annotate({ description: 'Decimal string of whole currency units, e.g. "10000.00"' });

/**
 * A refund amount as the gateway writes it: `{ value: "10000.00", currency: "IDR" }`; decoded, the
 * value is an integer (≥ 0; `capturedAmount` of a refund).
 *
 * @since 0.2.0
 * @category Schemas
 */
export const RefundAmount = Schema.Struct({
  value: RefundValue,
  currency: Currency,
}).annotate({ identifier: "RefundAmount" });
/** @since 0.2.0 @category Schemas */
export type RefundAmount = typeof RefundAmount.Type;

/**
 * The amount a merchant asks to refund: as {@link RefundAmount}, with `value` ≥ 1 (`"0"`, `"0.00"`
 * refused with the field path `amount.value`).
 *
 * @since 0.2.0
 * @category Schemas
 */
export const RefundRequestAmount = Schema.Struct({
  value: RefundValue.check(Schema.isGreaterThanOrEqualTo(1)),
  currency: Currency,
}).annotate({ identifier: "RefundRequestAmount" });
/** @since 0.2.0 @category Schemas */
export type RefundRequestAmount = typeof RefundRequestAmount.Type;

/**
 * The bank account a transfer refund goes to (needed for `method: TRANSFER_ONLY`): the bank's
 * `channelCode` and the account, plus an optional transfer `description` of at most 20
 * alphanumerics (facts §14).
 *
 * @since 0.2.0
 * @category Schemas
 */
export const TransferDestination = Schema.Struct({
  channelCode: Text(1, 20),
  channelInformation: Schema.Struct({
    accountNumber: Text(1, 30),
    accountName: Text(1, 50),
  }),
  description: Schema.optionalKey(
    Schema.String.check(Schema.isPattern(/^[A-Za-z0-9 ]{0,20}$/u, { expected: "0–20 alphanumerics" })),
  ),
}).annotate({ identifier: "TransferDestination" });
/** @since 0.2.0 @category Schemas */
export type TransferDestination = typeof TransferDestination.Type;

/**
 * `POST /v1/refunds` body (facts §14). `paymentSessionId` names the paid session (decision R2: it is
 * required; `chargeId` picks one charge of a MULTIPLE session). `amount` is needed unless
 * `isFullAmount` is true; `transferDestination` is needed for `TRANSFER_ONLY`. Those two
 * conditions, and the money rules, are checked by the core's {@link refundRequestIssues} and the
 * refund machine, not by this schema.
 *
 * @example
 * { clientReferenceId: "refund-1001-a", paymentSessionId: "7f65…", amount: { value: "10000.00", currency: "IDR" },
 *   reason: "REQUESTED_BY_CUSTOMER" }
 * @since 0.2.0
 * @category Schemas
 */
export const CreateRefundRequest = Schema.Struct({
  clientReferenceId: ClientReferenceId,
  paymentSessionId: Text(1, 100),
  chargeId: Schema.optionalKey(Text(1, 100)),
  isFullAmount: Schema.optionalKey(Schema.Boolean),
  amount: Schema.optionalKey(RefundRequestAmount),
  reason: RefundReason,
  description: Schema.optionalKey(Text(0, 50)),
  method: Schema.optionalKey(RefundMethod),
  transferDestination: Schema.optionalKey(TransferDestination),
  metadata: Schema.optionalKey(Metadata),
}).annotate({ identifier: "CreateRefundRequest" });
/** @since 0.2.0 @category Schemas */
export type CreateRefundRequest = typeof CreateRefundRequest.Type;

/**
 * The refund object (facts §14): the request's fields plus `id`, `capturedAmount` (the refundable
 * total: what the charge captured), `status` (starts `PENDING`), `destinationType` (sent by this
 * provider, `null` until the refund goes somewhere; read as optional since the docs set it only
 * "after final status"), `createdAt`, `updatedAt`.
 *
 * Gotcha: `failureReason` is this project's (the docs give a FAILED refund no reason); a merchant
 * must not depend on it.
 *
 * @since 0.2.0
 * @category Schemas
 */
export const Refund = Schema.Struct({
  id: Schema.String,
  clientReferenceId: Schema.String,
  paymentSessionId: Schema.String,
  chargeId: Schema.String,
  isFullAmount: Schema.Boolean,
  amount: RefundAmount,
  capturedAmount: RefundAmount,
  reason: RefundReason,
  description: Schema.optionalKey(Schema.NullOr(Schema.String)),
  method: RefundMethod,
  transferDestination: Schema.optionalKey(Schema.NullOr(TransferDestination)),
  destinationType: Schema.optionalKey(Schema.NullOr(DestinationType)),
  status: RefundStatus,
  failureReason: Schema.optionalKey(Schema.NullOr(Schema.String)),
  metadata: Schema.optionalKey(Schema.NullOr(JsonObject)),
  createdAt: Instant,
  updatedAt: Instant,
}).annotate({ identifier: "Refund" });
/** @since 0.2.0 @category Schemas */
export type Refund = typeof Refund.Type;
/** @since 0.2.0 @category Schemas */
export type RefundEncoded = typeof Refund.Encoded;

/**
 * The refund callback body (facts §10): `{ event, data: <refund object> }`, with the same
 * `X-API-Key` header as payment callbacks. Dedupe on (refund id, event).
 *
 * @since 0.2.0
 * @category Schemas
 */
export const RefundCallback = Schema.Struct({
  event: RefundWebhookEvent,
  data: Refund,
}).annotate({ identifier: "RefundCallback" });
/** @since 0.2.0 @category Schemas */
export type RefundCallback = typeof RefundCallback.Type;

/**
 * Query of `GET /v1/refunds`: optional filters `paymentSessionId`, `clientReferenceId` (the refund's)
 * and `status`, and paging (facts §4: `page`, `perPage` ≤ 100, default 20).
 *
 * @since 0.2.0
 * @category Schemas
 */
export const ListRefundsQuery = Schema.Struct({
  paymentSessionId: Schema.optionalKey(
    // Described before its checks: a description after them is not carried into the JSON Schema.
    Schema.String.annotate({ description: "Only the refunds of this payment session" }).check(
      Schema.isBetweenLength(1, 100),
      isStorableText,
    ),
  ),
  clientReferenceId: Schema.optionalKey(
    ClientReferenceId.annotate({ description: "Only the refunds with this (refund's) clientReferenceId" }),
  ),
  status: Schema.optionalKey(RefundStatus.annotate({ description: "Only the refunds in this status" })),
  page: Schema.optionalKey(PageParam),
  perPage: Schema.optionalKey(PerPageParam),
}).annotate({ identifier: "ListRefundsQuery" });
/** @since 0.2.0 @category Schemas */
export type ListRefundsQuery = typeof ListRefundsQuery.Type;
