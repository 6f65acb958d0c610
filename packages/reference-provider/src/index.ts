/**
 * @payment-session/reference-provider — the Payments v2 API implemented on @payment-session/core and PostgreSQL.
 *
 * @since 0.1.0
 */
export * from "./store/index.js";
