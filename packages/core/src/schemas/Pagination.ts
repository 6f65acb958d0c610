/**
 * Paging of list answers and the list queries (facts §4: `page`, `perPage`, max 100, default 20).
 *
 * @since 0.1.0
 */
import { Schema, SchemaGetter } from "effect";
import { ClientReferenceId } from "./Identifiers.js";

const NonNegativeInt = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0));

/** The `pagination` object of a list answer. @since 0.1.0 @category Schemas */
export const Pagination = Schema.Struct({
  page: NonNegativeInt,
  perPage: NonNegativeInt,
  totalItems: NonNegativeInt,
  totalPages: NonNegativeInt,
}).annotate({ identifier: "Pagination" });
/** @since 0.1.0 @category Schemas */
export type Pagination = typeof Pagination.Type;

/** Default page (1) and page size (20); the largest page size is 100. @since 0.1.0 @category Schemas */
export const pageDefaults = { page: 1, perPage: 20, maxPerPage: 100 } as const;

/** The largest `page` a list query takes (nine decimal digits). @since 0.2.0 @category Schemas */
export const maxPage = 999_999_999;

/** A URL parameter holding a decimal integer in `[min, max]` ("007" reads as 7; "1e2", "0x10" are refused). */
const IntParam = (min: number, max: number) =>
  Schema.String.check(Schema.isPattern(/^[0-9]{1,9}$/u, { expected: "a decimal integer" })).pipe(
    Schema.decodeTo(Schema.Int.check(Schema.isBetween({ minimum: min, maximum: max })), {
      decode: SchemaGetter.transform((s: string) => Number(s)),
      encode: SchemaGetter.transform((n: number) => String(n)),
    }),
  );

/** `page` URL parameter: integer ≥ 1. @since 0.1.0 @category Schemas */
export const PageParam = IntParam(1, maxPage);
/** `perPage` URL parameter: integer 1–100. @since 0.1.0 @category Schemas */
export const PerPageParam = IntParam(1, pageDefaults.maxPerPage);

/**
 * What the `page` and `perPage` URL parameters accept, as the OpenAPI document states it: decimal
 * integers within the bounds {@link PageParam} and {@link PerPageParam} decode (the wire is text,
 * `?page=2`; an integer query parameter is the standard way to say so), with their defaults.
 *
 * @since 0.2.0
 * @category Schemas
 */
export const pagingParameters = {
  page: {
    description: `Page number, from 1 (default ${pageDefaults.page}). Decimal digits only.`,
    schema: { type: "integer", minimum: 1, maximum: maxPage, default: pageDefaults.page },
  },
  perPage: {
    description: `Items per page, 1–${pageDefaults.maxPerPage} (default ${pageDefaults.perPage}). Decimal digits only.`,
    schema: {
      type: "integer",
      minimum: 1,
      maximum: pageDefaults.maxPerPage,
      default: pageDefaults.perPage,
    },
  },
} as const;

/**
 * Query of `GET /v2/payments`: an optional `clientReferenceId` filter and paging. URL parameters are
 * strings on the wire (`?page=2`) and numbers once decoded; defaults are not applied by decoding (use
 * {@link withPageDefaults}).
 *
 * @since 0.1.0
 * @category Schemas
 */
export const ListPaymentSessionsQuery = Schema.Struct({
  clientReferenceId: Schema.optionalKey(ClientReferenceId),
  page: Schema.optionalKey(PageParam),
  perPage: Schema.optionalKey(PerPageParam),
}).annotate({ identifier: "ListPaymentSessionsQuery" });
/** @since 0.1.0 @category Schemas */
export type ListPaymentSessionsQuery = typeof ListPaymentSessionsQuery.Type;

/** Query of `GET /v2/charges`: the session's `clientReferenceId` (mandatory) and paging. @since 0.1.0 @category Schemas */
export const ListChargesQuery = Schema.Struct({
  clientReferenceId: ClientReferenceId,
  page: Schema.optionalKey(PageParam),
  perPage: Schema.optionalKey(PerPageParam),
}).annotate({ identifier: "ListChargesQuery" });
/** @since 0.1.0 @category Schemas */
export type ListChargesQuery = typeof ListChargesQuery.Type;

/**
 * The page and page size of a decoded list query, defaults applied (page 1, 20 per page).
 *
 * @example
 * withPageDefaults({}) // { page: 1, perPage: 20 }
 * @since 0.1.0
 * @category Schemas
 */
export const withPageDefaults = (query: {
  readonly page?: number | undefined;
  readonly perPage?: number | undefined;
}): { readonly page: number; readonly perPage: number } => ({
  page: query.page ?? pageDefaults.page,
  perPage: query.perPage ?? pageDefaults.perPage,
});
