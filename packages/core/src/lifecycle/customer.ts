/**
 * What a customer facing a session can still do, and where a finished session sends them: the
 * rules a hosted payment page follows, read from the documented statuses (facts §9, the
 * `redirectUrl` of the create body), so that a page asks these instead of naming statuses.
 *
 * @since 0.2.0
 */
import type { Charge, ChargeStatus, PaymentSession, SessionStatus } from "../schemas/index.js";
import type { SessionEvent } from "./types.js";

/** The session waits for the customer to choose a payment method (mode REDIRECT, no method yet). @since 0.2.0 @category Hosted page */
export const awaitsPaymentMethod = (status: SessionStatus): boolean => status === "REQUIRE_PAYMENT_METHOD";

/**
 * The charge statuses in which the customer (or their bank, e-wallet or card issuer) can still pay
 * or fail: waiting for the customer, for authentication, or in processing.
 *
 * @since 0.2.0
 * @category Hosted page
 */
export const customerActionChargeStatuses: ReadonlyArray<ChargeStatus> = [
  "WAITING_FOR_USER_ACTION",
  "WAITING_FOR_AUTHENTICATION",
  "PROCESSING",
];

/** The charge can still be paid or failed by the customer ({@link customerActionChargeStatuses}). @since 0.2.0 @category Hosted page */
export const awaitsCustomer = (status: ChargeStatus): boolean =>
  customerActionChargeStatuses.includes(status);

/** A card charge whose customer has not started 3-D Secure authentication yet. @since 0.2.0 @category Hosted page */
export const awaitsAuthenticationStart = (status: ChargeStatus): boolean =>
  status === "WAITING_FOR_USER_ACTION";

/**
 * What a card charge's "pay" on the hosted page is, at `at`: the customer's 3-D Secure
 * authentication (unless it has started: {@link awaitsAuthenticationStart}), then the issuer
 * authorising the charge's full amount. The page applies them in order and stops at a refusal.
 *
 * @example
 * cardPaymentEvents(charge, at).map((e) => e.type) // ["CUSTOMER_AUTHENTICATING", "AUTHORIZED"]
 * @since 0.2.0
 * @category Hosted page
 */
export const cardPaymentEvents = (charge: Charge, at: number): ReadonlyArray<SessionEvent> => [
  ...(awaitsAuthenticationStart(charge.status) ? [{ type: "CUSTOMER_AUTHENTICATING" as const, at }] : []),
  { type: "AUTHORIZED", at, authorizedAmount: charge.amount },
];

/**
 * Where the customer goes back to for the session's status, as documented: PAID → the success URL,
 * CANCELLED → the failure URL, EXPIRED → the expiration URL; `null` while it is open (or when the
 * merchant gave no URL for it).
 *
 * @since 0.2.0
 * @category Hosted page
 */
export const returnUrlOf = (session: PaymentSession): string | null => {
  const urls = session.redirectUrl;
  switch (session.status) {
    case "PAID":
      return urls?.successReturnUrl ?? null;
    case "CANCELLED":
      return urls?.failureReturnUrl ?? null;
    case "EXPIRED":
      return urls?.expirationReturnUrl ?? null;
    default:
      return null;
  }
};
