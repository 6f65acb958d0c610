/**
 * What an operation answers: an HTTP status and a JSON body already encoded by the core's schemas
 * (success envelopes, error envelopes). The HTTP layer sends it as it is; the idempotency store
 * keeps it to replay it byte for byte (decision C6).
 *
 * @since 0.1.0
 */
import {
  type ApiErrorBody,
  type ApiErrorResponse,
  type ErrorCode,
  type ErrorDetail,
  ErrorEnvelope,
  type ErrorSource,
  type ErrorType,
  type Refused,
  refusalAnswer,
} from "@payment-session/core";
import { Schema } from "effect";

/**
 * An HTTP answer: `status` and the encoded JSON `body`.
 *
 * @since 0.1.0
 */
export interface Answer {
  readonly status: number;
  readonly body: unknown;
}

/** Encodes a success envelope with `schema` (a core `…Response` schema) into a 200 answer. @since 0.1.0 */
export const success = <S extends Schema.Encoder<unknown>>(schema: S, value: S["Type"]): Answer => ({
  status: 200,
  body: Schema.encodeSync(schema)(value),
});

const encodeEnvelope = Schema.encodeSync(ErrorEnvelope);

/**
 * An error answer in the documented envelope `{ code, message, error: { type, source, details?,
 * traceId } }`.
 *
 * @since 0.1.0
 */
export const failure = (
  status: number,
  code: ErrorCode,
  message: string,
  options: {
    readonly traceId: string;
    readonly type?: ErrorType;
    readonly source?: ErrorSource;
    readonly details?: ReadonlyArray<ErrorDetail> | undefined;
  },
): Answer => {
  const error: ApiErrorBody = {
    type: options.type ?? "API_ERROR",
    source: options.source ?? "UPSTREAM",
    ...(options.details === undefined ? {} : { details: options.details }),
    traceId: options.traceId,
  };
  return { status, body: encodeEnvelope({ code, message, error }) };
};

const statusOfError = (error: ApiErrorResponse): number => {
  switch (error._tag) {
    case "ApiValidationError":
      return 400;
    case "CredentialsInvalidError":
      return 401;
    case "ResourceMissingError":
      return 404;
    case "IdempotencyError":
      return 409;
    case "UnprocessableError":
      return 422;
  }
};

/**
 * The answer of one of the core's error values (`credentialsInvalidError()`, `resourceMissingError(…)`,
 * …), with its status.
 *
 * @since 0.1.0
 */
export const fromApiError = (error: ApiErrorResponse): Answer => ({
  status: statusOfError(error),
  body: encodeEnvelope({ code: error.code, message: error.message, error: error.error }),
});

/**
 * The answer of a refusal of the core (`applyEvent` / `createSession`):
 *
 * - `invalid_state` → 422 `invalid_state` (decision L2); `amount_mismatch` → 422 (P1);
 * - `validation` → 400 `api_validation_error` with the refusal's `details` (C3, C5);
 * - `unknown_charge` → 404 `resource_missing` (a payment for a charge the session does not have);
 * - `charge_required` → 500 `internal_error` (the provider forgot to issue the charge: a bug).
 *
 * The message is the core's (it names the operation and the status).
 *
 * @since 0.1.0
 */
export const fromRefusal = (refused: Refused, traceId: string): Answer => {
  const { status, code, type, source } = refusalAnswer(refused.code);
  return failure(status, code, refused.message, {
    traceId,
    type,
    source,
    ...(refused.code === "validation" ? { details: refused.details ?? [] } : {}),
  });
};

/** 404 `resource_missing` for a payment session id the merchant does not have. @since 0.1.0 */
export const sessionMissing = (id: string, traceId: string): Answer =>
  failure(404, "resource_missing", `PaymentSession with ID ${id} cannot be found`, {
    traceId,
    type: "GATEWAY_ERROR",
  });

/** 500 `internal_error`: something failed inside the provider; quote the trace id. @since 0.1.0 */
export const internalError = (traceId: string): Answer =>
  failure(500, "internal_error", "Internal error; quote the traceId to support", {
    traceId,
    type: "GATEWAY_ERROR",
    source: "SYSTEM",
  });

/**
 * 503 `service_unavailable` (decision H7): the database did not answer (unreachable, connection
 * lost, timeout).
 * Nothing can be promised about a write that was in flight: retry with the same `X-REQUEST-ID`.
 *
 * @since 0.1.0
 */
export const serviceUnavailable = (traceId: string): Answer =>
  failure(503, "service_unavailable", "The service is unavailable; retry later with the same X-REQUEST-ID", {
    traceId,
    type: "GATEWAY_ERROR",
    source: "SYSTEM",
  });
