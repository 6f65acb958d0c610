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
  PayloadTooLargeError,
  ResourceMissingError,
  ServiceUnavailableError,
  UnprocessableError,
  UnsupportedMediaTypeError,
} from "./ApiErrors.js";
import {
  createRefundRequestExample,
  errorExamples,
  refundListResponseExample,
  refundRefusedExample,
  refundResponseExample,
} from "./examples.js";
import { documented } from "./operationDocs.js";
import { subAccountHeaders } from "./subAccount.js";

const readErrors = { 400: errorExamples[400], 401: errorExamples[401] };

/** `{ code: "00", message, data: Refund }`: create and get answer it. @since 0.2.0 @category API description */
export const RefundResponse = SuccessEnvelope(Refund).annotate({ identifier: "RefundResponse" });
/** `{ code: "00", message, data: Refund[], pagination }`. @since 0.2.0 @category API description */
export const RefundListResponse = ListEnvelope(Refund).annotate({ identifier: "RefundListResponse" });

const createRefund = HttpApiEndpoint.post("create", "/v1/refunds", {
  headers: { ...subAccountHeaders, "x-request-id": Schema.optionalKey(RequestId) },
  payload: CreateRefundRequest,
  success: RefundResponse,
  error: [
    ResourceMissingError,
    IdempotencyError,
    UnprocessableError,
    PayloadTooLargeError,
    UnsupportedMediaTypeError,
    ServiceUnavailableError,
  ],
})
  .annotate(OpenApi.Summary, "Refund (part of) a paid payment session")
  .annotateMerge(
    documented({
      description:
        'Opens a PENDING refund of a SUCCESS charge of a PAID (or MULTIPLE) session. `amount.value` is a string (`"10000.00"`). 400 for a malformed request (`details[]` per field, e.g. `amount.value`); 404 for an unknown session (also another merchant\'s); 422 `invalid_state` for an unpaid session, `full_refund_not_allowed` after an earlier refund, `amount_exceeds_refundable` beyond the captured amount (decisions R2, R3). With `X-REQUEST-ID` a retry gets the first answer again (decision C6).',
      request: createRefundRequestExample,
      responses: {
        200: refundResponseExample,
        ...readErrors,
        404: errorExamples[404],
        409: errorExamples[409],
        413: errorExamples[413],
        415: errorExamples[415],
        422: refundRefusedExample,
        503: errorExamples[503],
      },
    }),
  );

const getRefund = HttpApiEndpoint.get("get", "/v1/refunds/:id", {
  headers: subAccountHeaders,
  params: { id: Schema.String },
  success: RefundResponse,
  error: [ResourceMissingError, ServiceUnavailableError],
})
  .annotate(OpenApi.Summary, "Retrieve a refund")
  .annotateMerge(
    documented({
      description:
        "The merchant's refund as of now (the sandbox's due steps applied first, decision R1), or 404 `resource_missing` (also for another merchant's refund).",
      responses: {
        200: refundResponseExample,
        ...readErrors,
        404: errorExamples[404],
        503: errorExamples[503],
      },
    }),
  );

const listRefunds = HttpApiEndpoint.get("list", "/v1/refunds", {
  headers: subAccountHeaders,
  query: ListRefundsQuery,
  success: RefundListResponse,
  error: [ServiceUnavailableError],
})
  .annotate(OpenApi.Summary, "List refunds (by paymentSessionId, clientReferenceId, status), newest first")
  .annotateMerge(
    documented({
      description:
        "The merchant's refunds, newest first, filtered by `paymentSessionId`, `clientReferenceId` (the refund's) and `status`, a page at a time (`page`, `perPage` ≤ 100, default 20).",
      responses: { 200: refundListResponseExample, ...readErrors, 503: errorExamples[503] },
    }),
  );

/**
 * Group `refunds`: `create`, `get`, `list`, without its security: `PaymentsApi` adds it with the
 * Bearer middleware every `/v2` group has (as `RefundsGroup`), so this file needs nothing of it.
 *
 * @since 0.2.0
 * @category API description
 */
export const RefundsEndpoints = HttpApiGroup.make("refunds")
  .add(createRefund, getRefund, listRefunds)
  .annotate(OpenApi.Description, "Refunds of a paid session's charge, and their lifecycle (decisions R1–R5)");

/**
 * The HTTP answer of a refund refusal ({@link RefundRefused} of `openRefund`, decision R3):
 * `validation` → 400 {@link ApiValidationError} with the refusal's `details`; `invalid_state`,
 * `full_refund_not_allowed`, `amount_exceeds_refundable` → 422 {@link UnprocessableError} with that
 * code and the refusal's message.
 *
 * @example
 * if (!opened.ok) return yield* Effect.fail(refundRefusalError(opened.refusal, { traceId }))
 * @since 0.2.0
 * @category API description
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
