/**
 * The sandbox's test cards and test e-wallet phones (facts §12, decision S3): what the customer's
 * step (a card's 3-D Secure page, an e-wallet's approval) does to a session in the sandbox, decided
 * once here for the server that serves the step and the tests that predict it. Pure: the events
 * come back with the instant they are given; the provider applies them one after the other through
 * its usual write path.
 *
 * @since 0.2.0
 */
import type { ChargeStatus, ErrorDetail, FailureCode, SessionStatus } from "../schemas/index.js";
import { currentCharge } from "./sessionMachine.js";
import type { SessionSnapshot } from "./status.js";
import type { ChargeRecord, SessionEvent } from "./types.js";

/** How a test card's 3-D Secure step goes: without the cardholder, or with a one-time password. @since 0.2.0 @category Simulation */
export type SandboxAuthentication = "FRICTIONLESS" | "CHALLENGE";

/**
 * A documented test card (facts §12, Visa): its number, its 3-D Secure step, and the failure code
 * it ends with (`null`: the issuer authorises the full amount).
 *
 * @since 0.2.0
 * @category Simulation
 */
export interface SandboxTestCard {
  readonly number: string;
  readonly authentication: SandboxAuthentication;
  readonly failureCode: FailureCode | null;
  readonly description: string;
}

const card = (
  number: string,
  failureCode: FailureCode | null,
  description: string,
  authentication: SandboxAuthentication = "FRICTIONLESS",
): SandboxTestCard => ({ number, authentication, failureCode, description });

/**
 * The documented test cards. The docs print the failure cards after the first as "…450004" etc.;
 * they are read as the first card's prefix `4440000334` followed by the printed digits (decision S3).
 *
 * @since 0.2.0
 * @category Simulation
 */
export const sandboxTestCards: ReadonlyArray<SandboxTestCard> = [
  card("4440000112200001", null, "success, frictionless"),
  card("4440000112290002", null, "success with a 3-D Secure challenge", "CHALLENGE"),
  card("4440000334480001", "DECLINED_BY_CHANNEL", "declined by the issuer"),
  card("4440000334470002", "DECLINED_BY_CHANNEL", "declined: expired card"),
  card("4440000334460003", "DECLINED_BY_CHANNEL", "declined: wrong CVV"),
  card("4440000334450004", "INVALID_ACCOUNT", "invalid account"),
  card("4440000334440005", "AUTHENTICATION_FAILED", "3-D Secure authentication failed"),
  card("4440000334430006", "SUSPECTED_FRAUD", "suspected fraud"),
  card("4440000334420007", "SUSPECTED_FRAUD", "suspected fraud: account blocked"),
  card("4440000334410008", "BLOCKED_BY_FDS", "blocked by the fraud engine"),
  card("4440000334400009", "REQUIRE_REVIEW", "deferred by the fraud engine for review"),
  card("4440000334470010", "INSUFFICIENT_FUND", "insufficient funds"),
  card("4440000334460011", "CHANNEL_UNAVAILABLE", "issuer unavailable"),
  card("4440000334450012", "CANCELLED_BY_USER", "cardholder cancelled 3-D Secure"),
];

/** What any card that is not a documented test card does: a frictionless success. @since 0.2.0 @category Simulation */
export const sandboxOtherCard: SandboxTestCard = card("", null, "any other card: success, frictionless");

/**
 * The test card a charge's masked card is. The sandbox keeps no card number, only what the docs
 * show of it (`first8`, `last4`), and the documented test cards differ there; any other card is
 * {@link sandboxOtherCard}.
 *
 * @example
 * sandboxTestCardOf({ first8: "44400003", last4: "0005" }).failureCode // "AUTHENTICATION_FAILED"
 * @since 0.2.0
 * @category Simulation
 */
export const sandboxTestCardOf = (masked: {
  readonly first8?: string | null | undefined;
  readonly last4?: string | null | undefined;
}): SandboxTestCard =>
  sandboxTestCards.find(
    (test) => test.number.slice(0, 8) === masked.first8 && test.number.slice(-4) === masked.last4,
  ) ?? sandboxOtherCard;

/** The one-time password of the sandbox's challenges and e-wallet approvals (facts §12: OTP 000000). @since 0.2.0 @category Simulation */
export const sandboxOtp = "000000";

/**
 * A documented e-wallet test phone (facts §12) and the (session, charge) pair the customer's
 * approval ends in.
 *
 * @since 0.2.0
 * @category Simulation
 */
export interface SandboxTestPhone {
  readonly phone: string;
  readonly session: SessionStatus;
  readonly charge: ChargeStatus;
}

/** The documented e-wallet test phones (OTP 000000). Any other phone pays. @since 0.2.0 @category Simulation */
export const sandboxTestPhones: ReadonlyArray<SandboxTestPhone> = [
  { phone: "08111111001", session: "PAID", charge: "SUCCESS" },
  { phone: "08111111002", session: "PROCESSING", charge: "PROCESSING" },
  { phone: "08111111003", session: "CANCELLED", charge: "FAILED" },
  { phone: "08111111004", session: "EXPIRED", charge: "EXPIRED" },
];

/** The national number of a phone: digits only, without `+62`, `62` or a leading `0`. */
const nationalNumber = (phone: string): string => phone.replace(/\D/g, "").replace(/^(62|0)/, "");

/**
 * The test phone `phone` is, written any way a merchant writes it (`08111111003`,
 * `+628111111003`, `8111111003`), or `undefined`.
 *
 * @since 0.2.0
 * @category Simulation
 */
export const sandboxTestPhoneOf = (phone: string | null | undefined): SandboxTestPhone | undefined =>
  phone === null || phone === undefined
    ? undefined
    : sandboxTestPhones.find((test) => nationalNumber(test.phone) === nationalNumber(phone));

/**
 * The customer's step a session waits for: a card's 3-D Secure (with its test card) or an
 * e-wallet's approval (with the phone's test outcome, if it is a test phone), or `null` when no
 * charge waits for the customer to start it.
 *
 * @since 0.2.0
 * @category Simulation
 */
export type CustomerStep =
  | { readonly kind: "CARD"; readonly card: SandboxTestCard; readonly charge: ChargeRecord }
  | { readonly kind: "EWALLET"; readonly phone: SandboxTestPhone | undefined; readonly charge: ChargeRecord };

/**
 * The step a session waits for (see {@link CustomerStep}).
 *
 * @since 0.2.0
 * @category Simulation
 */
export const customerStepOf = (snapshot: SessionSnapshot): CustomerStep | null => {
  const charge = currentCharge(snapshot.context);
  if (charge === null || charge.state !== "WAITING_FOR_USER_ACTION") return null;
  const { card, ewallet } = charge.context.instrument;
  if (charge.context.method === "CARD") return { kind: "CARD", card: sandboxTestCardOf(card ?? {}), charge };
  if (charge.context.method === "EWALLET")
    return { kind: "EWALLET", phone: sandboxTestPhoneOf(ewallet?.accountInformations?.mobileNumber), charge };
  return null;
};

/**
 * Does the customer's step need the one-time password? A challenge card and every e-wallet
 * approval do; a frictionless card does not.
 *
 * @since 0.2.0
 * @category Simulation
 */
export const stepNeedsOtp = (step: CustomerStep): boolean =>
  step.kind === "EWALLET" || step.card.authentication === "CHALLENGE";

/** What the customer answered on the step page: the one-time password, or "cancel". @since 0.2.0 @category Simulation */
export interface CustomerAnswer {
  readonly otp?: string | undefined;
  readonly cancel?: boolean | undefined;
}

/**
 * What the customer's answer does: the `Events` to apply in order, `Invalid` (400 with these
 * `details`, nothing changes: a wrong or missing one-time password), or `NotWaiting` (no step is
 * waiting: the session is refused as the core refuses a customer's authentication in its state).
 *
 * @since 0.2.0
 * @category Simulation
 */
export type CustomerStepPlan =
  | { readonly _tag: "Events"; readonly events: ReadonlyArray<SessionEvent> }
  | { readonly _tag: "Invalid"; readonly details: ReadonlyArray<ErrorDetail> }
  | { readonly _tag: "NotWaiting"; readonly event: SessionEvent };

const failed = (at: number, failureCode: FailureCode): SessionEvent => ({
  type: "CHARGE_FAILED",
  at,
  failureCode,
});

/**
 * The events of the customer's step at `at` (decision S3):
 *
 * - cancel → the charge fails with `CANCELLED_BY_USER` (session CANCELLED, `CHARGE_FAILED`);
 * - a wrong or missing one-time password where {@link stepNeedsOtp} → `Invalid` at `otp`;
 * - a card: authentication starts, then the test card's failure code fails the charge, or the
 *   issuer authorises the full amount (PAID; WAITING_FOR_CAPTURE with manual capture);
 * - an e-wallet: its test phone's pair (PAID/SUCCESS, PROCESSING/PROCESSING, CANCELLED/FAILED with
 *   `DECLINED_BY_CHANNEL`, EXPIRED/EXPIRED); any other phone pays.
 *
 * @example
 * const plan = customerStepEvents(snapshot, { otp: "000000" }, at)
 * if (plan._tag === "Events") for (const event of plan.events) snapshot = applyEvent(snapshot, event).snapshot
 * @since 0.2.0
 * @category Simulation
 */
export const customerStepEvents = (
  snapshot: SessionSnapshot,
  answer: CustomerAnswer,
  at: number,
): CustomerStepPlan => {
  const step = customerStepOf(snapshot);
  if (step === null) return { _tag: "NotWaiting", event: { type: "CUSTOMER_AUTHENTICATING", at } };
  if (answer.cancel === true) return { _tag: "Events", events: [failed(at, "CANCELLED_BY_USER")] };
  if (stepNeedsOtp(step) && answer.otp !== sandboxOtp)
    return {
      _tag: "Invalid",
      details: [{ field: "otp", message: `the sandbox's one-time password is ${sandboxOtp}` }],
    };
  const authenticating: SessionEvent = { type: "CUSTOMER_AUTHENTICATING", at };
  if (step.kind === "CARD") {
    const code = step.card.failureCode;
    return {
      _tag: "Events",
      events: [
        authenticating,
        code === null
          ? { type: "AUTHORIZED", at, authorizedAmount: step.charge.context.amount }
          : failed(at, code),
      ],
    };
  }
  const pay: SessionEvent = {
    type: "PAYMENT_RECEIVED",
    at,
    chargeId: step.charge.context.id,
    amount: step.charge.context.amount,
  };
  switch (step.phone?.charge) {
    case "PROCESSING":
      return { _tag: "Events", events: [authenticating, { type: "CHARGE_PROCESSING", at }] };
    case "FAILED":
      return { _tag: "Events", events: [authenticating, failed(at, "DECLINED_BY_CHANNEL")] };
    case "EXPIRED":
      return { _tag: "Events", events: [{ type: "CHARGE_EXPIRED", at }] };
    default:
      return { _tag: "Events", events: [authenticating, pay] };
  }
};
