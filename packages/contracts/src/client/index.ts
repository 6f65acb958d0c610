/**
 * The typed payments client (Effect API and Promise facade) and its typed errors.
 *
 * @since 0.1.0
 */
export * from "./createPaymentsClient.js";
export * from "./errors.js";
export * from "./PaymentsClient.js";
