/**
 * The operations behind each endpoint, as Effects over the store and the core: decoded request in,
 * the endpoint's success value out, or one of the endpoint's declared errors (the core's API error
 * classes). The HTTP layer runs them (the writes inside the idempotency layer's transaction); so do
 * the seeding helpers, so test data is made by the same code paths a merchant's requests take.
 *
 * @since 0.1.0
 */
import {
  type AccessTokenResponse,
  type ApiValidationError,
  apiValidationError,
  type CancelPaymentSessionRequest,
  type CapturePaymentSessionRequest,
  type CaptureResponse,
  type Charge,
  type ChargeListResponse,
  type ConfirmPaymentSessionRequest,
  type CreatePaymentSessionRequest,
  type CredentialsInvalidError,
  chargeRequestFor,
  createFromPlan,
  credentialsInvalidError,
  type ListChargesQuery,
  type ListPaymentSessionsQuery,
  type PaymentMethod,
  type PaymentSessionListResponse,
  type PaymentSessionResponse,
  persistSession,
  planCreate,
  type ResourceMissingError,
  type SessionEvent,
  type SessionSnapshot,
  type SimulationRequest,
  type SimulationResponse,
  sessionMissingError,
  sessionStatus,
  simulationEvent,
  simulationResultOf,
  toCapture,
  toCharge,
  toPaymentSession,
  withPageDefaults,
} from "@payment-session/core";
import { Effect } from "effect";
import { issueAccessToken as signAccessToken } from "./accessToken.js";
import { listBody, successBody } from "./answers.js";
import { privateCardKeyOf } from "./cardKeys.js";
import type { ProviderClock } from "./clock.js";
import { decryptCard } from "./decryptCard.js";
import type { IdGenerator } from "./ids.js";
import type { Issuers } from "./issuers.js";
import { type Merchant, type MerchantRegistry, merchantConfig } from "./merchants.js";
import { applyToSession, freshSnapshots, fromStore, readSession } from "./sessionWrites.js";
import {
  type Database,
  deferInsertSession,
  listSessions,
  type StoreUnavailable,
  type Tx,
} from "./store/index.js";
import { creationEntry } from "./timeline.js";

/**
 * What the operations run on: the database, the clock, the merchants, the issuers, the id
 * generator and the token secret. `startProvider` builds it; tests and seeding helpers get it
 * from the provider handle.
 *
 * @since 0.1.0
 * @category Server
 */
export interface ProviderServices {
  readonly db: Database;
  readonly clock: ProviderClock;
  readonly merchants: MerchantRegistry;
  readonly issuers: Issuers;
  readonly ids: IdGenerator;
  /** Mixed into every token's signing key (with the merchant's secret). */
  readonly tokenSecret: string;
}

/**
 * One request as the operations see it: the merchant (from the Bearer token), the instant (from
 * the clock, read once) and the trace id of error answers.
 *
 * @since 0.1.0
 * @category Server
 */
export interface RequestContext {
  readonly merchant: Merchant;
  readonly at: number;
  readonly traceId: string;
}

type PaymentSessionAnswer = typeof PaymentSessionResponse.Type;

const sessionAnswer = (snapshot: SessionSnapshot): PaymentSessionAnswer =>
  successBody(toPaymentSession(snapshot));

/**
 * `POST /v1/access-token`: a Bearer token valid 900 s for the merchant whose id and secret these
 * are, or 401 `credentials_invalid`. Not idempotent-recorded: it changes nothing.
 */
export const accessToken = (
  services: ProviderServices,
  credentials: { readonly merchantId: string; readonly merchantSecret: string },
  at: number,
  traceId: string,
): Effect.Effect<typeof AccessTokenResponse.Type, CredentialsInvalidError> => {
  const merchant = services.merchants.authenticate(credentials.merchantId, credentials.merchantSecret);
  return merchant === undefined
    ? Effect.fail(credentialsInvalidError("Invalid X-MERCHANT-ID or X-MERCHANT-SECRET", { traceId }))
    : Effect.succeed(
        successBody({
          accessToken: signAccessToken(merchant, at, services.tokenSecret),
          expiresIn: "900",
          tokenType: "Bearer" as const,
        }),
      );
};

/**
 * `POST /v2/payments`: the core checks and plans the request once (`planCreate`: C3, C5 → 400 with
 * `details`, nothing stored), the issuers make what the plan asks for (the charge an autoConfirm
 * create opens, the static VA / QR, the hosted page, the key), the core creates the session (C1,
 * C2) and it is stored in `tx`.
 */
export const createPayment = (
  services: ProviderServices,
  context: RequestContext,
  tx: Tx,
  request: CreatePaymentSessionRequest,
): Effect.Effect<PaymentSessionAnswer, ApiValidationError | StoreUnavailable> =>
  Effect.gen(function* () {
    const { merchant, at, traceId } = context;
    const planned = planCreate(request, at, merchantConfig(merchant));
    if (!planned.ok)
      return yield* Effect.fail(apiValidationError(planned.refusal.details ?? [], { traceId }));
    const { plan } = planned;
    const issue = { db: tx, merchant, sessionId: services.ids.sessionId(), at };
    const chargeId = services.ids.chargeId();
    const opens = plan.charge;
    const charge =
      opens === null
        ? undefined
        : {
            id: chargeId,
            ...(yield* fromStore(() =>
              services.issuers.forCharge({ ...issue, chargeId, mode: plan.input.mode, charge: opens }),
            )),
          };
    const issued = yield* fromStore(() =>
      services.issuers.forSession({ ...issue, request: plan.input, extras: plan.extras }),
    );
    const id = issue.sessionId;
    const created = createFromPlan(plan, { id, charge, ...issued });
    if (!created.ok) return yield* Effect.die(new Error(created.refusal.message));
    const { snapshot } = created;
    // Deferred (decision P12): the row, the timeline entry and the idempotency record travel with
    // the COMMIT; a create is one round trip. The row and its timeline entry are one statement (P19).
    yield* Effect.sync(() =>
      deferInsertSession(tx, {
        id,
        merchantId: merchant.id,
        clientReferenceId: request.clientReferenceId,
        status: sessionStatus(snapshot),
        paymentType: plan.input.paymentType,
        expiryAt: snapshot.context.expiryAt,
        snapshot: persistSession(snapshot),
        createdAt: at,
        timeline: [creationEntry(merchant.id, snapshot)],
      }),
    );
    return sessionAnswer(snapshot);
  });

/** The field a card that does not decrypt is refused at. */
const encryptedCardField = "paymentMethod.card.encryptedCard";

/** `paymentMethod` without `card.encryptedCard`: what a confirm stores (the card is never kept). */
const withoutEncryptedCard = (paymentMethod: PaymentMethod): PaymentMethod => {
  if (!("card" in paymentMethod) || paymentMethod.card?.encryptedCard === undefined) return paymentMethod;
  const { encryptedCard: _sealed, ...card } = paymentMethod.card;
  return { ...paymentMethod, card };
};

const digitsOf = (value: string): number | undefined =>
  /^[0-9]{1,4}$/.test(value) ? Number(value) : undefined;

/**
 * The card inside `encryptedCard`, opened with the private key of the session's `encryptionKey`
 * (decision S3), as the issuer's view of the payment method (number and expiry, in memory only),
 * or 400 at `paymentMethod.card.encryptedCard`.
 */
const openCard = (
  tx: Tx,
  snapshot: SessionSnapshot,
  paymentMethod: PaymentMethod,
  encryptedCard: string,
  traceId: string,
): Effect.Effect<PaymentMethod, ApiValidationError | StoreUnavailable> =>
  Effect.gen(function* () {
    // Only a card method carries `card` (PaymentMethod is discriminated by `type`).
    if (!("card" in paymentMethod)) return paymentMethod;
    const refuse = (message: string) =>
      Effect.fail(apiValidationError([{ field: encryptedCardField, message }], { traceId }));
    const encryptionKey = snapshot.context.encryptionKey;
    if (encryptionKey === null)
      return yield* refuse(
        "this session has no encryptionKey (a CARD session in mode API with autoConfirm false has one)",
      );
    const privateKey = yield* fromStore(() => privateCardKeyOf(tx, encryptionKey));
    if (privateKey === null) return yield* refuse("does not decrypt with this session's key");
    const opened = decryptCard(privateKey, encryptedCard);
    if ("error" in opened) return yield* refuse(opened.error);
    const expMonth = digitsOf(opened.card.expiryMonth);
    const expYear = digitsOf(opened.card.expiryYear);
    if (expMonth === undefined || expMonth < 1 || expMonth > 12 || expYear === undefined)
      return yield* refuse("holds no valid card expiry (expiryMonth 1–12, expiryYear digits)");
    return {
      ...paymentMethod,
      card: { ...paymentMethod.card, number: opened.card.number, expMonth, expYear },
    };
  });

/**
 * `POST /v2/payments/{id}/confirm` (decision L1): the core's `CONFIRM` with a charge issued only if
 * the core says the confirm opens one (`chargeRequestFor` on the session as of now). A card sent as
 * `encryptedCard` (decision S3) is opened with the session's key first (400 at
 * `paymentMethod.card.encryptedCard` if it does not decrypt or holds no card, nothing changed);
 * the issuer sees its number to mask it, the session stores the method without it.
 */
export const confirmPayment = (
  services: ProviderServices,
  context: RequestContext,
  tx: Tx,
  id: string,
  body: ConfirmPaymentSessionRequest,
) =>
  applyToSession(tx, context, id, (snapshot, tx) =>
    Effect.gen(function* () {
      const intent = {
        type: "CONFIRM" as const,
        at: context.at,
        paymentMethod: withoutEncryptedCard(body.paymentMethod),
        paymentMethodOptions: body.paymentMethodOptions,
        config: merchantConfig(context.merchant),
      };
      const opens = chargeRequestFor(snapshot, intent);
      const encryptedCard = "card" in body.paymentMethod ? body.paymentMethod.card?.encryptedCard : undefined;
      const chargeId = services.ids.chargeId();
      if (opens === null) return { ...intent, charge: { id: chargeId } } satisfies SessionEvent;
      const paymentMethod =
        encryptedCard === undefined || opens.paymentMethod === null
          ? opens.paymentMethod
          : yield* openCard(tx, snapshot, opens.paymentMethod, encryptedCard, context.traceId);
      const issued = yield* fromStore(() =>
        services.issuers.forCharge({
          db: tx,
          merchant: context.merchant,
          sessionId: id,
          chargeId,
          mode: snapshot.context.settings.mode,
          at: context.at,
          charge: { ...opens, paymentMethod },
        }),
      );
      return { ...intent, charge: { id: chargeId, ...issued } } satisfies SessionEvent;
    }),
  ).pipe(Effect.map((applied): PaymentSessionAnswer => sessionAnswer(applied.snapshot)));

/** `POST /v2/payments/{id}/cancel` (decisions L3, L6): the core's `CANCEL`. */
export const cancelPayment = (
  context: RequestContext,
  tx: Tx,
  id: string,
  body: CancelPaymentSessionRequest,
) => applyChannelEvent(context, tx, id, () => ({ type: "CANCEL", at: context.at, ...body }));

/**
 * `POST /v2/payments/{id}/capture` (decision P6): the core's `CAPTURE` with a new capture id; the
 * answer is the core's capture object (`toCapture`).
 */
export const capturePayment = (
  services: ProviderServices,
  context: RequestContext,
  tx: Tx,
  id: string,
  body: CapturePaymentSessionRequest,
) => {
  const captureId = services.ids.captureId();
  return applyToSession(tx, context, id, () =>
    Effect.succeed<SessionEvent>({ type: "CAPTURE", at: context.at, captureId, ...body }),
  ).pipe(
    Effect.flatMap((applied) => {
      const capture = toCapture(applied.snapshot, captureId, body.releaseRemainingAmount);
      return capture === null
        ? Effect.die(new Error(`capture ${captureId} was accepted but not recorded`))
        : Effect.succeed<typeof CaptureResponse.Type>(successBody(capture));
    }),
  );
};

/**
 * `POST /v2/payments/simulations` (sandbox): the event the core's `simulationEvent` says a bank
 * notification is (a 400 when it says the amount is missing). A wrong amount is 422
 * `amount_mismatch` (P1); the same payment again is answered the same (P2); after the end it is
 * recorded as late (P3). Answers `{ updated: "true", result }`.
 */
export const simulatePayment = (
  services: ProviderServices,
  context: RequestContext,
  tx: Tx,
  body: SimulationRequest,
) =>
  applyToSession(tx, context, body.paymentSessionId, (snapshot) => {
    const plan = simulationEvent(snapshot, body, context.at, () => services.ids.chargeId());
    return plan._tag === "Event"
      ? Effect.succeed(plan.event)
      : Effect.fail(apiValidationError(plan.details, { traceId: context.traceId }));
  }).pipe(
    Effect.map(({ outcome }): typeof SimulationResponse.Type =>
      successBody({ updated: "true" as const, result: simulationResultOf(outcome) }),
    ),
  );

/**
 * Applies a channel's notification (or any event the caller builds from the session as of now) to
 * a session through the same write path as the API (lazy expiry, core, outbox): the customer
 * authenticating, the partner processing, an authorisation, a decline (`CUSTOMER_AUTHENTICATING`,
 * `CHARGE_PROCESSING`, `AUTHORIZED`, `CHARGE_FAILED`, …). Its `at` should be `context.at`.
 */
export const applyChannelEvent = (
  context: RequestContext,
  tx: Tx,
  id: string,
  event: (snapshot: SessionSnapshot) => SessionEvent,
) =>
  applyToSession(tx, context, id, (snapshot) => Effect.sync(() => event(snapshot))).pipe(
    Effect.map((applied): PaymentSessionAnswer => sessionAnswer(applied.snapshot)),
  );

/**
 * `GET /v2/payments/{id}`: the session as of now (expired and stored first if its time passed,
 * decision L4), or 404 `resource_missing` (also for another merchant's session).
 */
export const getPayment = (
  services: ProviderServices,
  context: RequestContext,
  id: string,
): Effect.Effect<PaymentSessionAnswer, ResourceMissingError | StoreUnavailable> =>
  Effect.flatMap(
    fromStore(() => readSession(services.db, context.merchant.id, id, context.at)),
    (snapshot) =>
      snapshot === null
        ? Effect.fail(sessionMissingError(id, { traceId: context.traceId }))
        : Effect.succeed(sessionAnswer(snapshot)),
  );

/**
 * `GET /v2/payments[?clientReferenceId=…][&page=…&perPage=…]`: the merchant's sessions, newest
 * first, as of now (decision C4: a reference may name several), with `pagination`.
 */
export const listPayments = (
  services: ProviderServices,
  context: RequestContext,
  query: ListPaymentSessionsQuery,
): Effect.Effect<typeof PaymentSessionListResponse.Type, StoreUnavailable> =>
  fromStore(async () => {
    const { page, perPage } = withPageDefaults(query);
    const result = await listSessions(services.db, context.merchant.id, {
      page,
      perPage,
      clientReferenceId: query.clientReferenceId,
    });
    const snapshots = await freshSnapshots(services.db, result.items, context.at);
    return listBody(snapshots.map(toPaymentSession), page, perPage, result.totalItems);
  });

/**
 * `GET /v2/charges?clientReferenceId=…`: every charge of the merchant's sessions with that
 * reference (sessions newest first, charges in the order they were opened), paged.
 */
export const listCharges = (
  services: ProviderServices,
  context: RequestContext,
  query: ListChargesQuery,
): Effect.Effect<typeof ChargeListResponse.Type, StoreUnavailable> =>
  fromStore(async () => {
    const { page, perPage } = withPageDefaults(query);
    const charges: Array<Charge> = [];
    for (let sessionPage = 1; ; sessionPage++) {
      const result = await listSessions(services.db, context.merchant.id, {
        page: sessionPage,
        perPage: 100,
        clientReferenceId: query.clientReferenceId,
      });
      for (const snapshot of await freshSnapshots(services.db, result.items, context.at)) {
        for (const charge of snapshot.context.charges) charges.push(toCharge(snapshot, charge));
      }
      if (sessionPage * 100 >= result.totalItems) break;
    }
    return listBody(charges.slice((page - 1) * perPage, page * perPage), page, perPage, charges.length);
  });
