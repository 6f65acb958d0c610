/**
 * The refund endpoints (facts §4 rows 12–13, §14) as an `HttpApiGroup`, added to {@link PaymentsApi}
 * beside the payment groups: `POST /v1/refunds`, `GET /v1/refunds/{id}`, `GET /v1/refunds`.
 *
 * @since 0.2.0
 */
import { Schema } from "effect";
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "effect/http-api";
import type { RefundRefused } from "../lifecycle/refunds.js";
import { ListEnvelope, SuccessEnvelope } from "../schemas/Envelope.js";
import { RequestId } from "../schemas/Identifiers.js";
import { CreateRefundRequest, ListRefundsQuery, Refund } from "../schemas/Refund.js";
import {
  type ApiValidationError,
  apiValidationError,
  IdempotencyError,
  ResourceMissingError,
  UnprocessableError,
} from "./ApiErrors.js";

/** `{ code: "00", message, data: Refund }`: create and get answer it. @since 0.2.0 */
export const RefundResponse = SuccessEnvelope(Refund).annotate({ identifier: "RefundResponse" });
/** `{ code: "00", message, data: Refund[], pagination }`. @since 0.2.0 */
export const RefundListResponse = ListEnvelope(Refund).annotate({ identifier: "RefundListResponse" });

const createRefund = HttpApiEndpoint.post("create", "/v1/refunds", {
  headers: { "x-request-id": Schema.optionalKey(RequestId) },
  payload: CreateRefundRequest,
  success: RefundResponse,
  error: [ResourceMissingError, IdempotencyError, UnprocessableError],
})
  .annotate(OpenApi.Summary, "Refund (part of) a paid payment session")
  .annotate(
    OpenApi.Description,
    "Opens a PENDING refund of a SUCCESS charge of a PAID (or MULTIPLE) session. 400 for a malformed request (details[] per field, e.g. amount.value); 404 for an unknown session; 422 invalid_state for an unpaid session, full_refund_not_allowed after an earlier refund, amount_exceeds_refundable beyond the captured amount (decisions R2, R3).",
  );

const getRefund = HttpApiEndpoint.get("get", "/v1/refunds/:id", {
  params: { id: Schema.String },
  success: RefundResponse,
  error: [ResourceMissingError],
}).annotate(OpenApi.Summary, "Retrieve a refund");

const listRefunds = HttpApiEndpoint.get("list", "/v1/refunds", {
  query: ListRefundsQuery,
  success: RefundListResponse,
}).annotate(OpenApi.Summary, "List refunds (by paymentSessionId, clientReferenceId, status), newest first");

/**
 * Group `refunds`: `create`, `get`, `list`, without its security: `PaymentsApi` adds it with the
 * Bearer middleware every `/v2` group has (as `RefundsGroup`), so this file needs nothing of it.
 *
 * @since 0.2.0
 */
export const RefundsEndpoints = HttpApiGroup.make("refunds").add(createRefund, getRefund, listRefunds);

/**
 * The HTTP answer of a refund refusal ({@link RefundRefused} of `openRefund`, decision R3):
 * `validation` → 400 {@link ApiValidationError} with the refusal's `details`; `invalid_state`,
 * `full_refund_not_allowed`, `amount_exceeds_refundable` → 422 {@link UnprocessableError} with that
 * code and the refusal's message.
 *
 * @example
 * if (!opened.ok) return yield* Effect.fail(refundRefusalError(opened.refusal, { traceId }))
 * @since 0.2.0
 */
export const refundRefusalError = (
  refused: RefundRefused,
  options?: { readonly traceId?: string | undefined },
): ApiValidationError | UnprocessableError => {
  const traceId = options?.traceId === undefined ? {} : { traceId: options.traceId };
  if (refused.code === "validation") return apiValidationError(refused.details ?? [], options);
  return new UnprocessableError({
    code: refused.code,
    message: refused.message,
    error: { type: "API_ERROR", source: "UPSTREAM", ...traceId },
  });
};
