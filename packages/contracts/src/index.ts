/**
 * @payment-session/contracts — the Pact contracts of the Pivot Payments v2 API and the tools around them:
 * a verifier (API + CLI) that any implementation runs against the pact files.
 *
 * @since 0.1.0
 */
export * from "./verifier/index.js";
