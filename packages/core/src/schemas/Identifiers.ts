/**
 * Identifiers a merchant sends: `clientReferenceId` and the `X-REQUEST-ID` idempotency key.
 *
 * @since 0.1.0
 */
import { Schema } from "effect";

/**
 * The merchant's payment reference: 1–100 visible ASCII characters (decision C7: the docs say
 * "alphanumeric", real integrations use hyphens). Not unique: several sessions may share one (C4).
 *
 * @example
 * Schema.decodeUnknownSync(ClientReferenceId)("INV-2025-0001")
 * @since 0.1.0
 * @category Schemas
 */
export const ClientReferenceId = Schema.String.check(
  Schema.isPattern(/^[\x21-\x7E]{1,100}$/u, { expected: "1–100 visible ASCII characters" }),
).annotate({ description: "Merchant's payment reference (1–100 visible characters)" });

/** @since 0.1.0 @category Schemas */
export type ClientReferenceId = typeof ClientReferenceId.Type;

/**
 * The `X-REQUEST-ID` idempotency key: optional, 1–255 visible ASCII characters (decision C6; the
 * documented 16–36 alphanumerics are advice, not a gate).
 *
 * @since 0.1.0
 * @category Schemas
 */
export const RequestId = Schema.String.check(
  Schema.isPattern(/^[\x21-\x7E]{1,255}$/u, { expected: "1–255 visible ASCII characters" }),
).annotate({ description: "Idempotency key (1–255 visible ASCII characters)" });

/** @since 0.1.0 @category Schemas */
export type RequestId = typeof RequestId.Type;

/**
 * The `x-submerchant-id` header: the sub-account a call acts for (facts §1, SUB; decision S5). The
 * docs show a UUID; any 1–255 visible ASCII characters are accepted (decision C7).
 *
 * @since 0.2.0
 * @category Schemas
 */
export const SubmerchantId = Schema.String.check(
  Schema.isPattern(/^[\x21-\x7E]{1,255}$/u, { expected: "1–255 visible ASCII characters" }),
).annotate({
  description:
    "The sub-account this call acts for (decision S5): a session created with it is read, listed and changed only with the same header.",
});

/** @since 0.2.0 @category Schemas */
export type SubmerchantId = typeof SubmerchantId.Type;
