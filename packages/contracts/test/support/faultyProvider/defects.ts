/**
 * The deliberate defects of the faulty provider: each one a mistake a real implementer of the
 * Payments v2 API could make, switched on alone in one provider instance, so that the contracts
 * (`verify`) and the explorer (`explore`) can be shown to catch it.
 *
 * Every defect is a small switch in `startFaultyProvider.ts` (search for its name); everything else
 * the provider does is the core's decision.
 */

/** The areas a defect belongs to (issue 8's list). */
export type DefectArea =
  | "status after create"
  | "allowed operations"
  | "expiry and time"
  | "amounts"
  | "late and duplicate payments"
  | "webhooks"
  | "idempotency"
  | "auth and tenant isolation"
  | "error codes and envelopes"
  | "list and paging"
  | "charges"
  | "simulations"
  | "refunds";

/** One defect: its name (the switch), its area and what the wrong provider does, in one line. */
export interface Defect {
  readonly name: string;
  readonly area: DefectArea;
  readonly description: string;
}

/**
 * Every defect, one line each (the note and the docs cite this list). The faithful provider is the
 * one with no defect.
 */
export const DEFECTS = [
  // status after create (C1)
  {
    name: "autoConfirmDefaultsToFalse",
    area: "status after create",
    description:
      "an absent autoConfirm is read as false (the docs' default is true): a create with a method stops in REQUIRE_CONFIRMATION",
  },
  {
    name: "autoConfirmIgnored",
    area: "status after create",
    description:
      "autoConfirm false is ignored: a create with a method always opens a charge (REQUIRE_ACTION instead of REQUIRE_CONFIRMATION)",
  },
  // which statuses accept confirm / cancel / capture (L1, L2, L3, L6, P6)
  {
    name: "confirmAgainIsNoop",
    area: "allowed operations",
    description:
      "a confirm on a REQUIRE_ACTION session answers 200 with the session unchanged instead of 422 invalid_state",
  },
  {
    name: "cancelAgainIsNoop",
    area: "allowed operations",
    description:
      "a cancel on a session already CANCELLED or EXPIRED answers 200 with the session instead of 422 invalid_state",
  },
  {
    name: "cancelRequireActionAllowed",
    area: "allowed operations",
    description:
      "a cancel in REQUIRE_ACTION is accepted (decision L6 refuses it): the session ends CANCELLED with its charge still open",
  },
  {
    name: "captureWithoutAuthorisation",
    area: "allowed operations",
    description:
      "a capture on a session with no charge WAITING_FOR_CAPTURE answers 200 with a capture of the requested amount",
  },
  // expiry and time (C2, C3, L4)
  {
    name: "ignoresClock",
    area: "expiry and time",
    description:
      "the provider reads the wall clock; `the clock reads` is accepted and ignored (so time never moves for it)",
  },
  {
    name: "expiredReadsChargeFailed",
    area: "expiry and time",
    description:
      "an EXPIRED session is rendered with cancellationReason CHARGE_FAILED (decision L4: no reason), in answers and webhooks",
  },
  {
    name: "expiryOffByOneMinute",
    area: "expiry and time",
    description:
      "reads, lists and the sweeper expire a session only a minute after its expiryAt (a grace period the API does not have)",
  },
  {
    name: "defaultExpiryThirtyMinutes",
    area: "expiry and time",
    description: "a create without expiryAt expires after 30 minutes instead of 15 (decision C2)",
  },
  {
    name: "pastExpiryAccepted",
    area: "expiry and time",
    description:
      "a create whose expiryAt is not after now is accepted (400 by decision C3) and the session is born EXPIRED",
  },
  // amounts (P1, P6)
  {
    name: "acceptsWrongAmount",
    area: "amounts",
    description:
      "a SUCCESS simulation with another amount than a SINGLE session's is booked as the full amount instead of 422 amount_mismatch",
  },
  {
    name: "overCaptureClamped",
    area: "amounts",
    description:
      "a capture above the authorised amount is clamped to the authorisation and answered 200 instead of 400",
  },
  {
    name: "partialCaptureTakesAll",
    area: "amounts",
    description: "a partial capture captures the whole authorisation (the body's amount is ignored)",
  },
  // late and duplicate payments (P2, P3, P4)
  {
    name: "latePaymentRefused",
    area: "late and duplicate payments",
    description:
      "a payment after the session ended is refused 422 invalid_state instead of being recorded as a late payment (P3)",
  },
  {
    name: "latePaymentNotifies",
    area: "late and duplicate payments",
    description: "a payment after the session ended sends a PAYMENT.PAID webhook (P3: no webhook for it)",
  },
  {
    name: "repeatedPaymentRefused",
    area: "late and duplicate payments",
    description:
      "the same payment notified again on a PAID session is refused 422 instead of answered as the first time (P2)",
  },
  {
    name: "multiplePaymentsDeduplicatedByAmount",
    area: "late and duplicate payments",
    description:
      "a MULTIPLE session keys payments by amount, so a second payment of the same amount is dropped as a duplicate (P4)",
  },
  // webhooks (W1)
  {
    name: "webhookWrongEventName",
    area: "webhooks",
    description: "a SINGLE session's payment is announced as CHARGE.SUCCESS instead of PAYMENT.PAID",
  },
  {
    name: "webhookWrongApiKey",
    area: "webhooks",
    description: "webhooks carry the merchant's API secret as X-API-Key instead of its callback API key",
  },
  {
    name: "webhookStaleBody",
    area: "webhooks",
    description:
      "a webhook's data is the session as it was before the change (built before the transition was applied)",
  },
  {
    name: "noWebhookOnExpiry",
    area: "webhooks",
    description: "no PAYMENT.CANCELLED is sent when a session expires (only a merchant's cancel sends it)",
  },
  {
    name: "noWebhooks",
    area: "webhooks",
    description: "the provider never delivers a webhook",
  },
  // idempotency (C6)
  {
    name: "replayCreatesNewSession",
    area: "idempotency",
    description:
      "a create repeated under the same X-REQUEST-ID and body makes a new session (the key is checked for conflicts only)",
  },
  {
    name: "idempotencyIgnoresBody",
    area: "idempotency",
    description:
      "a reused X-REQUEST-ID with another body replays the first answer instead of 409 idempotency_error",
  },
  // auth and tenant isolation
  {
    name: "otherMerchantSessionVisible",
    area: "auth and tenant isolation",
    description: "GET /v2/payments/{id} answers another merchant's session instead of 404",
  },
  {
    name: "subAccountIgnored",
    area: "auth and tenant isolation",
    description:
      "x-submerchant-id is ignored: a sub-account's sessions are the merchant's, visible to it and to other sub-accounts (decision S5)",
  },
  {
    name: "expiredTokenAccepted",
    area: "auth and tenant isolation",
    description: "an access token is accepted after its 900 s lifetime",
  },
  // error codes and envelopes (L2, C3)
  {
    name: "invalidStateWrongCode",
    area: "error codes and envelopes",
    description:
      "an operation the status does not allow answers 422 with code bad_request instead of invalid_state",
  },
  {
    name: "refusedCancelIs500",
    area: "error codes and envelopes",
    description: "a cancel the status does not allow fails with 500 internal_error instead of 422",
  },
  {
    name: "errorWithoutType",
    area: "error codes and envelopes",
    description: "error envelopes leave out error.type",
  },
  {
    name: "validationWithoutDetails",
    area: "error codes and envelopes",
    description: "a 400 api_validation_error has no error.details (no field paths)",
  },
  // list and paging (C4)
  {
    name: "listIgnoresClientReferenceId",
    area: "list and paging",
    description: "GET /v2/payments?clientReferenceId= lists every session of the merchant",
  },
  {
    name: "listPageOffByOne",
    area: "list and paging",
    description: "list pages are counted from 0: page=2 answers the third page",
  },
  {
    name: "listStatusStale",
    area: "list and paging",
    description:
      "list items show the status of the last merchant request (payments and expiry are not reflected in the list)",
  },
  // charges
  {
    name: "chargesIgnoreClientReferenceId",
    area: "charges",
    description: "GET /v2/charges answers the charges of every session of the merchant",
  },
  {
    name: "chargesAmountInCents",
    area: "charges",
    description: "GET /v2/charges answers amounts in hundredths (value × 100), as if IDR had a minor unit",
  },
  // simulations
  {
    name: "simulationChangesNothing",
    area: "simulations",
    description: 'POST /v2/payments/simulations answers {updated: "true"} and applies nothing',
  },
  // refunds (R2, R3, facts §10)
  {
    name: "refundOverRefundAllowed",
    area: "refunds",
    description:
      "a partial refund is checked against the captured amount alone (earlier refunds ignored): the refunds of a charge can exceed what it captured",
  },
  {
    name: "refundFullAfterPartialAllowed",
    area: "refunds",
    description:
      "a full refund (isFullAmount) is accepted after a partial one, for the whole captured amount, instead of 422 full_refund_not_allowed",
  },
  {
    name: "refundOfUnpaidSession",
    area: "refunds",
    description:
      "a refund of a session that is not paid (its charge did not succeed) is accepted instead of 422 invalid_state",
  },
  {
    name: "refundWrongEventName",
    area: "refunds",
    description:
      "the refund callback REFUND.WAITING_BANK_TRANFER is sent with the docs' typo fixed (REFUND.WAITING_BANK_TRANSFER), which handlers matching the gateway's name miss",
  },
  {
    name: "otherMerchantRefundVisible",
    area: "refunds",
    description: "GET /v1/refunds/{id} answers another merchant's refund instead of 404",
  },
] as const satisfies ReadonlyArray<Defect>;

/** The name of a defect. */
export type DefectName = (typeof DEFECTS)[number]["name"];

/** Every defect name, in the order of {@link DEFECTS}. */
export const defectNames: ReadonlyArray<DefectName> = DEFECTS.map((d) => d.name);
