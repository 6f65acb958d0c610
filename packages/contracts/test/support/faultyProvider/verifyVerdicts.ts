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
  autoConfirmDefaultsToFalse: "a request to create a QRIS payment session",
  autoConfirmIgnored: "a request to create a VA payment session with autoConfirm false",
  cancelRequireActionAllowed: "a request to cancel a session waiting for the customer's transfer",
  captureWithoutAuthorisation: "a request to capture a session with no charge waiting for capture",
  ignoresClock: "a request to create a VA payment session with the seed page's body",
  pastExpiryAccepted: "a request to create a payment session whose expiryAt has passed",
  webhookWrongEventName: "a PAYMENT.PAID callback for a paid VA session",
  webhookStaleBody: "a PAYMENT.PAID callback for a paid VA session",
  noWebhookOnExpiry: "a PAYMENT.CANCELLED callback for a session that expired",
  noWebhooks: "a PAYMENT.PAID callback for a paid VA session",
  idempotencyIgnoresBody: "a create request reusing an X-REQUEST-ID with another body",
  refusedCancelIs500: "a request to cancel a session waiting for the customer's transfer",
  errorWithoutType: "a request for a payment session that does not exist",
  validationWithoutDetails: "a request to create a payment session whose expiryAt has passed",
  listPageOffByOne: "a request for the second page of payment sessions, two per page",
};
