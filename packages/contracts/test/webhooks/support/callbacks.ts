/**
 * Payment-callback bodies for the handler tests, built from the core's VA session fixture.
 */
import { readFileSync } from "node:fs";

type JsonRecord = Record<string, unknown>;

const fixture = (): JsonRecord =>
  JSON.parse(
    readFileSync(
      new URL("../../../../core/test/fixtures/session-va-require-action.json", import.meta.url),
      "utf8",
    ),
  ) as JsonRecord;

const firstCharge = (session: JsonRecord): JsonRecord => {
  const charges = session.chargeDetails;
  return Array.isArray(charges) && typeof charges[0] === "object" && charges[0] !== null
    ? (charges[0] as JsonRecord)
    : {};
};

/** A PAYMENT.PAID body: the seed's VA session, paid. */
export const paidCallback = (): JsonRecord => {
  const session = fixture();
  const charge = firstCharge(session);
  return {
    event: "PAYMENT.PAID",
    data: {
      ...session,
      status: "PAID",
      updatedAt: "2025-03-30T06:00:00Z",
      chargeDetails: [
        {
          ...charge,
          status: "SUCCESS",
          isCaptured: true,
          paidAt: "2025-03-30T06:00:00Z",
          updatedAt: "2025-03-30T06:00:00Z",
        },
      ],
    },
  };
};

/** A CHARGE.SUCCESS body of a MULTIPLE session holding `payments` SUCCESS charges (ids pay-1 …). */
export const multiplePaymentCallback = (payments: number): JsonRecord => {
  const session = fixture();
  const charge = firstCharge(session);
  return {
    event: "CHARGE.SUCCESS",
    data: {
      ...session,
      paymentType: "MULTIPLE",
      status: "ACTIVE",
      expiryAt: null,
      chargeDetails: Array.from({ length: payments }, (_, i) => ({
        ...charge,
        id: `pay-${i + 1}`,
        status: "SUCCESS",
        isCaptured: true,
        paidAt: `2025-03-30T06:0${i}:00Z`,
        updatedAt: `2025-03-30T06:0${i}:00Z`,
      })),
    },
  };
};

/** A PAYMENT.CANCELLED body of a session cancelled by the merchant before any charge. */
export const cancelledCallback = (): JsonRecord => {
  const session = fixture();
  return {
    event: "PAYMENT.CANCELLED",
    data: {
      ...session,
      status: "CANCELLED",
      autoConfirm: false,
      chargeDetails: null,
      cancelledAt: "2025-03-30T06:00:00Z",
      expiryAt: "2025-03-30T06:00:00Z",
      cancellationReason: "REQUESTED_BY_CUSTOMER",
    },
  };
};
