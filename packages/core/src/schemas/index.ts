/**
 * Effect schemas for every body of the Payments v2 API: enums, instants, amounts, requests,
 * responses, envelopes, and the body decoder that reports every offending field.
 *
 * @since 0.1.0
 */
export * from "./AccessToken.js";
export * from "./Amount.js";
export * from "./BodyValidation.js";
export * from "./CancelPaymentSessionRequest.js";
export * from "./Capture.js";
export * from "./Charge.js";
export * from "./ConfirmPaymentSessionRequest.js";
export * from "./CreatePaymentSessionRequest.js";
export * from "./Customer.js";
export * from "./Enums.js";
export * from "./Envelope.js";
export * from "./Identifiers.js";
export * from "./Instant.js";
export * from "./Order.js";
export * from "./Pagination.js";
export * from "./PaymentCallback.js";
export * from "./PaymentMethod.js";
export * from "./PaymentMethodOptions.js";
export * from "./PaymentSession.js";
export * from "./RedirectUrl.js";
export * from "./Refund.js";
export * from "./Simulation.js";
