/**
 * @payment-session/core — the Pivot Payments v2 API as data and rules.
 *
 * - schemas: every request/response body, enum and error envelope (Effect Schema)
 * - api: the endpoints as one Effect `HttpApi` (server, client and OpenAPI derive from it)
 * - lifecycle: the session and charge machines (XState) and the pure `createSession` / `applyEvent` API
 *
 * @since 0.1.0
 */
export * from "./api/index.js";
export * from "./lifecycle/index.js";
export * from "./schemas/index.js";
