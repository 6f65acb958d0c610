/**
 * @payment-session/contracts — the Pact contracts of the Pivot Payments v2 API and the tools around them:
 * a typed client (Effect and Promise), the provider-state catalogue, a webhook handler, and a verifier
 * (API + CLI) that any implementation runs against the pact files.
 *
 * @since 0.1.0
 */

export * from "./card/encryptCard.js";
export * from "./card/testKey.js";
export * from "./client/index.js";
export * from "./coverage/index.js";
export * from "./explorer/index.js";
export * from "./providerStates/index.js";
export * from "./verifier/index.js";
export * from "./webhooks/index.js";
