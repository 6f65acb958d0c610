/**
 * The gateway's enumerations, each as a schema plus its literal array (to iterate, e.g. in tables).
 *
 * Every schema here is a `Schema.Literals`: `X.literals` is the array, `typeof X.Type` the union.
 *
 * @since 0.1.0
 */
import { Schema, SchemaGetter } from "effect";

/** Payment method families (`paymentMethod.type`). QRIS is called `QR` in the API. @since 0.1.0 @category Schemas */
export const PaymentMethodType = Schema.Literals(["VIRTUAL_ACCOUNT", "QR", "CARD", "EWALLET"]);
/** @since 0.1.0 @category Schemas */
export type PaymentMethodType = typeof PaymentMethodType.Type;
/** Every {@link PaymentMethodType}. @since 0.1.0 @category Schemas */
export const paymentMethodTypes = PaymentMethodType.literals;

/** Virtual-account banks (documented list; the docs add "etc"). @since 0.1.0 @category Schemas */
export const VirtualAccountChannel = Schema.Literals([
  "PERMATA",
  "BRI",
  "MANDIRI",
  "CIMB",
  "BNC",
  "BNI",
  "BCA",
  "BSI",
  "DANAMON",
]);
/** @since 0.1.0 @category Schemas */
export type VirtualAccountChannel = typeof VirtualAccountChannel.Type;
/** Every {@link VirtualAccountChannel}. @since 0.1.0 @category Schemas */
export const virtualAccountChannels = VirtualAccountChannel.literals;

/** E-wallet channels. @since 0.1.0 @category Schemas */
export const EwalletChannel = Schema.Literals(["DANA", "SHOPEEPAY", "OVO"]);
/** @since 0.1.0 @category Schemas */
export type EwalletChannel = typeof EwalletChannel.Type;
/** Every {@link EwalletChannel}. @since 0.1.0 @category Schemas */
export const ewalletChannels = EwalletChannel.literals;

/** QRIS acquirers. @since 0.1.0 @category Schemas */
export const QrAcquirer = Schema.Literals(["BRI", "BNC"]);
/** @since 0.1.0 @category Schemas */
export type QrAcquirer = typeof QrAcquirer.Type;
/** Every {@link QrAcquirer}. @since 0.1.0 @category Schemas */
export const qrAcquirers = QrAcquirer.literals;

/** QR kind: `DYNAMIC` (one payment) or `STATIC` (MULTIPLE sessions). @since 0.1.0 @category Schemas */
export const QrType = Schema.Literals(["DYNAMIC", "STATIC"]);
/** @since 0.1.0 @category Schemas */
export type QrType = typeof QrType.Type;

/** `REDIRECT` = hosted payment page (`paymentUrl`); `API` = the merchant renders the payment. Default REDIRECT. @since 0.1.0 @category Schemas */
export const Mode = Schema.Literals(["REDIRECT", "API"]);
/** @since 0.1.0 @category Schemas */
export type Mode = typeof Mode.Type;
/** Every {@link Mode}. @since 0.1.0 @category Schemas */
export const modes = Mode.literals;

/** `SINGLE` = one payment; `MULTIPLE` = static VA/QR taking many payments (mode API only). Default SINGLE. @since 0.1.0 @category Schemas */
export const PaymentType = Schema.Literals(["SINGLE", "MULTIPLE"]);
/** @since 0.1.0 @category Schemas */
export type PaymentType = typeof PaymentType.Type;
/** Every {@link PaymentType}. @since 0.1.0 @category Schemas */
export const paymentTypes = PaymentType.literals;

/**
 * Payment-session statuses. Final: PAID, CANCELLED, EXPIRED, INACTIVE. There is no FAILED session
 * status (a failed charge cancels the session, decision L5).
 *
 * @since 0.1.0
 * @category Schemas
 */
export const SessionStatus = Schema.Literals([
  "REQUIRE_PAYMENT_METHOD",
  "REQUIRE_CONFIRMATION",
  "REQUIRE_ACTION",
  "ACTIVE",
  "PROCESSING",
  "PAID",
  "CANCELLED",
  "EXPIRED",
  "INACTIVE",
]);
/** @since 0.1.0 @category Schemas */
export type SessionStatus = typeof SessionStatus.Type;
/** Every {@link SessionStatus}, in the documented order. @since 0.1.0 @category Schemas */
export const sessionStatuses = SessionStatus.literals;

/** Charge statuses. Final: SUCCESS, FAILED, EXPIRED. @since 0.1.0 @category Schemas */
export const ChargeStatus = Schema.Literals([
  "WAITING_FOR_USER_ACTION",
  "WAITING_FOR_AUTHENTICATION",
  "PROCESSING",
  "WAITING_FOR_CAPTURE",
  "SUCCESS",
  "FAILED",
  "EXPIRED",
]);
/** @since 0.1.0 @category Schemas */
export type ChargeStatus = typeof ChargeStatus.Type;
/** Every {@link ChargeStatus}, in the documented order. @since 0.1.0 @category Schemas */
export const chargeStatuses = ChargeStatus.literals;

/**
 * Why a session was cancelled: the three a merchant may send, plus `CHARGE_FAILED` (a charge failed,
 * decision L5) and `FRAUDULENT` (set by the gateway).
 *
 * @since 0.1.0
 * @category Schemas
 */
export const CancellationReason = Schema.Literals([
  "REQUESTED_BY_CUSTOMER",
  "DUPLICATED",
  "VOID_SESSION",
  "CHARGE_FAILED",
  "FRAUDULENT",
]);
/** @since 0.1.0 @category Schemas */
export type CancellationReason = typeof CancellationReason.Type;
/** Every {@link CancellationReason}. @since 0.1.0 @category Schemas */
export const cancellationReasons = CancellationReason.literals;

/** The reasons a merchant may send to `POST /v2/payments/{id}/cancel` (decision L3). @since 0.1.0 @category Schemas */
export const MerchantCancellationReason = CancellationReason.pick([
  "REQUESTED_BY_CUSTOMER",
  "DUPLICATED",
  "VOID_SESSION",
]);
/** @since 0.1.0 @category Schemas */
export type MerchantCancellationReason = typeof MerchantCancellationReason.Type;
/** Every {@link MerchantCancellationReason}. @since 0.1.0 @category Schemas */
export const merchantCancellationReasons = MerchantCancellationReason.literals;

/** Charge `failureCode` values (facts §11; the last two seen only in the gateway's code). @since 0.1.0 @category Schemas */
export const FailureCode = Schema.Literals([
  "DECLINED_BY_CHANNEL",
  "INVALID_ACCOUNT",
  "AUTHENTICATION_FAILED",
  "SUSPECTED_FRAUD",
  "INSUFFICIENT_FUND",
  "CHANNEL_UNAVAILABLE",
  "CANCELLED_BY_USER",
  "CHARGE_EXPIRED",
  "BLOCKED_BY_FDS",
  "REQUIRE_REVIEW",
  "EXCEEDED_CAPTURE_PERIOD",
  "UNKNOWN",
]);
/** @since 0.1.0 @category Schemas */
export type FailureCode = typeof FailureCode.Type;
/** Every {@link FailureCode}. @since 0.1.0 @category Schemas */
export const failureCodes = FailureCode.literals;

/** The canonical capture methods (lowercase, as the docs' table). @since 0.1.0 @category Schemas */
export const captureMethods = ["automatic", "manual"] as const;

/**
 * Card `captureMethod`: `automatic` (default) or `manual` (stop at WAITING_FOR_CAPTURE, decision P6).
 * Decoding also accepts the upper-case spelling of the docs' examples (`MANUAL`) and yields lowercase;
 * encoding writes lowercase.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const CaptureMethod = Schema.Literals(["automatic", "manual", "AUTOMATIC", "MANUAL"])
  .pipe(
    Schema.decodeTo(Schema.Literals(captureMethods), {
      decode: SchemaGetter.transform((method) =>
        method === "MANUAL" || method === "manual" ? "manual" : "automatic",
      ),
      encode: SchemaGetter.passthroughSupertype(),
    }),
  )
  .annotate({ description: "automatic (default) or manual; upper case accepted on input" });
/** @since 0.1.0 @category Schemas */
export type CaptureMethod = typeof CaptureMethod.Type;

/** Card 3-D Secure policy. Default AUTOMATIC; EXTERNAL = merchant's own MPI. @since 0.1.0 @category Schemas */
export const ThreeDsMethod = Schema.Literals(["AUTOMATIC", "NEVER", "CHALLENGE", "EXTERNAL"]);
/** @since 0.1.0 @category Schemas */
export type ThreeDsMethod = typeof ThreeDsMethod.Type;
/** Every {@link ThreeDsMethod}. @since 0.1.0 @category Schemas */
export const threeDsMethods = ThreeDsMethod.literals;

/** `LOOSE` (default: processor rules) or `STRICT` (the merchant's `expiryAt`); CARD and EWALLET only. @since 0.1.0 @category Schemas */
export const ExpirationMode = Schema.Literals(["LOOSE", "STRICT"]);
/** @since 0.1.0 @category Schemas */
export type ExpirationMode = typeof ExpirationMode.Type;
/** Every {@link ExpirationMode}. @since 0.1.0 @category Schemas */
export const expirationModes = ExpirationMode.literals;

/** Payment callback events this project sends (decision W1). No `PAYMENT.EXPIRED` exists. @since 0.1.0 @category Schemas */
export const WebhookEvent = Schema.Literals([
  "PAYMENT.PROCESSING",
  "PAYMENT.PAID",
  "CHARGE.SUCCESS",
  "PAYMENT.CANCELLED",
]);
/** @since 0.1.0 @category Schemas */
export type WebhookEvent = typeof WebhookEvent.Type;
/** Every {@link WebhookEvent}. @since 0.1.0 @category Schemas */
export const webhookEvents = WebhookEvent.literals;

/** `error.type`: API_ERROR (4xx, the request), GATEWAY_ERROR (5xx, the gateway), PARTNER_ERROR (older docs: the channel). @since 0.1.0 @category Schemas */
export const ErrorType = Schema.Literals(["API_ERROR", "GATEWAY_ERROR", "PARTNER_ERROR"]);
/** @since 0.1.0 @category Schemas */
export type ErrorType = typeof ErrorType.Type;

/** `error.source` (newer docs): UPSTREAM = the merchant's request, DOWNSTREAM = a dependency, SYSTEM = the gateway. @since 0.1.0 @category Schemas */
export const ErrorSource = Schema.Literals(["UPSTREAM", "DOWNSTREAM", "SYSTEM"]);
/** @since 0.1.0 @category Schemas */
export type ErrorSource = typeof ErrorSource.Type;

/**
 * Error `code`s: the gateway's documented ones (facts §3.3) plus this project's `invalid_state`
 * (decision L2, HTTP 422), `amount_mismatch` (decision P1, HTTP 422) and the refund refusals
 * `full_refund_not_allowed` and `amount_exceeds_refundable` (decision R3, HTTP 422).
 *
 * @since 0.1.0
 * @category Schemas
 */
export const ErrorCode = Schema.Literals([
  "api_validation_error",
  "credentials_invalid",
  "resource_not_complete",
  "forbidden_access",
  "not_found",
  "resource_missing",
  "data_not_found",
  "duplicate_error",
  "idempotency_error",
  "frequency_above_limit",
  "internal_error",
  "bad_gateway",
  "service_unavailable",
  "gateway_timeout",
  "invalid_state",
  "amount_mismatch",
  "full_refund_not_allowed",
  "amount_exceeds_refundable",
]);
/** @since 0.1.0 @category Schemas */
export type ErrorCode = typeof ErrorCode.Type;

/** Status of a manual capture (capture object, `captureHistories[]`). @since 0.1.0 @category Schemas */
export const CaptureStatus = Schema.Literals(["PENDING", "SUCCESS", "FAILED"]);
/** @since 0.1.0 @category Schemas */
export type CaptureStatus = typeof CaptureStatus.Type;

/** `investigationStatus` (Settlement Guarantee Program merchants only). @since 0.1.0 @category Schemas */
export const InvestigationStatus = Schema.Literals([
  "INVESTIGATION_IN_PROCESS",
  "INVESTIGATION_SUCCESS",
  "INVESTIGATION_FAILED",
]);
/** @since 0.1.0 @category Schemas */
export type InvestigationStatus = typeof InvestigationStatus.Type;
