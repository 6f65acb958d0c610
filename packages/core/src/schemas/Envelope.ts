/**
 * The response envelope: `{ code, message, data, pagination? }` on success and
 * `{ code, message, error }` on failure (facts §3).
 *
 * @since 0.1.0
 */
import { Schema, SchemaTransformation } from "effect";
import { ErrorCode, ErrorSource, ErrorType } from "./Enums.js";
import { Pagination } from "./Pagination.js";

/**
 * Wraps a `data` schema in the success envelope: `code` is always `"00"`, `message` e.g. `"Success"`,
 * `pagination` only on list answers.
 *
 * @example
 * const SessionResponse = SuccessEnvelope(PaymentSession)
 * @since 0.1.0
 * @category Schemas
 */
export const SuccessEnvelope = <S extends Schema.Constraint>(data: S) =>
  Schema.Struct({
    code: Schema.Literal("00"),
    message: Schema.String,
    data,
    pagination: Schema.optionalKey(Pagination),
  });

/**
 * The success envelope of a list answer: `data` is an array and `pagination` is present.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const ListEnvelope = <S extends Schema.Constraint>(item: S) =>
  Schema.Struct({
    code: Schema.Literal("00"),
    message: Schema.String,
    data: Schema.Array(item),
    pagination: Pagination,
  });

/** One offending field of a validation error: a dot path (`amount.value`; `""` = the whole body). @since 0.1.0 @category Schemas */
export const ErrorDetail = Schema.Struct({
  field: Schema.String,
  message: Schema.String,
}).annotate({ identifier: "ErrorDetail" });
/** @since 0.1.0 @category Schemas */
export type ErrorDetail = typeof ErrorDetail.Type;

const ApiErrorBodyFields = {
  type: ErrorType,
  source: Schema.optionalKey(ErrorSource),
  details: Schema.optionalKey(Schema.Array(ErrorDetail)),
  traceId: Schema.optionalKey(Schema.String),
};

const ApiErrorBodyType = Schema.Struct(ApiErrorBodyFields).annotate({ identifier: "ApiErrorBody" });

/**
 * The `error` object. `details` lists offending fields on validation errors; `traceId` is quoted
 * to support.
 *
 * Gotcha: the docs spell the trace id both `traceId` and `trace_id`. Decoding accepts either
 * (`traceId` wins); encoding always writes `traceId`.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const ApiErrorBody = Schema.Struct({
  ...ApiErrorBodyFields,
  trace_id: Schema.optionalKey(Schema.String),
}).pipe(
  Schema.decodeTo(
    ApiErrorBodyType,
    SchemaTransformation.transform({
      decode: ({ trace_id, ...rest }) =>
        rest.traceId === undefined && trace_id !== undefined ? { ...rest, traceId: trace_id } : rest,
      encode: (body) => body,
    }),
  ),
);
/** @since 0.1.0 @category Schemas */
export type ApiErrorBody = typeof ApiErrorBody.Type;

/**
 * The error envelope. `code` is one of {@link ErrorCode} when this project answers, but any string
 * is read (older gateway pages show codes like `"400100xxx"`).
 *
 * @example
 * const e: ErrorEnvelope = { code: "invalid_state", message: "cannot confirm a PAID session", error: { type: "API_ERROR" } }
 * @since 0.1.0
 * @category Schemas
 */
export const ErrorEnvelope = Schema.Struct({
  code: Schema.Union([ErrorCode, Schema.String]),
  message: Schema.String,
  error: ApiErrorBody,
}).annotate({ identifier: "ErrorEnvelope" });
/** @since 0.1.0 @category Schemas */
export type ErrorEnvelope = typeof ErrorEnvelope.Type;
