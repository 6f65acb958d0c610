/**
 * Contract-test mode of the reference provider: the provider-states endpoint, the webhook message
 * producer and the verification run behind `pnpm verify`. Not part of the package's public entry
 * (it needs `@payment-session/contracts`, a development dependency); import it from here.
 *
 * @since 0.1.0
 */
export * from "./contractProvider.js";
export * from "./contractStates.js";
export * from "./startVerifyWorker.js";
export * from "./verifyContracts.js";
export * from "./webhookMessages.js";
