/**
 * What `verify` (the Pact contracts in `contracts/`) does to each defect of the faulty provider, as
 * last measured by `test/verifier/faultyProvider.test.ts`. That test fails when a defect listed here
 * passes verify again (the contracts got weaker) and prints the defects verify newly catches (add
 * them here). The explorer's self-test reads it to check that verify and explore together leave no
 * defect passing.
 */
import type { DefectName } from "./defects.js";

/** The defects the contracts fail today, with an interaction that fails each. */
export const CAUGHT_BY_VERIFY: Readonly<Partial<Record<DefectName, string>>> = {
  expiryOffByOneMinute: "a request for a payment session at the instant its expiryAt is reached",
  otherMerchantSessionVisible: "a request for a payment session of another merchant",
  autoConfirmDefaultsToFalse: "a request to create a MULTIPLE open static VA payment session",
  autoConfirmIgnored: "a request to create a VA payment session with autoConfirm false",
  confirmAgainIsNoop: "a request to confirm a session waiting for the customer's transfer, refused",
  cancelAgainIsNoop: "a request to cancel a cancelled session, refused",
  cancelRequireActionAllowed: "a request to cancel a session waiting for the customer's transfer",
  captureWithoutAuthorisation: "a request to capture a cancelled session, refused",
  ignoresClock: "a repeated create request with the same X-REQUEST-ID and the same body",
  expiredReadsChargeFailed: "a request for an expired payment session, which has no cancellation reason",
  defaultExpiryThirtyMinutes: "a repeated create request with the same X-REQUEST-ID and the same body",
  pastExpiryAccepted: "a request to create a payment session whose expiryAt has passed",
  acceptsWrongAmount:
    "a request to simulate chargeStatus SUCCESS of 1000 IDR on a session waiting for the customer's transfer, refused for the amount",
  overCaptureClamped: "a request to capture more than a card's authorised amount",
  partialCaptureTakesAll: "a request to capture more than a card's authorised amount",
  latePaymentRefused:
    "a request to simulate chargeStatus SUCCESS on a session cancelled when its charge failed, recorded as late",
  repeatedPaymentRefused: "a request to simulate chargeStatus SUCCESS on a paid session, a duplicate",
  webhookWrongEventName: "a PAYMENT.PAID callback after a simulated payment of a VA session",
  webhookWrongApiKey: "a CHARGE.SUCCESS callback for a payment into a MULTIPLE static VA session",
  webhookStaleBody: "a CHARGE.SUCCESS callback for a payment into a MULTIPLE static VA session",
  noWebhookOnExpiry: "a PAYMENT.CANCELLED callback for a session that expired",
  noWebhooks: "a CHARGE.SUCCESS callback for a payment into a MULTIPLE static VA session",
  replayCreatesNewSession: "a repeated create request with the same X-REQUEST-ID and the same body",
  idempotencyIgnoresBody: "a create request reusing an X-REQUEST-ID with another body",
  refusedCancelIs500: "a request to cancel a cancelled session, refused",
  errorWithoutType: "a create request reusing an X-REQUEST-ID with another body",
  validationWithoutDetails: "a request to capture more than a card's authorised amount",
  listIgnoresClientReferenceId: "a request for the payment sessions with a clientReferenceId",
  listPageOffByOne: "a request for the charges of a clientReferenceId",
  chargesIgnoreClientReferenceId: "a request for the charges of a clientReferenceId",
  chargesAmountInCents: "a request for the charges of a clientReferenceId",
  simulationChangesNothing: "a request for a payment session after a simulated EXPIRED of its VA charge",
  refundOverRefundAllowed: "a request to refund more than is left of a paid session",
  refundFullAfterPartialAllowed: "a request for a full refund of a partly refunded session",
  refundOfUnpaidSession: "a request to refund a session that is not paid",
  refundWrongEventName: "a REFUND.WAITING_BANK_TRANFER callback for a refund waiting for its bank transfer",
  otherMerchantRefundVisible: "a request for a refund of another merchant",
  subAccountIgnored: "a request for a sub-account's payment session without x-submerchant-id",
};
