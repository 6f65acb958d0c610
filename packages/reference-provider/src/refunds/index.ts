/**
 * Refunds in the reference provider: the store of refunds, the operations (Effects failing with the
 * core's error classes), the refund sweeper.
 *
 * @since 0.2.0
 */
export * from "./refundStore.js";
export * from "./refunds.js";
export * from "./seedRefund.js";
