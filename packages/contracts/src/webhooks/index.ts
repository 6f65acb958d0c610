/**
 * The payment-callback (webhook) handler, its dedupe store and its `node:http` adapter.
 *
 * @since 0.1.0
 */
export * from "./createWebhookHandler.js";
export * from "./dedupeStore.js";
export * from "./toNodeListener.js";
