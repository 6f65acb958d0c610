/**
 * The provider-state catalogue: every state the contracts in `contracts/` name, with its parameters
 * (an Effect Schema each), what a provider must set up for it, and the values it must hand back
 * for the pact's `fromProviderState` expressions.
 *
 * @since 0.1.0
 */
import {
  CancellationReason,
  ChargeStatus,
  ClientReferenceId,
  CreatePaymentSessionRequest,
  EwalletChannel,
  Instant,
  Mode,
  PaymentMethodType,
  PaymentType,
  plainCreateStatus,
  RefundMethod,
  RefundStatus,
  RequestId,
  SessionStatus,
  SubmerchantId,
  VirtualAccountChannel,
} from "@payment-session/core";
import { Schema } from "effect";

/**
 * A value a state's setup returns (the JSON object answered to the verifier). Its `name` is the
 * key used in `fromProviderState` expressions (`"/v2/payments/${id}"`, `"Bearer ${accessToken}"`).
 *
 * @since 0.1.0
 * @category Provider states
 */
export interface ProviderStateReturn {
  readonly name: string;
  readonly description: string;
}

/**
 * One provider state: its `name` (exactly as in the pact files), the `params` schema (decoded
 * form = what the provider receives), one line per parameter for the docs (`type` and `meaning`),
 * `description` of what the provider must set up, `returns`, and an `example` of its params.
 *
 * @since 0.1.0
 * @category Provider states
 */
export interface ProviderStateDefinition<
  Name extends string = string,
  Fields extends Schema.Struct.Fields = Schema.Struct.Fields,
> {
  readonly name: Name;
  readonly description: string;
  readonly params: Schema.Struct<Fields>;
  readonly paramDocs: { readonly [K in keyof Fields]: { readonly type: string; readonly meaning: string } };
  readonly returns: ReadonlyArray<ProviderStateReturn>;
  readonly example: Schema.Struct<Fields>["Encoded"];
}

const defineState = <const Name extends string, const Fields extends Schema.Struct.Fields>(
  definition: ProviderStateDefinition<Name, Fields>,
): ProviderStateDefinition<Name, Fields> => definition;

const oneOf = (literals: ReadonlyArray<string>): string => literals.map((l) => `\`${l}\``).join(" | ");

const NonNegativeInt = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0));
const PositiveInt = Schema.Int.check(Schema.isGreaterThanOrEqualTo(1));
const Channel = Schema.Union([VirtualAccountChannel, EwalletChannel]);
const CaptureMethodParam = Schema.Literals(["automatic", "manual"]);

/**
 * `the clock reads` — the instant the provider's clock shows for the rest of the interaction.
 *
 * @since 0.1.0
 * @category Provider states
 */
export const theClockReads = defineState({
  name: "the clock reads",
  description: [
    "Every interaction of these contracts names this state first. The provider sets its clock to `now` for",
    "the interaction: the states that follow are set up as of `now` (a default `expiryAt` is `now` + 15 min,",
    "decision C2; `paidAt`, `cancelledAt` and expiries of terminal sessions lie before `now`), and the request",
    "is served at `now` (a session whose `expiryAt` is not after `now` is EXPIRED, decision L4). The clock may",
    "tick on from `now` but must not pass an `expiryAt` the interaction relies on: the contracts expect an",
    "instant taken from the clock (a default `expiryAt`, a cancel's `cancelledAt`) within 5 seconds of `now`,",
    "so a provider that ignores this state fails them. A provider treats this",
    "state as the start of a new interaction (reset any per-interaction setting). Time is data: the",
    "create request of the seed page carries `expiryAt` 2025-03-31T23:59:05Z, which only a provider whose clock",
    "reads earlier can accept. The explorer (`payment-session-contracts explore`) sets this state again in the",
    "middle of its runs to move time forward (never backwards): a provider serves every later request at the",
    "new `now` and keeps its merchants, tokens and sessions.",
  ].join(" "),
  params: Schema.Struct({ now: Instant }),
  paramDocs: { now: { type: "ISO-8601 instant (UTC)", meaning: "what the provider's clock reads" } },
  returns: [],
  example: { now: "2025-03-30T05:48:17Z" },
});

/**
 * `a merchant with credentials exists` — a fresh merchant with these API credentials; returns a
 * valid `accessToken`.
 *
 * @since 0.1.0
 * @category Provider states
 */
export const aMerchantWithCredentialsExists = defineState({
  name: "a merchant with credentials exists",
  description: [
    "A merchant whose API credentials are `merchantId` / `merchantSecret` (the `X-MERCHANT-ID` /",
    "`X-MERCHANT-SECRET` headers of `POST /v1/access-token`), with the documented example payment-method",
    "config (decision C5: VA 10 000 – 9 999 999 999 IDR and 30 days; QR 1 000 – 9 999 999 and 60 min; e-wallet",
    "10 000 – 9 999 999 and 30 min; card 10 000 – 9 999 999 999 and 30 days; all enabled). Setting the state",
    "up again starts the merchant afresh: no payment sessions, no idempotency keys. The provider issues an",
    "access token for it, as `POST /v1/access-token` would, and returns it. The payment-session states that",
    "follow in the same interaction belong to this merchant. Its webhooks carry `X-API-Key: callbackApiKey`",
    "and go to `callbackUrl` when it is given (the explorer's webhook receiver on 127.0.0.1).",
  ].join(" "),
  params: Schema.Struct({
    merchantId: Schema.NonEmptyString,
    merchantSecret: Schema.NonEmptyString,
    callbackApiKey: Schema.optionalKey(Schema.NonEmptyString),
    callbackUrl: Schema.optionalKey(Schema.NonEmptyString),
  }),
  paramDocs: {
    merchantId: { type: "string", meaning: "the merchant's client id (`X-MERCHANT-ID`)" },
    merchantSecret: { type: "string", meaning: "the merchant's client secret (`X-MERCHANT-SECRET`)" },
    callbackApiKey: {
      type: "string",
      meaning:
        "the Callback API Key sent as `X-API-Key` with this merchant's webhooks (default: provider's choice)",
    },
    callbackUrl: {
      type: "URL",
      meaning: "where this merchant's webhooks are POSTed (default: provider's choice)",
    },
  },
  returns: [
    {
      name: "accessToken",
      description:
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a Pact provider-state expression, not a template
        "a Bearer token of this merchant, valid for the whole interaction (`Authorization: Bearer ${accessToken}`)",
    },
  ],
  example: {
    merchantId: "merchant-0001",
    merchantSecret: "secret-0001",
    callbackApiKey: "callback-key-0001",
  },
});

/**
 * `a payment session exists` — one session of the merchant in the given status, built by the
 * lifecycle's own steps; returns its `id`.
 *
 * @since 0.1.0
 * @category Provider states
 */
export const aPaymentSessionExists = defineState({
  name: "a payment session exists",
  description: [
    "One payment session of the merchant set up before it (state `a merchant with credentials exists`),",
    "brought into `status` by the lifecycle's own steps, as of the clock (`the clock reads`). Unless a",
    "parameter says otherwise: `mode` API, `paymentType` SINGLE, amount 20 000 IDR, method VIRTUAL_ACCOUNT on",
    "PERMATA (DANA for EWALLET), `expiryAt` = clock + 15 min. Per status:\n\n",
    "- REQUIRE_PAYMENT_METHOD: created without `paymentMethod`, no charge.\n",
    "- REQUIRE_CONFIRMATION: created with the method and `autoConfirm` false, no charge.\n",
    "- REQUIRE_ACTION: created with the method and `autoConfirm` true; one charge WAITING_FOR_USER_ACTION",
    "carrying its instrument (VA number, QR, …).\n",
    "- ACTIVE: `paymentType` MULTIPLE, a static VA (or QR) in mode API, closed at `amount` when given, else",
    "open (amount 0), holding `paymentsReceived` SUCCESS charges (default none) of `amount` (default 20 000)",
    "each.\n",
    "- PROCESSING: one charge in `chargeStatus` (default PROCESSING; a CARD with `captureMethod` manual:",
    "WAITING_FOR_CAPTURE with `authorizedAmount` = amount, decision P6).\n",
    "- PAID: one charge SUCCESS for the full amount, `paidAt` set, before the clock.\n",
    "- CANCELLED: with `cancellationReason` REQUESTED_BY_CUSTOMER (default), DUPLICATED or VOID_SESSION,",
    "cancelled by the merchant from REQUIRE_CONFIRMATION, no charge (decision L3); with CHARGE_FAILED, its",
    "charge FAILED with a `failureCode` (decision L5). `cancelledAt` before the clock.\n",
    "- EXPIRED: `expiryAt` (default: clock − 1 min) passed without payment; its charge, when the method was",
    "confirmed, EXPIRED; no `cancellationReason` (decision L4).\n",
    "- INACTIVE: a MULTIPLE session closed.",
  ].join(" "),
  params: Schema.Struct({
    status: SessionStatus,
    clientReferenceId: Schema.optionalKey(ClientReferenceId),
    amount: Schema.optionalKey(PositiveInt),
    paymentType: Schema.optionalKey(PaymentType),
    mode: Schema.optionalKey(Mode),
    paymentMethodType: Schema.optionalKey(PaymentMethodType),
    channel: Schema.optionalKey(Channel),
    autoConfirm: Schema.optionalKey(Schema.Boolean),
    expiryAt: Schema.optionalKey(Instant),
    captureMethod: Schema.optionalKey(CaptureMethodParam),
    chargeStatus: Schema.optionalKey(ChargeStatus),
    cancellationReason: Schema.optionalKey(CancellationReason),
    paymentsReceived: Schema.optionalKey(NonNegativeInt),
    submerchantId: Schema.optionalKey(SubmerchantId),
  }),
  paramDocs: {
    status: { type: oneOf(SessionStatus.literals), meaning: "the session's status" },
    clientReferenceId: { type: "string (1–100 visible characters)", meaning: "default: provider's choice" },
    amount: {
      type: "integer ≥ 1 (IDR)",
      meaning: "`amount.value` of the session and of its charges; default 20 000 (ACTIVE: open, amount 0)",
    },
    paymentType: {
      type: oneOf(PaymentType.literals),
      meaning: "default SINGLE (MULTIPLE for ACTIVE, INACTIVE)",
    },
    mode: { type: oneOf(Mode.literals), meaning: "default API" },
    paymentMethodType: {
      type: oneOf(PaymentMethodType.literals),
      meaning: "default VIRTUAL_ACCOUNT (none for REQUIRE_PAYMENT_METHOD)",
    },
    channel: {
      type: `${oneOf(VirtualAccountChannel.literals)} | ${oneOf(EwalletChannel.literals)}`,
      meaning: "VA bank or e-wallet; default PERMATA / DANA; ignored for QR and CARD",
    },
    autoConfirm: { type: "boolean", meaning: "default false for REQUIRE_CONFIRMATION, true otherwise" },
    expiryAt: {
      type: "ISO-8601 instant (UTC)",
      meaning: "default clock + 15 min (SINGLE), none (MULTIPLE), clock − 1 min (EXPIRED)",
    },
    captureMethod: { type: oneOf(CaptureMethodParam.literals), meaning: "CARD only; default automatic" },
    chargeStatus: {
      type: oneOf(ChargeStatus.literals),
      meaning: "status of the latest charge where `status` leaves a choice (PROCESSING)",
    },
    cancellationReason: {
      type: oneOf(CancellationReason.literals),
      meaning: "CANCELLED only; default REQUESTED_BY_CUSTOMER",
    },
    paymentsReceived: {
      type: "integer ≥ 0",
      meaning: "ACTIVE only: SUCCESS charges already received; default 0",
    },
    submerchantId: {
      type: "string (1–255 visible ASCII characters)",
      meaning:
        "the sub-account the session belongs to, as if created with `x-submerchant-id` (decision S5); default: the merchant itself",
    },
  },
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Pact provider-state expression, not a template
  returns: [{ name: "id", description: "the session's id (`/v2/payments/${id}`)" }],
  example: {
    status: "REQUIRE_ACTION",
    clientReferenceId: "1743240981",
    amount: 20000,
    paymentMethodType: "VIRTUAL_ACCOUNT",
    channel: "PERMATA",
  },
});

/**
 * `no payment session exists` — the id names no session of any merchant.
 *
 * @since 0.1.0
 * @category Provider states
 */
export const noPaymentSessionExists = defineState({
  name: "no payment session exists",
  description: "No payment session with this `id` exists, for any merchant.",
  params: Schema.Struct({ id: Schema.NonEmptyString }),
  paramDocs: { id: { type: "string", meaning: "an id that must not name a session" } },
  returns: [],
  example: { id: "00000000-0000-4000-8000-000000000000" },
});

/**
 * `payment sessions exist with clientReferenceId` — `count` sessions sharing one reference
 * (decision C4), and no other sessions of the merchant.
 *
 * @since 0.1.0
 * @category Provider states
 */
export const paymentSessionsExistWithClientReferenceId = defineState({
  name: "payment sessions exist with clientReferenceId",
  description: [
    "`count` more payment sessions of the merchant, all with this `clientReferenceId` (decision C4: a",
    "reference may repeat), created one after another, each as `a payment session exists` with `status` and",
    "`amount`. The merchant has no other session with this reference; sessions with other references that",
    "earlier states of the interaction set up stay (a list by this reference must leave them out). Lists",
    "answer them newest first or oldest first, but the same order on every page.",
  ].join(" "),
  params: Schema.Struct({
    clientReferenceId: ClientReferenceId,
    count: PositiveInt,
    status: Schema.optionalKey(SessionStatus),
    amount: Schema.optionalKey(PositiveInt),
  }),
  paramDocs: {
    clientReferenceId: { type: "string (1–100 visible characters)", meaning: "the shared reference" },
    count: { type: "integer ≥ 1", meaning: "how many sessions" },
    status: {
      type: oneOf(SessionStatus.literals),
      meaning: `default ${plainCreateStatus} (a create without a payment method)`,
    },
    amount: { type: "integer ≥ 1 (IDR)", meaning: "default 20 000" },
  },
  returns: [],
  example: { clientReferenceId: "ORDER-42", count: 3 },
});

/**
 * `a payment session was created with request id` — a create already sent with this
 * `X-REQUEST-ID` and body (decision C6); returns the session's `id`.
 *
 * @since 0.1.0
 * @category Provider states
 */
export const aPaymentSessionWasCreatedWithRequestId = defineState({
  name: "a payment session was created with request id",
  description: [
    "The merchant sent `POST /v2/payments` with `X-REQUEST-ID: requestId` and the body `request`, as of the",
    "clock, and it succeeded. The provider keeps that first answer for 24 h: the same key with the same",
    "body answers it again (same status, same body); the same key with another body is a 409",
    "`idempotency_error` (decision C6).",
  ].join(" "),
  params: Schema.Struct({ requestId: RequestId, request: CreatePaymentSessionRequest }),
  paramDocs: {
    requestId: { type: "string (1–255 visible ASCII)", meaning: "the `X-REQUEST-ID` of the first create" },
    request: { type: "create body (JSON)", meaning: "the body of the first create" },
  },
  returns: [
    {
      name: "id",
      description:
        "the id of the session the first create made; the replay must answer exactly this id (not a new session)",
    },
  ],
  example: {
    requestId: "create-INV-IDEM-1",
    request: { clientReferenceId: "INV-IDEM-1", amount: { value: 15000, currency: "IDR" } },
  },
});

/**
 * `the clock moves on` — later in the same interaction, the clock reads `now`; what was set up stays.
 *
 * @since 0.2.0
 * @category Provider states
 */
export const theClockMovesOn = defineState({
  name: "the clock moves on",
  description: [
    "Named after the states that set something up, as of `the clock reads`: the provider's clock now reads",
    "`now` (not earlier than before) and the request is served at `now`. Nothing else changes: the merchant,",
    "its sessions and its tokens stay as they were set up, and are read as of the new instant (a session",
    "whose `expiryAt` is not after `now` reads EXPIRED with its open charge EXPIRED and no",
    "`cancellationReason`, decision L4). This is time passing, not a new interaction.",
  ].join(" "),
  params: Schema.Struct({ now: Instant }),
  paramDocs: {
    now: { type: "ISO-8601 instant (UTC)", meaning: "what the provider's clock reads from now on" },
  },
  returns: [],
  example: { now: "2025-03-30T05:58:17Z" },
});

const SimulatedChargeStatus = Schema.Literals(["SUCCESS", "EXPIRED"]);

/**
 * `a simulation was accepted` — the merchant simulated a charge result on the session set up
 * before it, and the provider accepted it.
 *
 * @since 0.2.0
 * @category Provider states
 */
export const aSimulationWasAccepted = defineState({
  name: "a simulation was accepted",
  description: [
    "The merchant sent `POST /v2/payments/simulations` with the id of the session the previous state set",
    "up and `chargeStatus`, as of the clock, and the provider accepted it (`updated: true`). Set it up by",
    "running exactly what that endpoint runs (not by writing the expected result): the contracts then read",
    "the session it leads to, which is how they show that a simulation has an effect. SUCCESS on an open",
    "charge pays it for the session amount (PAID, `paidAt` set); EXPIRED expires it (session EXPIRED).",
  ].join(" "),
  params: Schema.Struct({ chargeStatus: SimulatedChargeStatus }),
  paramDocs: {
    chargeStatus: { type: oneOf(SimulatedChargeStatus.literals), meaning: "the simulated charge result" },
  },
  returns: [],
  example: { chargeStatus: "SUCCESS" },
});

/**
 * `a refund exists` — a refund of the session the previous state set up, made and moved by the
 * provider's own refund code; returns `refundId`.
 *
 * @since 0.2.0
 * @category Provider states
 */
export const aRefundExists = defineState({
  name: "a refund exists",
  description: [
    "A refund of the payment session the previous state set up (`a payment session exists`, PAID or a",
    "MULTIPLE session with a payment), made as `POST /v1/refunds` makes it, as of the clock: `amount`",
    "(default 10 000 IDR; the captured amount when `isFullAmount` is true), reason REQUESTED_BY_CUSTOMER,",
    "`method` (default AUTO) with a transfer destination on account 999966660001 (BCA), `clientReferenceId`",
    "(default provider's choice, not one of the sandbox's test prefixes `1001-`, `2001-`, `2002-`). It is",
    "then brought to `status` by the lifecycle's own steps (decision R1), at the clock: PENDING as made;",
    "WAITING_BANK_TRANSFER after the channel failed (AUTO) or the transfer started (TRANSFER_ONLY),",
    "`destinationType` ACCOUNT; SUCCESS paid back through the channel (AUTO, `destinationType` CHANNEL) or",
    "by transfer (TRANSFER_ONLY, ACCOUNT); FAILED failed from PENDING (AUTO) or during its bank transfer",
    "(TRANSFER_ONLY, ACCOUNT); CANCELLED cancelled while waiting for",
    "its transfer. Each step sends its callback (facts §10) to the merchant's callback URL. While the clock",
    "stands still the sandbox takes no further step.",
  ].join(" "),
  params: Schema.Struct({
    status: RefundStatus,
    amount: Schema.optionalKey(PositiveInt),
    isFullAmount: Schema.optionalKey(Schema.Boolean),
    method: Schema.optionalKey(RefundMethod),
    clientReferenceId: Schema.optionalKey(ClientReferenceId),
  }),
  paramDocs: {
    status: { type: oneOf(RefundStatus.literals), meaning: "the refund's status" },
    amount: { type: "integer ≥ 1 (IDR)", meaning: "the refunded amount; default 10 000" },
    isFullAmount: { type: "boolean", meaning: "refund the whole captured amount; default false" },
    method: { type: oneOf(RefundMethod.literals), meaning: "default AUTO" },
    clientReferenceId: { type: "string (1–100 visible characters)", meaning: "default: provider's choice" },
  },
  returns: [
    {
      name: "refundId",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Pact provider-state expression, not a template
      description: "the refund's id (`/v1/refunds/${refundId}`)",
    },
  ],
  example: { status: "SUCCESS", amount: 10000, clientReferenceId: "REFUND-0001" },
});

/**
 * `no refund exists` — no refund with this id, for any merchant.
 *
 * @since 0.2.0
 * @category Provider states
 */
export const noRefundExists = defineState({
  name: "no refund exists",
  description: "No refund with this `id` exists, for any merchant.",
  params: Schema.Struct({ id: Schema.NonEmptyString }),
  paramDocs: { id: { type: "string", meaning: "an id that must not name a refund" } },
  returns: [],
  example: { id: "00000000-0000-4000-8000-0000000000ff" },
});

/**
 * `card sessions use the published test key` — the card encryption key (decision S3) of the card
 * sessions set up after it is the contracts' published test key pair.
 *
 * @since 0.2.0
 * @category Provider states
 */
export const cardSessionsUseThePublishedTestKey = defineState({
  name: "card sessions use the published test key",
  description: [
    "The card sessions the following states set up (a CARD session in mode API with `autoConfirm` false)",
    "carry the published test key as their `encryptionKey` (`testCardKeyPair.encryptionKey` of",
    "@payment-session/contracts, base64 SPKI), and the provider opens an `encryptedCard` sent for them with",
    "its private half (`testCardKeyPair.privateKeyPem`, published on purpose: decision S3). An",
    "implementation that cannot run RSA-OAEP/AES-GCM may instead recognise the published vector",
    "`testEncryptedCard` as the card `testEncryptedCardContent`: the contract sends only that value (and",
    "`undecryptableEncryptedCard`, which must never open).",
  ].join(" "),
  params: Schema.Struct({}),
  paramDocs: {},
  returns: [],
  example: {},
});

/**
 * The catalogue, by state name. A pact's `given(name, params)` must name one of these, with params
 * that fit its schema (use {@link givenState}).
 *
 * @since 0.1.0
 * @category Provider states
 */
export const providerStates = {
  [theClockReads.name]: theClockReads,
  [aMerchantWithCredentialsExists.name]: aMerchantWithCredentialsExists,
  [aPaymentSessionExists.name]: aPaymentSessionExists,
  [noPaymentSessionExists.name]: noPaymentSessionExists,
  [paymentSessionsExistWithClientReferenceId.name]: paymentSessionsExistWithClientReferenceId,
  [aPaymentSessionWasCreatedWithRequestId.name]: aPaymentSessionWasCreatedWithRequestId,
  [theClockMovesOn.name]: theClockMovesOn,
  [aSimulationWasAccepted.name]: aSimulationWasAccepted,
  [aRefundExists.name]: aRefundExists,
  [noRefundExists.name]: noRefundExists,
  [cardSessionsUseThePublishedTestKey.name]: cardSessionsUseThePublishedTestKey,
} as const;

/**
 * The name of a catalogued provider state.
 *
 * @since 0.1.0
 * @category Provider states
 */
export type ProviderStateName = keyof typeof providerStates;

/**
 * The params of state `N` as written in a pact (JSON).
 *
 * @since 0.1.0
 * @category Provider states
 */
export type ProviderStateParams<N extends ProviderStateName> =
  (typeof providerStates)[N]["params"]["Encoded"];

/**
 * The params of state `N` once decoded (what a provider's state handler works with).
 *
 * @since 0.1.0
 * @category Provider states
 */
export type DecodedProviderStateParams<N extends ProviderStateName> =
  (typeof providerStates)[N]["params"]["Type"];

/**
 * Every catalogued state name, in catalogue order.
 *
 * @since 0.1.0
 * @category Provider states
 */
export const providerStateNames: ReadonlyArray<ProviderStateName> = [
  theClockReads.name,
  aMerchantWithCredentialsExists.name,
  aPaymentSessionExists.name,
  noPaymentSessionExists.name,
  paymentSessionsExistWithClientReferenceId.name,
  aPaymentSessionWasCreatedWithRequestId.name,
  theClockMovesOn.name,
  aSimulationWasAccepted.name,
  aRefundExists.name,
  noRefundExists.name,
  cardSessionsUseThePublishedTestKey.name,
];
