/**
 * The merchant-visible objects rendered from a snapshot: the payment session and its charges.
 *
 * @since 0.1.0
 */

import { millisToInstant } from "../schemas/Instant.js";
import type { Amount, Capture, Charge, PaymentSession, SimulationApplication } from "../schemas/index.js";
import { chargeStatus, type SessionSnapshot, sessionStatus } from "./status.js";
import type { ChargeRecord, LatePayment, Outcome, Refused, SessionContext } from "./types.js";

/** A capture's status: the sandbox captures at once (decision P6), so every capture it records succeeded. */
const captureStatus = "SUCCESS" as const;

const amountOf = (value: number | null, currency: string): Amount | null =>
  value === null ? null : { value, currency };

/** A rendered object being built: optional fields are added in their place only when present. */
type Building<T> = { -readonly [K in keyof T]?: T[K] };

const renderCharge = (context: SessionContext, charge: ChargeRecord): Charge => {
  const c = charge.context;
  const status = chargeStatus(charge);
  const currency = c.amount.currency;
  const out: Building<Charge> = {
    id: c.id,
    paymentSessionId: context.id,
    paymentSessionClientReferenceId: context.settings.clientReferenceId,
    amount: c.amount,
    statementDescriptor: context.settings.statementDescriptor ?? "",
    status,
    authorizedAmount: amountOf(c.authorizedAmount, currency),
    capturedAmount: amountOf(c.capturedAmount, currency),
    isCaptured: status === "SUCCESS",
    createdAt: millisToInstant(c.createdAt),
    updatedAt: millisToInstant(c.updatedAt),
    paidAt: c.paidAt === null ? null : millisToInstant(c.paidAt),
  };
  const instrument = c.instrument;
  switch (c.method) {
    case "VIRTUAL_ACCOUNT":
      out.virtualAccount = instrument.virtualAccount ?? null;
      break;
    case "QR":
      out.qr = instrument.qr ?? null;
      break;
    case "EWALLET":
      out.ewallet = instrument.ewallet ?? null;
      break;
    case "CARD":
      out.card = instrument.card ?? {};
      break;
  }
  if (c.captures.length > 0) {
    out.captureHistories = c.captures.map((capture) => ({
      captureId: capture.captureId,
      currency,
      capturedAmount: capture.amount,
      status: captureStatus,
      createdAt: millisToInstant(capture.at),
    }));
  }
  if (c.failureCode !== null) {
    out.failureCode = c.failureCode;
    out.failureMessage = c.failureMessage;
  }
  return out as Charge;
};

/**
 * Renders one charge of the session as the gateway's charge object (status from the charge
 * machine's state, instants as ISO UTC strings, `isCaptured` true once SUCCESS).
 *
 * @since 0.1.0
 * @category Rendering
 */
export const toCharge = (snapshot: SessionSnapshot, charge: ChargeRecord): Charge =>
  renderCharge(snapshot.context, charge);

const renderLate = (late: LatePayment) => ({
  chargeId: late.chargeId,
  amount: late.amount,
  receivedAt: millisToInstant(late.receivedAt),
});

/**
 * Renders the payment-session object a merchant sees (GET, create/confirm/cancel answers, callback
 * `data`). `status` comes from the machine state; `chargeDetails` is `null` until a charge exists;
 * after a cancel, `expiryAt` is the cancel instant (L3); late payments (P3) appear in `lateCharges`.
 *
 * @example
 * toPaymentSession(created.snapshot).status // "REQUIRE_ACTION"
 * @since 0.1.0
 * @category Rendering
 */
export const toPaymentSession = (snapshot: SessionSnapshot): PaymentSession => {
  const c = snapshot.context;
  const s = c.settings;
  // The fields in the gateway's order; optional ones added in their place only when present.
  const out: Building<PaymentSession> = {
    id: c.id,
    clientReferenceId: s.clientReferenceId,
    amount: c.amount,
    autoConfirm: s.autoConfirm,
    mode: s.mode,
    paymentType: s.paymentType,
    bypassStatusPage: s.bypassStatusPage,
  };
  if (s.redirectUrl !== undefined) out.redirectUrl = s.redirectUrl;
  out.paymentMethod = c.paymentMethod;
  out.paymentMethodOptions = c.paymentMethodOptions;
  out.statementDescriptor = s.statementDescriptor ?? "";
  if (s.expirationMode !== undefined) out.expirationMode = s.expirationMode;
  out.saveForFutureUse = s.saveForFutureUse;
  out.showSavedPayment = s.showSavedPayment;
  out.status = sessionStatus(snapshot);
  out.createdAt = millisToInstant(c.createdAt);
  out.updatedAt = millisToInstant(c.updatedAt);
  out.expiryAt = c.expiryAt === null ? null : millisToInstant(c.expiryAt);
  if (c.paymentUrl !== null) out.paymentUrl = c.paymentUrl;
  if (c.encryptionKey !== null) out.encryptionKey = c.encryptionKey;
  out.chargeDetails = c.charges.length === 0 ? null : c.charges.map((charge) => renderCharge(c, charge));
  if (s.customerId !== undefined) out.customerId = s.customerId;
  if (s.customer !== undefined) out.customer = s.customer;
  if (s.orderInformation !== undefined) out.orderInformation = s.orderInformation;
  out.cancelledAt = c.cancelledAt === null ? null : millisToInstant(c.cancelledAt);
  out.cancellationReason = c.cancellationReason;
  if (s.metadata !== undefined) out.metadata = s.metadata;
  if (c.latePayments.length > 0) out.lateCharges = c.latePayments.map(renderLate);
  return out as PaymentSession;
};

/**
 * The simulation answer's `result` for an outcome that was not refused (decision P3): applied, a
 * repeat (P2), or recorded late.
 *
 * @example
 * simulationResultOf(applyEvent(snapshot, payment).outcome) // "APPLIED"
 * @since 0.1.0
 * @category Rendering
 */
export const simulationResultOf = (outcome: Exclude<Outcome, Refused>): SimulationApplication => {
  switch (outcome._tag) {
    case "Accepted":
      return "APPLIED";
    case "Duplicate":
      return "DUPLICATE";
    case "LatePaymentRecorded":
      return "RECORDED_LATE";
  }
};

/**
 * Renders the capture object of `POST /v2/payments/{id}/capture` for the capture `captureId` a
 * CAPTURE event recorded (decision P6: the sandbox captures at once, so its status is `SUCCESS`).
 * `null` when the session has no capture with that id (the event did not record one).
 *
 * @example
 * const applied = applyEvent(snapshot, { type: "CAPTURE", at, captureId, releaseRemainingAmount: false })
 * toCapture(applied.snapshot, captureId, false)?.status // "SUCCESS"
 * @since 0.1.0
 * @category Rendering
 */
export const toCapture = (
  snapshot: SessionSnapshot,
  captureId: string,
  releaseRemainingAmount: boolean,
): Capture | null => {
  const session = snapshot.context;
  for (const charge of session.charges) {
    const record = charge.context.captures.find((capture) => capture.captureId === captureId);
    if (record === undefined) continue;
    const instant = millisToInstant(record.at);
    return {
      id: captureId,
      paymentSessionId: session.id,
      paymentSessionClientReferenceId: session.settings.clientReferenceId,
      releaseRemainingAmount,
      amount: { value: record.amount, currency: charge.context.amount.currency },
      status: captureStatus,
      createdAt: instant,
      updatedAt: instant,
    };
  }
  return null;
};
