/**
 * The dispatcher as it was before decision H6, kept as the defect the delivery tests must catch:
 * one claim of a whole batch under one lease, then the batch delivered one event after another.
 * A batch that outlasts its lease is claimed again by a second dispatcher and delivered twice, and
 * one slow merchant delays every merchant behind it.
 */
import {
  type Database,
  type DispatchOptions,
  fetchWebhookSender,
  type MerchantRegistry,
  markDelivered,
  markManual,
  scheduleRetry,
  webhookRetryDelaysMs,
} from "../../src/index.js";
import { claimDueWebhooks } from "./claimDueWebhooks.js";

export const legacyDispatchDue = async (
  db: Database,
  merchants: MerchantRegistry,
  at: number,
  options: DispatchOptions & { readonly stopped?: () => boolean } = {},
): Promise<void> => {
  const send = options.send ?? fetchWebhookSender(options.timeoutMs ?? 10_000);
  const rows = await db.transaction((tx) =>
    claimDueWebhooks(tx, at, options.limit ?? 100, { leaseMs: options.leaseMs ?? 60_000 }),
  );
  for (const row of rows) {
    if (options.stopped?.() === true) return;
    const merchant = merchants.get(row.merchantId);
    if (merchant?.callbackUrl === undefined) continue;
    const result = await send({
      url: merchant.callbackUrl,
      apiKey: merchant.callbackApiKey,
      payload: row.payload,
    });
    if (result._tag === "delivered") await markDelivered(db, row.id, at);
    else {
      const delay = webhookRetryDelaysMs[row.attempts];
      if (result._tag === "retry" && delay !== undefined)
        await scheduleRetry(db, row.id, at + delay, result.error);
      else await markManual(db, row.id, result.error);
    }
  }
};
