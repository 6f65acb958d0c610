/**
 * Per-method limits (decisions C2, C3, C5) and the validations that read them.
 *
 * @since 0.1.0
 */

import { instantToMillis, millisToInstant } from "../schemas/Instant.js";
import type { Amount, ErrorDetail, PaymentMethodOptions, PaymentMethodType } from "../schemas/index.js";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * One method's limits, as the gateway's payment-method config lists them: enabled or not, the
 * currencies it settles (decision H2), amount bounds (inclusive, integer units) and the longest
 * session life (`maximumExpiryMs`).
 *
 * @since 0.1.0
 * @category Configuration
 */
export interface MethodLimits {
  readonly enabled: boolean;
  readonly currencies: ReadonlyArray<string>;
  readonly minimumAmount: number;
  readonly maximumAmount: number;
  readonly maximumExpiryMs: number;
}

/**
 * A merchant's payment-method config: the default session life (C2) and each method's limits (C3,
 * C5). Pass a merchant's own to {@link createSession} and to CONFIRM.
 *
 * @since 0.1.0
 * @category Configuration
 */
export interface PaymentMethodConfig {
  readonly defaultExpiryMs: number;
  readonly methods: Readonly<Record<PaymentMethodType, MethodLimits>>;
}

const IDR_ONLY: ReadonlyArray<string> = ["IDR"];

/**
 * The example merchant config of the docs: 15 min default expiry; every method in IDR only (H2: the
 * docs' limits are all in IDR, and VA, QRIS and the e-wallets are domestic rails);
 * VA 10 000 – 9 999 999 999 and 30 days; QR 1 000 – 9 999 999 and 60 min; e-wallet 10 000 – 9 999 999 and 30 min; card
 * 10 000 – 9 999 999 999 and 30 days.
 *
 * @since 0.1.0
 * @category Configuration
 */
export const defaultPaymentMethodConfig: PaymentMethodConfig = {
  defaultExpiryMs: 15 * MINUTE,
  methods: {
    VIRTUAL_ACCOUNT: {
      enabled: true,
      currencies: IDR_ONLY,
      minimumAmount: 10_000,
      maximumAmount: 9_999_999_999,
      maximumExpiryMs: 30 * DAY,
    },
    QR: {
      enabled: true,
      currencies: IDR_ONLY,
      minimumAmount: 1_000,
      maximumAmount: 9_999_999,
      maximumExpiryMs: 60 * MINUTE,
    },
    EWALLET: {
      enabled: true,
      currencies: IDR_ONLY,
      minimumAmount: 10_000,
      maximumAmount: 9_999_999,
      maximumExpiryMs: 30 * MINUTE,
    },
    CARD: {
      enabled: true,
      currencies: IDR_ONLY,
      minimumAmount: 10_000,
      maximumAmount: 9_999_999_999,
      maximumExpiryMs: 30 * DAY,
    },
  },
};

const describeDuration = (ms: number): string =>
  ms % DAY === 0 ? `${ms / DAY} days` : ms % MINUTE === 0 ? `${ms / MINUTE} minutes` : `${ms} ms`;

/**
 * What C3 and C5 say about paying `amount` with `method` in a session that ends at `expiryAt`,
 * decided at instant `at`: one `details[]` entry per broken rule (empty when fine).
 *
 * - method disabled → `paymentMethod.type`
 * - a currency the method does not settle (H2) → `amount.currency`
 * - amount outside the method's bounds → `amount.value` (skipped for an open amount, `value` 0)
 * - `expiryAt ≤ at`, or further than the method's maximum from `at` → `expiryField` (default
 *   `expiryAt`; the method option's own field when the expiry came from it, H3)
 *
 * @example
 * methodIssues(defaultPaymentMethodConfig, "QR", { value: 500, currency: "IDR" }, 0, 60_000)
 * // [{ field: "amount.value", message: "amount 500 is below the QR minimum of 1000" }]
 * @since 0.1.0
 * @category Configuration
 */
export const methodIssues = (
  config: PaymentMethodConfig,
  method: PaymentMethodType,
  amount: Amount,
  at: number,
  expiryAt: number | null,
  expiryField = "expiryAt",
): ReadonlyArray<ErrorDetail> => {
  const limits = config.methods[method];
  const issues: Array<ErrorDetail> = [];
  if (!limits.enabled) {
    issues.push({ field: "paymentMethod.type", message: `payment method ${method} is not enabled` });
  }
  if (!limits.currencies.includes(amount.currency)) {
    issues.push({
      field: "amount.currency",
      message: `${method} settles only ${limits.currencies.join(", ")}, not ${amount.currency}`,
    });
  }
  if (amount.value !== 0 && amount.value < limits.minimumAmount) {
    issues.push({
      field: "amount.value",
      message: `amount ${amount.value} is below the ${method} minimum of ${limits.minimumAmount}`,
    });
  }
  if (amount.value > limits.maximumAmount) {
    issues.push({
      field: "amount.value",
      message: `amount ${amount.value} is above the ${method} maximum of ${limits.maximumAmount}`,
    });
  }
  if (expiryAt !== null && expiryAt <= at) {
    issues.push({ field: expiryField, message: `${expiryField} must be later than the request instant` });
  } else if (expiryAt !== null && expiryAt - at > limits.maximumExpiryMs) {
    issues.push({
      field: expiryField,
      message: `${expiryField} is beyond the ${method} maximum of ${describeDuration(limits.maximumExpiryMs)}`,
    });
  }
  return issues;
};

/** The `paymentMethodOptions` key of each method that carries its own `expiryAt`. */
const optionKeys = {
  VIRTUAL_ACCOUNT: "virtualAccount",
  QR: "qr",
  EWALLET: "ewallet",
} as const satisfies Partial<Record<PaymentMethodType, keyof PaymentMethodOptions>>;

/**
 * The `expiryAt` a method's options carry (`paymentMethodOptions.virtualAccount.expiryAt`, `.qr.`,
 * `.ewallet.`), with its field path, or `null` (decision H3: a session has one expiry; the option's
 * is honoured as the session's when the request has no `expiryAt` of its own, and must equal it
 * otherwise).
 *
 * @example
 * methodOptionExpiry("VIRTUAL_ACCOUNT", { virtualAccount: { channel: "BNI", expiryAt: "2026-03-02T00:00:00Z" } })
 * // { field: "paymentMethodOptions.virtualAccount.expiryAt", expiryAt: 1772409600000 }
 * @since 0.1.0
 * @category Configuration
 */
export const methodOptionExpiry = (
  method: PaymentMethodType | undefined,
  options: PaymentMethodOptions | null | undefined,
): { readonly field: string; readonly expiryAt: number } | null => {
  if (method === undefined || method === "CARD" || options == null) return null;
  const key = optionKeys[method];
  const expiryAt = options[key]?.expiryAt;
  return expiryAt === undefined
    ? null
    : { field: `paymentMethodOptions.${key}.expiryAt`, expiryAt: instantToMillis(expiryAt) };
};

/**
 * H3 on a request that carries both `expiryAt` and a method option's `expiryAt`: they must be the
 * same instant (a session has one expiry).
 *
 * @since 0.1.0
 * @category Configuration
 */
export const optionExpiryIssues = (
  option: { readonly field: string; readonly expiryAt: number } | null,
  expiryAt: number | null,
  expiryName: string,
): ReadonlyArray<ErrorDetail> =>
  option !== null && expiryAt !== null && option.expiryAt !== expiryAt
    ? [
        {
          field: option.field,
          message: `${option.field} must equal ${expiryName} (${millisToInstant(expiryAt)}): a session has one expiry`,
        },
      ]
    : [];
