/**
 * The charge object (facts §7.7): one attempt to collect money for a session, with the
 * channel-specific part (`virtualAccount`, `qr`, `ewallet`, `card`).
 *
 * @since 0.1.0
 */
import { Schema } from "effect";
import { Amount } from "./Amount.js";
import {
  CaptureStatus,
  ChargeStatus,
  EwalletChannel,
  FailureCode,
  QrAcquirer,
  QrType,
  VirtualAccountChannel,
} from "./Enums.js";
import { Instant } from "./Instant.js";

const optionalNullable = <S extends Schema.Constraint>(schema: S) =>
  Schema.optionalKey(Schema.NullOr(schema));

/** The VA to pay into: bank, number, display name ("Pivot - <merchant>") and its own expiry. @since 0.1.0 @category Schemas */
export const VirtualAccountCharge = Schema.Struct({
  channel: VirtualAccountChannel,
  virtualAccountNumber: Schema.String,
  virtualAccountName: Schema.String,
  expiryAt: Instant,
}).annotate({ identifier: "VirtualAccountCharge" });
/** @since 0.1.0 @category Schemas */
export type VirtualAccountCharge = typeof VirtualAccountCharge.Type;

/**
 * The QRIS to show. `retrievalReferenceNumber` (the docs' examples also say `rrn`) and `issuerName`
 * appear once paid. The QR's `expiryAt` differs from the session's.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const QrCharge = Schema.Struct({
  acquirer: QrAcquirer,
  qrContent: Schema.String,
  qrUrl: optionalNullable(Schema.String),
  qrType: QrType,
  retrievalReferenceNumber: optionalNullable(Schema.String),
  rrn: optionalNullable(Schema.String),
  issuerName: optionalNullable(Schema.String),
  expiryAt: Schema.NullOr(Instant),
  merchantName: optionalNullable(Schema.String),
}).annotate({ identifier: "QrCharge" });
/** @since 0.1.0 @category Schemas */
export type QrCharge = typeof QrCharge.Type;

/** The wallet account that pays (phone in E.164 and holder name), once known. @since 0.1.0 @category Schemas */
export const EwalletCharge = Schema.Struct({
  channel: EwalletChannel,
  accountInformations: optionalNullable(
    Schema.Struct({
      mobileNumber: optionalNullable(Schema.String),
      name: optionalNullable(Schema.String),
    }),
  ),
}).annotate({ identifier: "EwalletCharge" });
/** @since 0.1.0 @category Schemas */
export type EwalletCharge = typeof EwalletCharge.Type;

/**
 * The card used: masked number parts, BIN data, 3-D Secure and authorisation results. Everything is
 * optional (a card charge waiting for the customer has an empty `card`), and the enum-like fields
 * are plain strings because the docs' examples disagree with their own tables
 * (`threeDsResult: "AUTHENTICATION_SUCCESSFUL"`, `threeDsVersion: "3DS2"`).
 *
 * @since 0.1.0
 * @category Schemas
 */
export const CardCharge = Schema.Struct({
  first6: optionalNullable(Schema.String),
  first8: optionalNullable(Schema.String),
  last4: optionalNullable(Schema.String),
  expMonth: optionalNullable(Schema.String),
  expYear: optionalNullable(Schema.String),
  fingerprint: optionalNullable(Schema.String),
  binInformations: optionalNullable(
    Schema.Struct({
      type: optionalNullable(Schema.String),
      issuingBank: optionalNullable(Schema.String),
      brand: optionalNullable(Schema.String),
      country: optionalNullable(Schema.String),
    }),
  ),
  authenticationResult: optionalNullable(
    Schema.Struct({
      threeDsVersion: optionalNullable(Schema.String),
      threeDsResult: optionalNullable(Schema.String),
      eciCode: optionalNullable(Schema.String),
      threeDsMethod: optionalNullable(Schema.String),
    }),
  ),
  authorizationResult: optionalNullable(
    Schema.Struct({
      acquirerReferenceNumber: optionalNullable(Schema.String),
      retrievalReferenceNumber: optionalNullable(Schema.String),
      stan: optionalNullable(Schema.String),
      avsResult: optionalNullable(Schema.String),
      cvvResult: optionalNullable(Schema.String),
      authorizedAmount: optionalNullable(Schema.Union([Amount, Schema.Finite, Schema.String])),
      issuerAuthorizationCode: optionalNullable(Schema.String),
    }),
  ),
}).annotate({ identifier: "CardCharge" });
/** @since 0.1.0 @category Schemas */
export type CardCharge = typeof CardCharge.Type;

/**
 * One capture of a manual-capture card charge. Gotcha: the docs' table says `captureAmount`, the
 * example `capturedAmount` (a plain integer, with `currency` beside it); this reads the example.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const CaptureHistory = Schema.Struct({
  captureId: Schema.String,
  currency: Schema.String,
  capturedAmount: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  status: CaptureStatus,
  createdAt: Instant,
}).annotate({ identifier: "CaptureHistory" });
/** @since 0.1.0 @category Schemas */
export type CaptureHistory = typeof CaptureHistory.Type;

/** The gateway's fraud-engine verdict on a charge. @since 0.1.0 @category Schemas */
export const FdsRiskAssessment = Schema.Struct({
  score: optionalNullable(Schema.String),
  level: optionalNullable(Schema.String),
  recommendation: optionalNullable(Schema.String),
  status: optionalNullable(Schema.String),
  evaluatedAt: optionalNullable(Instant),
}).annotate({ identifier: "FdsRiskAssessment" });
/** @since 0.1.0 @category Schemas */
export type FdsRiskAssessment = typeof FdsRiskAssessment.Type;

/**
 * A charge, as in `chargeDetails[]` and `GET /v2/charges`. `paidAt` is set when `SUCCESS`;
 * `failureCode`/`failureMessage` when `FAILED` (or `CHARGE_EXPIRED` when `EXPIRED`).
 * `authorizedAmount`/`capturedAmount` are `null` until a card is authorised/captured.
 *
 * Gotcha: unlike `PaymentMethod`, the charge is not a discriminated union. The wire object has no
 * tag: its method shows only as which of `virtualAccount`, `qr`, `ewallet`, `card` is set, and even
 * that part may be `null` (not issued yet) while the gateway's examples write `null` for the parts
 * of other methods, so no property tells the variants apart. Narrow by the part you need
 * (`if (charge.virtualAccount) …`) or by the session's `paymentMethod.type`.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const Charge = Schema.Struct({
  id: Schema.String,
  paymentSessionId: Schema.String,
  paymentSessionClientReferenceId: Schema.String,
  amount: Amount,
  statementDescriptor: Schema.String,
  status: ChargeStatus,
  authorizedAmount: Schema.NullOr(Amount),
  capturedAmount: Schema.NullOr(Amount),
  isCaptured: Schema.Boolean,
  createdAt: Instant,
  updatedAt: Instant,
  paidAt: Schema.NullOr(Instant),
  fdsRiskAssessment: optionalNullable(FdsRiskAssessment),
  virtualAccount: optionalNullable(VirtualAccountCharge),
  qr: optionalNullable(QrCharge),
  ewallet: optionalNullable(EwalletCharge),
  card: optionalNullable(CardCharge),
  captureHistories: optionalNullable(Schema.Array(CaptureHistory)),
  failureCode: optionalNullable(FailureCode),
  failureMessage: optionalNullable(Schema.String),
  recommendation: optionalNullable(Schema.String),
}).annotate({ identifier: "Charge" });
/** @since 0.1.0 @category Schemas */
export type Charge = typeof Charge.Type;
/** @since 0.1.0 @category Schemas */
export type ChargeEncoded = typeof Charge.Encoded;
