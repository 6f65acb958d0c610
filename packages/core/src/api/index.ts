/**
 * The API description: the `PaymentsApi` HttpApi, its error classes, and the OpenAPI rendering.
 *
 * @since 0.1.0
 */
export * from "./ApiErrors.js";
export * from "./idempotency.js";
export * from "./OpenApiDocument.js";
export * from "./PaymentsApi.js";
export * from "./RefundsApi.js";
export * from "./subAccount.js";
