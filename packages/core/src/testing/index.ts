/**
 * `@payment-session/core/testing`: what the tests, docs generators, demo and benchmarks of every
 * package share — the property-test seed, the seed page's example values, and the example bodies of
 * the API (the ones the OpenAPI document shows).
 *
 * @since 0.2.0
 */
export * from "../api/examples.js";
export * from "./fixtures.js";
export * from "./propertySeed.js";
