/**
 * `@payment-session/core/testing`: what the tests of every package share — the property-test seed
 * and the example bodies of the API (the ones the OpenAPI document shows), as fixtures.
 *
 * @since 0.2.0
 */
export * from "../api/examples.js";
export * from "./propertySeed.js";
