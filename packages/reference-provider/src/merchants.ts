/**
 * The merchants the provider serves: API credentials, the callback (webhook) target and the
 * payment-method config. They come from configuration (a demo merchant by default), not from the
 * database.
 *
 * @since 0.1.0
 */
import { timingSafeEqual } from "node:crypto";
import { defaultPaymentMethodConfig, type PaymentMethodConfig } from "@payment-session/core";

/**
 * One merchant.
 *
 * - `id` / `secret`: the `X-MERCHANT-ID` / `X-MERCHANT-SECRET` of `POST /v1/access-token`.
 * - `name`: shown in VA names (`"<name> - <virtualAccountName>"`) and QR merchant names.
 * - `callbackUrl` / `callbackApiKey`: where webhooks go and the `X-API-Key` they carry; without a
 *   URL, deliveries fail and follow the retry schedule (decision W2).
 * - `paymentMethodConfig`: amount and expiry limits (decisions C2, C3, C5); default the docs' example.
 *
 * @since 0.1.0
 * @category Merchants
 */
export interface Merchant {
  readonly id: string;
  readonly secret: string;
  readonly name: string;
  readonly callbackUrl?: string | undefined;
  readonly callbackApiKey: string;
  readonly paymentMethodConfig?: PaymentMethodConfig | undefined;
}

/**
 * The demo merchant `pnpm start` serves and prints (id `demo-merchant`, secret `demo-secret`).
 *
 * @since 0.1.0
 * @category Merchants
 */
export const demoMerchant: Merchant = {
  id: "demo-merchant",
  secret: "demo-secret",
  name: "Demo Merchant",
  callbackApiKey: "demo-callback-key",
};

/**
 * Between a merchant's id and a sub-account's in the owner id of the sub-account's data.
 *
 * @since 0.2.0
 * @category Merchants
 */
export const subAccountSeparator = "::sub::";

/**
 * The merchant a call acts as (decision S5): the merchant itself, or with `x-submerchant-id` its
 * sub-account — the same merchant (name, config, callback URL and key) under the owner id
 * `<merchant id>::sub::<sub-account id>`, so that every session, refund and idempotency key the
 * call makes or reads is the sub-account's alone.
 *
 * @example
 * actingMerchant(demoMerchant, "4b1e…").id // "demo-merchant::sub::4b1e…"
 * @since 0.2.0
 * @category Merchants
 */
export const actingMerchant = (merchant: Merchant, submerchantId: string | undefined): Merchant =>
  submerchantId === undefined || submerchantId === ""
    ? merchant
    : { ...merchant, id: `${merchant.id}${subAccountSeparator}${submerchantId}` };

/**
 * The merchants of a running provider, by id. `upsert` adds or replaces one at run time (the
 * provider-states endpoint creates merchants that way).
 *
 * @since 0.1.0
 * @category Merchants
 */
export interface MerchantRegistry {
  readonly get: (id: string) => Merchant | undefined;
  readonly upsert: (merchant: Merchant) => void;
  readonly list: () => ReadonlyArray<Merchant>;
  /** The merchant whose id and secret these are, or `undefined` (the secret is compared in constant time). */
  readonly authenticate: (id: string, secret: string) => Merchant | undefined;
}

const sameSecret = (a: string, b: string): boolean => {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  return left.length === right.length && timingSafeEqual(left, right);
};

/**
 * Makes a {@link MerchantRegistry} holding `merchants` (default: the {@link demoMerchant}).
 *
 * @since 0.1.0
 * @category Merchants
 */
export const createMerchantRegistry = (
  merchants: ReadonlyArray<Merchant> = [demoMerchant],
): MerchantRegistry => {
  const byId = new Map(merchants.map((m) => [m.id, m]));
  return {
    // A sub-account's owner id (decision S5) resolves to its merchant acting for it.
    get: (id) => {
      const at = id.indexOf(subAccountSeparator);
      if (at < 0) return byId.get(id);
      const merchant = byId.get(id.slice(0, at));
      return merchant === undefined
        ? undefined
        : actingMerchant(merchant, id.slice(at + subAccountSeparator.length));
    },
    upsert: (merchant) => {
      byId.set(merchant.id, merchant);
    },
    list: () => [...byId.values()],
    authenticate: (id, secret) => {
      const merchant = byId.get(id);
      return merchant !== undefined && sameSecret(merchant.secret, secret) ? merchant : undefined;
    },
  };
};

/**
 * The merchant's payment-method config, or the docs' example.
 *
 * @since 0.1.0
 * @category Merchants
 */
export const merchantConfig = (merchant: Merchant): PaymentMethodConfig =>
  merchant.paymentMethodConfig ?? defaultPaymentMethodConfig;
