/**
 * The payment callback (webhook) body the gateway POSTs to the merchant (facts §10, decision W1).
 *
 * @since 0.1.0
 */
import { Schema } from "effect";
import { WebhookEvent } from "./Enums.js";
import { PaymentSession } from "./PaymentSession.js";

/**
 * `{ event, data: <session with chargeDetails> }`, sent with header `X-API-Key`. Delivery is at least
 * once: dedupe on (session id, event, charge id, charge status) (decision W2).
 *
 * @since 0.1.0
 * @category Schemas
 */
export const PaymentCallback = Schema.Struct({
  event: WebhookEvent,
  data: PaymentSession,
}).annotate({ identifier: "PaymentCallback" });
/** @since 0.1.0 @category Schemas */
export type PaymentCallback = typeof PaymentCallback.Type;
