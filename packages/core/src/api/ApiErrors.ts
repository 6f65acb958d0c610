/**
 * The error answers of the API, one class per HTTP status, each with the gateway's error envelope
 * `{ code, message, error: { type, source?, details?, traceId? } }` as its wire shape.
 *
 * They are `Schema.Error` classes: a handler fails with `new ApiValidationError({...})`, the server
 * encodes it with its status, a client decodes the body back into the same class, and the OpenAPI
 * document lists it under the status. `_tag` lives on the prototype only (`Effect.catchTag` works;
 * it is never on the wire).
 *
 * @since 0.1.0
 */
import { Schema } from "effect";
import type { RefusalCode, Refused } from "../lifecycle/types.js";
import type { BodyValidationError } from "../schemas/BodyValidation.js";
import type { ErrorCode, ErrorSource, ErrorType } from "../schemas/Enums.js";
import { ApiErrorBody, type ErrorDetail } from "../schemas/Envelope.js";

/**
 * The fields of the error envelope with `code` fixed to the codes its status can carry (facts §3.3,
 * decisions L2 and P1), so that a generated client can narrow an error by status and code.
 */
const envelopeFields = <Code extends Schema.Top>(code: Code) => ({
  code,
  message: Schema.String,
  error: ApiErrorBody,
});

const fixedCodeNote = { description: "Fixed per status: a client can narrow an error by status and code" };

/**
 * 400 `api_validation_error`: the request (body, query, path or headers) does not fit its schema,
 * or breaks a documented rule (decision C3, C5). `error.details` lists every offending field.
 *
 * @since 0.1.0
 * @category Errors
 */
export class ApiValidationError extends Schema.Error<ApiValidationError>("ApiValidationError")(
  envelopeFields(Schema.Literal("api_validation_error").annotate(fixedCodeNote)),
  {
    identifier: "ApiValidationError",
    description:
      "400 api_validation_error: the request does not fit its schema; error.details lists the fields",
    httpApiStatus: 400,
  },
) {
  declare readonly _tag: "ApiValidationError";
}
Object.defineProperty(ApiValidationError.prototype, "_tag", { value: "ApiValidationError" });

/**
 * 401 `credentials_invalid`: missing or invalid Bearer token, or a wrong merchant id/secret on
 * `POST /v1/access-token`.
 *
 * @since 0.1.0
 * @category Errors
 */
export class CredentialsInvalidError extends Schema.Error<CredentialsInvalidError>("CredentialsInvalidError")(
  envelopeFields(Schema.Literal("credentials_invalid").annotate(fixedCodeNote)),
  {
    identifier: "CredentialsInvalidError",
    description: "401 credentials_invalid: token (or merchant id/secret) missing or invalid",
    httpApiStatus: 401,
  },
) {
  declare readonly _tag: "CredentialsInvalidError";
}
Object.defineProperty(CredentialsInvalidError.prototype, "_tag", { value: "CredentialsInvalidError" });

/**
 * 404 `resource_missing`: no payment session with that id (for this merchant).
 *
 * @since 0.1.0
 * @category Errors
 */
export class ResourceMissingError extends Schema.Error<ResourceMissingError>("ResourceMissingError")(
  envelopeFields(Schema.Literal("resource_missing").annotate(fixedCodeNote)),
  {
    identifier: "ResourceMissingError",
    description: "404 resource_missing: $resource with ID $id cannot be found",
    httpApiStatus: 404,
  },
) {
  declare readonly _tag: "ResourceMissingError";
}
Object.defineProperty(ResourceMissingError.prototype, "_tag", { value: "ResourceMissingError" });

/**
 * 409 `idempotency_error`: the `X-REQUEST-ID` was used within 24 h with another body or on another
 * endpoint (decision C6); or `duplicate_error` (facts §3.3): the request conflicts with a record.
 *
 * @since 0.1.0
 * @category Errors
 */
export class IdempotencyError extends Schema.Error<IdempotencyError>("IdempotencyError")(
  envelopeFields(Schema.Literals(["idempotency_error", "duplicate_error"]).annotate(fixedCodeNote)),
  {
    identifier: "IdempotencyError",
    description:
      "409 idempotency_error (X-REQUEST-ID reused with another payload or endpoint) or duplicate_error (conflicts with a record)",
    httpApiStatus: 409,
  },
) {
  declare readonly _tag: "IdempotencyError";
}
Object.defineProperty(IdempotencyError.prototype, "_tag", { value: "IdempotencyError" });

/**
 * Every `code` a 422 {@link UnprocessableError} carries: `invalid_state` (decision L2) and
 * `amount_mismatch` (decision P1). A new 422 refusal adds its code here (the schema, the OpenAPI
 * document and the type all follow).
 *
 * @since 0.2.0
 * @category Errors
 */
export const unprocessableErrorCodes = [
  "invalid_state",
  "amount_mismatch",
  "full_refund_not_allowed",
  "amount_exceeds_refundable",
] as const;

/**
 * 422: a valid request the session's state does not allow. `code` is `invalid_state` (decision L2:
 * the message names the operation and the status), `amount_mismatch` (decision P1: a payment
 * whose amount differs from the session's), or for a refund `full_refund_not_allowed` /
 * `amount_exceeds_refundable` (decision R3).
 *
 * @since 0.1.0
 * @category Errors
 */
export class UnprocessableError extends Schema.Error<UnprocessableError>("UnprocessableError")(
  envelopeFields(Schema.Literals(unprocessableErrorCodes).annotate(fixedCodeNote)),
  {
    identifier: "UnprocessableError",
    description:
      "422 invalid_state, amount_mismatch, full_refund_not_allowed or amount_exceeds_refundable: valid request, but not in the current state",
    httpApiStatus: 422,
  },
) {
  declare readonly _tag: "UnprocessableError";
}
Object.defineProperty(UnprocessableError.prototype, "_tag", { value: "UnprocessableError" });

/**
 * 413 `api_validation_error`: the request body is larger than the server takes (the reference
 * provider: 1 MiB). Answered before any handler runs; `error.details[0].field` is `""`.
 *
 * @since 0.2.0
 * @category Errors
 */
export class PayloadTooLargeError extends Schema.Error<PayloadTooLargeError>("PayloadTooLargeError")(
  envelopeFields(Schema.Literal("api_validation_error").annotate(fixedCodeNote)),
  {
    identifier: "PayloadTooLargeError",
    description: "413 api_validation_error: the request body is larger than the server accepts",
    httpApiStatus: 413,
  },
) {
  declare readonly _tag: "PayloadTooLargeError";
}
Object.defineProperty(PayloadTooLargeError.prototype, "_tag", { value: "PayloadTooLargeError" });

/**
 * 415 `api_validation_error`: a body sent with a `Content-Type` other than `application/json`.
 * Answered before any handler runs; `error.details[0].field` is `content-type`.
 *
 * @since 0.2.0
 * @category Errors
 */
export class UnsupportedMediaTypeError extends Schema.Error<UnsupportedMediaTypeError>(
  "UnsupportedMediaTypeError",
)(envelopeFields(Schema.Literal("api_validation_error").annotate(fixedCodeNote)), {
  identifier: "UnsupportedMediaTypeError",
  description: "415 api_validation_error: the body is not sent as application/json",
  httpApiStatus: 415,
}) {
  declare readonly _tag: "UnsupportedMediaTypeError";
}
Object.defineProperty(UnsupportedMediaTypeError.prototype, "_tag", { value: "UnsupportedMediaTypeError" });

/**
 * 503 `service_unavailable`: the server cannot use its storage now (the reference provider: its
 * database is unreachable or closed). Nothing is known to have happened: retry later with the same
 * `X-REQUEST-ID` (decision H7). `error.type` is `GATEWAY_ERROR`, `error.source` `SYSTEM`.
 *
 * @since 0.2.0
 * @category Errors
 */
export class ServiceUnavailableError extends Schema.Error<ServiceUnavailableError>("ServiceUnavailableError")(
  envelopeFields(Schema.Literal("service_unavailable").annotate(fixedCodeNote)),
  {
    identifier: "ServiceUnavailableError",
    description:
      "503 service_unavailable: the server cannot reach its storage now; retry later with the same X-REQUEST-ID",
    httpApiStatus: 503,
  },
) {
  declare readonly _tag: "ServiceUnavailableError";
}
Object.defineProperty(ServiceUnavailableError.prototype, "_tag", { value: "ServiceUnavailableError" });

/**
 * The errors a server answers about the body itself, before a handler runs (413, 415). Every POST
 * endpoint declares them.
 *
 * @since 0.2.0
 * @category Errors
 */
export type BodyRefusalError = PayloadTooLargeError | UnsupportedMediaTypeError;

/**
 * Any error class a handler of this API fails with (the union of their instances): what a server
 * fails with and what `HttpApiClient` decodes an error envelope into ({@link BodyRefusalError} are
 * answered before a handler runs). (The contracts package's `PaymentsApiError` is the
 * client-side error a merchant catches.)
 *
 * @since 0.1.0
 * @category Errors
 */
export type ApiErrorResponse =
  | ApiValidationError
  | CredentialsInvalidError
  | ResourceMissingError
  | IdempotencyError
  | UnprocessableError
  | ServiceUnavailableError;

/** Extra parts of an error envelope: a trace id to quote to support. */
interface ErrorOptions {
  readonly traceId?: string | undefined;
}

const errorBody = (
  details: ReadonlyArray<ErrorDetail> | undefined,
  options?: ErrorOptions,
): ApiErrorBody => ({
  type: "API_ERROR",
  source: "UPSTREAM",
  ...(details === undefined ? {} : { details }),
  ...(options?.traceId === undefined ? {} : { traceId: options.traceId }),
});

/**
 * The 400 answer for a refused body (see `decodeBody`), with one `details[]` entry per field.
 *
 * @example
 * const r = decodeBody(CreatePaymentSessionRequest)(json)
 * if (Result.isFailure(r)) return yield* apiValidationError(r.failure.details)
 * @since 0.1.0
 * @category Errors
 */
export const apiValidationError = (
  details: ReadonlyArray<ErrorDetail> | BodyValidationError,
  options?: ErrorOptions,
): ApiValidationError =>
  new ApiValidationError({
    code: "api_validation_error",
    message: "Request validation failed",
    error: errorBody("details" in details ? details.details : details, options),
  });

/** The 401 answer. @since 0.1.0 @category Errors */
export const credentialsInvalidError = (message = "Invalid credentials", options?: ErrorOptions) =>
  new CredentialsInvalidError({ code: "credentials_invalid", message, error: errorBody(undefined, options) });

/**
 * The 404 answer: `"<resource> with ID <id> cannot be found"` (type GATEWAY_ERROR, as documented).
 *
 * @since 0.1.0
 * @category Errors
 */
export const resourceMissingError = (resource: string, id: string, options?: ErrorOptions) =>
  new ResourceMissingError({
    code: "resource_missing",
    message: `${resource} with ID ${id} cannot be found`,
    error: { ...errorBody(undefined, options), type: "GATEWAY_ERROR" },
  });

/** The 409 answer for a reused `X-REQUEST-ID`. @since 0.1.0 @category Errors */
export const idempotencyError = (options?: ErrorOptions) =>
  new IdempotencyError({
    code: "idempotency_error",
    message: "X-REQUEST-ID was already used with a different payload or endpoint",
    error: errorBody(undefined, options),
  });

/**
 * The 413 answer for a body larger than `maxBytes` (the reference provider: 1 MiB).
 *
 * @since 0.2.0
 * @category Errors
 */
export const payloadTooLargeError = (maxBytes: number, options?: ErrorOptions) =>
  new PayloadTooLargeError({
    code: "api_validation_error",
    message: `The request body is larger than ${maxBytes} bytes`,
    error: errorBody([{ field: "", message: `at most ${maxBytes} bytes` }], options),
  });

/**
 * The 415 answer for a body sent with a `Content-Type` other than `application/json`.
 *
 * @since 0.2.0
 * @category Errors
 */
export const unsupportedMediaTypeError = (options?: ErrorOptions) =>
  new UnsupportedMediaTypeError({
    code: "api_validation_error",
    message: "Unsupported Content-Type: send application/json",
    error: errorBody([{ field: "content-type", message: "expected application/json" }], options),
  });

/**
 * The 503 answer when the server cannot use its storage (decision H7): `GATEWAY_ERROR` from the
 * `SYSTEM`; the caller retries later with the same `X-REQUEST-ID`.
 *
 * @example
 * fromStore(() => load(id)).pipe(Effect.catchTag("StoreUnavailable", () => Effect.fail(serviceUnavailableError({ traceId }))))
 * @since 0.2.0
 * @category Errors
 */
export const serviceUnavailableError = (options?: ErrorOptions): ServiceUnavailableError =>
  new ServiceUnavailableError({
    code: "service_unavailable",
    message: "The service is unavailable; retry later with the same X-REQUEST-ID",
    error: { ...errorBody(undefined, options), type: "GATEWAY_ERROR", source: "SYSTEM" },
  });

/**
 * The 422 answer for an operation the status does not allow (decision L2).
 *
 * @example
 * invalidStateError("confirm", "PAID").message // "Payment session in status PAID is not allowed to confirm payment session"
 * @since 0.1.0
 * @category Errors
 */
export const invalidStateError = (operation: string, status: string, options?: ErrorOptions) =>
  new UnprocessableError({
    code: "invalid_state",
    message: `Payment session in status ${status} is not allowed to ${operation} payment session`,
    error: errorBody(undefined, options),
  });

/**
 * The 404 answer for a payment session id the merchant does not have (also another merchant's).
 *
 * @since 0.1.0
 * @category Errors
 */
export const sessionMissingError = (id: string, options?: ErrorOptions): ResourceMissingError =>
  resourceMissingError("PaymentSession", id, options);

/**
 * The 409 answer when a session changed under every attempt of a request (the store lost its
 * compare-and-set each time): `duplicate_error`, retry later.
 *
 * @since 0.1.0
 * @category Errors
 */
export const concurrentChangeError = (options?: ErrorOptions): IdempotencyError =>
  new IdempotencyError({
    code: "duplicate_error",
    message: "The payment session changed concurrently; retry the request",
    error: { ...errorBody(undefined, options), type: "GATEWAY_ERROR" },
  });

/**
 * The HTTP status of an error value: its class's `httpApiStatus` (the one the OpenAPI document
 * lists it under), read from the class, never written again.
 *
 * @example
 * apiErrorStatus(idempotencyError()) // 409
 * @since 0.1.0
 * @category Errors
 */
export const apiErrorStatus = (error: ApiErrorResponse | BodyRefusalError): number => {
  const status: unknown = Reflect.get(error.constructor, "ast")?.annotations?.httpApiStatus;
  if (typeof status !== "number") throw new Error(`${error._tag} has no httpApiStatus`);
  return status;
};

/** The error classes a lifecycle refusal becomes. @since 0.1.0 @category Errors */
export type RefusalError = ApiValidationError | ResourceMissingError | UnprocessableError;

/**
 * The API error of a lifecycle refusal ({@link Refused} of `applyEvent` / `createSession`), with
 * the core's message (it names the operation and the status), as {@link refusalAnswer} describes:
 * `validation` → {@link ApiValidationError} with the refusal's `details`; `invalid_state` /
 * `amount_mismatch` → {@link UnprocessableError}; `unknown_charge` → {@link ResourceMissingError}.
 * `charge_required` is a bug of the caller (it did not issue the charge the core asked for), not
 * an answer: it throws.
 *
 * @example
 * const applied = applyEvent(snapshot, event)
 * if (applied.outcome._tag === "Refused") return yield* Effect.fail(refusalError(applied.outcome, { traceId }))
 * @since 0.1.0
 * @category Errors
 */
export const refusalError = (refused: Refused, options?: ErrorOptions): RefusalError => {
  const { type, source } = refusalAnswer(refused.code);
  const error: ApiErrorBody = {
    ...errorBody(refused.code === "validation" ? (refused.details ?? []) : undefined, options),
    type,
    source,
  };
  const message = refused.message;
  switch (refused.code) {
    case "validation":
      return new ApiValidationError({ code: "api_validation_error", message, error });
    case "invalid_state":
    case "amount_mismatch":
      return new UnprocessableError({ code: refused.code, message, error });
    case "unknown_charge":
      return new ResourceMissingError({ code: "resource_missing", message, error });
    case "charge_required":
      throw new Error(`lifecycle refused: ${refused.message} (the provider must issue the charge first)`);
  }
};

/**
 * The HTTP answer class of a lifecycle refusal ({@link Refused} of `applyEvent` / `createSession`):
 * status, `code`, `error.type` and `error.source`.
 *
 * - `invalid_state` → 422 `invalid_state` (decision L2); `amount_mismatch` → 422 (P1);
 * - `validation` → 400 `api_validation_error` (C3, C5; the refusal's `details` go in `error.details`);
 * - `unknown_charge` → 404 `resource_missing` (a payment for a charge the session does not have);
 * - `charge_required` → 500 `internal_error` (the provider forgot to issue the charge: a bug).
 *
 * The one mapping both a server (to answer) and a checker (to predict the answer) use.
 *
 * @example
 * refusalAnswer("invalid_state") // { status: 422, code: "invalid_state", type: "API_ERROR", source: "UPSTREAM" }
 * @since 0.1.0
 * @category Errors
 */
export const refusalAnswer = (code: RefusalCode): RefusalAnswer => {
  switch (code) {
    case "invalid_state":
    case "amount_mismatch":
      return { status: 422, code, type: "API_ERROR", source: "UPSTREAM" };
    case "validation":
      return { status: 400, code: "api_validation_error", type: "API_ERROR", source: "UPSTREAM" };
    case "unknown_charge":
      return { status: 404, code: "resource_missing", type: "GATEWAY_ERROR", source: "UPSTREAM" };
    case "charge_required":
      return { status: 500, code: "internal_error", type: "GATEWAY_ERROR", source: "SYSTEM" };
  }
};

/** What {@link refusalAnswer} answers. @since 0.1.0 @category Errors */
export interface RefusalAnswer {
  readonly status: 400 | 404 | 422 | 500;
  readonly code: ErrorCode;
  readonly type: ErrorType;
  readonly source: ErrorSource;
}
