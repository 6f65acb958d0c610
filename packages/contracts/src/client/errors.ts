/**
 * The typed errors of the payments client. Every failure of a client call is one of four values,
 * never raw JSON or a bare exception:
 *
 * - {@link PaymentsApiError}: the API answered with its error envelope (any 4xx/5xx);
 * - {@link PaymentsDecodeError}: the API answered something that does not fit the core's schemas;
 * - {@link PaymentsInvalidRequestError}: the request did not fit its schema, so nothing was sent;
 * - {@link PaymentsTransportError}: the request could not be sent or no answer came back.
 *
 * They are `Data.TaggedError`s: `Error` instances (the Promise facade rejects with them, so
 * `instanceof` works) that Effect code can also match with `Effect.catchTag`.
 *
 * @since 0.1.0
 */
import type { ErrorDetail, ErrorSource, ErrorType } from "@payment-session/core";
import { Data } from "effect";

/**
 * The API refused the call with its error envelope `{ code, message, error: { type, source?,
 * details?, traceId? } }`.
 *
 * - `status`: the HTTP status (400, 401, 404, 409, 422, 5xx …);
 * - `code`: the envelope's code, e.g. `api_validation_error`, `credentials_invalid`,
 *   `resource_missing`, `idempotency_error`, `invalid_state`;
 * - `type` / `source`: `error.type` (`API_ERROR`, `GATEWAY_ERROR`, …) and `error.source`;
 * - `details`: the offending fields of a 400 (empty otherwise);
 * - `traceId`: quote it to support;
 * - `operation`: which client call failed, e.g. `payments.confirm`.
 *
 * Gotcha: retry only 5xx (and 408/429) answers; a 4xx will fail the same way again.
 *
 * @example
 * try { await client.confirm(id, body) } catch (e) {
 *   if (e instanceof PaymentsApiError && e.code === "invalid_state") showAlreadyPaid()
 * }
 * @since 0.1.0
 * @category Client errors
 */
export class PaymentsApiError extends Data.TaggedError("PaymentsApiError")<{
  readonly operation: string;
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly type: ErrorType;
  readonly source?: ErrorSource | undefined;
  readonly details: ReadonlyArray<ErrorDetail>;
  readonly traceId?: string | undefined;
}> {}

/**
 * The API answered (`status`), but the body does not fit the core's schema for that answer: a
 * missing or mistyped field (`details[].field` is the dot path, e.g. `data.chargeDetails[0].status`),
 * a body that is not JSON, or a status the API does not declare with a body that is not an error
 * envelope.
 *
 * Gotcha: the operation may have taken effect on the server (e.g. a create that answered with a
 * broken body): read the session back (`getByClientReferenceId`) before retrying.
 *
 * @since 0.1.0
 * @category Client errors
 */
export class PaymentsDecodeError extends Data.TaggedError("PaymentsDecodeError")<{
  readonly operation: string;
  readonly status: number;
  readonly message: string;
  readonly details: ReadonlyArray<ErrorDetail>;
}> {}

/**
 * The request does not fit its schema (e.g. an amount of `1.5`, an instant without an offset, an
 * `X-REQUEST-ID` with a space): nothing was sent. `details` lists the offending fields.
 *
 * @since 0.1.0
 * @category Client errors
 */
export class PaymentsInvalidRequestError extends Data.TaggedError("PaymentsInvalidRequestError")<{
  readonly operation: string;
  readonly message: string;
  readonly details: ReadonlyArray<ErrorDetail>;
}> {}

/**
 * The request could not be sent or no answer came back (connection refused, DNS, reset, an
 * invalid base URL). `cause` is the underlying error.
 *
 * Gotcha: a POST may still have reached the server; send it again with the same `requestId`
 * (`X-REQUEST-ID`) to get the first answer back instead of a second session.
 *
 * @since 0.1.0
 * @category Client errors
 */
export class PaymentsTransportError extends Data.TaggedError("PaymentsTransportError")<{
  readonly operation: string;
  readonly message: string;
  readonly cause: unknown;
}> {}

/**
 * Any failure of a payments client call.
 *
 * @since 0.1.0
 * @category Client errors
 */
export type PaymentsClientError =
  | PaymentsApiError
  | PaymentsDecodeError
  | PaymentsInvalidRequestError
  | PaymentsTransportError;

/**
 * Whether a value is one of the payments client's errors (useful in a `catch` block).
 *
 * @since 0.1.0
 * @category Client errors
 */
export const isPaymentsClientError = (u: unknown): u is PaymentsClientError =>
  u instanceof PaymentsApiError ||
  u instanceof PaymentsDecodeError ||
  u instanceof PaymentsInvalidRequestError ||
  u instanceof PaymentsTransportError;
