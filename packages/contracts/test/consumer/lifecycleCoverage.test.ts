/**
 * Contracts for every (status, operation) a merchant can cause through the public API that the
 * other contracts leave out (`pnpm contracts:coverage` lists them): the refusals of confirm,
 * cancel and capture in each status (422, decision L2) and of invalid bodies (400), each simulated
 * charge result in each status (paid, refused, recorded late or as a duplicate, P1–P3), and the
 * expiry each status reaches when the clock moves past `expiryAt` (L4, P6). One table, one
 * interaction per row; each row's request is sent to the mock server and its answer checked.
 */
import { MatchersV3 } from "@pact-foundation/pact";
import { describe, expect, it } from "vitest";
import { givenState, type ProviderStateParams } from "../../src/providerStates/index.js";
import { clockPlus, errorEnvelope, ok, sessionId, validationError } from "./support/expectations.js";
import { authorization, example, httpPact, recorded, sessionPath } from "./support/pact.js";
import { sessionExists } from "./support/sessions.js";

const { fromProviderState, like, regex } = MatchersV3;
const pact = httpPact();

type SessionParams = ProviderStateParams<"a payment session exists">;

/** The sessions the rows start from (state `a payment session exists`). */
const sessions = {
  requirePaymentMethod: { status: "REQUIRE_PAYMENT_METHOD", amount: 20000 },
  requireConfirmation: {
    status: "REQUIRE_CONFIRMATION",
    amount: 20000,
    paymentMethodType: "VIRTUAL_ACCOUNT",
  },
  requireActionVa: { status: "REQUIRE_ACTION", amount: 20000, paymentMethodType: "VIRTUAL_ACCOUNT" },
  requireActionCardManual: {
    status: "REQUIRE_ACTION",
    amount: 50000,
    paymentMethodType: "CARD",
    captureMethod: "manual",
  },
  processingEwallet: {
    status: "PROCESSING",
    amount: 20000,
    paymentMethodType: "EWALLET",
    channel: "OVO",
    chargeStatus: "PROCESSING",
  },
  processingCardManual: {
    status: "PROCESSING",
    amount: 50000,
    paymentMethodType: "CARD",
    captureMethod: "manual",
    chargeStatus: "WAITING_FOR_CAPTURE",
  },
  paid: { status: "PAID", amount: 20000, paymentMethodType: "VIRTUAL_ACCOUNT" },
  cancelled: { status: "CANCELLED", amount: 20000, paymentMethodType: "VIRTUAL_ACCOUNT" },
  cancelledChargeFailed: {
    status: "CANCELLED",
    amount: 20000,
    paymentMethodType: "EWALLET",
    channel: "OVO",
    cancellationReason: "CHARGE_FAILED",
  },
  expiredVa: { status: "EXPIRED", amount: 20000, paymentMethodType: "VIRTUAL_ACCOUNT" },
  activeClosed: {
    status: "ACTIVE",
    amount: 20000,
    paymentType: "MULTIPLE",
    paymentMethodType: "VIRTUAL_ACCOUNT",
    channel: "BCA",
  },
  inactive: {
    status: "INACTIVE",
    paymentType: "MULTIPLE",
    paymentMethodType: "VIRTUAL_ACCOUNT",
    channel: "BCA",
  },
} as const satisfies Record<string, Omit<SessionParams, "clientReferenceId">>;

type SessionName = keyof typeof sessions;

/** How each session is named in descriptions. */
const named: Record<SessionName, string> = {
  requirePaymentMethod: "a session waiting for a payment method",
  requireConfirmation: "a session waiting for confirmation",
  requireActionVa: "a session waiting for the customer's transfer",
  requireActionCardManual: "a manual-capture card session waiting for the customer",
  processingEwallet: "a session whose e-wallet charge is processing",
  processingCardManual: "a session whose card waits for capture",
  paid: "a paid session",
  cancelled: "a cancelled session",
  cancelledChargeFailed: "a session cancelled when its charge failed",
  expiredVa: "an expired session whose VA charge expired",
  activeClosed: "an active MULTIPLE closed-amount session",
  inactive: "an inactive MULTIPLE session",
};

const confirmBody = {
  paymentMethod: { type: "VIRTUAL_ACCOUNT" },
  paymentMethodOptions: { virtualAccount: { channel: "PERMATA" } },
} as const;
const cancelBody = { cancellationReason: "REQUESTED_BY_CUSTOMER" } as const;
const captureBody = { releaseRemainingAmount: false, amount: { value: 20000, currency: "IDR" } } as const;

const invalidState = errorEnvelope({ status: 422, code: "invalid_state", ours: true, type: "API_ERROR" });
const amountMismatch = errorEnvelope({ status: 422, code: "amount_mismatch", ours: true, type: "API_ERROR" });
const validation = (field: string) =>
  validationError(MatchersV3.arrayContaining({ field, message: like(`${field} is not valid`) }));
/** `updated` is documented as a Boolean and shown as the string "true": either passes. */
const updated = ok({ updated: regex("^true$", "true") });

interface Row {
  readonly description: string;
  readonly session: SessionName;
  /** Params of `a payment session exists` beyond the session's. */
  readonly extra?: Partial<SessionParams>;
  /** Move the clock to this instant after the set-up (state `the clock moves on`). */
  readonly clockMovesTo?: string;
  readonly method: "GET" | "POST";
  /** `/v2/payments/${id}<suffix>` or an absolute path. */
  readonly suffix?: string;
  readonly path?: string;
  readonly body?: Record<string, unknown>;
  readonly status: number;
  readonly answer: unknown;
  /** What the merchant reads from the answer (checked on the mock's answer). */
  readonly reads?: (body: Record<string, unknown>) => void;
}

const refusal = (op: "confirm" | "cancel" | "capture", session: SessionName): Row => ({
  description: `a request to ${op} ${named[session]}, refused`,
  session,
  method: "POST",
  suffix: `/${op}`,
  body: op === "confirm" ? confirmBody : op === "cancel" ? cancelBody : captureBody,
  status: 422,
  answer: invalidState,
});

/** A simulation of `chargeStatus` on the session (its id from the state). */
const simulation = (
  chargeStatus: "SUCCESS" | "EXPIRED",
  session: SessionName,
  outcome: string,
  status: number,
  answer: unknown,
  amount?: number,
): Row => ({
  description: `a request to simulate chargeStatus ${chargeStatus}${amount === undefined ? "" : ` of ${amount} IDR`} on ${named[session]}, ${outcome}`,
  session,
  method: "POST",
  path: "/v2/payments/simulations",
  body: {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Pact provider-state expression, not a template
    paymentSessionId: fromProviderState("${id}", example.sessionId),
    chargeStatus,
    ...(amount === undefined ? {} : { amount: { value: amount, currency: "IDR" } }),
  },
  status,
  answer,
});

/** A confirm of QRIS for a session open for two days: refused naming `expiryAt`. */
const qrisBeyondMaximum = (session: SessionName): Row => ({
  description: `a request to confirm QRIS for ${named[session]} that expires beyond QRIS's maximum`,
  session,
  extra: { expiryAt: clockPlus(2 * 24 * 60) },
  method: "POST",
  suffix: "/confirm",
  body: { paymentMethod: { type: "QR" } },
  status: 400,
  answer: validation("expiryAt"),
});

/** A GET after the clock moved past the session's `expiryAt` (5 min after the clock, moved to 10). */
const lapsed = (session: SessionName, status: string, extra: Record<string, unknown> = {}): Row => ({
  description: `a request for ${named[session]} after its expiryAt passed`,
  session,
  extra: { expiryAt: clockPlus(5) },
  clockMovesTo: clockPlus(10),
  method: "GET",
  status: 200,
  answer: ok({ id: sessionId(), status, ...extra }),
  reads: (body) => expect(body.data).toMatchObject({ status }),
});

/** A GET of a session as it is. */
const reading = (session: SessionName, status: string): Row => ({
  description: `a request for ${named[session]}`,
  session,
  method: "GET",
  status: 200,
  answer: ok({ id: sessionId(), status }),
  reads: (body) => expect(body.data).toMatchObject({ status }),
});

const rows: ReadonlyArray<Row> = [
  // Operations a status refuses (L2, L6, P5): 422 invalid_state.
  refusal("capture", "requirePaymentMethod"),
  refusal("capture", "requireConfirmation"),
  refusal("confirm", "requireActionVa"),
  refusal("confirm", "processingEwallet"),
  refusal("cancel", "processingEwallet"),
  refusal("capture", "processingEwallet"),
  refusal("cancel", "paid"),
  refusal("capture", "paid"),
  refusal("confirm", "cancelled"),
  refusal("cancel", "cancelled"),
  refusal("capture", "cancelled"),
  refusal("confirm", "expiredVa"),
  refusal("cancel", "expiredVa"),
  refusal("capture", "expiredVa"),
  refusal("confirm", "activeClosed"),
  refusal("cancel", "activeClosed"),
  refusal("capture", "activeClosed"),
  refusal("confirm", "inactive"),
  refusal("cancel", "inactive"),
  refusal("capture", "inactive"),
  // Invalid bodies where the operation is allowed (C3, P6): 400 naming the field.
  // A session open for two days cannot be paid by QRIS (at most 60 min, decision C3).
  qrisBeyondMaximum("requirePaymentMethod"),
  qrisBeyondMaximum("requireConfirmation"),
  {
    description: "a request to capture more than a card's authorised amount",
    session: "processingCardManual",
    method: "POST",
    suffix: "/capture",
    body: { releaseRemainingAmount: false, amount: { value: 60000, currency: "IDR" } },
    status: 400,
    answer: validation("amount.value"),
  },
  // Payments arriving in each status (P1–P4).
  simulation("SUCCESS", "requirePaymentMethod", "refused", 422, invalidState),
  simulation("SUCCESS", "requireConfirmation", "refused", 422, invalidState),
  simulation("SUCCESS", "requireActionVa", "refused for the amount", 422, amountMismatch, 1000),
  simulation("SUCCESS", "requireActionCardManual", "authorised and left for capture", 200, updated),
  simulation("SUCCESS", "processingEwallet", "refused for the amount", 422, amountMismatch, 1000),
  simulation("SUCCESS", "processingCardManual", "a repeat of the authorisation", 200, updated),
  simulation("SUCCESS", "processingEwallet", "settled", 200, updated),
  simulation("SUCCESS", "paid", "a duplicate", 200, updated),
  // A cancelled session that never had a charge has nothing a customer could pay into (P3).
  simulation("SUCCESS", "cancelled", "refused: nothing to pay into", 422, invalidState),
  simulation("SUCCESS", "cancelledChargeFailed", "recorded as late", 200, updated),
  simulation("SUCCESS", "expiredVa", "recorded as late", 200, updated),
  simulation("SUCCESS", "activeClosed", "refused for the amount", 422, amountMismatch, 1000),
  simulation("SUCCESS", "inactive", "recorded as late", 200, updated, 20000),
  simulation("EXPIRED", "requirePaymentMethod", "refused", 422, invalidState),
  simulation("EXPIRED", "requireConfirmation", "refused", 422, invalidState),
  simulation("EXPIRED", "processingEwallet", "refused", 422, invalidState),
  simulation("EXPIRED", "paid", "refused", 422, invalidState),
  simulation("EXPIRED", "cancelled", "refused", 422, invalidState),
  simulation("EXPIRED", "expiredVa", "a repeat", 200, updated),
  {
    ...simulation("EXPIRED", "requirePaymentMethod", "refused", 422, invalidState),
    description:
      "a request to simulate chargeStatus EXPIRED on a session that expired before it had a charge, refused",
    extra: { expiryAt: clockPlus(5) },
    clockMovesTo: clockPlus(10),
  },
  {
    ...simulation("SUCCESS", "requirePaymentMethod", "refused", 422, invalidState),
    description:
      "a request to simulate chargeStatus SUCCESS on a session that expired before it had a charge, refused: nothing to pay into",
    extra: { expiryAt: clockPlus(5) },
    clockMovesTo: clockPlus(10),
  },
  simulation("EXPIRED", "activeClosed", "refused", 422, invalidState),
  simulation("EXPIRED", "inactive", "refused", 422, invalidState),
  // Time passing (L4, P6): each status past its expiryAt, and the statuses that stay.
  lapsed("requirePaymentMethod", "EXPIRED"),
  lapsed("requireConfirmation", "EXPIRED"),
  lapsed("processingEwallet", "EXPIRED"),
  lapsed("processingCardManual", "CANCELLED", { cancellationReason: "CHARGE_FAILED" }),
  lapsed("activeClosed", "INACTIVE"),
  reading("activeClosed", "ACTIVE"),
  reading("inactive", "INACTIVE"),
];

const referenceOf = (index: number) => `INV-COV-${String(index + 1).padStart(2, "0")}`;

describe("the rest of the lifecycle a merchant can cause", () => {
  rows.forEach((row, index) => {
    it(row.description, async () => {
      const params = { ...sessions[row.session], ...row.extra, clientReferenceId: referenceOf(index) };
      const withSession = sessionExists(pact.addInteraction(), params);
      const given =
        row.clockMovesTo === undefined
          ? withSession
          : givenState(withSession, "the clock moves on", { now: row.clockMovesTo });
      const path = row.path ?? sessionPath(row.suffix ?? "");
      await given
        .uponReceiving(row.description)
        .withRequest(row.method, path, (b) => {
          const h = b.headers({ Authorization: authorization });
          if (row.body !== undefined) h.jsonBody(row.body);
        })
        .willRespondWith(row.status, (b) => b.jsonBody(row.answer))
        .executeTest(
          recorded(pact, async (mock) => {
            const url = `${mock.url}${row.path ?? `/v2/payments/${example.sessionId}${row.suffix ?? ""}`}`;
            const body =
              row.body === undefined
                ? undefined
                : JSON.stringify({
                    ...row.body,
                    ...(row.path === "/v2/payments/simulations"
                      ? { paymentSessionId: example.sessionId }
                      : {}),
                  });
            const response = await fetch(url, {
              method: row.method,
              headers: {
                Authorization: `Bearer ${example.accessToken}`,
                ...(body === undefined ? {} : { "Content-Type": "application/json" }),
              },
              ...(body === undefined ? {} : { body }),
            });
            expect(response.status).toBe(row.status);
            const answer = (await response.json()) as Record<string, unknown>;
            if (row.status >= 400) expect(answer.error).toMatchObject({ type: "API_ERROR" });
            row.reads?.(answer);
          }),
        );
    });
  });
});
