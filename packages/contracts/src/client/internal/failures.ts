/**
 * Turns whatever a client call failed with into one of the client's typed errors.
 */
import {
  ApiValidationError,
  CredentialsInvalidError,
  ErrorEnvelope,
  IdempotencyError,
  issueDetails,
  PayloadTooLargeError,
  ResourceMissingError,
  ServiceUnavailableError,
  UnprocessableError,
  UnsupportedMediaTypeError,
} from "@payment-session/core";
import { Effect, Result, Schema } from "effect";
import { HttpClientError, type HttpClientResponse } from "effect/http";
import {
  isPaymentsClientError,
  PaymentsApiError,
  type PaymentsClientError,
  PaymentsDecodeError,
  PaymentsInvalidRequestError,
  PaymentsTransportError,
} from "../errors.js";

type CoreError =
  | ApiValidationError
  | CredentialsInvalidError
  | ResourceMissingError
  | IdempotencyError
  | UnprocessableError
  | PayloadTooLargeError
  | UnsupportedMediaTypeError
  | ServiceUnavailableError;

const isCoreError = (u: unknown): u is CoreError =>
  u instanceof ApiValidationError ||
  u instanceof CredentialsInvalidError ||
  u instanceof ResourceMissingError ||
  u instanceof IdempotencyError ||
  u instanceof UnprocessableError ||
  u instanceof PayloadTooLargeError ||
  u instanceof UnsupportedMediaTypeError ||
  u instanceof ServiceUnavailableError;

const apiError = (operation: string, status: number, envelope: ErrorEnvelope): PaymentsApiError =>
  new PaymentsApiError({
    operation,
    status,
    code: envelope.code,
    message: envelope.message,
    type: envelope.error.type,
    source: envelope.error.source,
    details: envelope.error.details ?? [],
    traceId: envelope.error.traceId,
  });

const decodeEnvelope = Schema.decodeUnknownResult(ErrorEnvelope);

const messageOf = (u: unknown): string => (u instanceof Error ? u.message : String(u));

/** A request part that does not fit its schema, found before anything is sent. */
export const invalidRequest = (operation: string, error: Schema.SchemaError): PaymentsInvalidRequestError =>
  new PaymentsInvalidRequestError({
    operation,
    message: `The ${operation} request does not fit its schema`,
    details: issueDetails(error.issue),
  });

/** A failure before an answer arrived (transport, URL, encoding). */
export const requestFailure = (operation: string, cause: unknown): PaymentsClientError => {
  if (isPaymentsClientError(cause)) return cause;
  if (Schema.isSchemaError(cause)) return invalidRequest(operation, cause);
  return new PaymentsTransportError({
    operation,
    message: `The ${operation} request could not be completed: ${messageOf(cause)}`,
    cause,
  });
};

/**
 * A failure while reading an answer: a declared error class (the envelope, decoded), an undeclared
 * status (its body read as an error envelope when it is one), or a body that does not fit.
 */
export const responseFailure = (
  operation: string,
  response: HttpClientResponse.HttpClientResponse,
  cause: unknown,
): Effect.Effect<never, PaymentsClientError> => {
  const status = response.status;
  if (isPaymentsClientError(cause)) return Effect.fail(cause);
  if (isCoreError(cause)) return Effect.fail(apiError(operation, status, cause));
  if (Schema.isSchemaError(cause)) {
    return Effect.fail(
      new PaymentsDecodeError({
        operation,
        status,
        message: `The ${operation} answer (HTTP ${status}) does not fit its schema`,
        details: issueDetails(cause.issue),
      }),
    );
  }
  if (HttpClientError.isHttpClientError(cause) && cause.reason._tag === "TransportError") {
    return Effect.fail(requestFailure(operation, cause));
  }
  return Effect.flatMap(Effect.result(response.json), (body): Effect.Effect<never, PaymentsClientError> => {
    if (Result.isSuccess(body) && status >= 400) {
      const envelope = decodeEnvelope(body.success);
      if (Result.isSuccess(envelope)) return Effect.fail(apiError(operation, status, envelope.success));
    }
    return Effect.fail(
      new PaymentsDecodeError({
        operation,
        status,
        message: Result.isSuccess(body)
          ? `The ${operation} answer (HTTP ${status}) is not one the API declares`
          : `The ${operation} answer (HTTP ${status}) is not JSON`,
        details: [],
      }),
    );
  });
};
