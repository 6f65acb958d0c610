/**
 * What the provider answers, encoded: an HTTP status and a JSON body already encoded by the core's
 * schemas. The idempotency layer keeps it to replay it byte for byte (decision C6).
 *
 * @since 0.1.0
 */
import {
  type ApiErrorResponse,
  apiErrorStatus,
  apiValidationError,
  type BodyRefusalError,
  type ErrorCode,
  type ErrorDetail,
  ErrorEnvelope,
  type ErrorSource,
  type ErrorType,
  type Pagination,
} from "@payment-session/core";
import { Schema } from "effect";

/**
 * An HTTP answer: `status` and the encoded JSON `body`.
 *
 * @since 0.1.0
 * @category Server
 */
export interface Answer {
  readonly status: number;
  readonly body: unknown;
  /**
   * `body` already encoded as JSON text, sent as it is: the idempotency layer encodes a kept answer
   * once, for the response and its record (decision P23).
   */
  readonly json?: string | undefined;
}

const encodeEnvelope = Schema.encodeSync(ErrorEnvelope);

/**
 * The answer of one of the core's API errors: its class's status, its envelope.
 *
 * @since 0.1.0
 * @category Server
 */
export const errorAnswer = (error: ApiErrorResponse | BodyRefusalError): Answer => ({
  status: apiErrorStatus(error),
  body: encodeEnvelope({ code: error.code, message: error.message, error: error.error }),
});

/**
 * An answer in the error envelope for what the provider refuses outside the API description (an
 * unknown route, a body too large or too deep, an unsupported content type, a defect, the database
 * unreachable, a provider-state request): statuses the core's error classes do not cover.
 *
 * @since 0.1.0
 * @category Server
 */
export const envelope = (
  status: number,
  code: ErrorCode,
  message: string,
  options: {
    readonly traceId: string;
    readonly type?: ErrorType;
    readonly source?: ErrorSource;
    readonly details?: ReadonlyArray<ErrorDetail>;
  },
): Answer => ({
  status,
  body: encodeEnvelope({
    code,
    message,
    error: {
      type: options.type ?? "API_ERROR",
      source: options.source ?? "UPSTREAM",
      ...(options.details === undefined ? {} : { details: options.details }),
      traceId: options.traceId,
    },
  }),
});

/**
 * The 400 `api_validation_error` of one field (the core's `apiValidationError`, one `details[]`
 * entry): what the sandbox routes and the provider-states endpoint answer a bad field with.
 *
 * @since 0.2.0
 * @category Server
 */
export const fieldError = (traceId: string, field: string, message: string): Answer =>
  errorAnswer(apiValidationError([{ field, message }], { traceId }));

/**
 * The success envelope around `data`: `{ code: "00", message: "Success", data }`.
 *
 * @since 0.2.0
 * @category Server
 */
export const successBody = <A>(data: A) => ({ code: "00", message: "Success", data }) as const;

/**
 * A list answer: the success envelope around page `page` of `perPage` items (`data`) out of
 * `totalItems`, with its `pagination`.
 *
 * @since 0.2.0
 * @category Server
 */
export const listBody = <A>(data: A, page: number, perPage: number, totalItems: number) => ({
  ...successBody(data),
  pagination: { page, perPage, totalItems, totalPages: Math.ceil(totalItems / perPage) } satisfies Pagination,
});
