/**
 * The wrong providers the contracts must fail (issue 9, "Under-strict") and the faithful variants
 * they must pass ("Over-strict"), each as one {@link Mutation} of the reference provider applied by
 * the mutating proxy. `fails` names every interaction the verification must fail, no more, no less.
 */
import type { TestClock } from "../../../src/clock.js";
import {
  type ApiAnswer,
  isObject,
  type Json,
  type MessageAnswer,
  type Mutation,
  mapJson,
} from "./mutatingProxy.js";

/** One row of the table. */
export interface StrengthCase {
  readonly name: string;
  readonly mutation: Mutation;
  /** Called before the run (and `after` after it): e.g. puts the provider's own clock elsewhere. */
  readonly before?: (clock: TestClock) => void;
  /** The interactions the verification must fail, exactly; `[]`: it must pass. */
  readonly fails: ReadonlyArray<string>;
  /** Verify only these interactions (default: every interaction of every pact). */
  readonly only?: ReadonlyArray<string>;
}

type JsonObject = { readonly [key: string]: Json };

const dataOf = (answer: ApiAnswer): Json | undefined =>
  isObject(answer.body) ? answer.body.data : undefined;

/** The answer with `data` replaced. */
const withData = (answer: ApiAnswer, data: Json): ApiAnswer => ({
  ...answer,
  body: { ...(answer.body as JsonObject), data },
});

/** Rewrites each item of a list answer's `data`. */
const eachItem =
  (f: (item: JsonObject) => Json) =>
  (answer: ApiAnswer): ApiAnswer | undefined => {
    const data = dataOf(answer);
    if (!Array.isArray(data)) return undefined;
    return withData(
      answer,
      (data as ReadonlyArray<Json>).map((item) => (isObject(item) ? f(item) : item)),
    );
  };

const isList = (path: string, method: string, listPath: string) => method === "GET" && path === listPath;
const isSessionRead = (path: string, method: string) =>
  method === "GET" && /^\/v2\/payments\/[^/]+$/u.test(path);

/** An instant written `…:ssZ` rewritten `…:ss.000Z` (the same instant, another ISO-8601 form). */
const longInstants = (value: Json): Json =>
  mapJson(value, (v) =>
    typeof v === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/u.test(v) ? v.replace("Z", ".000Z") : v,
  ) ?? null;

/**
 * The fields a session or a charge always carries, `null` when they have no value (decision F1:
 * the docs type them without `?` and the gateway's own example sends `null`).
 */
export const alwaysPresentFields: ReadonlyArray<string> = [
  "paymentMethod",
  "expiryAt",
  "chargeDetails",
  "authorizedAmount",
  "capturedAmount",
  "paidAt",
];

/** Removes every `null` field (Go `omitempty`, Jackson `NON_NULL`), or only those not in `keep`. */
const withoutNulls =
  (keep: ReadonlyArray<string>) =>
  (value: Json): Json =>
    mapJson(value, (v, key) => (v === null && key !== undefined && !keep.includes(key) ? undefined : v)) ??
    null;

const rewriteMessage = (f: (body: Json) => Json) => (_: string, m: MessageAnswer) => ({
  ...m,
  body: f(m.body),
});
const rewriteAnswer = (f: (body: Json) => Json) => (_: unknown, a: ApiAnswer) =>
  a.body === undefined ? undefined : { ...a, body: f(a.body) };

const replayed = "a repeated create request with the same X-REQUEST-ID and the same body";
const replayedOther = "a create request reusing an X-REQUEST-ID with another body";
const listByReference = "a request for the payment sessions with a clientReferenceId";
const listSecondPage =
  "a request for the second page of payment sessions with a clientReferenceId, two per page";
const charges = "a request for the charges of a clientReferenceId";
const expiredNoReason = "a request for an expired payment session, which has no cancellation reason";
const expiredCallbackNoReason =
  "a PAYMENT.CANCELLED callback for a session that expired, which has no cancellation reason";
const simulatedPaidRead = "a request for a payment session after a simulated SUCCESS of its VA charge";
const simulatedExpiredRead = "a request for a payment session after a simulated EXPIRED of its VA charge";
const simulatedPaidCallback = "a PAYMENT.PAID callback after a simulated payment of a VA session";
const notFound = "a request for a payment session that does not exist";
const seedCreate = "a request to create a VA payment session with the seed page's body";
const pastCreate = "a request to create a payment session whose expiryAt has passed";
const soonCreate = "a request to create a payment session that expires a minute after the clock";

/** Every webhook message of the pact (all carry the merchant's callback key). */
export const webhookMessages: ReadonlyArray<string> = [
  "a PAYMENT.PAID callback for a paid VA session",
  "a PAYMENT.CANCELLED callback for a session the merchant cancelled",
  "a PAYMENT.CANCELLED callback for a session whose e-wallet charge failed",
  "a PAYMENT.CANCELLED callback for a session that expired",
  expiredCallbackNoReason,
  simulatedPaidCallback,
  "a PAYMENT.PROCESSING callback for an e-wallet session",
  "a CHARGE.SUCCESS callback for a payment into a MULTIPLE static VA session",
];

/**
 * The interactions that depend on the provider's clock (`the clock reads` / `the clock moves on`):
 * default expiries, instants set by a request served at the clock, expiries relative to it.
 */
export const timeDependent: ReadonlyArray<string> = [
  // Creates served at the clock: the default expiry (clock + 15 min), an expiryAt kept as sent.
  seedCreate,
  "a request to create a payment session without a payment method",
  "a request to create a VA payment session with autoConfirm false",
  "a request to create a QRIS payment session",
  soonCreate,
  replayed,
  // Sessions set up as of the clock: default expiry clock + 15 min, or clock − 1 min when EXPIRED.
  "a request for a payment session waiting for the customer's transfer",
  "a request for a paid payment session",
  "a request for an expired payment session",
  expiredNoReason,
  "a request for a payment session whose expiryAt passed while nobody paid",
  "a request for a payment session at the instant its expiryAt is reached",
  simulatedPaidRead,
  "a request to confirm a VA for a session waiting for a payment method",
  "a request to confirm a session waiting for confirmation",
  // Sessions whose expiryAt passes while the clock moves on (lifecycleCoverage.test.ts).
  "a request for a session waiting for a payment method after its expiryAt passed",
  "a request for a session waiting for confirmation after its expiryAt passed",
  "a request for a session whose e-wallet charge is processing after its expiryAt passed",
  "a request for a session whose card waits for capture after its expiryAt passed",
  "a request for an active MULTIPLE closed-amount session after its expiryAt passed",
  "a request to simulate chargeStatus EXPIRED on a session that expired before it had a charge, refused",
  // A cancel at the clock sets cancelledAt and expiryAt to the clock (L3).
  "a request to cancel a session waiting for confirmation",
  "a request to cancel a session waiting for a payment method",
  // Webhooks of sessions set up as of the clock.
  "a PAYMENT.PAID callback for a paid VA session",
  "a PAYMENT.PAID callback after a simulated payment of a VA session",
  "a PAYMENT.CANCELLED callback for a session that expired",
  expiredCallbackNoReason,
  "a PAYMENT.CANCELLED callback for a session whose e-wallet charge failed",
  "a PAYMENT.PROCESSING callback for an e-wallet session",
];

/** Ignores `the clock reads` and `the clock moves on`: the provider keeps its own clock. */
const ignoreTheClock: Mutation = {
  state: (s) => (s.state === "the clock reads" || s.state === "the clock moves on" ? "skip" : undefined),
};

/** Wrong providers: each must fail exactly the interactions named. */
export const underStrict: ReadonlyArray<StrengthCase> = [
  {
    name: "a replayed create (same X-REQUEST-ID, same body) makes a new session",
    // The provider ignores the idempotency key: every create is a new session, made now.
    mutation: {
      forward: (r) =>
        r.method === "POST" && r.path === "/v2/payments"
          ? { ...r, headers: { ...r.headers, "x-request-id": undefined } }
          : undefined,
    },
    fails: [replayedOther, replayed],
    only: [replayed, replayedOther],
  },
  {
    name: "a list by clientReferenceId ignores the reference",
    mutation: {
      forward: (r) => {
        if (!isList(r.path, r.method, "/v2/payments") && !isList(r.path, r.method, "/v2/charges"))
          return undefined;
        const query = new URLSearchParams(r.query);
        query.delete("clientReferenceId");
        return { ...r, query };
      },
    },
    fails: [charges, listSecondPage, listByReference],
    only: [listByReference, listSecondPage, charges],
  },
  {
    name: "a list by clientReferenceId answers items with another clientReferenceId",
    mutation: {
      answer: (r, a) =>
        isList(r.path, r.method, "/v2/payments")
          ? eachItem((item) => ({ ...item, clientReferenceId: "ORDER-OTHER" }))(a)
          : undefined,
    },
    fails: [listSecondPage, listByReference],
    only: [listByReference, listSecondPage],
  },
  {
    name: "a list by clientReferenceId answers a status the state did not set up",
    mutation: {
      answer: (r, a) =>
        isList(r.path, r.method, "/v2/payments")
          ? eachItem((item) => ({ ...item, status: "REQUIRE_CONFIRMATION" }))(a)
          : undefined,
    },
    fails: [listSecondPage, listByReference],
    only: [listByReference, listSecondPage],
  },
  {
    name: "a list answers one item too few for its page",
    mutation: {
      answer: (r, a) => {
        const data = dataOf(a);
        return isList(r.path, r.method, "/v2/payments") && Array.isArray(data)
          ? withData(a, (data as ReadonlyArray<Json>).slice(0, -1))
          : undefined;
      },
    },
    fails: [listSecondPage, listByReference],
    only: [listByReference, listSecondPage],
  },
  {
    name: "a list answers one item too many for its page",
    mutation: {
      answer: (r, a) => {
        const data = dataOf(a);
        return isList(r.path, r.method, "/v2/payments") && Array.isArray(data) && data.length > 0
          ? withData(a, [...(data as ReadonlyArray<Json>), (data as ReadonlyArray<Json>)[0] ?? null])
          : undefined;
      },
    },
    fails: [listSecondPage, listByReference],
    only: [listByReference, listSecondPage],
  },
  {
    name: "the charges of a clientReferenceId carry another reference",
    mutation: {
      answer: (r, a) =>
        isList(r.path, r.method, "/v2/charges")
          ? eachItem((item) => ({ ...item, paymentSessionClientReferenceId: "INV-CHARGES-OTHER" }))(a)
          : undefined,
    },
    fails: [charges],
    only: [charges],
  },
  {
    name: "the charges of a clientReferenceId carry another status",
    mutation: {
      answer: (r, a) =>
        isList(r.path, r.method, "/v2/charges")
          ? eachItem((item) => ({ ...item, status: "PROCESSING" }))(a)
          : undefined,
    },
    fails: [charges],
    only: [charges],
  },
  {
    name: "the charges of a clientReferenceId carry another currency",
    mutation: {
      answer: (r, a) =>
        isList(r.path, r.method, "/v2/charges")
          ? eachItem((item) => ({ ...item, amount: { value: 20000, currency: "USD" } }))(a)
          : undefined,
    },
    fails: [charges],
    only: [charges],
  },
  {
    name: "a simulation changes nothing but answers updated: true",
    mutation: {
      request: (r) =>
        r.method === "POST" && r.path === "/v2/payments/simulations"
          ? { status: 200, body: { code: "00", message: "Success", data: { updated: "true" } } }
          : undefined,
      // The state runs the provider's own simulation: a no-op simulation sets nothing up either.
      state: (s) => (s.state === "a simulation was accepted" ? "skip" : undefined),
    },
    fails: [simulatedPaidCallback, simulatedExpiredRead, simulatedPaidRead],
    only: [
      simulatedPaidRead,
      simulatedExpiredRead,
      simulatedPaidCallback,
      "a request to simulate chargeStatus SUCCESS on the open VA charge",
      "a request to simulate chargeStatus EXPIRED on the open VA charge",
    ],
  },
  {
    name: "webhooks carry another X-API-Key than the merchant's callback key",
    mutation: { message: (_, m) => ({ ...m, metadata: { ...m.metadata, "X-API-Key": "some-other-key" } }) },
    fails: [...webhookMessages].sort(),
    only: webhookMessages,
  },
  {
    name: "the messages endpoint answers another body (PAYMENT.PAID with the session still waiting)",
    mutation: {
      message: (description, m) =>
        description === "a PAYMENT.PAID callback for a paid VA session" &&
        isObject(m.body) &&
        isObject(m.body.data)
          ? { ...m, body: { ...m.body, data: { ...m.body.data, status: "REQUIRE_ACTION" } } }
          : undefined,
    },
    fails: ["a PAYMENT.PAID callback for a paid VA session"],
    only: webhookMessages,
  },
  {
    name: "an expired session answers cancellationReason CHARGE_FAILED",
    mutation: {
      answer: (r, a) => {
        const data = dataOf(a);
        return isSessionRead(r.path, r.method) && isObject(data) && data.status === "EXPIRED"
          ? withData(a, { ...data, cancellationReason: "CHARGE_FAILED" })
          : undefined;
      },
      message: (_, m) =>
        isObject(m.body) && isObject(m.body.data) && m.body.data.status === "EXPIRED"
          ? { ...m, body: { ...m.body, data: { ...m.body.data, cancellationReason: "CHARGE_FAILED" } } }
          : undefined,
    },
    fails: [expiredCallbackNoReason, expiredNoReason],
    // Every interaction that reads an expired session or its callback.
    only: [
      "a request for an expired payment session",
      expiredNoReason,
      "a request for a payment session whose expiryAt passed while nobody paid",
      simulatedExpiredRead,
      "a request for a session waiting for a payment method after its expiryAt passed",
      "a request for a session waiting for confirmation after its expiryAt passed",
      "a request for a session whose e-wallet charge is processing after its expiryAt passed",
      "a PAYMENT.CANCELLED callback for a session that expired",
      expiredCallbackNoReason,
    ],
  },
];

// --- refunds (issue 13) ----------------------------------------------------------------------------

const refundHalf = "a request to refund half of a paid session";
const refundRest = "a request to refund the rest of a half-refunded session";
const refundOver = "a request to refund more than is left of a paid session";
const refundFullAfter = "a request for a full refund of a partly refunded session";
const refundUnpaid = "a request to refund a session that is not paid";
const refundMissingSession = "a request to refund a payment session that does not exist";
const refundZero = "a request to refund an amount of zero";
const refundReads = {
  PENDING: "a request for a pending refund",
  WAITING_BANK_TRANSFER: "a request for a refund waiting for its bank transfer",
  SUCCESS: "a request for a refund paid back through the channel",
  FAILED: "a request for a failed refund",
  CANCELLED: "a request for a cancelled refund",
} as const;
const refundMissing = "a request for a refund that does not exist";
const refundOtherMerchant = "a request for a refund of another merchant";
const refundList = "a request for the refunds with a clientReferenceId";
const refundCallbacks = {
  PENDING: "a REFUND.PENDING callback for a new refund",
  WAITING: "a REFUND.WAITING_BANK_TRANFER callback for a refund waiting for its bank transfer",
  SUCCESS: "a REFUND.SUCCESS callback for a refund paid back through the channel",
  FAILED: "a REFUND.FAILED callback for a failed refund",
} as const;

/** Every refund interaction of the pacts (HTTP and messages). */
export const refundInteractions: ReadonlyArray<string> = [
  refundHalf,
  refundRest,
  refundOver,
  refundFullAfter,
  refundUnpaid,
  refundMissingSession,
  refundZero,
  ...Object.values(refundReads),
  refundMissing,
  refundOtherMerchant,
  refundList,
  ...Object.values(refundCallbacks),
];

/** A well-formed PENDING refund answer, as a provider that skips every check would make it up. */
const madeUpRefund: JsonObject = {
  code: "00",
  message: "Success",
  data: {
    id: "5d0c8f2e-8a3b-4c1e-9f7a-2b6d4e8f1a3c",
    clientReferenceId: "REFUND-MADE-UP",
    paymentSessionId: "7f65c757-355f-4645-ac14-028b34ab51b1",
    chargeId: "b4db4aa5-4ee4-4722-b414-050c745c93cd",
    isFullAmount: false,
    amount: { value: "10000.00", currency: "IDR" },
    capturedAmount: { value: "20000.00", currency: "IDR" },
    reason: "REQUESTED_BY_CUSTOMER",
    method: "AUTO",
    destinationType: null,
    status: "PENDING",
    createdAt: "2025-03-30T05:48:17Z",
    updatedAt: "2025-03-30T05:48:17Z",
  },
};

const isRefundCreate = (path: string, method: string) => method === "POST" && path === "/v1/refunds";
const isRefundRead = (path: string, method: string) =>
  method === "GET" && /^\/v1\/refunds\/[^/]+$/u.test(path);
const isRefundPath = (path: string) => path === "/v1/refunds" || path.startsWith("/v1/refunds/");

/** A refund's `amount.value` (and `capturedAmount.value`) written as a JSON number. */
const numericRefundAmounts = (value: Json): Json =>
  mapJson(value, (v, key) =>
    (key === "amount" || key === "capturedAmount") && isObject(v) && typeof v.value === "string"
      ? { ...v, value: Number(v.value) }
      : v,
  ) ?? null;

/** The wrong refund providers: each must fail exactly the refund interactions that pin it. */
export const refundUnderStrict: ReadonlyArray<StrengthCase> = [
  {
    name: "a provider without the refund rules: every refused refund is accepted as PENDING",
    mutation: {
      answer: (r, a) =>
        isRefundCreate(r.path, r.method) && a.status !== 200
          ? { status: 200, body: madeUpRefund }
          : undefined,
    },
    fails: [refundFullAfter, refundMissingSession, refundOver, refundUnpaid, refundZero],
    only: refundInteractions,
  },
  {
    name: "a refund's amount value is answered as a number, not the documented string",
    mutation: {
      answer: (r, a) =>
        isRefundPath(r.path) && a.status === 200 ? rewriteAnswer(numericRefundAmounts)(r, a) : undefined,
      message: (description, m) =>
        description.startsWith("a REFUND.")
          ? rewriteMessage(numericRefundAmounts)(description, m)
          : undefined,
    },
    fails: [
      refundHalf,
      refundRest,
      ...Object.values(refundReads),
      refundList,
      ...Object.values(refundCallbacks),
    ],
    only: refundInteractions,
  },
  {
    name: "a refund read always answers SUCCESS",
    mutation: {
      answer: (r, a) => {
        const data = dataOf(a);
        return isRefundRead(r.path, r.method) && isObject(data)
          ? withData(a, { ...data, status: "SUCCESS", destinationType: "CHANNEL" })
          : undefined;
      },
    },
    fails: [
      refundReads.PENDING,
      refundReads.WAITING_BANK_TRANSFER,
      refundReads.FAILED,
      refundReads.CANCELLED,
    ],
    only: refundInteractions,
  },
  {
    name: "an unknown refund, or another merchant's, is answered as if it were the merchant's",
    mutation: {
      answer: (r, a) =>
        isRefundRead(r.path, r.method) && a.status === 404 ? { status: 200, body: madeUpRefund } : undefined,
    },
    fails: [refundMissing, refundOtherMerchant],
    only: refundInteractions,
  },
  {
    name: "the waiting callback is sent with the corrected spelling REFUND.WAITING_BANK_TRANSFER",
    mutation: {
      message: (_, m) =>
        isObject(m.body) && m.body.event === "REFUND.WAITING_BANK_TRANFER"
          ? { ...m, body: { ...m.body, event: "REFUND.WAITING_BANK_TRANSFER" } }
          : undefined,
    },
    fails: [refundCallbacks.WAITING],
    only: refundInteractions,
  },
  {
    name: "a list of refunds by clientReferenceId answers another merchant's reference",
    mutation: {
      answer: (r, a) =>
        isList(r.path, r.method, "/v1/refunds")
          ? eachItem((item) => ({ ...item, clientReferenceId: "REFUND-OTHER" }))(a)
          : undefined,
    },
    fails: [refundList],
    only: refundInteractions,
  },
];

/** What each faithful variant changes, alone (the table runs them together too). */
const faithful = {
  longInstants: { answer: rewriteAnswer(longInstants), message: rewriteMessage(longInstants) },
  optionalNullsLeftOut: {
    answer: rewriteAnswer(withoutNulls(alwaysPresentFields)),
    message: rewriteMessage(withoutNulls(alwaysPresentFields)),
  },
} satisfies Record<string, Mutation>;

/** A sample of interactions with instants and nulls of every kind (sessions, charges, lists, webhooks). */
const formatSample: ReadonlyArray<string> = [
  seedCreate,
  "a request to create a payment session without a payment method",
  "a request to create a MULTIPLE open static VA payment session",
  "a request to create a payment session that expires a minute after the clock",
  replayed,
  "a request for a paid payment session",
  "a request for an expired payment session",
  expiredNoReason,
  "a request for a payment session the merchant cancelled",
  "a request to cancel a session waiting for confirmation",
  listByReference,
  charges,
  "a request to capture the full authorised amount of a card",
  "a PAYMENT.PAID callback for a paid VA session",
  expiredCallbackNoReason,
  "a PAYMENT.CANCELLED callback for a session whose e-wallet charge failed",
];

/** Faithful variants of the real gateway: each must pass every interaction it runs. */
export const overStrict: ReadonlyArray<StrengthCase> = [
  {
    name: "every instant written with milliseconds (`…:05.000Z`)",
    mutation: faithful.longInstants,
    fails: [],
    only: formatSample,
  },
  {
    name: "an unknown session answered with error.type API_ERROR",
    mutation: {
      answer: (r, a) =>
        isSessionRead(r.path, r.method) && a.status === 404 && isObject(a.body) && isObject(a.body.error)
          ? { ...a, body: { ...a.body, error: { ...a.body.error, type: "API_ERROR" } } }
          : undefined,
    },
    fails: [],
    only: [notFound],
  },
  {
    name: "optional fields without a value left out (NON_NULL on the `?` fields)",
    mutation: faithful.optionalNullsLeftOut,
    fails: [],
    only: formatSample,
  },
  {
    name: "all of these at once, on every interaction",
    mutation: {
      answer: (r, a) => {
        const notFound =
          isSessionRead(r.path, r.method) && a.status === 404 && isObject(a.body) && isObject(a.body.error);
        const typed = notFound
          ? {
              ...a,
              body: {
                ...(a.body as JsonObject),
                error: { ...(a.body as { error: JsonObject }).error, type: "API_ERROR" },
              },
            }
          : a;
        return rewriteAnswer((b) => withoutNulls(alwaysPresentFields)(longInstants(b)))(r, typed);
      },
      message: rewriteMessage((b) => withoutNulls(alwaysPresentFields)(longInstants(b))),
    },
    fails: [],
  },
];

export { formatSample };

/**
 * A provider that ignores the clock states, its own clock three days later or a day earlier than the
 * pact's: every time-dependent interaction fails (a later clock also refuses the seed's expiryAt; an
 * earlier one accepts the "past" expiryAt).
 */
export const clockCases: ReadonlyArray<StrengthCase> = [
  {
    name: "the clock states are ignored, the provider's clock reads three days later",
    before: (clock) => clock.set("2025-04-02T05:48:17Z"),
    mutation: ignoreTheClock,
    fails: timeDependent,
    only: [...timeDependent, pastCreate],
  },
  {
    name: "the clock states are ignored, the provider's clock reads a day earlier",
    before: (clock) => clock.set("2025-03-29T05:48:17Z"),
    mutation: ignoreTheClock,
    // The seed's expiryAt and the one a minute after the pact's clock still lie ahead of it, and a
    // simulated expiry of a session without a charge is refused whether or not the session expired.
    fails: [
      ...timeDependent.filter(
        (d) =>
          d !== seedCreate &&
          d !== soonCreate &&
          d !==
            "a request to simulate chargeStatus EXPIRED on a session that expired before it had a charge, refused",
      ),
      pastCreate,
    ],
    only: [...timeDependent, pastCreate],
  },
];
