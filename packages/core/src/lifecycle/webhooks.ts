/**
 * What identifies a payment callback (decision W2), for the provider that enqueues it and the
 * merchant's handler that deduplicates it: one function, so both sides agree.
 *
 * @since 0.1.0
 */
import { instantToMillis } from "../schemas/Instant.js";
import type { Charge, PaymentCallback, RefundCallback } from "../schemas/index.js";

/**
 * The charge a callback is about: the most recently updated charge of `data.chargeDetails` (the
 * last one listed wins a tie), or `undefined` when there is none.
 *
 * @since 0.1.0
 * @category Webhooks
 */
export const callbackCharge = (callback: PaymentCallback): Charge | undefined =>
  (callback.data.chargeDetails ?? []).reduce<Charge | undefined>(
    (latest, charge) =>
      latest === undefined || instantToMillis(charge.updatedAt) >= instantToMillis(latest.updatedAt)
        ? charge
        : latest,
    undefined,
  );

/**
 * The dedupe key of a callback (decision W2): session id, event, charge id and charge status.
 * Two deliveries of the same event share it; a new payment into a MULTIPLE session (a new charge)
 * or a charge that moved on (a new status) does not.
 *
 * @example
 * callbackDedupeKey(callback) // '["7f65…","PAYMENT.PAID","b4db…","SUCCESS"]'
 * @since 0.1.0
 * @category Webhooks
 */
export const callbackDedupeKey = (callback: PaymentCallback): string => {
  const charge = callbackCharge(callback);
  return JSON.stringify([callback.data.id, callback.event, charge?.id ?? "", charge?.status ?? ""]);
};

/**
 * What identifies a refund callback, for the provider that enqueues it and the merchant's handler
 * that deduplicates it: the refund id and the event (each refund status is sent once).
 *
 * @since 0.2.0
 * @category Webhooks
 */
export const refundCallbackDedupeKey = (callback: RefundCallback): string =>
  JSON.stringify(["refund", callback.data.id, callback.event]);
