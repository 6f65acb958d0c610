/**
 * Where the webhook handler remembers which callbacks it has already handled (decision W2: delivery
 * is at least once, so the handler must be idempotent).
 *
 * @since 0.1.0
 */

/**
 * A record of handled callbacks, by dedupe key (see `callbackDedupeKey`).
 *
 * - `claim(key)`: record the key; `true` when it was not recorded yet (handle this delivery),
 *   `false` when it was (a duplicate). Must be atomic when several handler instances share it
 *   (e.g. `INSERT … ON CONFLICT DO NOTHING` and check the row count).
 * - `release(key)`: forget the key again; the handler calls it when `onEvent` failed, so that the
 *   gateway's retry is handled.
 *
 * Gotcha: the gateway retries for about a day (5 min … 12 h); keep keys at least that long.
 *
 * @since 0.1.0
 * @category Webhooks
 */
export interface DedupeStore {
  readonly claim: (key: string) => boolean | Promise<boolean>;
  readonly release: (key: string) => void | Promise<void>;
}

/**
 * An in-process {@link DedupeStore} that keeps the newest `maxEntries` keys (default 100 000; the
 * oldest are forgotten first). Enough for one process; use a shared store (database, Redis) when
 * several processes receive callbacks.
 *
 * @example
 * const handler = createWebhookHandler({ apiKey, onEvent, dedupeStore: inMemoryDedupeStore({ maxEntries: 10_000 }) })
 * @since 0.1.0
 * @category Webhooks
 */
export const inMemoryDedupeStore = (options: { readonly maxEntries?: number } = {}): DedupeStore => {
  const maxEntries = Math.max(1, options.maxEntries ?? 100_000);
  const keys = new Set<string>();
  return {
    claim: (key) => {
      if (keys.has(key)) return false;
      keys.add(key);
      if (keys.size > maxEntries) {
        const oldest = keys.values().next();
        if (oldest.done !== true) keys.delete(oldest.value);
      }
      return true;
    },
    release: (key) => {
      keys.delete(key);
    },
  };
};
