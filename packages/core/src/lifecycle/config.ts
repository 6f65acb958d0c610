/**
 * Per-method limits (decisions C2, C3, C5) and the validations that read them.
 *
 * @since 0.1.0
 */
import type { Amount, ErrorDetail, PaymentMethodType } from "../schemas/index.js";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * One method's limits, as the gateway's payment-method config lists them: enabled or not, amount
 * bounds (inclusive, integer units) and the longest session life (`maximumExpiryMs`).
 *
 * @since 0.1.0
 */
export interface MethodLimits {
  readonly enabled: boolean;
  readonly minimumAmount: number;
  readonly maximumAmount: number;
  readonly maximumExpiryMs: number;
}

/**
 * A merchant's payment-method config: the default session life (C2) and each method's limits (C3,
 * C5). Pass a merchant's own to {@link createSession} and to CONFIRM.
 *
 * @since 0.1.0
 */
export interface PaymentMethodConfig {
  readonly defaultExpiryMs: number;
  readonly methods: Readonly<Record<PaymentMethodType, MethodLimits>>;
}

/**
 * The example merchant config of the docs: 15 min default expiry; VA 10 000 – 9 999 999 999 and
 * 30 days; QR 1 000 – 9 999 999 and 60 min; e-wallet 10 000 – 9 999 999 and 30 min; card
 * 10 000 – 9 999 999 999 and 30 days.
 *
 * @since 0.1.0
 */
export const defaultPaymentMethodConfig: PaymentMethodConfig = {
  defaultExpiryMs: 15 * MINUTE,
  methods: {
    VIRTUAL_ACCOUNT: {
      enabled: true,
      minimumAmount: 10_000,
      maximumAmount: 9_999_999_999,
      maximumExpiryMs: 30 * DAY,
    },
    QR: { enabled: true, minimumAmount: 1_000, maximumAmount: 9_999_999, maximumExpiryMs: 60 * MINUTE },
    EWALLET: { enabled: true, minimumAmount: 10_000, maximumAmount: 9_999_999, maximumExpiryMs: 30 * MINUTE },
    CARD: { enabled: true, minimumAmount: 10_000, maximumAmount: 9_999_999_999, maximumExpiryMs: 30 * DAY },
  },
};

const describeDuration = (ms: number): string =>
  ms % DAY === 0 ? `${ms / DAY} days` : ms % MINUTE === 0 ? `${ms / MINUTE} minutes` : `${ms} ms`;

/**
 * What C3 and C5 say about paying `amount` with `method` in a session that ends at `expiryAt`,
 * decided at instant `at`: one `details[]` entry per broken rule (empty when fine).
 *
 * - method disabled → `paymentMethod.type`
 * - amount outside the method's bounds → `amount.value` (skipped for an open amount, `value` 0)
 * - `expiryAt ≤ at`, or further than the method's maximum from `at` → `expiryAt`
 *
 * @example
 * methodIssues(defaultPaymentMethodConfig, "QR", { value: 500, currency: "IDR" }, 0, 60_000)
 * // [{ field: "amount.value", message: "amount 500 is below the QR minimum of 1000" }]
 * @since 0.1.0
 */
export const methodIssues = (
  config: PaymentMethodConfig,
  method: PaymentMethodType,
  amount: Amount,
  at: number,
  expiryAt: number | null,
): ReadonlyArray<ErrorDetail> => {
  const limits = config.methods[method];
  const issues: Array<ErrorDetail> = [];
  if (!limits.enabled) {
    issues.push({ field: "paymentMethod.type", message: `payment method ${method} is not enabled` });
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
    issues.push({ field: "expiryAt", message: "expiryAt must be later than the request instant" });
  } else if (expiryAt !== null && expiryAt - at > limits.maximumExpiryMs) {
    issues.push({
      field: "expiryAt",
      message: `expiryAt is beyond the ${method} maximum of ${describeDuration(limits.maximumExpiryMs)}`,
    });
  }
  return issues;
};
