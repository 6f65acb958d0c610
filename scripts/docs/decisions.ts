import type { Json } from "./pacts.ts";
import type { Pin } from "./pinChecks.ts";

/**
 * The project's decision records: the choices of shared/api/decisions.md (C1–C7, L1–L6, P1–P6,
 * W1–W2), and this project's own on what input and access it accepts and how it runs (H1–H8, from the
 * hardening of issue 11), as prose written once here, and the places that embody each — transitions of the machines,
 * guards, and Pact interactions by description. The generator resolves every link against the
 * machine definitions and the pact files and fails, naming the record, when one no longer exists.
 */

/** A (state, event) row of a machine's transition table. */
export interface TransitionRef {
  readonly machine: "session" | "charge" | "refund";
  readonly state: string;
  /** An event type, or `(always)` for the eventless transitions. */
  readonly event: string;
}

/** A guard of a machine, by name. */
export interface GuardRef {
  readonly machine: "session" | "charge" | "refund";
  readonly guard: string;
}

/** One decision record. */
export interface DecisionRecord {
  readonly id: string;
  readonly slug: string;
  readonly title: string;
  /** Where the choice comes from, when not from shared/api/decisions.md (the page's "Source:"). */
  readonly source?: string;
  readonly area:
    | "Session creation"
    | "Confirmation, cancellation, expiry"
    | "Payments arriving"
    | "Webhooks"
    | "Wire format"
    | "Input and access"
    | "Operations"
    | "Sandbox"
    | "Refunds";
  readonly question: string;
  readonly choice: string;
  readonly why: string;
  /** What the Pact contracts pin of it (and what they leave loose), in words. */
  readonly pins: string;
  /**
   * The same claims as data, each checked against the pact files by the docs tests
   * (scripts/docs/test/decisionPins.test.ts) and listed on the record's page.
   */
  readonly checks: ReadonlyArray<Pin>;
  readonly transitions: ReadonlyArray<TransitionRef>;
  readonly guards: ReadonlyArray<GuardRef>;
  /** Pact interaction descriptions. */
  readonly interactions: ReadonlyArray<string>;
}

const eq = (interaction: string, path: string, value: Json): Pin => ({
  kind: "exactly",
  interaction,
  path,
  value,
});
const at = (interaction: string, path: string, instant: string): Pin => ({
  kind: "instant",
  interaction,
  path,
  at: instant,
});
const none = (interaction: string, path: string): Pin => ({ kind: "noValue", interaction, path });
const items = (interaction: string, path: string, count: number): Pin => ({
  kind: "items",
  interaction,
  path,
  count,
});
const status = (interaction: string, value: number): Pin => ({ kind: "status", interaction, value });
const oneOf = (interaction: string, path: string, values: ReadonlyArray<string>): Pin => ({
  kind: "oneOf",
  interaction,
  path,
  values,
});
const apiKey = (interaction: string): Pin => ({
  kind: "metadata",
  interaction,
  key: "X-API-Key",
  value: "callback-key-0001",
});

/** The instant every contract's `the clock reads` names, and instants relative to it. */
const CLOCK = "2025-03-30T05:48:17Z";
const CLOCK_PLUS_15 = "2025-03-30T06:03:17Z";
const CLOCK_MINUS_1 = "2025-03-30T05:47:17Z";

// Interaction descriptions the checks name more than once.
const seedCreate = "a request to create a VA payment session with the seed page's body";
const createNoMethod = "a request to create a payment session without a payment method";
const createNoConfirm = "a request to create a VA payment session with autoConfirm false";
const createMultiple = "a request to create a MULTIPLE open static VA payment session";
const createQr = "a request to create a QRIS payment session";
const createSoon = "a request to create a payment session that expires a minute after the clock";
const createPast = "a request to create a payment session whose expiryAt has passed";
const listByReference = "a request for the payment sessions with a clientReferenceId";
const listSecondPage =
  "a request for the second page of payment sessions with a clientReferenceId, two per page";
const chargesByReference = "a request for the charges of a clientReferenceId";
const replay = "a repeated create request with the same X-REQUEST-ID and the same body";
const replayOther = "a create request reusing an X-REQUEST-ID with another body";
const confirmNoMethod = "a request to confirm a VA for a session waiting for a payment method";
const confirmWaiting = "a request to confirm a session waiting for confirmation";
const confirmPaid = "a request to confirm a paid session";
const captureNothing = "a request to capture a session with no charge waiting for capture";
const captureFull = "a request to capture the full authorised amount of a card";
const cancelWaiting = "a request to cancel a session waiting for the customer's transfer";
const cancelConfirmation = "a request to cancel a session waiting for confirmation";
const cancelNoMethod = "a request to cancel a session waiting for a payment method";
const getCancelled = "a request for a payment session the merchant cancelled";
const getAction = "a request for a payment session waiting for the customer's transfer";
const getExpired = "a request for an expired payment session";
const getExpiredNoReason = "a request for an expired payment session, which has no cancellation reason";
const getLapsed = "a request for a payment session whose expiryAt passed while nobody paid";
const getNotFound = "a request for a payment session that does not exist";
const tokenAsForm =
  "a request for an access token whose JSON body is sent as application/x-www-form-urlencoded";
const confirmEncrypted =
  "a request to confirm a card session with an encryptedCard made with the published test key";
const confirmUndecryptable =
  "a request to confirm a card session with an encryptedCard that does not decrypt";
const tokenNoBody = "a request for an access token without a body or a content type";
const tokenNoCredentials = "a request for an access token without credentials";
const simulatedPaid = "a request for a payment session after a simulated SUCCESS of its VA charge";
const simulatedExpired = "a request for a payment session after a simulated EXPIRED of its VA charge";
const hookPaid = "a PAYMENT.PAID callback for a paid VA session";
const hookSimulatedPaid = "a PAYMENT.PAID callback after a simulated payment of a VA session";
const hookCancelled = "a PAYMENT.CANCELLED callback for a session the merchant cancelled";
const hookFailed = "a PAYMENT.CANCELLED callback for a session whose e-wallet charge failed";
const hookExpired = "a PAYMENT.CANCELLED callback for a session that expired";
const hookExpiredNoReason =
  "a PAYMENT.CANCELLED callback for a session that expired, which has no cancellation reason";
const hookProcessing = "a PAYMENT.PROCESSING callback for an e-wallet session";
const hookMultiple = "a CHARGE.SUCCESS callback for a payment into a MULTIPLE static VA session";
const webhooks = [
  hookProcessing,
  hookPaid,
  hookSimulatedPaid,
  hookMultiple,
  hookCancelled,
  hookFailed,
  hookExpired,
  hookExpiredNoReason,
];

const s = (state: string, event: string): TransitionRef => ({ machine: "session", state, event });
const c = (state: string, event: string): TransitionRef => ({ machine: "charge", state, event });
const sg = (guard: string): GuardRef => ({ machine: "session", guard });
const cg = (guard: string): GuardRef => ({ machine: "charge", guard });
const r = (state: string, event: string): TransitionRef => ({ machine: "refund", state, event });

// Refund interactions (issue 13) the R records name.
const refundHalf = "a request to refund half of a paid session";
const refundRest = "a request to refund the rest of a half-refunded session";
const refundOver = "a request to refund more than is left of a paid session";
const refundFullAfter = "a request for a full refund of a partly refunded session";
const refundUnpaid = "a request to refund a session that is not paid";
const refundNoSession = "a request to refund a payment session that does not exist";
const refundZero = "a request to refund an amount of zero";
const refundOtherMerchant = "a request for a refund of another merchant";
const refundWaitingRead = "a request for a refund waiting for its bank transfer";
const refundChannelRead = "a request for a refund paid back through the channel";
const hookRefundPending = "a REFUND.PENDING callback for a new refund";
const subCreate = "a request to create a payment session for a sub-account";
const subRead = "a request for a sub-account's payment session with its x-submerchant-id";
const subHidden = "a request for a sub-account's payment session without x-submerchant-id";
const subHiddenList =
  "a request for the payment sessions with a sub-account's clientReferenceId, without x-submerchant-id";
const subMalformed = "a request for the payment sessions with a malformed x-submerchant-id";
const hookRefundWaiting = "a REFUND.WAITING_BANK_TRANFER callback for a refund waiting for its bank transfer";
const rg = (guard: string): GuardRef => ({ machine: "refund", guard });

/** Every record, in the order of decisions.md. */
export const decisionRecords: ReadonlyArray<DecisionRecord> = [
  {
    id: "C1",
    slug: "status-after-create",
    title: "The status after POST /v2/payments",
    area: "Session creation",
    question:
      "Which status does a new session have? The docs list REQUIRE_PAYMENT_METHOD for a session without a method, yet their only example without one answers REQUIRE_CONFIRMATION.",
    choice:
      "No `paymentMethod` → `REQUIRE_PAYMENT_METHOD`. A method with `autoConfirm: false` → `REQUIRE_CONFIRMATION`. A method with `autoConfirm: true` (the default) → the charge is created at once: session `REQUIRE_ACTION`, charge `WAITING_FOR_USER_ACTION`. `paymentType: MULTIPLE` (VA or QR, mode API, autoConfirm true) → `ACTIVE`.",
    why: "The status table and the confirm page agree on this order; the single contradicting example is older. Deciding inside the machine (eventless transitions right after creation) means the create input alone picks the first status, so the API, the reference provider and the diagrams cannot disagree.",
    pins: "The status of each create answer exactly (`REQUIRE_ACTION` with its charge `WAITING_FOR_USER_ACTION` on the requested VA bank for the seed body, `REQUIRE_PAYMENT_METHOD`, `REQUIRE_CONFIRMATION`, `ACTIVE`, `REQUIRE_ACTION` for QRIS); ids and instants by matchers.",
    checks: [
      eq(seedCreate, "$.data.status", "REQUIRE_ACTION"),
      eq(seedCreate, "$.data.chargeDetails[0].status", "WAITING_FOR_USER_ACTION"),
      eq(seedCreate, "$.data.chargeDetails[0].virtualAccount.channel", "PERMATA"),
      eq(createNoMethod, "$.data.status", "REQUIRE_PAYMENT_METHOD"),
      eq(createNoConfirm, "$.data.status", "REQUIRE_CONFIRMATION"),
      eq(createMultiple, "$.data.status", "ACTIVE"),
      eq(createQr, "$.data.status", "REQUIRE_ACTION"),
    ],
    transitions: [s("REQUIRE_PAYMENT_METHOD", "(always)"), s("REQUIRE_CONFIRMATION", "(always)")],
    guards: [sg("isMultiple"), sg("hasPaymentMethod"), sg("isAutoConfirm"), sg("hasIssuedCharge")],
    interactions: [
      "a request to create a VA payment session with the seed page's body",
      "a request to create a payment session without a payment method",
      "a request to create a VA payment session with autoConfirm false",
      "a request to create a MULTIPLE open static VA payment session",
      "a request to create a QRIS payment session",
    ],
  },
  {
    id: "C2",
    slug: "default-expiry",
    title: "The default expiry",
    area: "Session creation",
    question: "When does a session without `expiryAt` expire?",
    choice: "`expiryAt` absent → `createdAt + 15 min` (a MULTIPLE session may have none).",
    why: "The seed page and the create reference both say the default duration is 15 minutes.",
    pins: "The default itself: a session created or set up without `expiryAt` answers `expiryAt` = the clock of `the clock reads` + 15 min (the instant in any ISO-8601 UTC form, a few seconds' tick allowed), so a provider that ignores the clock fails; an `expiryAt` sent is kept as sent.",
    checks: [
      at(createNoMethod, "$.data.expiryAt", CLOCK_PLUS_15),
      at(createNoConfirm, "$.data.expiryAt", CLOCK_PLUS_15),
      at(createQr, "$.data.expiryAt", CLOCK_PLUS_15),
      at(getAction, "$.data.expiryAt", CLOCK_PLUS_15),
      at(createSoon, "$.data.expiryAt", "2025-03-30T05:49:17Z"),
    ],
    transitions: [s("REQUIRE_PAYMENT_METHOD", "EXPIRE"), s("REQUIRE_ACTION", "EXPIRE")],
    guards: [sg("isPastExpiry")],
    interactions: [createNoMethod, createNoConfirm, createQr, getAction, createSoon],
  },
  {
    id: "C3",
    slug: "expiry-out-of-range",
    title: "An expiryAt in the past or beyond the method's maximum",
    area: "Session creation",
    question:
      "What happens to a create or confirm whose `expiryAt` is already past, or further away than the method allows?",
    choice:
      "400 `api_validation_error` with a `details[]` entry for `expiryAt`; nothing is stored. Maxima (the docs' example merchant config): VA 30 days, card 30 days, QR 60 min, e-wallet 30 min.",
    why: "The docs list a per-method `maximumExpiry` but no error for breaking it; a session that is born expired, or that outlives its instrument, cannot be served, so it is refused like any other invalid field.",
    pins: "Status 400, `error.type` `API_ERROR` and a `details[]` entry for `expiryAt` (`arrayContains`), the code by regex (`api_validation_error` or the numeric `400…` style).",
    checks: [status(createPast, 400), eq(createPast, "$.error.type", "API_ERROR")],
    transitions: [s("REQUIRE_PAYMENT_METHOD", "CONFIRM"), s("REQUIRE_CONFIRMATION", "CONFIRM")],
    guards: [sg("isConfirmationValid")],
    interactions: ["a request to create a payment session whose expiryAt has passed"],
  },
  {
    id: "C4",
    slug: "client-reference-id-reused",
    title: "A clientReferenceId used twice",
    area: "Session creation",
    question:
      "The docs call `clientReferenceId` unique, yet the lookup by it returns a list. Is a second session with the same reference refused?",
    choice: "Allowed; `GET /v2/payments?clientReferenceId=` returns every session with it.",
    why: "A list answer only makes sense if several sessions can share a reference (a retry after an expired session is the common case). Refusing would break merchants that retry.",
    pins: "A list by `clientReferenceId` answers exactly the sessions with it (a session of another reference is set up beside them), item by item: their number on the page, their reference and their status; the charges of a reference likewise (reference, status, amount and currency).",
    checks: [
      items(listByReference, "$.data", 2),
      eq(listByReference, "$.data[0].clientReferenceId", "ORDER-42"),
      eq(listByReference, "$.data[1].clientReferenceId", "ORDER-42"),
      eq(listByReference, "$.data[1].status", "REQUIRE_PAYMENT_METHOD"),
      eq(listByReference, "$.pagination.totalItems", 2),
      items(listSecondPage, "$.data", 1),
      eq(listSecondPage, "$.data[0].clientReferenceId", "ORDER-43"),
      eq(listSecondPage, "$.data[0].status", "REQUIRE_PAYMENT_METHOD"),
      eq(listSecondPage, "$.pagination.totalItems", 3),
      items(chargesByReference, "$.data", 1),
      eq(chargesByReference, "$.data[0].paymentSessionClientReferenceId", "INV-CHARGES-1"),
      eq(chargesByReference, "$.data[0].status", "WAITING_FOR_USER_ACTION"),
      eq(chargesByReference, "$.data[0].amount", { value: 20000, currency: "IDR" }),
    ],
    transitions: [],
    guards: [],
    interactions: [listByReference, listSecondPage, chargesByReference],
  },
  {
    id: "C5",
    slug: "amount-bounds",
    title: "Amount bounds",
    area: "Session creation",
    question: "Which amounts are accepted?",
    choice:
      "Integer IDR `value` ≥ 1, within the method's minimum and maximum from the merchant's payment-method config (the example: VA 10 000 – 9 999 999 999, QR 1 000 – 9 999 999, e-wallet 10 000 – 9 999 999, card 10 000 – 9 999 999 999). Outside → 400 with a `details[]` entry for `amount.value`.",
    why: "IDR has no minor unit in use, so amounts are integers; the bounds are the documented config's, and a method only learns its amount at confirm, so the same check runs there.",
    pins: "Nothing beyond the 400 envelope of C3: bounds are merchant configuration, checked by the core's tests.",
    checks: [],
    transitions: [s("REQUIRE_CONFIRMATION", "CONFIRM")],
    guards: [sg("isConfirmationValid")],
    interactions: [],
  },
  {
    id: "C6",
    slug: "x-request-id",
    title: "X-REQUEST-ID (idempotency)",
    area: "Session creation",
    question: "Is `X-REQUEST-ID` required, which keys are valid, and what does a repeat get?",
    choice:
      "Optional. Any key of 1–255 visible ASCII characters. Same key + same body within 24 h → the first response again (same status, same body); same key + another body or another endpoint → 409 `idempotency_error`. Without a key: no replay protection. Honoured on every POST.",
    why: "Public integrations run in production without the header and with keys that break the documented 16–36 alphanumerics (hyphens, longer keys), so the format is advice, not a gate; replaying the first answer is what the docs describe.",
    pins: "The replay answers the first session: the first create ran at the clock, the clock then moves on 10 minutes, and the replay must answer `createdAt` at the first clock and `expiryAt` 15 min after it (a new session made by the replay would carry the later instants). Pact cannot compare the replayed `id` with the id the state returned (provider-state values are not injected into expected answers), so time ties the answer to the first create. The conflicting repeat gets 409 with `error.type` `API_ERROR` and the code by regex (`idempotency_error` or `409…`).",
    checks: [
      eq(replay, "$.data.clientReferenceId", "INV-IDEM-1"),
      at(replay, "$.data.createdAt", CLOCK),
      at(replay, "$.data.expiryAt", CLOCK_PLUS_15),
      status(replayOther, 409),
      eq(replayOther, "$.error.type", "API_ERROR"),
    ],
    transitions: [],
    guards: [],
    interactions: [
      "a repeated create request with the same X-REQUEST-ID and the same body",
      "a create request reusing an X-REQUEST-ID with another body",
    ],
  },
  {
    id: "C7",
    slug: "liberal-reader",
    title: "How strict the reader is",
    area: "Session creation",
    question:
      "What does the API do with unknown fields, unusual instants and fields the docs mark mandatory that a flow does not need?",
    choice:
      "Liberal in what it accepts, exact in what it sends: unknown request fields are ignored; `clientReferenceId` is any 1–100 visible characters; instants in any ISO-8601 form with an offset are accepted and answered in UTC; fields a flow does not need (e.g. `orderInformation` for a VA in mode API) are optional. Refused: wrong types, unknown enum values, impossible amounts or instants.",
    why: "The gateway's clients are many and old; refusing what can be served breaks them for nothing.",
    pins: "The seed page's body as sent by real merchants is accepted and its `expiryAt` kept (as an instant, in any ISO-8601 UTC form: decision F2).",
    checks: [
      eq(seedCreate, "$.data.status", "REQUIRE_ACTION"),
      at(seedCreate, "$.data.expiryAt", "2025-03-31T23:59:05Z"),
    ],
    transitions: [],
    guards: [],
    interactions: ["a request to create a VA payment session with the seed page's body"],
  },
  {
    id: "L1",
    slug: "confirm",
    title: "Which statuses accept a confirm",
    area: "Confirmation, cancellation, expiry",
    question: "In which statuses is `POST /v2/payments/{id}/confirm` accepted, and what does it do?",
    choice:
      "`REQUIRE_PAYMENT_METHOD` and `REQUIRE_CONFIRMATION`. The body's `paymentMethod` (and options) replace any earlier one; the charge is created; the session becomes `REQUIRE_ACTION`.",
    why: "Those are the two statuses before a charge exists; the confirm page describes exactly this result.",
    pins: "Both accepted confirms answer `REQUIRE_ACTION` with the new charge `WAITING_FOR_USER_ACTION`; a confirm elsewhere is L2.",
    checks: [
      eq(confirmNoMethod, "$.data.status", "REQUIRE_ACTION"),
      eq(confirmNoMethod, "$.data.chargeDetails[0].status", "WAITING_FOR_USER_ACTION"),
      eq(confirmWaiting, "$.data.status", "REQUIRE_ACTION"),
      eq(confirmWaiting, "$.data.chargeDetails[0].status", "WAITING_FOR_USER_ACTION"),
    ],
    transitions: [
      s("REQUIRE_PAYMENT_METHOD", "CONFIRM"),
      s("REQUIRE_CONFIRMATION", "CONFIRM"),
      s("REQUIRE_ACTION", "CONFIRM"),
    ],
    guards: [sg("isConfirmationValid")],
    interactions: [
      "a request to confirm a VA for a session waiting for a payment method",
      "a request to confirm a session waiting for confirmation",
    ],
  },
  {
    id: "L2",
    slug: "invalid-state",
    title: "An operation the status does not allow",
    area: "Confirmation, cancellation, expiry",
    question:
      "What does a confirm on `REQUIRE_ACTION`, a cancel on `PAID` or a capture without a charge waiting for capture answer? The docs list no such error.",
    choice:
      "422, `error.type` `API_ERROR`, code `invalid_state`; the message names the operation and the status. Nothing changes.",
    why: "422 is the documented status for a valid request the server cannot process; naming operation and status makes the answer actionable. Every (state, event) the machine does not accept runs its `refuse` action, so the table of refusals is generated, not written.",
    pins: "Loosely, since the code is ours: status 422 and `error.type` `API_ERROR`, the code only as a snake_case word.",
    checks: [
      status(confirmPaid, 422),
      eq(confirmPaid, "$.error.type", "API_ERROR"),
      status(captureNothing, 422),
      status(cancelWaiting, 422),
      status("a request to cancel a paid session, refused", 422),
      status("a request to confirm a cancelled session, refused", 422),
      status("a request to capture an inactive MULTIPLE session, refused", 422),
      status("a request to confirm an expired session whose VA charge expired, refused", 422),
    ],
    transitions: [
      s("REQUIRE_ACTION", "CONFIRM"),
      s("PAID", "CONFIRM"),
      s("PAID", "CANCEL"),
      s("EXPIRED", "CONFIRM"),
      s("REQUIRE_ACTION", "CAPTURE"),
    ],
    guards: [],
    interactions: [
      "a request to confirm a paid session",
      "a request to capture a session with no charge waiting for capture",
      "a request to cancel a session waiting for the customer's transfer",
      "a request to cancel a paid session, refused",
      "a request to confirm a cancelled session, refused",
      "a request to capture an inactive MULTIPLE session, refused",
      "a request to confirm an expired session whose VA charge expired, refused",
    ],
  },
  {
    id: "L3",
    slug: "cancel",
    title: "Cancel",
    area: "Confirmation, cancellation, expiry",
    question: "When can a merchant cancel, with which reasons, and what does the cancelled session show?",
    choice:
      "Allowed in `REQUIRE_PAYMENT_METHOD` and `REQUIRE_CONFIRMATION` only; `cancellationReason` one of `REQUESTED_BY_CUSTOMER`, `DUPLICATED`, `VOID_SESSION`; sets `cancelledAt`, `cancellationReason`, and `expiryAt := cancelledAt`.",
    why: "The cancel page allows exactly these two statuses and reasons; its example shows `expiryAt` overwritten with the cancel time.",
    pins: "Both cancels answer `CANCELLED` with the reason, `cancelledAt` at the clock and `expiryAt` set to it; a later GET shows the reason; the `PAYMENT.CANCELLED` callback carries it.",
    checks: [
      eq(cancelConfirmation, "$.data.status", "CANCELLED"),
      eq(cancelConfirmation, "$.data.cancellationReason", "REQUESTED_BY_CUSTOMER"),
      at(cancelConfirmation, "$.data.cancelledAt", CLOCK),
      at(cancelConfirmation, "$.data.expiryAt", CLOCK),
      eq(cancelNoMethod, "$.data.cancellationReason", "VOID_SESSION"),
      eq(getCancelled, "$.data.cancellationReason", "DUPLICATED"),
      eq(hookCancelled, "$.data.cancellationReason", "REQUESTED_BY_CUSTOMER"),
    ],
    transitions: [s("REQUIRE_PAYMENT_METHOD", "CANCEL"), s("REQUIRE_CONFIRMATION", "CANCEL")],
    guards: [],
    interactions: [
      "a request to cancel a session waiting for a payment method",
      "a request to cancel a session waiting for confirmation",
      "a request for a payment session the merchant cancelled",
      "a PAYMENT.CANCELLED callback for a session the merchant cancelled",
    ],
  },
  {
    id: "L4",
    slug: "expiry",
    title: "Expiry",
    area: "Confirmation, cancellation, expiry",
    question: "How does a session expire, when is it noticed, and what does the merchant receive?",
    choice:
      "Time is an input, never a timer inside the machine: every event carries its instant, and a session whose `expiryAt` has passed is `EXPIRED` before the event is applied (lazily, on read or write), with its open charge `EXPIRED`. A sweeper may expire sessions in bulk and reaches the same state. Expiry is not a failure: no `cancellationReason`. The merchant receives `PAYMENT.CANCELLED` with status `EXPIRED`.",
    why: "A pure machine is testable and replayable; lazy expiry makes every reader see the same status whether or not a sweeper ran. The docs fold “system timeout” into `PAYMENT.CANCELLED` and document no `PAYMENT.EXPIRED`.",
    pins: "A GET of an expired session answers `EXPIRED` with its charge `EXPIRED` and `expiryAt` a minute before the clock; a session whose `expiryAt` passes while the clock moves on (`the clock moves on`) reads `EXPIRED`; a simulated expiry reads `EXPIRED`. `cancellationReason` has no value (null or absent, never a reason), in the GET and in the expiry callback, which is `PAYMENT.CANCELLED` with status `EXPIRED`.",
    checks: [
      eq(getExpired, "$.data.status", "EXPIRED"),
      eq(getExpired, "$.data.chargeDetails[0].status", "EXPIRED"),
      at(getExpired, "$.data.expiryAt", CLOCK_MINUS_1),
      none(getExpiredNoReason, "$.data.cancellationReason"),
      eq(getLapsed, "$.data.status", "EXPIRED"),
      eq(getLapsed, "$.data.chargeDetails[0].status", "EXPIRED"),
      eq(simulatedExpired, "$.data.status", "EXPIRED"),
      eq(hookExpired, "$.event", "PAYMENT.CANCELLED"),
      eq(hookExpired, "$.data.status", "EXPIRED"),
      none(hookExpiredNoReason, "$.data.cancellationReason"),
    ],
    transitions: [
      s("REQUIRE_PAYMENT_METHOD", "EXPIRE"),
      s("REQUIRE_ACTION", "EXPIRE"),
      s("REQUIRE_ACTION", "CONFIRM"),
      s("EXPIRED", "CONFIRM"),
      s("ACTIVE", "EXPIRE"),
      c("WAITING_FOR_USER_ACTION", "SESSION_EXPIRED"),
    ],
    guards: [sg("isPastExpiry")],
    interactions: [
      getExpired,
      getExpiredNoReason,
      getLapsed,
      simulatedExpired,
      hookExpired,
      hookExpiredNoReason,
      "a request to simulate chargeStatus EXPIRED on the open VA charge",
    ],
  },
  {
    id: "L5",
    slug: "charge-failed",
    title: "A failed charge on a SINGLE session",
    area: "Confirmation, cancellation, expiry",
    question:
      "An older status table says a failed charge leaves the session `EXPIRED`; the simulation table says `CANCELLED`. Which?",
    choice:
      "Session `CANCELLED` with `cancellationReason` `CHARGE_FAILED`. The older “failed → EXPIRED” row is recorded as superseded.",
    why: "The newest evidence — the sandbox simulation table, the `CHARGE_FAILED` cancellation reason and the gateway's own code — all say CANCELLED.",
    pins: "The `PAYMENT.CANCELLED` callback after a failed e-wallet charge: status `CANCELLED`, reason `CHARGE_FAILED`, charge `FAILED` with a `failureCode` from the documented list.",
    checks: [
      eq(hookFailed, "$.data.status", "CANCELLED"),
      eq(hookFailed, "$.data.cancellationReason", "CHARGE_FAILED"),
      eq(hookFailed, "$.data.chargeDetails[0].status", "FAILED"),
    ],
    transitions: [
      s("REQUIRE_ACTION", "CHARGE_FAILED"),
      s("PROCESSING", "CHARGE_FAILED"),
      c("WAITING_FOR_AUTHENTICATION", "CHARGE_FAILED"),
    ],
    guards: [],
    interactions: ["a PAYMENT.CANCELLED callback for a session whose e-wallet charge failed"],
  },
  {
    id: "L6",
    slug: "cancel-in-require-action",
    title: "Cancel in REQUIRE_ACTION",
    area: "Confirmation, cancellation, expiry",
    question: "Can a merchant cancel once the charge exists (the customer has a VA number)?",
    choice: "Refused: 422 `invalid_state`, in mode API, as documented.",
    why: "The status table marks REQUIRE_ACTION “❌ for API method”; the cancel page allows only the two pre-charge statuses.",
    pins: "Status 422 and `error.type` `API_ERROR`, the code loosely (as L2).",
    checks: [status(cancelWaiting, 422), eq(cancelWaiting, "$.error.type", "API_ERROR")],
    transitions: [s("REQUIRE_ACTION", "CANCEL")],
    guards: [],
    interactions: ["a request to cancel a session waiting for the customer's transfer"],
  },
  {
    id: "L7",
    source: "this project's performance work on the core step (issue 12)",
    slug: "generated-step",
    title: "The compiled machine step is generated code",
    area: "Operations",
    question:
      "The session and charge machines are compiled into a table at load time (`compileMachine`) and stepped by a loop over it: a Map per state and event, a loop over branches calling each guard and assignment through one shared call site, a loop over actions. Can the step be faster without a second copy of the machines, with XState still their definition and the judge?",
    choice:
      "The table is turned, once at load time, into generated JavaScript (`new Function`): per (state, event) branch list one function — each branch straight-line code that calls the machine's own guard (with `and` / `or` / `not` and fixed params written out) and runs its actions in order (reports pushed as the frozen objects made once, assigns computed on the context the earlier ones made and merged into one copy) — per state with eventless transitions one settle function, and a `switch` on the state's name and the event's type dispatching to them. Nothing of the machine is written by hand: the code is made from the table read from `machine.root` and `machine.implementations`; the only text taken from the machine is its state and event names, as JSON string literals in the `switch`; guards, assignments, params and reports are passed in as values. Where code cannot be generated (a content security policy forbids `new Function`), `stepOver` interprets the same table as before.",
    why: "Each generated call site sees one guard or assignment, so V8 can inline it and drop the argument objects, where the interpreted loop's call sites saw every guard of the machine (megamorphic, never inlined), and the dispatch is a `switch` instead of two Map lookups and a call through a list. On a loaded 2-core machine, alternating with the interpreted step in one process (same 2,000 sequences, 21 rounds, CPU time): `stepSession` 0.98–1.21 M → 1.55–1.84 M events/s (×1.54–1.58), `applyEvent` 0.68–0.78 M → 0.92–1.05 M (×1.30–1.36). `pnpm bench core`, three runs each alternated with the interpreted step's: the switch reducer over the core step 3.1–3.4× → 2.2–2.7×, over `applyEvent` 4.1–4.4× → 3.6–3.9×. Compiling both machines at load takes a few milliseconds more (code is made for every list, about 150 functions).",
    pins: "Nothing in the contracts. `compiledStep.test.ts` steps the generated machines against XState's interpreter at every step of 10,000 random sequences per machine (state, status, context, reported actions, outcome, refusal code, callbacks; and `applyEvent` itself), and the interpreted fallback (`stepOverWith(…, false)`) against it on 2,000 sequences per machine. Shown failing: generated `and` written as `||` (both properties fail), the interpreted step dropping a context-only change (the fallback property fails).",
    checks: [],
    transitions: [],
    guards: [],
    interactions: [],
  },
  {
    id: "P1",
    slug: "amount-mismatch",
    title: "A payment of another amount",
    area: "Payments arriving",
    question:
      "What happens when money arrives for a closed VA, a QR or a SINGLE session with an amount other than the session's?",
    choice:
      "Refused: 422 `amount_mismatch`, nothing changes. An open static VA (MULTIPLE, no amount) takes any amount ≥ 1.",
    why: "The gateway's own code rejects it (“amount not match”); accepting it would mark a session paid that was not.",
    pins: "A simulated payment of the session amount is accepted, and the session then reads `PAID` with its charge `SUCCESS` for exactly that amount; the mismatch is pinned by the core's tests.",
    checks: [
      eq(simulatedPaid, "$.data.status", "PAID"),
      eq(simulatedPaid, "$.data.chargeDetails[0].status", "SUCCESS"),
      eq(simulatedPaid, "$.data.chargeDetails[0].amount", { value: 20000, currency: "IDR" }),
    ],
    transitions: [s("REQUIRE_ACTION", "PAYMENT_RECEIVED"), c("WAITING_FOR_USER_ACTION", "PAYMENT_RECEIVED")],
    guards: [cg("amountMatches"), sg("chargeRefuses")],
    interactions: [
      "a request to simulate chargeStatus SUCCESS on the open VA charge",
      simulatedPaid,
      hookSimulatedPaid,
    ],
  },
  {
    id: "P2",
    slug: "duplicate-notification",
    title: "The same payment notified twice",
    area: "Payments arriving",
    question: "What does a repeated bank or acquirer notification do?",
    choice: "Nothing: the second answer equals the first.",
    why: "Notifications are delivered at least once; the gateway's code drops duplicates too.",
    pins: "A second simulated payment of a paid session is accepted (200), not refused; that it changes nothing is pinned by the core's tests (and, for the merchant's side, W2).",
    checks: [status("a request to simulate chargeStatus SUCCESS on a paid session, a duplicate", 200)],
    transitions: [
      s("PAID", "PAYMENT_RECEIVED"),
      s("PROCESSING", "CHARGE_PROCESSING"),
      c("SUCCESS", "PAYMENT_RECEIVED"),
    ],
    guards: [sg("chargeSeesDuplicate"), sg("isKnownPayment")],
    interactions: ["a request to simulate chargeStatus SUCCESS on a paid session, a duplicate"],
  },
  {
    id: "P3",
    slug: "late-payment",
    title: "A payment after EXPIRED or CANCELLED",
    area: "Payments arriving",
    question: "Money arrives for a session that has already ended. Does the session come back to life?",
    choice:
      "No: terminal states absorb. A payment into the session's charge (its VA, QR or card authorisation) is recorded as a late-payment anomaly on the session (charge id, amount, instant), once per charge id, for refund or reconciliation; no webhook is invented for it. A SINGLE session that never had a charge (cancelled or expired in `REQUIRE_PAYMENT_METHOD` / `REQUIRE_CONFIRMATION`) had nothing a customer could pay into: a payment for it is refused, 422 `invalid_state`, and nothing is recorded. A MULTIPLE session's static VA or QR stays payable, so each transfer into an `INACTIVE` one is recorded. The sandbox simulation says which happened: `data.result` is `APPLIED`, `DUPLICATE` or `RECORDED_LATE` beside the documented `updated: \"true\"`.",
    why: 'A status never goes backwards (P5), and the docs name no event for it; keeping the record lets operations refund the customer. Recording payments into a session without a charge gave every simulated payment a fresh charge id, so each call added another phantom late charge to reconcile (246 in one race of the hardening probe): there is no instrument such a payment could have reached, so refusing it is the honest answer. The simulation\'s `updated: "true"` cannot tell an applied payment from a late one; `result` can, and an added field leaves existing readers unaffected.',
    pins: "A payment simulated into the charge of a session that has ended (an expired session whose VA charge expired, a session cancelled because its charge failed) is accepted (200) and recorded, not refused; a payment for a cancelled session that never had a charge is refused (422). The answer's `updated` is pinned (`^true$`); `result` is this project's addition and is not pinned. Where a late payment is recorded (`lateCharges` in the session object) is provider-internal.",
    checks: [
      status(
        "a request to simulate chargeStatus SUCCESS on a session cancelled when its charge failed, recorded as late",
        200,
      ),
      status(
        "a request to simulate chargeStatus SUCCESS on an expired session whose VA charge expired, recorded as late",
        200,
      ),
      status(
        "a request to simulate chargeStatus SUCCESS on a cancelled session, refused: nothing to pay into",
        422,
      ),
    ],
    transitions: [
      s("EXPIRED", "PAYMENT_RECEIVED"),
      s("CANCELLED", "PAYMENT_RECEIVED"),
      s("INACTIVE", "PAYMENT_RECEIVED"),
      s("REQUIRE_ACTION", "PAYMENT_RECEIVED"),
      s("REQUIRE_PAYMENT_METHOD", "PAYMENT_RECEIVED"),
    ],
    guards: [sg("isKnownPayment"), sg("hasNothingToPayInto")],
    interactions: [
      "a request to simulate chargeStatus SUCCESS on a session cancelled when its charge failed, recorded as late",
      "a request to simulate chargeStatus SUCCESS on an expired session whose VA charge expired, recorded as late",
      "a request to simulate chargeStatus SUCCESS on a cancelled session, refused: nothing to pay into",
      "a request to simulate chargeStatus SUCCESS on a session that expired before it had a charge, refused: nothing to pay into",
    ],
  },
  {
    id: "P4",
    slug: "one-successful-charge",
    title: "At most one successful charge",
    area: "Payments arriving",
    question: "How many successful charges can a session have?",
    choice:
      "A SINGLE session has at most one `SUCCESS` charge, ever; a MULTIPLE session appends one `SUCCESS` charge per payment.",
    why: "SINGLE means one payment; the MULTIPLE pages show each payment as its own charge with its own id.",
    pins: "The `CHARGE.SUCCESS` callback of a MULTIPLE session carries the new charge `SUCCESS`; the MULTIPLE create answers `ACTIVE` without charges.",
    checks: [
      eq(createMultiple, "$.data.status", "ACTIVE"),
      eq(createMultiple, "$.data.chargeDetails", null),
      eq(hookMultiple, "$.event", "CHARGE.SUCCESS"),
      eq(hookMultiple, "$.data.chargeDetails[0].status", "SUCCESS"),
    ],
    transitions: [s("ACTIVE", "PAYMENT_RECEIVED"), s("PAID", "PAYMENT_RECEIVED")],
    guards: [sg("isKnownPayment")],
    interactions: [
      "a request to create a MULTIPLE open static VA payment session",
      "a CHARGE.SUCCESS callback for a payment into a MULTIPLE static VA session",
    ],
  },
  {
    id: "P5",
    slug: "status-never-goes-back",
    title: "The status never goes backwards",
    area: "Payments arriving",
    question: "Can a session move back to an earlier status?",
    choice:
      "No: the rank REQUIRE_PAYMENT_METHOD < REQUIRE_CONFIRMATION < REQUIRE_ACTION < PROCESSING < terminal only rises; ACTIVE → INACTIVE is the MULTIPLE path.",
    why: "Merchants act on statuses (ship goods, release stock); a status that can fall back makes every such action unsafe.",
    pins: "Operations on a later status are refused (L2), e.g. a confirm on a paid session: 422.",
    checks: [status(confirmPaid, 422)],
    transitions: [s("PROCESSING", "CONFIRM"), s("PAID", "CANCEL"), s("INACTIVE", "CONFIRM")],
    guards: [],
    interactions: ["a request to confirm a paid session"],
  },
  {
    id: "P6",
    slug: "manual-capture",
    title: "Manual capture",
    area: "Payments arriving",
    question: "How does a card with `captureMethod: manual` move, and when does its capture window end?",
    choice:
      "It stops at charge `WAITING_FOR_CAPTURE` (session `PROCESSING`); `POST …/capture` with `amount ≤ authorizedAmount` captures once; `releaseRemainingAmount` releases the rest; captured ≤ authorized ≤ amount always. The window ends at the session's `expiryAt` → charge `FAILED` with `EXCEEDED_CAPTURE_PERIOD`, session `CANCELLED` (`CHARGE_FAILED`).",
    why: "The capture page and the gateway's code (failure code `EXCEEDED_CAPTURE_PERIOD`, time-out at the session's expiry) describe it; the docs leave repeated captures open, so one capture is allowed.",
    pins: "The capture answer: status 200, the captured amount exactly and the capture's status `PENDING` or `SUCCESS` (the docs' example answers `PENDING`: settlement is asynchronous); a capture without a charge waiting for it is 422 (L2). The session and charge after the capture are not read back by a contract: the core's tests pin them.",
    checks: [
      status(captureFull, 200),
      eq(captureFull, "$.data.amount", { value: 50000, currency: "IDR" }),
      oneOf(captureFull, "$.data.status", ["PENDING", "SUCCESS"]),
      status(captureNothing, 422),
    ],
    transitions: [
      s("PROCESSING", "CAPTURE"),
      s("PROCESSING", "EXPIRE"),
      c("WAITING_FOR_CAPTURE", "CAPTURE"),
      c("WAITING_FOR_CAPTURE", "SESSION_EXPIRED"),
    ],
    guards: [cg("isManualCapture"), cg("captureWithinAuthorized"), sg("chargeFailsOnExpiry")],
    interactions: [
      "a request to capture the full authorised amount of a card",
      "a request to capture a session with no charge waiting for capture",
    ],
  },
  {
    id: "P7",
    source: "this project's performance work on the reference provider (issue 12)",
    slug: "idempotency-record-written-with-the-commit",
    title: "The idempotency record is written with the COMMIT, not looked up first",
    area: "Operations",
    question:
      "A write with an `X-REQUEST-ID` (C6) looked its key up, ran, saved its record and committed: five round trips to a PostgreSQL server for a create, most of a request's cost. Can the record travel with the COMMIT, and what then happens to a retry or to two requests racing with one key?",
    choice:
      "The key is not looked up first. The request runs; its record (200 and 422 answers) and its timeline rows are written deferred — sent without waiting for their answers, with the COMMIT (one round trip for all) — as a plain INSERT after deleting a record of the key that expired at the request's instant. A key with a live record makes that INSERT fail (a unique violation): the whole transaction is rolled back — the retry's session, VA number, timeline row — and the stored record is replayed byte for byte, or 409 for another body or endpoint. A concurrent request with the same key waits for the first one's transaction and is replayed when it commits. A request that fails without an answer to keep (400, 404, 409 from the operation) looks the key up then, so a used key still answers its record or 409. A create makes 2 round trips (5 before), a confirm 4 (7 before).",
    why: "A retry is rare and a first request common: looking up first costs every request a round trip to save a retry's work, while failing the retry's INSERT costs only the retry (it runs and is rolled back). The answers are the same as C6's: the existing idempotency tests and contracts pass unchanged. Rolling back on the duplicate, not skipping the INSERT, is what keeps a retry from committing a second write.",
    pins: "Nothing beyond C6's replay contracts; checked by the provider's idempotent-writes test (a retried confirm leaves one write, one VA number and one timeline row; concurrent creates with one key store one session; a used key answers 409 for a request that would 404) and the store's deferred-write tests, each also run against the defect it catches.",
    checks: [],
    transitions: [],
    guards: [],
    interactions: [],
  },
  {
    id: "P8",
    source: "this project's performance work on the reference provider (issue 12)",
    slug: "gap-free-va-numbers",
    title: "Sandbox VA numbers stay gap-free (a counter row, not a SEQUENCE)",
    area: "Operations",
    question:
      "A VA number is the bank's prefix and a per-channel counter drawn in the request's transaction (`issuer_sequences`): its row stays locked until the COMMIT, so the confirms of one channel queue behind each other. Do the numbers need to be gap-free, or can a PostgreSQL SEQUENCE (no lock, but a rolled-back request loses its number) draw them?",
    choice:
      "They stay gap-free: the counter row, given back by a rolled-back or refused request. The lock is held from the draw to the COMMIT, which after P7 and P12 is one round trip (the deferred writes with the COMMIT), not three.",
    why: "The sandbox's numbers are documented as deterministic (`<prefix><10-digit counter>`, PERMATA `76630000000001`): tests, the demo and merchants' own sandbox fixtures expect the n-th VA of a channel to be number n, also after refused or retried confirms (which P7 now runs and rolls back). A SEQUENCE would make them depend on how many requests failed. The queue is per channel, only confirms and autoConfirm creates that open a VA charge join it, and each holds it for one round trip after the draw (P12; under a millisecond on a local server), so one channel still takes several hundred confirms a second; the load benchmark's create+get loop does not touch it. Should one channel's confirms ever queue on it, a SEQUENCE per channel is the way out, at the price of gaps.",
    pins: "Nothing in the contracts (they match VA numbers by regex); the provider's concurrency test pins that 50 concurrent confirms of one session, all but one refused, leave the winner with number 1, and the idempotent-writes test that a retried confirm gives its number back.",
    checks: [],
    transitions: [],
    guards: [],
    interactions: [],
  },
  {
    id: "P9",
    source: "this project's performance work on the reference provider (issue 12)",
    slug: "exact-list-count",
    title: "The list's totalItems stays an exact count",
    area: "Operations",
    question:
      "`GET /v2/payments` answers `pagination.totalItems` and `totalPages`; the unfiltered list counts the merchant's sessions with `count(*)`, which grows with them (in the load benchmark on PostgreSQL the count alone takes about 11 ms at 20 k sessions and 79 ms at 110 k, and the unfiltered first page's p50 at one client is 30 ms at 10 k and 309 ms at 100 k sessions, on a loaded machine). Cap the count, estimate it, or keep it exact?",
    choice:
      "Exact. The count and the page come from one statement (one snapshot); the list by `clientReferenceId` counts only its matches through its index.",
    why: "`totalItems` and `totalPages` are what a merchant's code pages by: a capped or estimated total would end a reconciliation loop early and hide sessions, silently. The cost is linear in one merchant's own sessions (the merchant index), and the benchmark is its worst case: one merchant owns every row, so the count reads the whole table. A sandbox merchant with 100 k sessions pays a few hundred milliseconds on the unfiltered list, a listing call, not one made per payment; the lookups merchants make per payment (by id, by `clientReferenceId`) do not grow (the list by reference stays at a few ms at 100 k). If that cost matters, the way out is a per-merchant count kept with the writes, not a wrong total.",
    pins: "The list contracts pin `pagination` of small lists exactly; the growth stage of `pnpm bench provider` prints the unfiltered list's p50/p99 and the count's plan at each size.",
    checks: [],
    transitions: [],
    guards: [],
    interactions: [],
  },
  {
    id: "P10",
    source: "this project's performance work on the reference provider (issue 12)",
    slug: "one-write-per-turn",
    title: "A transaction's statements leave in one write per event-loop turn",
    area: "Operations",
    question:
      "With pipelining and deferred writes (P7) a create sends BEGIN, three or four statements and the COMMIT without waiting between them, but the `pg` driver writes each statement to the socket with a system call of its own: in a CPU profile of the provider under load (`BENCH_INSTANCE_NODE_ARGS=--cpu-prof pnpm bench provider-cpu`) the socket writes of `pg` were about 16% of the provider's busy time. Batch them, and how without changing what is sent?",
    choice:
      "Inside a transaction, the first statement of an event-loop turn corks the connection's socket and a `setImmediate` uncorks it: everything the transaction issues in that turn (BEGIN, its statements, the deferred ones, the COMMIT) leaves in one `writev`. A statement the transaction awaits is written at the end of the turn, before the event loop waits for its answer; the socket is uncorked before the connection goes back to the pool. Statements outside transactions (`db.query`) are one write each already. The socket is `pg`'s `connection.stream`, not in its types: a client without one is left as it is.",
    why: "Same bytes, same order, fewer system calls: a create's six statements went from six writes to one, a confirm's nine to three; in the profile the `pg` writes fell from about 1.7 s to 1.1 s of a 3,000-create+get run. The cost is the rest of the turn's latency (microseconds) before an awaited statement leaves.",
    pins: "Nothing in the contracts; `test/store/postgresWire.test.ts` checks the batching on a socket stand-in (four statements, one write; shown failing with the cork removed), and every store test on the server runs through it.",
    checks: [],
    transitions: [],
    guards: [],
    interactions: [],
  },
  {
    id: "P11",
    source: "this project's performance work on the reference provider (issue 12)",
    slug: "named-statements",
    title: "Parameterised statements are prepared once per connection",
    area: "Operations",
    question:
      "Every statement went to the server unnamed, so the server parsed and planned each one on every execution: in `pnpm bench provider-cpu` the PostgreSQL backends spent about 0.8 ms of CPU per create and 0.17 ms per get. Name them, and which?",
    choice:
      "Every statement with parameters is sent as `{ name, text, values }` with a name per distinct text (`ps1`, `ps2`, … for the database handle), so `pg` prepares it once per connection and sends only Bind/Execute after. Statements without parameters (BEGIN, COMMIT, SAVEPOINT, DDL, the migrations) stay unnamed. At most 1,000 texts are named; further ones run unnamed.",
    why: "The store's statements are a fixed set of texts (a few vary with a row count: the timeline and outbox batches), so the cache per connection stays small. A statement without parameters may change the schema a prepared plan was made for, and runs rarely; no named text reads `*` of a table, so a migration cannot change a prepared statement's result type. The backends' CPU per create fell from about 0.8 ms to 0.45 ms and per get from 0.17 ms to 0.09 ms; the raw store loop of the benchmark (the same store functions) gains as much.",
    pins: "Nothing in the contracts; `test/store/postgresWire.test.ts` checks on the server that a parameterised statement is in `pg_prepared_statements` of its connection and one without parameters is not (shown failing with naming turned off).",
    checks: [],
    transitions: [],
    guards: [],
    interactions: [],
  },
  {
    id: "P12",
    source: "this project's performance work on the reference provider (issue 12)",
    slug: "deferred-session-writes",
    title: "A create's session INSERT and a locked session's UPDATE are deferred",
    area: "Operations",
    question:
      "After P7 a create still waited for its session INSERT (2 round trips) and a confirm for its session UPDATE's row count (4 round trips), although neither answer changes what the request does: a new session's id is a fresh UUID, and a confirm updates a row it holds locked since it loaded it. Can they travel with the COMMIT, keeping a failure a failure?",
    choice:
      "Both are deferred (`Tx.defer`). The create's INSERT has no RETURNING (its answer is built from the snapshot it wrote); an id already used fails the transaction at COMMIT, nothing committed (500, as before). The update of a row loaded `FOR NO KEY UPDATE` is sent as `WITH updated AS (UPDATE … RETURNING 1) SELECT 1 / (SELECT count(*) FROM updated)`: under the lock the compare-and-set cannot lose, and should it touch no row all the same (a bug: the row was not locked) the division by zero fails the transaction instead of a write lost silently. An optimistic update (`forUpdate: false`) still waits for its row count and retries. A create is now 1 round trip, a confirm 3.",
    why: "The idempotency record already fails the same COMMIT on a live key (P7), so a retry and a racing request are answered as before (replayed or 409); the deferred INSERT and UPDATE change only when their failures are seen, not which. The row count of a locked row's update carried no information, only a round trip and the time the row and the VA counter (P8) stay locked.",
    pins: "Nothing beyond C6's replay contracts; the store's deferred-write tests check both on both drivers (a used id fails the create's transaction; a locked update that touches no row fails its transaction and commits nothing — the same check against an update whose row count nobody reads reports it), and the provider's idempotent-writes and concurrency tests run through them.",
    checks: [],
    transitions: [],
    guards: [],
    interactions: [],
  },
  {
    id: "P13",
    source: "this project's performance work on `pnpm verify` (issue 12)",
    slug: "pglite-image-postgres-only-keyed-by-migrations",
    title:
      "The prepared PGlite image holds only the postgres database, uncompressed, named by the migrations' text",
    area: "Operations",
    question:
      "A fresh in-memory PGlite (every `pnpm verify`, every test file) starts from a prepared image: a data-directory tarball made once after `initdb` and the migrations. Unpacking it was most of the database's start (about 1.2 s of CPU on this 2-core machine: gunzip, 1,057 files into PGlite's in-memory file system, three databases). What may the image leave out, how is it stored, and how is an image made before a migration changed kept from being loaded?",
    choice:
      "The image holds only the `postgres` database PGlite opens: `template0` and `template1` are dropped before the dump (only `CREATE DATABASE` reads them, and nothing here creates databases in PGlite; a data folder filled from the image has none either). It is a plain tar (about 26 MB in `node_modules/.cache/payment-session/`, most of it a WAL segment of zeros), not gzip. Its file name is a hash of the image format, the PGlite version, the schema and every migration's version, name and statement text (`pgliteImageKey`), so any edit to a migration names another file and the old image is never read; a file that does not load is deleted and the database starts from `initdb`.",
    why: "In a paired run, loading the slim plain image took about 0.8 s of CPU against 1.2 s for the gzip image of three databases (0.65–0.8 s wall against 1.1–1.6 s, on a loaded machine): a third of the files and no inflate. The databases dropped hold nothing of ours and PGlite never connects to them. Naming the file by the migrations' content instead of checking a stored version means a stale image cannot even be opened, whatever a migration's version says; the price is a new image (one `initdb`, about 3 s) after each change to a migration, once per machine.",
    pins: "Nothing in the contracts; the store's image tests pin that the image holds only `postgres` and a fresh database works from it (shown failing without the drop), and that an edited, renamed or added migration, another PGlite version or schema name another image, and an image marked under edited migrations is not loaded (shown failing with a key of migration versions only).",
    checks: [],
    transitions: [],
    guards: [],
    interactions: [],
  },
  {
    id: "P14",
    source: "this project's performance work on `pnpm verify` (issue 12)",
    slug: "provider-state-merchant-reset-one-statement",
    title:
      "Provider states: each interaction deletes its merchant's data in one statement; teardowns are not sent",
    area: "Operations",
    question:
      "`a merchant with credentials exists` (the first state after the clock in nearly every interaction) starts the merchant afresh: five DELETEs in a transaction, seven round trips into PGlite, about a fifth of the database's time in a verification. And the Pact core sends a teardown after every state (413 a run), each a round trip through the verifier's state proxy into the provider, whose teardown does nothing. Reset the whole database instead (TRUNCATE), give each interaction fresh ids, or keep the per-merchant delete? And must every teardown reach the provider?",
    choice:
      "Keep deleting the merchant's and its sub-accounts' rows (sessions with their events, outbox, delivery attempts, refunds, idempotency records), as one statement: the four other DELETEs are data-modifying CTEs of the sessions' DELETE, atomic without BEGIN/COMMIT, one round trip. The verifier's state proxy takes `forwardTeardowns` (default true: every implementation gets its teardowns as before); `pnpm verify` (`verifyContracts`) sets it false for the reference provider, whose teardown is documented to do nothing, and the proxy answers those calls `{}` itself. Every set-up still goes to the provider's provider-states endpoint over HTTP.",
    why: "Fresh ids would change what the pacts send (their merchant ids and credentials are fixed examples) and leave earlier interactions' rows in lists; TRUNCATE empties every merchant, which `no payment session exists` and the lists must not depend on, and in PGlite it makes new files for each table. The one statement deletes exactly what the five did: its sub-statements share one snapshot and the NO ACTION foreign keys to the sessions are checked at its end, when the rows that referenced them are gone. The teardowns carried nothing for this provider (its handler answers `{}` without reading them) and cost about an eighth of a run's CPU (three paired runs: a median 8.8 s against 10.2 s of CPU for the whole command on a loaded machine); what is verified — the set-ups, every request and message, the same core — is unchanged. A provider that gives teardowns a meaning keeps getting them: only the caller that knows its provider turns them off.",
    pins: "The store's test that every table loses the merchant's and its sub-accounts' rows and keeps another merchant's (both drivers; shown failing with the idempotency records left out); the verifier's state-proxy test that set-ups always reach the implementation and teardowns do unless forwardTeardowns is false (shown failing with the flag read the wrong way round); every contract still passes.",
    checks: [],
    transitions: [],
    guards: [],
    interactions: [],
  },
  {
    id: "P15",
    source: "this project's performance work on `pnpm verify` (issue 12)",
    slug: "no-process-outlives-verify",
    title: "No process outlives `pnpm verify`",
    area: "Operations",
    question:
      "Timing `pnpm verify` from outside showed processes still running in its process group when it ended. Which, and what may a verification leave behind?",
    choice:
      "Nothing. Two things were left. (1) `pnpm verify` runs bin/verify.mjs under `sh -c`: a SIGTERM to pnpm ends the shell and orphaned the node process, which finished its verification on its own or, with `--serve`, ran until the machine stopped (such orphans were found from test runs that stop `pnpm verify --serve` by killing pnpm). bin/verify.mjs now notices that its parent went away (its parent process id changes; checked every 250 ms by an unreferenced timer) and sends itself SIGTERM: `--serve` closes the provider and exits, a verification ends and its worker with it. (2) esbuild's service: esbuild's JavaScript API starts it as an unreferenced child and keeps it for the next call, so after a bundle rebuild it lived until its parent's end and a moment after; it is now stopped as soon as the bundles are built. The verification worker is a referenced child (the CLI ends after it exits, and kills it 2 s after its answer if a native handle keeps it alive). The sources-through-tsx baseline (`PAYMENT_SESSION_VERIFY_BUNDLE=off`) still starts tsx's own esbuild service in each process; it ends when it reads its parent's exit.",
    why: "A command that returns while its children still run leaves work behind in CI and skews any measurement that waits for the process group; a server nobody can reach any more is worse. A shell under pnpm does not pass its SIGTERM on, and Node has no parent-death signal, so the process itself has to look; a quarter of a second is soon enough for a person and costs nothing. Stopping esbuild's service costs nothing either: the bundles are built once per source change.",
    pins: "The CLI's test that `--serve` under a shell that is killed exits by itself (shown failing without the parent check: still running after 20 s), and the bundles' test that a process that built a bundle has no child process left (shown failing without the stop: the esbuild --service process).",
    checks: [],
    transitions: [],
    guards: [],
    interactions: [],
  },
  {
    id: "P16",
    source: "this project's performance work on `pnpm verify` (issue 12)",
    slug: "verifier-runs-pact-core-directly",
    title: "The verifier runs the Pact core through pact_ffi directly, not behind pact-js's proxy",
    area: "Operations",
    question:
      "pact-js's `Verifier` puts an Express proxy (body parsers, http-proxy) in front of the provider: every request the Pact core sends, and every message request, passes through it, and its module graph (about 300 modules: Express, axios, GraphQL matchers, pino) loads before the first interaction. pact-core's own `verifyPacts` also always asks for teardowns. The verifier already keeps its own loopback server for state calls (it records each one for the report). Keep pact-js's `Verifier`, or call the core ourselves?",
    choice:
      "`verifyProvider` calls pact_ffi through pact-core's native binding itself (`internal/pactCore.ts`: the same functions, in the order pact-core's `verifyPacts` calls them, with the same options), when the provider is on this machine over `http:` (`127.0.0.1`, `localhost`, `[::1]`). The core then sends each request to the provider itself; its state calls go to the verifier's loopback server as before (recorded, forwarded once to the setup URL or run by `stateHandlers`), and its message requests to a `message` transport at `/_messages` on the same server, listening on the provider's host, which answers them from `messageProviders` or the messages URL exactly as pact-js's message proxy did (the message as JSON, its metadata base64 in `Pact-Message-Metadata`, a 500 with the reason when there is none). With `forwardTeardowns: false` the core is told to send no teardowns at all. A provider on another host, or over https, still goes through pact-js's `Verifier` (its proxy stands in for the provider, which the `message` transport needs), with the state server and message providers as before. The verification worker preloads only pact-core's binding.",
    why: "What is verified does not change: the same core, the same pact files, the same matching, every interaction, every provider state set up through the same endpoint; only the hop through JavaScript in front of every request goes. In paired runs of `pnpm verify` on a loaded 2-core machine the worker's CPU fell from 1.8–2.0 s to 1.1–1.3 s and the whole command's from a median 7.3 s to 6.2 s of CPU; the report is ready about 0.1 s sooner after the core finishes (the state calls are indexed once instead of searched per interaction). The loopback server must sit on the provider's host because the core addresses the `message` transport by the provider's host and the transport's port; for a provider elsewhere that is impossible, so that case keeps the proxy rather than losing message verification. pact-core's version is named as the verifying application, as pact-js's `Verifier` named it, so published results read the same.",
    pins: "The verifier's tests (every one runs the direct path against loopback providers); `runPactCore` sends teardowns only when asked (shown failing with the flag hard-coded true, as pact-core has it); the loopback server's answer to a message request keeps the metadata header and content type (shown failing without the header); `forwardTeardowns: false` end to end; every contract still passes in `pnpm verify`.",
    checks: [],
    transitions: [],
    guards: [],
    interactions: [],
  },
  {
    id: "P17",
    source: "this project's performance work on the reference provider (issue 12)",
    slug: "verified-token-cache",
    title:
      "A verified access token is remembered; its times and its merchant's secret are checked on every request",
    area: "Operations",
    question:
      "Every authenticated request verified its Bearer token from scratch: split it, decode and parse the claims, derive the merchant's signing key (an HMAC) and sign again (a second HMAC). In a profile of the provider under the create+get loop that was 3.5 % of its time, and by `pnpm bench provider-cpu` (steady state) about 0.06 ms of CPU of a 0.3 ms get. A client sends the same token for up to 15 minutes. Can a token seen before skip that, and what must still be checked?",
    choice:
      "`accessTokenVerifier(tokenSecret)` keeps the tokens whose signature it checked (at most 1,024, the oldest dropped first), keyed by the token's text, with the merchant the signature was checked against and the token's `iat` and `exp`. A token found there skips only the signature and claims' decoding: its merchant is looked up again and must still be configured with the same secret (a rotated secret drops the entry and verifies afresh, which refuses the token), and the times are checked on every call against the injected clock's `now` (issued no later than now, for exactly 900 s, not expired). A token whose signature is wrong is never kept. Each served provider has its own verifier; `verifyAccessToken` (no cache) stays as it was.",
    why: "The signature depends only on the token's text, the provider's token secret (fixed for the verifier) and the merchant's id and secret (compared again on each use), so remembering it changes no answer; the times depend on the clock and are never remembered. The bound keeps memory fixed whatever tokens a caller sends; only tokens that verified take a place, so forged tokens cannot evict good ones faster than fresh good tokens would.",
    pins: "Nothing in the contracts (answers are unchanged); `test/accessTokenVerifier.test.ts` checks that a remembered token answers as `verifyAccessToken` at every instant, is refused once expired and before its `iat` on the clock, is refused after its merchant's secret rotates (and accepted again when it rotates back), that a forged token is never kept, and that at most the bound is kept (each shown failing with the matching defect: no time check on a hit, no secret comparison, every signature kept, no eviction).",
    checks: [],
    transitions: [],
    guards: [],
    interactions: [],
  },
  {
    id: "P18",
    source: "this project's performance work on the reference provider (issue 12)",
    slug: "create-one-write",
    title:
      "A create leaves in one write: the idempotency record is one statement, and the COMMIT does not wait for BEGIN's answer",
    area: "Operations",
    question:
      "Every kept answer (C6, P7) sent two deferred statements for its idempotency record: a DELETE of the key's expired record, then a plain INSERT that meets a live record as a unique violation. And the `pg` driver waited for BEGIN's answer before it sent the COMMIT, so a transaction of deferred statements only (a create) took two socket writes and two round trips. Each statement and each write costs CPU in the client and the database. Can both shrink without an upsert that could overwrite a live record, and without committing what a failed BEGIN should stop?",
    choice:
      "The record is one statement: `WITH expired AS (DELETE … WHERE created_at <= at − 24 h RETURNING 1) INSERT … SELECT … FROM (SELECT count(*) FROM expired)`. The INSERT reads the CTE through an aggregate, which consumes the DELETE whole before the INSERT's first row, so the expired row is gone (deleted by this transaction: no conflict) when the INSERT checks the key. A live record is never touched: the INSERT meets it as the same unique violation of `idempotency_records_pkey` as before, which `isDuplicateIdempotencyKey` recognises. No `ON CONFLICT … DO UPDATE`. The driver sends the COMMIT as soon as the callback returns, unless BEGIN or a deferred statement is already known to have failed; a BEGIN that fails afterwards is still the error thrown (before a deferred statement's or the COMMIT's).",
    why: "An upsert would need its `WHERE` to skip a live key silently and then something else to fail the transaction; the CTE keeps the failure the database's own and the same as before, so a retry and a racing request are answered exactly as under P7. PostgreSQL runs a data-modifying CTE nobody reads at the end of the statement, after the INSERT: reading it is what fixes the order (the kept check shows the unread form failing). Waiting for BEGIN protected nothing: the deferred statements were already on the wire behind it (P12), and BEGIN fails only with the connection, which fails the COMMIT too.",
    pins: "Nothing beyond C6's replay contracts; `test/store/deferred.test.ts` on both drivers: a live key fails the transaction as a duplicate and keeps the first record (shown failing with an upsert that overwrites it), an expired record is replaced in one statement (shown failing with the CTE unread), and a concurrent writer of the key fails as a duplicate; `test/store/postgresWire.test.ts` counts one socket write for a create's transaction (shown failing, 2, with the COMMIT waiting for BEGIN).",
    checks: [],
    transitions: [],
    guards: [],
    interactions: [],
  },
  {
    id: "P19",
    source: "this project's performance work on the reference provider (issue 12)",
    slug: "timeline-with-session-write",
    title:
      "A session's timeline entries travel in its row's statement: the create's INSERT and the locked UPDATE",
    area: "Operations",
    question:
      "Every session write sent its `session_events` rows (S4) as a statement of their own beside the row's INSERT or compare-and-set UPDATE (P12). Can they be one statement, keeping 'a change is never committed without its events nor events without it'?",
    choice:
      "`NewSession.timeline` and `SessionDecision.timeline` carry the entries to the store. A create sends `WITH session AS (INSERT INTO payment_sessions … RETURNING 1) INSERT INTO session_events … CROSS JOIN session`; a locked update `WITH updated AS (UPDATE … RETURNING 1), timeline AS (INSERT INTO session_events … CROSS JOIN updated) SELECT 1 / (SELECT count(*) FROM updated)` (P12's check unchanged). `recordSessionEvents` stays for the sweeper's batch. A create is 4 statements (was 6 before P18), a confirm 6 (was 8).",
    why: "One statement succeeds or fails whole: a used id or a row not updated stores no entry, and the entries are joined to the row written, so they exist exactly when it does. The entries' foreign key is checked at the statement's end, when the CTE's row exists. The entries keep their order (`ORDER BY` the input's ordinality).",
    pins: "Nothing in the contracts; `test/store/deferred.test.ts` on both drivers: a create's row with two entries and a locked update with two entries are one statement each and store both, a used id or a stale version stores neither (each shown failing with a defect that drops the entries and with the old two statements); the dashboard's timeline and the replayed-confirm tests fail when `applyToSession` drops its entries.",
    checks: [],
    transitions: [],
    guards: [],
    interactions: [],
  },
  {
    id: "P20",
    source: "this project's performance work on the reference provider (issue 12)",
    slug: "pglite-named-statements",
    title: "PGlite runs parameterised statements as named prepared statements",
    area: "Operations",
    question:
      "On PGlite every statement went through `pglite.query`, which sends Parse, Describe, Bind, Describe, Execute and Sync as six calls into the WASM backend and parses and plans the text every time (P11 named them only on the server). Can PGlite keep a statement prepared?",
    choice:
      "Yes, through its wire-protocol entry `execProtocol`: a parameterised text is parsed once under a name (`ps1`, `ps2`, … per database: Parse + Describe + Sync, its parameter types and row description kept), and every later call, in a transaction or not, deferred or not, sends Bind + Execute + Sync as one message; rows are parsed and parameters serialised by PGlite's own parsers and serializers, under its query mutex (and its transaction mutex outside a transaction). As on the server, statements without parameters stay unnamed and at most 1,000 texts are named; a text that fails to parse is not kept.",
    why: "`pnpm bench pglite-prepared` (same process, alternating): a `loadSession` costs 0.11 ms of CPU instead of 0.36 ms, a create's transaction (BEGIN, deferred INSERT, COMMIT) 0.27 ms instead of 0.38 ms. In `pnpm bench provider-cpu` on PGlite a create+get loop fell from 2.2–2.6 ms to 1.4–1.6 ms of CPU; the raw store loop it is compared with uses the same driver and halves (0.82–0.95 → 0.42–0.46 ms), so the overhead ratio rises (2.7–3.0× → 3.4–3.6×): what remains is the provider's own work. `node bin/verify.mjs` uses 4.7–5.2 s of CPU instead of 5.4–6.1 s. Failures keep their mapping: PGlite's `execProtocol` throws the backend's error, which `toStoreError` maps as before. The cost: it calls PGlite members that are not its documented API (`_checkReady`, `_runExclusiveQuery`, `_runExclusiveTransaction`, `serializers`, `parsers`), so that a named statement holds the same query and transaction locks `query` holds and converts values as `query` does. They are internal to PGlite, so `@electric-sql/pglite` stays pinned to an exact version (0.5.16), and `pglitePrepared.test.ts`, the store suites and `pnpm verify` must pass again after every PGlite upgrade. `openPglite({ prepared: false })` goes back to `query`.",
    pins: "Nothing in the contracts; `test/store/pglitePrepared.test.ts` checks in `pg_prepared_statements` that the load text is one named statement run 4 times in and out of a transaction (shown failing with a name per call; with naming off nothing is named), that a unique violation and the P12 1/count check map to the same StoreError as through `pglite.query` (shown failing with the errors swallowed), the 1,000-text bound (here 2), a text that fails to parse, and a closed database (`closed`).",
    checks: [],
    transitions: [],
    guards: [],
    interactions: [],
  },
  {
    id: "P21",
    source: "this project's performance work on `pnpm verify` (issue 12)",
    slug: "seed-in-one-transaction",
    title: "A seeding runs in one transaction, and the seed paths it searches are kept",
    area: "Operations",
    question:
      "`pnpm verify` sets up 413 provider states for 131 interactions. Seeding a session ran its create and each later step in a transaction of its own (1.6 per session, a refund 1.8), each with its BEGIN and COMMIT, and searched the core's seed path anew for every session (111 searches for 34 different targets). Can a seeding make fewer round trips and search less, and make the same data?",
    choice:
      "`seedSession` and `seedRefund` run all their writes in one transaction (`inOneTransaction`: a `Database` handle on the transaction, whose `transaction(fn)` is `fn(tx)`), through the same write endpoints and channel path as before. A seeding that throws rolls back whole; before, the create and the steps before the refused one stayed. `seedSession` keeps what `catalogueSeedPath` returns, by target and instant (without `clientReferenceId`, which only the create's request carries and `seedSession` sets itself), up to 256 paths, emptied when full.",
    why: "`pnpm bench verify-states` (every pact's provider states on a fresh provider, counted on the database handle): `a payment session exists` makes 6.5 round trips instead of 7.7 (one transaction instead of 1.6), `a refund exists` 8.3 instead of 9.9, all 413 calls 1,047 instead of 1,203; their CPU on cold code fell from a median of 2.38 s to 2.25 s (4 alternating child processes each, on a loaded 2-core machine). In `node bin/verify.mjs`, 8 alternating runs each: the provider's state handlers took a median of 1.77 s instead of 2.33 s, the whole command 7.62 s of CPU instead of 7.87 s (within the machine's noise). The cost: a step's own transaction is no longer rolled back alone. Seeding fails whole on any refused step anyway, but a failure the write layer would tolerate inside its transaction (a deferred idempotency record whose key is live, replayed instead) now fails the seeding: on both drivers the failed statement aborts the one transaction. The kept paths are a pure function's results (the same target and instant give the same path), not a copy of stored data.",
    pins: "Nothing in the contracts (the same states, the same sessions and refunds); `test/seedSession.test.ts` on both drivers: seeding a PAID session and a SUCCESS refund are one transaction each (both shown failing on the old code: 2 each), a seeding whose payment step fails leaves no session (shown failing on the old code: the create stayed), and sessions seeded on one kept path keep their own `clientReferenceId` (shown failing with `seedSession`'s own `clientReferenceId` removed).",
    checks: [],
    transitions: [],
    guards: [],
    interactions: [],
  },
  {
    id: "P22",
    source: "this project's performance work on the reference provider (issue 12)",
    slug: "pglite-batched-transactions",
    title:
      "A PGlite transaction's statements go into the database together: BEGIN with the first, deferred ones with the next or the COMMIT",
    area: "Operations",
    question:
      "On PGlite every statement of a transaction was a call of its own into the WASM backend, and PGlite's `transaction()` adds two for BEGIN and two for COMMIT (Query, then Sync): a create (BEGIN, the idempotency record, the session row with its timeline, COMMIT; P18, P19) took six calls, though its statements are all deferred (`Tx.defer`) and nothing waits for their answers. The `pg` driver already sends such a transaction in one write (P18). Can PGlite do the same without changing what a failure does?",
    choice:
      "The PGlite driver runs its own transaction (under PGlite's transaction and query locks, as `transaction()` does) and holds statements: BEGIN (a simple Query) travels with the first statement sent, a deferred statement with the next `query` or with the COMMIT, all in one `execProtocol` message. A create's transaction is one call; any other, one call per statement whose answer it waits for (a confirm's locked load), its deferred statements (the update, the record) going with the COMMIT. Each statement keeps its own Sync, so the backend answers each one separately (split at its ReadyForQuery): a failing statement's answer is its own error, every later statement of the transaction fails as 25P02 and the COMMIT answers ROLLBACK. The first failure of a deferred statement is what the transaction throws (as before: not what the callback threw after it, not a later 25P02); a `query` behind a failed deferred statement throws that failure; a COMMIT answering ROLLBACK (a failure the callback caught) is `transaction_aborted`, as through `transaction()`. When the callback throws, what it deferred still runs before the ROLLBACK, so a deferred failure stays the cause. A text not named yet is prepared after what is held is sent (it may need a table a held statement creates). `openPglite({ batched: false })` goes back to `transaction()`.",
    why: "`pnpm bench pglite-batch` (two providers on PGlite side by side, alternated phases of 400 requests at 16 clients, CPU medians of 10 rounds, on a shared 2-core machine): a create costs 1.45 ms of provider CPU instead of 1.63 (11 % less; a get, untouched, 0.60 on both sides), the raw store round 0.58 ms instead of 0.69 (15 % less); an earlier run of the same comparison, 12 rounds, 2.28 vs 2.63 and 0.63 vs 0.85 under heavier load. `pnpm bench pglite-prepared` (same process, three databases, rotated rounds): a create's transaction (BEGIN, one deferred INSERT, COMMIT) 0.333 ms of CPU instead of 0.400 with named statements alone (0.884 through `pglite.query`); a load is unchanged. The raw store round uses the same driver and gains as much in absolute terms, so the overhead ratio of `pnpm bench provider-cpu` does not fall: what is left is the provider's own work. PGlite processes every message of the buffer even after an error (its `execProtocolRawSync` loop), and `execProtocol` with `throwOnError: false` hands back every message, the error included; the answer count is checked (one ReadyForQuery per statement). It uses the same PGlite internals as P20 (`_runExclusiveTransaction`, `_runExclusiveQuery`, `_checkReady`), so the version stays pinned.",
    pins: "Nothing in the contracts; `test/store/pglitePrepared.test.ts`: a transaction of deferred statements is one `execProtocol` call and one with a query two (shown failing with one call per statement, 4); a duplicate sent between two good statements fails the transaction with its own unique violation and nothing of it is committed (shown failing with the answers' errors ignored: `transaction_aborted`), a query behind it throws it, a failure the callback caught makes the COMMIT a `transaction_aborted` (shown failing with COMMIT's ROLLBACK answer taken as success: committed), the callback's own error passes unchanged, PGlite is out of the transaction after each; the P20 failure mapping is the same as through `pglite.query`; the store suites pass on it.",
    checks: [],
    transitions: [],
    guards: [],
    interactions: [],
  },
  {
    id: "P23",
    source: "this project's performance work on the reference provider (issue 12)",
    slug: "answer-encoded-once",
    title: "A kept answer is encoded to JSON once, for its response and its idempotency record",
    area: "Operations",
    question:
      "The idempotency layer (C6) stored a kept answer's body (`JSON.stringify` in `deferIdempotencyRecord`) and the HTTP layer encoded the same body again for the response: two encodings of a 1.6 kB session per create and confirm. Can they share one?",
    choice:
      "The layer encodes the answer once and hands the text to both: `Answer.json` (the HTTP layer sends it as it is) and `NewIdempotencyRecord.responseJson` (the store binds it as it is, instead of encoding `responseBody`). A loaded record carries its stored text too (`IdempotencyRecord.responseJson`), and a replay sends that text as it is. Answers without `json` are encoded as before.",
    why: "A replay must send the bytes of the first answer (C6); with one encoding the record holds exactly the bytes the first response sent, by construction rather than because `JSON.stringify` is deterministic. The saving is small: one `JSON.stringify` of a session response costs about 10 µs of CPU on this machine, against 1–2.5 ms of provider CPU per create (`pnpm bench provider-cpu`), below what that benchmark can tell apart on a shared machine.",
    pins: "Nothing in the contracts; `test/idempotentWrites.test.ts`: during a create with a key, the answer's body object is encoded once and the record's stored text is the response's (shown failing, 2 encodings, with the layer that encoded twice); `test/store/deferred.test.ts`: `responseJson` is stored as given (shown failing with the store encoding `responseBody` again); `test/store/records.test.ts` and `storeFailures.test.ts`: a found record and a replayed answer carry the stored text.",
    checks: [],
    transitions: [],
    guards: [],
    interactions: [],
  },
  {
    id: "W1",
    slug: "webhook-events",
    title: "The callbacks sent",
    area: "Webhooks",
    question: "Which callback events does the API send, when, and with what body?",
    choice:
      "`PAYMENT.PROCESSING` (session enters PROCESSING), `PAYMENT.PAID` (SINGLE paid), `CHARGE.SUCCESS` (each payment of a MULTIPLE session), `PAYMENT.CANCELLED` (cancelled by the merchant, by a failed charge, or expired). Body `{event, data: <session object with chargeDetails>}`, header `X-API-Key`.",
    why: "These are the documented payment events; the docs fold “system timeout” into PAYMENT.CANCELLED and name no expiry event. The machine emits them as `emitWebhook` actions, so the table shows which transition sends which.",
    pins: "Each event's name and body (status, reason, charge status and failure code where the state fixes them) and the `X-API-Key` metadata, exactly the merchant's Callback API Key from `a merchant with credentials exists`, as messages.",
    checks: [
      eq(hookProcessing, "$.event", "PAYMENT.PROCESSING"),
      eq(hookPaid, "$.event", "PAYMENT.PAID"),
      eq(hookPaid, "$.data.status", "PAID"),
      eq(hookSimulatedPaid, "$.event", "PAYMENT.PAID"),
      eq(hookMultiple, "$.event", "CHARGE.SUCCESS"),
      eq(hookCancelled, "$.event", "PAYMENT.CANCELLED"),
      ...webhooks.map(apiKey),
    ],
    transitions: [
      s("REQUIRE_ACTION", "CUSTOMER_AUTHENTICATING"),
      s("REQUIRE_ACTION", "PAYMENT_RECEIVED"),
      s("ACTIVE", "PAYMENT_RECEIVED"),
      s("REQUIRE_ACTION", "EXPIRE"),
      s("REQUIRE_CONFIRMATION", "CANCEL"),
    ],
    guards: [],
    interactions: webhooks,
  },
  {
    id: "W2",
    slug: "webhook-delivery",
    title: "Callback delivery",
    area: "Webhooks",
    question: "How often is a callback delivered, and how must a merchant's handler cope?",
    choice:
      "At least once; retried after 5 min, 15 min, 1 h, 3 h, 6 h, 12 h on 5xx, 408, 429 or no answer; then marked for manual retry. A handler must be idempotent: the project's consumer handler dedupes on (session id, event, charge id, charge status) — the core's `callbackDedupeKey`, the key the reference provider enqueues its outbox rows under too.",
    why: "The retry schedule is documented; no event id is, so the dedupe key has to be built from the body.",
    pins: "The messages the handler must accept (each passes through the real handler in the consumer tests: accepted once, the second delivery a duplicate); their `X-API-Key` is the merchant's key exactly, the one the handler checks.",
    checks: [apiKey(hookPaid)],
    transitions: [],
    guards: [],
    interactions: ["a PAYMENT.PAID callback for a paid VA session"],
  },
  {
    id: "F1",
    slug: "null-or-absent",
    title: "A field without a value: null or absent",
    area: "Wire format",
    question:
      "May a field without a value be left out (Go `omitempty`, Jackson `NON_NULL`), or must it be sent as `null`?",
    choice:
      "The fields a session or a charge always has are sent, `null` when they have no value: `paymentMethod`, `expiryAt` and `chargeDetails` of a session; `authorizedAmount`, `capturedAmount` and `paidAt` of a charge. Every other field without a value (`cancelledAt`, `cancellationReason`, `failureCode`, the other methods' parts `card`/`qr`/`ewallet`, …) may be `null` or left out; a merchant must read both as “no value”.",
    why: 'The gateway\'s own examples: the seed page\'s charge sends `"authorizedAmount": null, "capturedAmount": null, "paidAt": null` but leaves out `card`, `qr`, `ewallet` and `failureCode`; the object reference types the first group without `?` (`paymentMethod: null | {…}`, `expiryAt: ISO string | null`, `chargeDetails: Charge[] | null`, `paidAt: string|null`) and the second with `?` (`cancelledAt?: string|null`, `cancellationReason?: string|null`). The project\'s client decodes the first group as required (a merchant using it would fail on a body without them) and the second as optional. So a provider built with `omitempty` everywhere is not faithful to the gateway; one that leaves out only the optional fields is.',
    pins: "The always-present fields as `null` where the state leaves them empty; no contract requires an optional field to be present when it has no value; where a value would be wrong (`cancellationReason` of an expired session, L4), the contract allows `null` or absent and refuses any value.",
    checks: [
      eq(createNoMethod, "$.data.paymentMethod", null),
      eq(createNoMethod, "$.data.chargeDetails", null),
      eq(createMultiple, "$.data.expiryAt", null),
      eq(getAction, "$.data.chargeDetails[0].paidAt", null),
      eq(getAction, "$.data.chargeDetails[0].authorizedAmount", null),
      eq(getAction, "$.data.chargeDetails[0].capturedAmount", null),
      none(getExpiredNoReason, "$.data.cancellationReason"),
      none(getExpiredNoReason, "$.data.cancelledAt"),
    ],
    transitions: [],
    guards: [],
    interactions: [createNoMethod, createMultiple, getAction, getExpiredNoReason],
  },
  {
    id: "F2",
    slug: "instants",
    title: "Instants on the wire",
    area: "Wire format",
    question:
      "The gateway answers instants with 0 to 9 fraction digits (`2025-03-30T05:48:17.105883834Z`, `2025-03-31T23:59:05Z`). Which forms must a provider use, and how do contracts compare an instant they fix?",
    choice:
      "Any ISO-8601 instant in UTC with the `Z` suffix and 0–9 fraction digits; `2025-03-31T23:59:05Z` and `2025-03-31T23:59:05.000Z` are the same instant. Where a contract fixes an instant (an `expiryAt` sent by the merchant, the default expiry, a cancel at the clock), it compares the instant, not the text: a regex that admits every fraction of that second (and, for instants the provider takes from its clock during the request, the next few seconds: the clock may tick on).",
    why: "The gateway's examples mix precisions; merchants parse instants, they do not compare strings. A byte-for-byte pin refused a faithful provider; a pin by shape alone let a provider that ignores the clock pass.",
    pins: "The seed's `expiryAt` as an instant; every instant the state or the request fixes likewise; all other instants by the ISO-8601 UTC matcher.",
    checks: [
      at(seedCreate, "$.data.expiryAt", "2025-03-31T23:59:05Z"),
      at(createSoon, "$.data.expiryAt", "2025-03-30T05:49:17Z"),
      at(cancelConfirmation, "$.data.cancelledAt", CLOCK),
    ],
    transitions: [],
    guards: [],
    interactions: [seedCreate, createSoon, cancelConfirmation],
  },
  {
    id: "F3",
    slug: "error-type-of-a-missing-session",
    title: "The error type of an unknown session",
    area: "Wire format",
    question:
      "`GET /v2/payments/{id}` of a session that does not exist: is the `error.type` `GATEWAY_ERROR` or `API_ERROR`?",
    choice:
      "404 with the error envelope (`code` `resource_missing`, a message, `error.type`); this API answers `GATEWAY_ERROR`, and a merchant must accept `API_ERROR` too.",
    why: "The facts list `resource_missing` under GATEWAY_ERROR (§3.3), while the envelope documents three types without tying codes to them; what a merchant acts on is the 404 and the envelope, not the type.",
    pins: "Status 404, the envelope, the code by regex, and `error.type` as one of `GATEWAY_ERROR`, `API_ERROR`.",
    checks: [status(getNotFound, 404), oneOf(getNotFound, "$.error.type", ["GATEWAY_ERROR", "API_ERROR"])],
    transitions: [],
    guards: [],
    interactions: [getNotFound],
  },
  {
    id: "H1",
    slug: "accepted-text",
    title: "What text the API accepts",
    area: "Input and access",
    question:
      "Which strings may a merchant send in free-text fields (metadata keys and values, `virtualAccountName`, `statementDescriptor`, `customerId`, addresses, …)? JSON can carry a NUL (`\\u0000`) and a lone UTF-16 surrogate (`\\ud800`), but PostgreSQL's `text` and `jsonb` cannot store either, and a lone surrogate is not a character.",
    choice:
      "Any well-formed Unicode text except U+0000, in every string the core's request schemas read (and in every key and string inside `metadata` and the other free JSON objects). A NUL or a lone surrogate is refused with 400 `api_validation_error` and a `details[]` entry at the field's path (`metadata.lines[1].note`; for a key, the path of the object that holds it, without echoing the key). Nothing is stored. Length limits are unchanged (UTF-16 code units).",
    why: "The probe got 500s from the store for these (nothing stored, but no field named). Deciding in the schemas makes the refusal a validation like any other, on create and on confirm, on every driver, before a store is involved; other control characters are stored fine and real names and notes contain tabs and newlines, so only what cannot be stored or encoded is refused.",
    pins: "Nothing: the contracts' 400 interactions match the envelope loosely (status, `error.type`, a `details[]` entry); the rule is checked by the core's schema tests and the provider's hardening tests on both drivers.",
    checks: [],
    transitions: [],
    guards: [],
    interactions: [],
  },
  {
    id: "H2",
    slug: "method-currencies",
    title: "Currencies per payment method",
    area: "Input and access",
    question:
      "The amount's `currency` is any ISO-4217-style code of 1–3 letters on the wire. Which ones can a method settle?",
    choice:
      "Each method in the merchant's payment-method config lists its currencies; in the example config every method (VA, QRIS, e-wallet, card) settles IDR only. Another currency (`USD`, `ZZZ`, `A`) for the chosen method is refused with 400 and a `details[]` entry for `amount.currency`, at create when a method is given, otherwise at confirm. Nothing is stored or changed.",
    why: "Virtual accounts, QRIS and the e-wallets are domestic rupiah rails, the docs' examples and limits are all in IDR, and the facts leave other currencies an open question (facts §13); accepting a code the method cannot settle only fails later, at the bank. A merchant config can widen a method's list when a real one does.",
    pins: "Nothing: a config-dependent refusal, in the 400 envelope of C3 and C5.",
    checks: [],
    transitions: [s("REQUIRE_CONFIRMATION", "CONFIRM")],
    guards: [sg("isConfirmationValid")],
    interactions: [],
  },
  {
    id: "H3",
    slug: "method-option-expiry",
    title: "A method option's own expiryAt",
    area: "Input and access",
    question:
      "`paymentMethodOptions.virtualAccount.expiryAt` (and `.qr.`, `.ewallet.`) is documented beside the session's `expiryAt`. Which one decides when the session and its charge end, and what bounds it?",
    choice:
      "A session has one expiry, and the option's is honoured: without a top-level `expiryAt`, the method option's `expiryAt` becomes the session's (and so its charge's). It is checked like `expiryAt` (C3): later than the request instant and within the method's maximum (VA 30 days, QR 60 min, e-wallet 30 min in the example config), else 400 with a `details[]` entry at `paymentMethodOptions.<method>.expiryAt` naming the maximum. With both given they must be the same instant; at confirm the option may repeat the session's expiry, not move it (fixed at creation). Otherwise 400 at the option's field.",
    why: "The probe's option a year ahead was accepted, echoed and then ignored: the VA expired after the default 15 minutes. Two expiries for one session would need a charge that outlives or precedes its session, which the lifecycle (L4) does not have; honouring the option where it is the only one given keeps static VAs with a documented per-VA expiry working, and refusing a conflict tells the merchant instead of silently picking one.",
    pins: "Nothing: the contracts' create bodies carry no option expiry; checked by the core's creation checks and the provider's hardening tests.",
    checks: [],
    transitions: [s("REQUIRE_CONFIRMATION", "CONFIRM")],
    guards: [sg("isConfirmationValid")],
    interactions: [],
  },
  {
    id: "H4",
    slug: "access-token-secret",
    title: "Access tokens: whose secret, which claims",
    area: "Input and access",
    question:
      "The reference provider's Bearer tokens are signed JWTs. With which secret, and which claims does it check, so that a merchant secret alone cannot mint a long-lived token?",
    choice:
      "The signing secret comes from the caller, else `PAYMENT_SESSION_TOKEN_SECRET` (at least 32 characters), else the database's own: 32 random bytes made the first time a provider starts on it and kept in `provider_settings`, so tokens survive a restart and every instance on one database accepts them, while no two data folders share one. A token is accepted only if its signature is right, `iat` ≤ now, `exp − iat` is exactly the issued lifetime (900 s), and now < `exp`.",
    why: "The secret was a public constant that `pnpm start` could not change: anyone with a merchant secret could mint a token valid for a century. Checking `iat` and the lifetime refuses tokens this provider never issued even if a secret leaks.",
    pins: 'Nothing: the contracts get their tokens from `POST /v1/access-token` and pin `expiresIn: "900"` and the Bearer type only.',
    checks: [],
    transitions: [],
    guards: [],
    interactions: [],
  },
  {
    id: "H5",
    slug: "metadata-size",
    title: "How much metadata a session carries",
    area: "Input and access",
    question:
      "`metadata` is a free object, echoed in every session answer and every list item. How large may it be, and how deep may a request body nest?",
    choice:
      "A create request's `metadata` is at most 512 characters as JSON (which also bounds its keys and its depth); more is refused with 400 and a `details[]` entry for `metadata`, and nothing is stored. Any request body nested deeper than 64 levels (objects and arrays) is refused with 400 before it is parsed, and logged with its trace id.",
    why: "The gateway's code caps metadata at 512 (facts: evidence C). Without a cap one merchant's ~1 MB of metadata per session made a single list page 63 MB and four at once took the server past 1.2 GB; at 512 characters a page of 100 sessions stays well under a megabyte. Deep nesting made the parser or the decoder overflow its stack, which the old error handler misread as a 413.",
    pins: "Nothing: the contracts' create bodies carry small metadata; checked by the core's schema tests and the provider's hardening and bad-input tests.",
    checks: [],
    transitions: [],
    guards: [],
    interactions: [],
  },
  {
    id: "H6",
    slug: "webhook-delivery-across-instances",
    title: "Webhook delivery by several instances",
    area: "Operations",
    question:
      "Several provider instances share one database, each running a webhook dispatcher. How is each event sent once, and how much can one slow merchant delay the others?",
    choice:
      "A dispatcher claims one event at a time, just before sending it, and leases it for longer than one delivery may take (timeout 10 s, lease 60 s by default); it records the outcome under that lease (a failed attempt whose lease was taken over is not recorded over the other dispatcher's). Deliveries run concurrently: at most 8 per instance, 2 per merchant, 1 per session (a session's events go out in the order written). A run stops claiming after 100 events or 30 s. An event is sent a second time only when the first attempt's outcome is unknown: no answer within the timeout (retried on the W2 schedule, 5 min later), or the instance died or lost the database before recording it (sent again when the lease ends). A merchant's handler still dedupes (W2).",
    why: "The probe committed 50 events together to a receiver answering after 2 s: one batch claimed under one 60 s lease and delivered in sequence outlasted its lease, so a second instance claimed the rest again (70 deliveries, 20 doubled; with the 10 s timeout a hung receiver caused it with 7 events), and every merchant waited behind the slow one. A lease per event only has to cover one delivery's timeout, which the dispatcher enforces itself; the per-merchant limit keeps a slow merchant's deliveries to a few slots.",
    pins: "Nothing: the contracts' webhook messages pass through the real dispatcher (one event each); checked by the provider's delivery tests (two dispatchers on one database against a slow and a hung receiver; the dispatcher before this decision fails them) and the two-instance test.",
    checks: [],
    transitions: [],
    guards: [],
    interactions: [],
  },
  {
    id: "H7",
    slug: "database-unavailable",
    title: "When the database is unavailable",
    area: "Operations",
    question:
      "The provider's PostgreSQL server stops answering (down, restarting, partitioned). What does a request that needs it answer, how soon, and what happens when the server is back?",
    choice:
      "503 `service_unavailable` in the error envelope (`error.type` `GATEWAY_ERROR`, `source` `SYSTEM`, a trace id), within the driver's connect timeout (5 s) or query timeout (10 s), instead of a 500 or a request that hangs. Nothing is promised about a write that was in flight: the caller retries it with the same `X-REQUEST-ID` (C6). The provider keeps running (its sweeper and dispatcher log and try again each second) and serves again as soon as the server answers, with no restart.",
    why: "The facts list 503 `service_unavailable` as the gateway's answer when a downstream is down (§3.3), and a caller's retry logic keys on 5xx: 503 says retry later, while 500 reports a bug. Without timeouts a partitioned server left every request waiting forever; with a refused connection the store error became a 500.",
    pins: "Nothing: no contract plays an outage; checked by the provider's outage test (a TCP proxy the test cuts: refused, then partitioned).",
    checks: [],
    transitions: [],
    guards: [],
    interactions: [],
  },
  {
    id: "H8",
    slug: "service-unavailable-declared",
    title: "The 503 as a declared error of the API",
    area: "Operations",
    question:
      "H7 answers 503 when the database cannot be used. Is that answer part of the API description (OpenAPI, typed client, server types), on which operations, and how do the sandbox's own routes (outside the API) reach it?",
    choice:
      "The core declares `ServiceUnavailableError` (503, `code` fixed to `service_unavailable`, made by `serviceUnavailableError`) beside the other error classes, and every operation that uses the server's storage declares it: all of `payments`, `charges` and `refunds`, not `POST /v1/access-token` (its credentials and token are checked in memory). The provider's handlers turn the store's typed `StoreUnavailable` into it, so the server's types require the declaration. The sandbox's routes (hosted page, dashboard, clock; outside `PaymentsApi`) run their store calls through the same `fromStore`: a `StoreError` of reason `connect` or `closed` is the same 503 envelope, any other rejection a defect (500). The HTTP shell no longer looks for database errors in a defect.",
    why: "A 503 that the description leaves out is a status a generated client cannot narrow and a mock never shows, although every endpoint but one can answer it (facts §3.3 lists it as the gateway's answer to a downstream outage). Typing it end to end lets the compiler check each handler's error list instead of a scan over the defect that also caught bugs whose cause chain happened to contain a connection error.",
    pins: "Nothing: no contract plays an outage; checked by the OpenAPI document test (statuses per operation, the fixed code), the provider's declared-errors test (API and sandbox routes decode as ServiceUnavailableError with the database closed; a sandbox route's other store failure stays 500) and the outage test.",
    checks: [],
    transitions: [],
    guards: [],
    interactions: [],
  },
  {
    id: "H9",
    slug: "store-one-way-per-write",
    title: "The store: one way to write a session, one way to read a page",
    area: "Operations",
    question:
      "The store offered two ways to update a session (locked, or optimistic with a retry loop and a `ConcurrencyConflict` after `maxAttempts`), awaited twins of the deferred writes (`insertSession`, `updateSession`, `saveIdempotencyRecord`) and a purge, and three list queries (sessions, refunds, the dashboard's). The provider used one of each. Which does the store keep?",
    choice:
      "One of each, the one the provider runs: a session update always loads the session `FOR NO KEY UPDATE` and defers its compare-and-set (P12), so there are no options, no retry loop and no `ConcurrencyConflict` (the one write that does this is H11's `applyToStored`; `withSessionUpdate`, the store's callback form of it, moved to the store tests' support once nothing in the provider used it); a session is inserted by `deferInsertSession`, an idempotency record by `deferIdempotencyRecord`; records are never purged (lookups ignore expired ones, a new save replaces one). Every list (`listSessions`, now with an optional `status` for the dashboard; the refund list) is one statement that counts and reads the page from the same snapshot. The awaited writes the store tests need live in the tests' support.",
    why: "An option nobody takes is code to read, test and keep correct: the optimistic path had its own savepoint loop and error class, and only tests ran it. The locked path cannot lose its compare-and-set, so requests on one session queue instead of retrying, and it is the one the explorer's race histories check. One page query keeps `totalItems` exact (P9) the same way for every list.",
    pins: "Nothing: answers are byte-identical (checked by a recording of about 90 answers before and after); checked by the store's concurrency tests (50 concurrent increments, no lost update), the deferred-write tests and the list tests.",
    checks: [],
    transitions: [],
    guards: [],
    interactions: [],
  },
  {
    id: "H10",
    slug: "provider-context-is-its-services",
    title: "One name for each part of the running provider; the sandbox publishes only its options",
    area: "Operations",
    question:
      "The handle `startProvider` returns (and `extraRoutes` receives) carried `services` and, beside it, the same database, clock, merchants, issuers and ids again; the package exported every sandbox module (route builders, renderers, URL and clock helpers). Which of these are the provider's API?",
    choice:
      "`ProviderContext` is `services` plus the helpers that act on them (`seedSession`, `issueAccessToken`, `resetMerchant`, `dispatchDue`, `sweepExpired`, `settleRefunds`): the database is `provider.services.db`, the clock `provider.services.clock`, and so on. The sandbox publishes what a caller configures or receives: `SandboxOptions`, its ledger seams (`LedgerHost`, `AttemptRecorder`), the `LedgerAction` its resend and test-event endpoints answer, and `testEventPayload`; its routes, pages, URL helpers and clock are internals behind `startProvider({ sandbox })`. `makeProviderContext` and `tokenSecretOf`, which nothing used, are gone.",
    why: "Two names for one object invite a newcomer to ask which one the write path uses (they were the same) and make every later field a question of where to add it. A published route builder or renderer is a promise about markup and wiring that only the sandbox itself needs; keeping them internal lets the pages share one shell and one client-side action without a breaking change each time.",
    pins: "Nothing of the API: answers are unchanged (the safety net of recorded answers diffed after every commit). Checked by the type checker (tests, bench and the contract-test mode read `services`), the export-categories test (every public export still documented) and the sandbox suites.",
    checks: [],
    transitions: [],
    guards: [],
    interactions: [],
  },
  {
    id: "H11",
    slug: "one-write-path-per-session",
    title: "One write of a stored session, and every write through the idempotency layer",
    area: "Operations",
    question:
      "The provider wrote a stored session in three places, each with its own locked-update callback: the API writes (`applyToSession`, an Effect run inside a Promise callback of the store's `withSessionUpdate`), the lazy read (expiry on read) and the sweeper; a channel's notification (the sandbox's pay, fail and 3-D Secure steps) opened its own transaction beside the idempotency layer. Where does a session write live?",
    choice:
      "In one Effect, `applyToStored` (`sessionWrites.ts`): load the session `FOR NO KEY UPDATE` in the caller's transaction, bring it to the instant (the core's `sessionAt`), apply the event the caller plans from the snapshot as of then (none for a read), and store what changed — the snapshot with `deferUpdateLockedSession` (P12), the timeline entries and the outbox rows; a refusal stores the expiry and fails with the core's error. Every API write and channel notification runs it inside the idempotency layer (a notification never carries a key, so nothing is recorded); the lazy read runs it in its own transaction only when the instant changed the session; the sweeper takes the same step (`atInstant`) for a batch in three statements. The store's callback form (`withSessionUpdate`, H9) is no longer what the provider runs, so it left `src`: the store's concurrency tests keep it in their support, built from the same store calls.",
    why: "One function is one place to read what a write stores and in which order, and it is an Effect end to end: no Effect run inside a Promise callback inside an Effect, no exit carried out of the store and re-raised. The channel path taking the same layer as the API means one transaction rule and one encoding for every write a session can receive.",
    pins: "Nothing: answers, stored rows, timeline and outbox are byte-identical (checked by a recording of 114 answers and the final tables before and after every commit, which was shown to catch a dropped expiry entry); checked by the concurrency, idempotent-write, outage and sandbox suites, `pnpm verify` and `pnpm explore`.",
    checks: [],
    transitions: [],
    guards: [],
    interactions: [],
  },
  {
    id: "S1",
    slug: "sandbox-test-clock",
    title: "The sandbox's test clock",
    area: "Sandbox",
    question:
      "A merchant rehearsing expiry, webhook retries or the idempotency window cannot wait hours. How is the sandbox's time moved, and what do several instances on one database see?",
    choice:
      'The sandbox (`pnpm start`, never contract-test mode) reads real time plus an offset that only grows, kept in the database (`provider_settings.sandbox_clock_offset_ms`). `POST /_sandbox/clock` with `{ "advanceSeconds": n }` (n > 0) or `{ "to": "<instant>" }` (later than now) adds to it in one statement (from the larger of the stored and the caller\'s offset, so two moves at once both count and time never goes back), then runs the expiry sweeper and the webhook dispatcher once at the new instant and answers the time, the offset and what they did; `GET /_sandbox/clock` reads it. Another instance on the database reads the offset at start, before every background tick (1 s) and on its own `/_sandbox/clock` calls. A move backwards or a malformed body is 400 with the field path. No credentials: the sandbox listens on 127.0.0.1 by default and the clock is one for all merchants.',
    why: "Every instant of a request, the sweeper and the dispatcher already come from the provider's one clock (token expiry, lazy expiry, the capture window, the 24 h idempotency window, the W2 retry schedule), so an offset on that clock moves them all through the same code as real time, with no second path to keep in step. Keeping the offset with the data makes it survive a restart and be the same for every instance, as the token secret is; a clock that goes back would let a paid session become unpaid-and-open, so it only moves forward.",
    pins: "Nothing: the endpoint is sandbox-only and outside the Payments v2 API the contracts describe; checked by the provider's sandbox clock tests (two instances on one database).",
    checks: [],
    transitions: [],
    guards: [],
    interactions: [],
  },
  {
    id: "S2",
    slug: "tolerant-front-door",
    title: "A tolerant front door (C7 extended)",
    area: "Input and access",
    question:
      "Real clients get a token with a JSON body sent as `application/x-www-form-urlencoded` (PHP curl's default), with no body or no content type; they match the text of a wrong-state 422. What does the API accept and say?",
    choice:
      '`POST /v1/access-token` answers on the `X-MERCHANT-ID` / `X-MERCHANT-SECRET` headers alone: its body and content type are never a reason to refuse (JSON, a JSON body labelled as a form, a form, an empty body, no body, no content type all get a token when the credentials are right; a body over 1 MB is still 413). Missing, empty or wrong credentials are 401 `credentials_invalid`, never 400. The 422 `invalid_state` message reads as the gateway\'s: it contains "not allowed to <operation> payment session" ("Payment session in status PAID is not allowed to confirm payment session"), for confirm, cancel and capture alike.',
    why: "Decision C7: liberal in what it accepts. The token request carries nothing the provider needs in its body, so refusing a body or a content type only breaks clients that work against the gateway; 400 for missing credentials made an authentication failure look like a malformed request. Clients decide on the 422's text, so the phrase is part of the contract.",
    pins: "The three token interactions (a JSON body as a form, no body and no content type → 200 with a token; no credentials → 401 `credentials_invalid`), and the 422 messages of confirm, cancel and capture by regex on the phrase.",
    checks: [
      status(tokenAsForm, 200),
      status(tokenNoBody, 200),
      status(tokenNoCredentials, 401),
      status(confirmPaid, 422),
      status(cancelWaiting, 422),
      status(captureNothing, 422),
    ],
    transitions: [],
    guards: [],
    interactions: [tokenAsForm, tokenNoBody, tokenNoCredentials, confirmPaid, cancelWaiting, captureNothing],
  },
  {
    id: "S3",
    slug: "card-encryption-and-test-instruments",
    title: "Card encryption, the test cards and the test e-wallet phones",
    area: "Sandbox",
    question:
      "The docs describe `encryptedCard` (facts §13) but cap it at 500 characters, which no value of their own scheme fits; they do not say whether each session has its own key, what a confirm stores of the card, how an implementation in another language can be checked against an encrypted value, or how the documented test cards and e-wallet phones (facts §12) play out. What does the sandbox do?",
    choice:
      "`paymentMethod.card.encryptedCard` is accepted up to 16 384 characters (the scheme's RSA-2048 wrapped key alone is 460 characters of base64 JSON; a card with a real device description is about 1 000–2 000; the bound leaves room for RSA-4096 and still refuses an abusive value with 400). A CARD session in mode API with `autoConfirm` false gets the database's key pair (RSA-2048, made once and kept in `provider_settings` with its private half, so every instance and a restart open what was encrypted; a key per session costs about 240 ms of CPU each). A session keeps the public key it was given and its private half is found by it, so installing another key changes only later sessions. On confirm the provider opens the value with that key: a value that is not the scheme's base64 JSON, does not decrypt, or holds no card number (12–19 digits) or expiry is 400 `api_validation_error` at `paymentMethod.card.encryptedCard`, nothing changed. The number is never stored, logged or answered: the session keeps the method without `encryptedCard`, the charge shows what the docs show (`first6`, `first8`, `last4`, `expMonth`, `expYear`). The confirm answers REQUIRE_ACTION with the charge WAITING_FOR_USER_ACTION and a `paymentUrl` on the sandbox's step page (`/authenticate/{id}`, which also serves an e-wallet's approval step). There the documented test cards decide, by the `first8` and `last4` the sandbox keeps (the docs print the failure cards as \"…450004\"; they are read as the first failure card's prefix `4440000334` followed by the printed digits): 4440000112200001 frictionless success, 4440000112290002 a challenge (one-time password 000000, the docs' e-wallet OTP) then success, each failure card a 3-D Secure step then its failure code (charge FAILED, session CANCELLED `CHARGE_FAILED`, decision L5); any other card succeeds frictionless; cancelling the challenge is `CANCELLED_BY_USER`. The test phones 08111111001–004 (written any way: `+62…`, `0…`) end PAID/SUCCESS, PROCESSING/PROCESSING, CANCELLED/FAILED (`DECLINED_BY_CHANNEL`, the docs name no code) and EXPIRED/EXPIRED after the OTP; any other phone pays. A wrong OTP is 400 at `otp`, nothing changed. The rules are the core's (`customerStepEvents`); the page applies its events through the API's write path. For contracts, the key pair `testCardKeyPair` (also `contracts/card-test-key.pem`) is published on purpose: the provider state `card sessions use the published test key` makes it the key of the card sessions set up after it, and the contracts send a fixed vector made with it (`testEncryptedCard`) and one made with a key nobody holds (`undecryptableEncryptedCard`).",
    why: "A bound the documented scheme cannot meet would refuse every real value, so the scheme wins over the table. The key is per database rather than per session because the docs show one `encryptionKey` field but say nothing of its lifetime, and generating one per session would make card sessions slow to create; keeping the pair with the data follows the token secret (H4). A contract cannot carry an `encryptedCard` made at test time (its AES key and nonce are random, so the pact file would change on every run), and a provider cannot open a value without the private key: publishing a test key pair and a fixed vector lets any implementation, in any language, be checked against real ciphertext. The failure cards fail after the 3-D Secure step because only authentication failures are decided by 3-D Secure; the rest are the issuer's answer to an authorisation.",
    pins: "The confirm of the fixed vector under the published key (200, REQUIRE_ACTION, the charge WAITING_FOR_USER_ACTION showing `first6` 444000 and `last4` 0001, the session's `encryptionKey` the published one, an http(s) `paymentUrl`) and the 400 at `paymentMethod.card.encryptedCard` for a value that does not decrypt. The test-card and test-phone outcomes, the step page and the bound are checked by the provider's tests (`cardConfirm.test.ts`), not pinned: they are the sandbox's.",
    checks: [
      status(confirmEncrypted, 200),
      eq(confirmEncrypted, "$.data.chargeDetails[0].card.last4", "0001"),
      status(confirmUndecryptable, 400),
      eq(confirmUndecryptable, "$.error.details[0].field", "paymentMethod.card.encryptedCard"),
    ],
    transitions: [],
    guards: [],
    interactions: [confirmEncrypted, confirmUndecryptable],
  },
  {
    id: "S4",
    slug: "sandbox-dashboard-and-webhook-ledger",
    title: "The sandbox dashboard, its timeline and the webhook ledger",
    area: "Sandbox",
    question:
      "A merchant rehearsing an integration wants to see what happened to a session and to each webhook, resend one, and send a test event (`PAYMENT.TEST`, facts §10: handlers get it from the gateway's dashboard). Which merchant does the sandbox's dashboard show without a login, what does it record, and what is a test event's body?",
    choice:
      '`GET /dashboard` (sandbox only) shows one merchant: the `merchantId` query parameter, picked from the registered merchants, default the first (the demo merchant); the sandbox API behind its buttons (`/_sandbox/sessions`, `/_sandbox/sessions/{id}/timeline`, `/_sandbox/webhooks`, `POST /_sandbox/webhooks/{id}/resend`, `POST /_sandbox/webhooks/test`) requires `merchantId` (400 with the field path when missing or unknown) and, like the clock (S1), no credentials. Every event the provider applies and stores (creation, each API call or channel notification, the expiry by a write, a read or the sweeper) is recorded in the same transaction in `session_events` with the statuses before and after and the transition keys the core derives from its machines (`transitionKeyOf`, `creationKeysOf`). Every delivery attempt (dispatcher, resend, test) is recorded in `webhook_attempts`: URL, status code or why there was no answer, latency, the first 500 characters of the answer, and the retry it scheduled on the W2 schedule. A resend sends the stored event now whatever its state and, on a 2xx, marks a pending or manual event delivered. A test event is `{ "event": "PAYMENT.TEST", "data": <payment session> }`: the callbacks\' envelope with a sample session rendered by the core (id the nil UUID, `clientReferenceId` `PAYMENT.TEST`, a PERMATA VA of 10 000 IDR), sent once, never retried, no outbox row.',
    why: "The sandbox listens on 127.0.0.1 and is one developer's tool, as the clock's S1 says; asking for the merchant's secret in a browser form would add a login to a local page without protecting anything the API does not already hand out, while an explicit `merchantId` keeps the API scoped and a picker shows every merchant of a multi-merchant setup. Recording the applied events beside the write (not reconstructing them from snapshots) is the only way to name the transition taken; the core names it, so the timeline cannot drift from the machines. No body for `PAYMENT.TEST` is documented; the documented callback body is `{event, data: <payment session>}` (facts §10), so a handler that decodes `data` as a session keeps working, and the nil id tells it apart from a real one.",
    pins: "Nothing: the dashboard and `/_sandbox/*` are sandbox-only and outside the Payments v2 API; checked by the provider's dashboard tests (API and Chromium), each shown to fail against a defect (a ledger that drops attempts, a resend that does not send).",
    checks: [],
    transitions: [],
    guards: [],
    interactions: [],
  },
  {
    id: "S5",
    slug: "sub-accounts",
    title: "Sub-accounts (`x-submerchant-id`)",
    area: "Input and access",
    question:
      "The docs let a merchant act on behalf of a sub-account with the header `x-submerchant-id: <sub-account uuid>` (facts §1, SUB), but do not say which calls take it, whether anything echoes it, or what a merchant sees of a sub-account's sessions. What does the API do?",
    choice:
      "Every call accepts `x-submerchant-id` (any 1–255 visible ASCII characters, decision C7: the docs show a UUID; anything else is 400 `api_validation_error` at `x-submerchant-id`, nothing changed). A call with it acts for that sub-account: the sessions, charges, refunds and idempotency keys it makes belong to the sub-account, and only a call with the same header reads, lists, confirms, cancels, captures, simulates or refunds them; the merchant without the header and any other sub-account get 404 `resource_missing` and empty lists, as for another merchant's session. The token is the merchant's (no token per sub-account); webhooks of a sub-account's sessions go to the merchant's callback URL with its key. Nothing echoes the header: no field of the session, charge or refund object carries it in the docs.",
    why: "Scoping a sub-account's data like a merchant's own is the safe reading of \"on behalf of\": a platform acting for many sellers must not see one seller's payments through another's calls, and a read that leaks is worse than one that must name the sub-account. The docs show no sub-account field in any response, so inventing one would give merchants a field the gateway does not send.",
    pins: "The contracts pin a create for a sub-account (`x-submerchant-id` sent, the session answered as without it), a sub-account's session read with its header (200) and without it (404 `resource_missing`), the merchant's list by the sub-account's `clientReferenceId` without the header (empty), and a malformed header (400 at `x-submerchant-id`). The provider's `test/subAccounts.test.ts` checks the rest: writes, refunds, idempotency keys and another sub-account's reads.",
    checks: [
      eq(subCreate, "$.data.status", "REQUIRE_PAYMENT_METHOD"),
      eq(subRead, "$.data.clientReferenceId", "INV-SUB-READ"),
      status(subHidden, 404),
      items(subHiddenList, "$.data", 0),
      status(subMalformed, 400),
      eq(subMalformed, "$.error.type", "API_ERROR"),
    ],
    transitions: [],
    guards: [],
    interactions: [subCreate, subRead, subHidden, subHiddenList, subMalformed],
  },
  {
    id: "R1",
    slug: "refund-lifecycle-and-sandbox",
    title: "The refund lifecycle, and how the sandbox moves a refund",
    area: "Refunds",
    question:
      'The docs list five refund statuses (PENDING, WAITING_BANK_TRANSFER, SUCCESS, FAILED, CANCELLED), four callbacks and a "Refund Simulation" page of test values (facts §12), but no transitions and no simulation endpoint. Which moves exist, what triggers them in the sandbox, and is there a `POST` to simulate a refund?',
    choice:
      "`POST /v1/refunds` opens a refund as PENDING (callback `REFUND.PENDING`). AUTO: the channel pays back → SUCCESS (`destinationType` CHANNEL), or fails → WAITING_BANK_TRANSFER (`ACCOUNT`, callback `REFUND.WAITING_BANK_TRANFER`) → SUCCESS or FAILED. TRANSFER_ONLY: PENDING → WAITING_BANK_TRANSFER → SUCCESS / FAILED, or FAILED at once when the account is not found. Only the gateway cancels a refund waiting for its transfer (CANCELLED, no callback: none is documented); the sandbox never does. There is **no refund simulation endpoint**: the sandbox decides by the documented test values (clientReferenceId prefix `1001-` → channel fails, transfer succeeds; `2001-` with account 999966660008 → both fail; `2002-` with 999966660002 → account not found; anything else, account 999966660001 among them, succeeds) and takes one step every 5 s after creation, each at its own instant (like expiry, L4): a read, a write or the background sweep brings a refund to the clock and stores what changed with its callbacks.",
    why: 'The Refund Simulation page is a table of magic values, not an endpoint; inventing one would give merchants a call the real sandbox does not answer. Steps at fixed instants keep the lifecycle pure (time is an input) and let a test clock walk a refund through every status; the five statuses and the fallback from channel to transfer are the docs\' own (refund method AUTO: "refund to channel, fall back to bank transfer").',
    pins: "The contracts pin the PENDING answer of `POST /v1/refunds` and, through provider states, refunds seeded in every status a merchant handles; the 5 s schedule is the sandbox's and is not pinned.",
    checks: [
      eq(refundHalf, "$.data.status", "PENDING"),
      eq(refundWaitingRead, "$.data.destinationType", "ACCOUNT"),
      eq(refundChannelRead, "$.data.destinationType", "CHANNEL"),
      eq(hookRefundPending, "$.event", "REFUND.PENDING"),
    ],
    transitions: [
      r("REQUESTED", "SUBMIT"),
      r("PENDING", "CHANNEL_SUCCEEDED"),
      r("PENDING", "CHANNEL_FAILED"),
      r("PENDING", "TRANSFER_STARTED"),
      r("PENDING", "REFUND_FAILED"),
      r("WAITING_BANK_TRANSFER", "TRANSFER_SUCCEEDED"),
      r("WAITING_BANK_TRANSFER", "REFUND_FAILED"),
      r("WAITING_BANK_TRANSFER", "CANCEL"),
    ],
    guards: [rg("isAutoMethod"), rg("isTransferOnly")],
    interactions: [refundHalf, refundWaitingRead, refundChannelRead, hookRefundPending],
  },
  {
    id: "R2",
    slug: "what-can-be-refunded",
    title: "What can be refunded, and which charge",
    area: "Refunds",
    question:
      'The create body names the payment by `paymentSessionId` and/or `chargeId`, both "conditional". Which sessions and charges can be refunded, and what does a request that names neither, or names a charge of another session, get?',
    choice:
      "`paymentSessionId` is required (400 `details[]` at `paymentSessionId` without it); `chargeId` is optional and picks a charge of that session (400 at `chargeId` if the session has no such charge, or if a MULTIPLE session has several paid charges and none is named). Only a `SUCCESS` charge of a `PAID` SINGLE session, or of a MULTIPLE session (ACTIVE or INACTIVE), can be refunded: any other is 422 `invalid_state`, the message naming the session and charge status. Another merchant's session, or one that does not exist, is 404 `resource_missing`. The refundable total (`capturedAmount`) is what the charge captured: a manual-capture card's captured amount, otherwise the charge amount.",
    why: "Finding a session by a bare charge id needs an index of every charge of every session; the merchant always has the session id (it created it), so requiring it costs nothing and keeps refunds next to their session. Refunding money that has not arrived is the one refund that loses real money, so it is refused before anything is stored.",
    pins: "The refusal of a refund of an unpaid session (422, `error.type`, code by regex), of an unknown session (404).",
    checks: [status(refundUnpaid, 422), status(refundNoSession, 404), status(refundOtherMerchant, 404)],
    transitions: [r("REQUESTED", "SUBMIT")],
    guards: [rg("isPaymentRefundable"), rg("isRequestValid")],
    interactions: [refundUnpaid, refundNoSession, refundOtherMerchant],
  },
  {
    id: "R3",
    slug: "refund-money-rules",
    title: "Refund money rules",
    area: "Refunds",
    question:
      "How much may be refunded in total, when is `isFullAmount` allowed, and what do a zero, negative or non-numeric `amount.value` get?",
    choice:
      'The refunds of a charge that still hold money (PENDING, WAITING_BANK_TRANSFER, SUCCESS) never sum to more than its captured amount; a FAILED or CANCELLED refund gives its amount back. A refund beyond what is left is 422 `amount_exceeds_refundable` (the message says how much is left). `isFullAmount: true` refunds the whole captured amount and is allowed only when nothing is held; otherwise 422 `full_refund_not_allowed`. With `isFullAmount` the `amount` may be left out, or must equal the captured amount. `amount.value` is a decimal string of whole rupiah (`"5000"`, `"5000.00"`); `"0"`, `"-1"`, `"abc"`, `"10.50"`, or a number, is 400 `api_validation_error` with a `details[]` entry at `amount.value`; an amount is required unless `isFullAmount`, and in the charge\'s currency. The rules are guards of the refund machine\'s SUBMIT, checked in that order (400 before 422).',
    why: 'Over-refunding is the path that loses real money; counting pending refunds as held prevents two concurrent requests from each refunding the whole remainder (the provider checks under the session\'s row lock). The docs show partial refunds (500 of 10 000) and a full-amount flag without saying how they combine: a "full" refund after a partial one would either refund more than was paid or mean "the rest", and the safer reading is to refuse it.',
    pins: 'Over-refund and a full refund after a partial one: 422 and `error.type`, the code by regex; the field path of a zero amount (400, `details[].field` `amount.value`); the amount\'s value as the string the docs write (`"10000.00"`, exactly: a regex would let a number through).',
    checks: [
      status(refundOver, 422),
      status(refundFullAfter, 422),
      status(refundZero, 400),
      eq(refundZero, "$.error.details[0].field", "amount.value"),
      eq(refundHalf, "$.data.amount.value", "10000.00"),
      status(refundRest, 200),
    ],
    transitions: [r("REQUESTED", "SUBMIT")],
    guards: [rg("isFullAmountAllowed"), rg("isWithinRefundable"), rg("isRequestValid")],
    interactions: [refundHalf, refundRest, refundOver, refundFullAfter, refundZero],
  },
  {
    id: "R4",
    slug: "waiting-bank-tranfer-typo",
    title: "The callback REFUND.WAITING_BANK_TRANFER keeps the docs' typo",
    area: "Refunds",
    question:
      "The refund callback for a refund waiting for its bank transfer is spelled `REFUND.WAITING_BANK_TRANFER` (no S) in the docs, while the status is `WAITING_BANK_TRANSFER`. Which spelling goes on the wire?",
    choice:
      "The docs' spelling, `REFUND.WAITING_BANK_TRANFER`, exactly; the refund's `status` inside it is `WAITING_BANK_TRANSFER`. The core's `RefundCallback` schema refuses the corrected spelling, and the project's webhook handler dispatches on the wire name.",
    why: "Merchants' handlers are written against the docs and match the event string; correcting it would silently drop those callbacks. The facts list it among the documentation inconsistencies to code around (§15).",
    pins: "The message contract of the waiting callback pins the event name exactly.",
    checks: [eq(hookRefundWaiting, "$.event", "REFUND.WAITING_BANK_TRANFER")],
    transitions: [r("PENDING", "CHANNEL_FAILED")],
    guards: [],
    interactions: [hookRefundWaiting],
  },
  {
    id: "R5",
    slug: "refund-and-session-status",
    title: "A refund does not change the session's status",
    area: "Refunds",
    question:
      "Open question 15: does a refund change the payment session's status? The gateway's code has only a \"REFUNDED\" filter value, no such status.",
    choice:
      "No. A refunded session stays `PAID` (a MULTIPLE one `ACTIVE` / `INACTIVE`), its charge stays `SUCCESS`, and the session object gains no refund field. What was refunded is derived from the refunds (`GET /v1/refunds?paymentSessionId=…`; the core's `refundLedger` sums them): it is never stored on the session as well, so the two cannot disagree. No `PAYMENT.*` callback is sent for a refund; the `REFUND.*` callbacks are.",
    why: "The documented session statuses have no REFUNDED, the status list is final at PAID, and a status filter value in back-office code is a view, not a state. Keeping the session untouched means a refund never races a payment notification on the session row, and every existing contract and handler keeps working.",
    pins: "The session read after a refund is still `PAID` (the refund walk's test); no contract adds a field to the session.",
    checks: [],
    transitions: [],
    guards: [],
    interactions: [],
  },
];
