/**
 * The vocabulary of the lifecycle: events the machines take, the data they keep, and the outcomes
 * the pure API answers with.
 *
 * Every instant inside the lifecycle is a number of epoch milliseconds (`at`); the wire's ISO
 * strings appear only in what {@link toPaymentSession} renders.
 *
 * @since 0.1.0
 */
import type {
  Amount,
  CancellationReason,
  CancelPaymentSessionRequest,
  CapturePaymentSessionRequest,
  CardCharge,
  ChargeStatus,
  ConfirmPaymentSessionRequest,
  CreatePaymentSessionInput,
  ErrorDetail,
  EwalletCharge,
  FailureCode,
  PaymentCallback,
  PaymentMethod,
  PaymentMethodOptions,
  PaymentMethodType,
  QrCharge,
  SessionStatus,
  VirtualAccountCharge,
} from "../schemas/index.js";
import type { PaymentMethodConfig } from "./config.js";

// ---------------------------------------------------------------------------------------------
// Issued instruments
// ---------------------------------------------------------------------------------------------

/**
 * The channel part of a charge, issued by the provider (VA number, QR content, wallet account, card
 * data). Only the part of the charge's method is expected; the others stay absent.
 *
 * @since 0.1.0
 * @category Events and results
 */
export interface ChargeInstrument {
  readonly virtualAccount?: VirtualAccountCharge;
  readonly qr?: QrCharge;
  readonly ewallet?: EwalletCharge;
  readonly card?: CardCharge;
}

/**
 * A charge the provider has issued for the lifecycle to open: its id, its instrument and, for pull
 * methods, the URL the customer goes to (3DS page, wallet deep link).
 *
 * Gotcha: ids and instruments are inputs, never made here (no randomness in the lifecycle). Ask
 * {@link chargeRequestFor} first to know whether an operation will open a charge, and for which method.
 *
 * @example
 * const issue: IssuedCharge = {
 *   id: "b4db4aa5-4ee4-4722-b414-050c745c93cd",
 *   instrument: { virtualAccount: { channel: "PERMATA", virtualAccountNumber: "76630000123456",
 *     virtualAccountName: "Pivot - Reforza Harsya", expiryAt: "2025-03-30T23:59:05Z" } },
 * }
 * @since 0.1.0
 * @category Events and results
 */
export interface IssuedCharge {
  readonly id: string;
  readonly instrument?: ChargeInstrument;
  readonly paymentUrl?: string;
}

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

/**
 * `POST /v2/payments/{id}/confirm` (decision L1): the body's method and options replace any earlier
 * one and the issued `charge` is opened. `config` (default {@link defaultPaymentMethodConfig}) bounds
 * amount and expiry for the chosen method (C3, C5).
 *
 * @since 0.1.0
 * @category Events and results
 */
export interface ConfirmEvent extends ConfirmPaymentSessionRequest {
  readonly type: "CONFIRM";
  readonly at: number;
  readonly charge: IssuedCharge;
  readonly config?: PaymentMethodConfig;
}

/** `POST /v2/payments/{id}/cancel` with a merchant reason (decision L3). @since 0.1.0 @category Events and results */
export interface CancelEvent extends CancelPaymentSessionRequest {
  readonly type: "CANCEL";
  readonly at: number;
}

/**
 * `POST /v2/payments/{id}/capture` (decision P6). `amount` defaults to the whole authorisation;
 * `captureId` is issued by the provider.
 *
 * @since 0.1.0
 * @category Events and results
 */
export interface CaptureEvent extends CapturePaymentSessionRequest {
  readonly type: "CAPTURE";
  readonly at: number;
  readonly captureId: string;
}

/** The customer is on the 3DS / OTP / PIN step (pull methods): charge WAITING_FOR_AUTHENTICATION. @since 0.1.0 @category Events and results */
export interface CustomerAuthenticatingEvent {
  readonly type: "CUSTOMER_AUTHENTICATING";
  readonly at: number;
}

/** The partner is processing the charge (pull methods): charge PROCESSING. @since 0.1.0 @category Events and results */
export interface ChargeProcessingEvent {
  readonly type: "CHARGE_PROCESSING";
  readonly at: number;
}

/**
 * The issuer authorised a card charge for `authorizedAmount`: manual capture stops at
 * WAITING_FOR_CAPTURE (≤ amount), automatic capture needs the full amount and succeeds.
 *
 * @since 0.1.0
 * @category Events and results
 */
export interface AuthorizedEvent {
  readonly type: "AUTHORIZED";
  readonly at: number;
  readonly authorizedAmount: Amount;
}

/**
 * Money arrived for `chargeId`: a bank / acquirer notification or a simulation `SUCCESS`. On a SINGLE
 * session it settles the open charge (amount must match, P1); on a MULTIPLE session it appends a new
 * SUCCESS charge with that id (P4); after EXPIRED / CANCELLED it is recorded as a late payment (P3);
 * the same `chargeId` twice is a no-op (P2).
 *
 * @since 0.1.0
 * @category Events and results
 */
export interface PaymentReceivedEvent {
  readonly type: "PAYMENT_RECEIVED";
  readonly at: number;
  readonly chargeId: string;
  readonly amount: Amount;
}

/** The channel declined the charge (decision L5: the SINGLE session is then CANCELLED, `CHARGE_FAILED`). @since 0.1.0 @category Events and results */
export interface ChargeFailedEvent {
  readonly type: "CHARGE_FAILED";
  readonly at: number;
  readonly failureCode: FailureCode;
  readonly failureMessage?: string;
}

/** The channel's own time ran out (simulation `EXPIRED`): charge and session EXPIRED. @since 0.1.0 @category Events and results */
export interface ChargeExpiredEvent {
  readonly type: "CHARGE_EXPIRED";
  readonly at: number;
}

/**
 * Time passes (decision L4): the sweeper's tick, or a read at an instant. Expires the session when
 * `expiryAt ≤ at`, otherwise changes nothing. Never refused.
 *
 * @since 0.1.0
 * @category Events and results
 */
export interface ExpireEvent {
  readonly type: "EXPIRE";
  readonly at: number;
}

/**
 * Every event the session machine takes. Each carries its instant `at` (epoch ms); before it is
 * applied, a session past its `expiryAt` is expired (L4).
 *
 * @since 0.1.0
 * @category Events and results
 */
export type SessionEvent =
  | ConfirmEvent
  | CancelEvent
  | CaptureEvent
  | CustomerAuthenticatingEvent
  | ChargeProcessingEvent
  | AuthorizedEvent
  | PaymentReceivedEvent
  | ChargeFailedEvent
  | ChargeExpiredEvent
  | ExpireEvent;

/** The type names of {@link SessionEvent}, in a fixed order (tables iterate it). @since 0.1.0 @category Events and results */
export const sessionEventTypes = [
  "CONFIRM",
  "CANCEL",
  "CAPTURE",
  "CUSTOMER_AUTHENTICATING",
  "CHARGE_PROCESSING",
  "AUTHORIZED",
  "PAYMENT_RECEIVED",
  "CHARGE_FAILED",
  "CHARGE_EXPIRED",
  "EXPIRE",
] as const satisfies ReadonlyArray<SessionEvent["type"]>;

/** @since 0.1.0 @category Events and results */
export type SessionEventType = SessionEvent["type"];

/**
 * The session's expiry as seen by its charge: the charge expires, or fails with
 * `EXCEEDED_CAPTURE_PERIOD` if it waits for capture (P6). Sent by the session machine only.
 *
 * @since 0.1.0
 * @category Events and results
 */
export interface SessionExpiredEvent {
  readonly type: "SESSION_EXPIRED";
  readonly at: number;
}

/** The session events that concern a charge, plus {@link SessionExpiredEvent}. @since 0.1.0 @category Events and results */
export type ChargeEvent =
  | CaptureEvent
  | CustomerAuthenticatingEvent
  | ChargeProcessingEvent
  | AuthorizedEvent
  | PaymentReceivedEvent
  | ChargeFailedEvent
  | ChargeExpiredEvent
  | SessionExpiredEvent;

/** The type names of {@link ChargeEvent}, in a fixed order. @since 0.1.0 @category Events and results */
export const chargeEventTypes = [
  "CAPTURE",
  "CUSTOMER_AUTHENTICATING",
  "CHARGE_PROCESSING",
  "AUTHORIZED",
  "PAYMENT_RECEIVED",
  "CHARGE_FAILED",
  "CHARGE_EXPIRED",
  "SESSION_EXPIRED",
] as const satisfies ReadonlyArray<ChargeEvent["type"]>;

/** @since 0.1.0 @category Events and results */
export type ChargeEventType = ChargeEvent["type"];

// ---------------------------------------------------------------------------------------------
// Machine data
// ---------------------------------------------------------------------------------------------

/** One manual capture of a card authorisation. @since 0.1.0 @category Events and results */
export interface CaptureRecord {
  readonly captureId: string;
  readonly amount: number;
  readonly releaseRemainingAmount: boolean;
  readonly at: number;
}

/**
 * What the charge machine remembers. Amounts are integers in the charge's currency; instants are
 * epoch ms; absent values are `null` (the context is plain JSON).
 *
 * @since 0.1.0
 * @category Events and results
 */
export interface ChargeContext {
  readonly id: string;
  readonly method: PaymentMethodType;
  readonly amount: Amount;
  readonly captureMethod: "automatic" | "manual";
  readonly instrument: ChargeInstrument;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly paidAt: number | null;
  readonly authorizedAmount: number | null;
  readonly capturedAmount: number | null;
  readonly captures: ReadonlyArray<CaptureRecord>;
  readonly failureCode: FailureCode | null;
  readonly failureMessage: string | null;
}

/** What opens a charge: {@link ChargeContext} before anything happened to it. @since 0.1.0 @category Events and results */
export interface ChargeInput {
  readonly id: string;
  readonly at: number;
  readonly method: PaymentMethodType;
  readonly amount: Amount;
  readonly captureMethod: "automatic" | "manual";
  readonly instrument: ChargeInstrument;
}

/**
 * A charge as the session keeps it: its machine state (the charge status, see {@link chargeStatus})
 * and its context. Plain JSON.
 *
 * @since 0.1.0
 * @category Events and results
 */
export interface ChargeRecord {
  readonly state: ChargeStatus;
  readonly context: ChargeContext;
}

/** A payment that arrived after the session ended (decision P3), instants in epoch ms. @since 0.1.0 @category Events and results */
export interface LatePayment {
  readonly chargeId: string;
  readonly amount: Amount;
  readonly receivedAt: number;
}

/**
 * The create body's settings that never change (everything but amount, method, options and expiry,
 * which the context keeps on their own).
 *
 * @since 0.1.0
 * @category Events and results
 */
export type SessionSettings = Omit<
  CreatePaymentSessionInput,
  "amount" | "paymentMethod" | "paymentMethodOptions" | "expiryAt"
>;

/**
 * What the session machine remembers. The status is NOT here: it is the machine state
 * ({@link sessionStatus}).
 *
 * Gotcha: `amount.value` is `0` for an open static VA (MULTIPLE without amount), as the gateway shows.
 *
 * @since 0.1.0
 * @category Events and results
 */
export interface SessionContext {
  readonly id: string;
  readonly settings: SessionSettings;
  readonly amount: Amount;
  readonly paymentMethod: PaymentMethod | null;
  readonly paymentMethodOptions: PaymentMethodOptions | null;
  readonly paymentUrl: string | null;
  readonly encryptionKey: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly expiryAt: number | null;
  readonly cancelledAt: number | null;
  readonly cancellationReason: CancellationReason | null;
  /** A charge issued at create (autoConfirm), opened by the C1 transition; then `null`. */
  readonly issuedCharge: IssuedCharge | null;
  readonly charges: ReadonlyArray<ChargeRecord>;
  readonly latePayments: ReadonlyArray<LatePayment>;
}

/**
 * The session machine's input: a decoded create request and what the provider issued for it.
 * Validate with {@link createSession} (which refuses C3 / C5 violations) rather than feeding the
 * machine directly.
 *
 * @since 0.1.0
 * @category Events and results
 */
export interface SessionInput {
  readonly id: string;
  readonly at: number;
  readonly request: CreatePaymentSessionInput;
  /** The charge to open when the request confirms itself (method given, autoConfirm true, SINGLE). */
  readonly charge?: IssuedCharge;
  /** The static VA / QR issued for a MULTIPLE session (rendered as `paymentMethod`). */
  readonly paymentMethod?: PaymentMethod;
  /** The hosted payment page (REDIRECT mode). */
  readonly paymentUrl?: string;
  /** RSA public key for the card encryption flow (CARD + API + autoConfirm false). */
  readonly encryptionKey?: string;
  readonly config?: PaymentMethodConfig;
}

// ---------------------------------------------------------------------------------------------
// Outcomes
// ---------------------------------------------------------------------------------------------

/**
 * Why an event was refused. `invalid_state` (L2, 422), `amount_mismatch` (P1, 422), `validation`
 * (C3 / C5 / capture amount, 400 with `details`), `unknown_charge` (a payment names another charge,
 * 404), `charge_required` (the caller did not pass the charge the operation opens: a provider bug).
 *
 * @since 0.1.0
 * @category Events and results
 */
export type RefusalCode =
  | "invalid_state"
  | "amount_mismatch"
  | "validation"
  | "unknown_charge"
  | "charge_required";

/** The named validations whose findings become a refusal's `details`. @since 0.1.0 @category Events and results */
export type ValidationCheck = "confirmation" | "captureAmount" | "creation";

/**
 * The parameters of a machine's `refuse` action: the code, and for `validation` the check that
 * explains it. Static in the machine definition, so a table of (state, event) → refusal can be
 * generated from it.
 *
 * @since 0.1.0
 * @category Events and results
 */
export interface RefusalParams {
  readonly code: RefusalCode;
  readonly check?: ValidationCheck;
}

/** The API's name of an event, used in refusal messages ("… is not allowed to confirm payment session"). @since 0.1.0 @category Events and results */
export type Operation =
  | "create"
  | "confirm"
  | "cancel"
  | "capture"
  | "authenticate"
  | "process"
  | "authorize"
  | "pay"
  | "fail"
  | "expire charge"
  | "expire";

/**
 * A refused event: nothing changed. `message` names the operation and the status (L2); `details`
 * lists offending fields for `validation`.
 *
 * @example
 * { _tag: "Refused", code: "invalid_state", operation: "confirm", status: "PAID",
 *   message: "Payment session in status PAID is not allowed to confirm payment session" }
 * @since 0.1.0
 * @category Events and results
 */
export interface Refused {
  readonly _tag: "Refused";
  readonly code: RefusalCode;
  readonly message: string;
  readonly operation: Operation;
  /** The status that refused it (after a same-instant expiry); `null` for a refused create. */
  readonly status: SessionStatus | null;
  readonly chargeStatus?: ChargeStatus;
  readonly details?: ReadonlyArray<ErrorDetail>;
}

/**
 * An applied event and the callbacks decision W1 sends for it (write them to the outbox), each with
 * the session as it is after the change.
 *
 * @since 0.1.0
 * @category Events and results
 */
export interface Accepted {
  readonly _tag: "Accepted";
  readonly operation: Operation;
  readonly status: SessionStatus;
  readonly webhooks: ReadonlyArray<PaymentCallback>;
}

/**
 * The same notification again (P2): nothing changed by the event, the answer is the first one's.
 * `webhooks` is non-empty only if the event's instant expired the session first.
 *
 * @since 0.1.0
 * @category Events and results
 */
export interface Duplicate {
  readonly _tag: "Duplicate";
  readonly operation: Operation;
  readonly status: SessionStatus;
  readonly webhooks: ReadonlyArray<PaymentCallback>;
}

/**
 * A payment after the session ended (P3): recorded in `lateCharges`, the status stays, no callback
 * for it (`webhooks` holds only an expiry the same instant caused).
 *
 * @since 0.1.0
 * @category Events and results
 */
export interface LatePaymentRecorded {
  readonly _tag: "LatePaymentRecorded";
  readonly operation: Operation;
  readonly status: SessionStatus;
  readonly latePayment: LatePayment;
  readonly webhooks: ReadonlyArray<PaymentCallback>;
}

/** What happened to one event. @since 0.1.0 @category Events and results */
export type Outcome = Accepted | Duplicate | LatePaymentRecorded | Refused;
