/**
 * The operations behind each endpoint, as plain async functions over the store and the core:
 * decoded request in, {@link Answer} out. The HTTP layer calls them; so do the seeding helpers, so
 * test data is made by the same code paths a merchant's requests take.
 *
 * @since 0.1.0
 */
import {
  AccessTokenResponse,
  type CancelPaymentSessionRequest,
  CancelPaymentSessionRequest as CancelSchema,
  type CapturePaymentSessionRequest,
  CaptureResponse,
  CapturePaymentSessionRequest as CaptureSchema,
  type Charge,
  ChargeListResponse,
  type ConfirmPaymentSessionRequest,
  ConfirmPaymentSessionRequest as ConfirmSchema,
  type CreatePaymentSessionRequest,
  CreatePaymentSessionRequest as CreateSchema,
  chargeToOpen,
  createSession,
  creationIssues,
  credentialsInvalidError,
  type ListChargesQuery,
  type ListPaymentSessionsQuery,
  millisToInstant,
  type Pagination,
  PaymentSessionListResponse,
  PaymentSessionResponse,
  persistSession,
  type SessionEvent,
  type SessionSnapshot,
  type SimulationRequest,
  SimulationResponse,
  SimulationRequest as SimulationSchema,
  sessionStatus,
  simulationEvent,
  simulationResultOf,
  toCharge,
  toPaymentSession,
  withCreateDefaults,
  withPageDefaults,
} from "@payment-session/core";
import { Schema } from "effect";
import { issueAccessToken as signAccessToken } from "./accessToken.js";
import { type Answer, failure, fromApiError, fromRefusal, sessionMissing, success } from "./answers.js";
import type { ProviderClock } from "./clock.js";
import {
  type IdempotencyKey,
  idempotencyKeyOf,
  idempotencyRecordOf,
  replayOrConflict,
} from "./idempotency.js";
import type { IdGenerator } from "./ids.js";
import type { Issuers } from "./issuers.js";
import { type Merchant, type MerchantRegistry, merchantConfig } from "./merchants.js";
import { applyToSession, freshSnapshot, type OperationContext, readSession } from "./sessionWrites.js";
import {
  type Database,
  findByClientReferenceId,
  findIdempotencyRecord,
  insertSession,
  listSessions,
  type SessionPage,
  saveIdempotencyRecord,
  type Tx,
} from "./store/index.js";

/**
 * What the operations run on: the database, the clock, the merchants, the issuers, the id
 * generator and the token secret. `startProvider` builds it; tests and seeding helpers get it
 * from the provider handle.
 *
 * @since 0.1.0
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
 * the clock, read once), the trace id of error answers, and the `X-REQUEST-ID` if any.
 *
 * @since 0.1.0
 */
export interface RequestContext {
  readonly merchant: Merchant;
  readonly at: number;
  readonly traceId: string;
  readonly requestId?: string | undefined;
}

const operationContext = (context: RequestContext): OperationContext => ({
  merchantId: context.merchant.id,
  at: context.at,
  traceId: context.traceId,
});

/** The endpoint names idempotency records carry (a key reused on another endpoint is a 409). */
const endpoints = {
  create: "POST /v2/payments",
  confirm: "POST /v2/payments/{id}/confirm",
  cancel: "POST /v2/payments/{id}/cancel",
  capture: "POST /v2/payments/{id}/capture",
  simulate: "POST /v2/payments/simulations",
} as const;

/**
 * Runs `run` unless the request's `X-REQUEST-ID` already has a live record (then its replay, or a
 * 409 for another request).
 */
const idempotent = async (
  services: ProviderServices,
  context: RequestContext,
  endpoint: string,
  request: unknown,
  run: (key: IdempotencyKey | undefined) => Promise<Answer>,
): Promise<Answer> => {
  const key = idempotencyKeyOf(context.merchant.id, context.requestId, endpoint, request, context.at);
  if (key !== undefined) {
    const record = await findIdempotencyRecord(services.db, key.merchantId, key.requestKey, key.at);
    if (record !== null) return replayOrConflict(record, key, context.traceId);
  }
  return run(key);
};

const sessionAnswer = (snapshot: SessionSnapshot): Answer =>
  success(PaymentSessionResponse, { code: "00", message: "Success", data: toPaymentSession(snapshot) });

const pagination = (page: number, perPage: number, totalItems: number): Pagination => ({
  page,
  perPage,
  totalItems,
  totalPages: Math.ceil(totalItems / perPage),
});

// ---------------------------------------------------------------------------------------------
// POST /v1/access-token
// ---------------------------------------------------------------------------------------------

/**
 * `POST /v1/access-token`: a Bearer token valid 900 s for the merchant whose id and secret these
 * are, or 401 `credentials_invalid`. Not idempotent-recorded: it changes nothing.
 *
 * @since 0.1.0
 */
export const accessToken = (
  services: ProviderServices,
  credentials: { readonly merchantId: string; readonly merchantSecret: string },
  at: number,
  traceId: string,
): Answer => {
  const merchant = services.merchants.authenticate(credentials.merchantId, credentials.merchantSecret);
  if (merchant === undefined) {
    return fromApiError(credentialsInvalidError("Invalid X-MERCHANT-ID or X-MERCHANT-SECRET", { traceId }));
  }
  return success(AccessTokenResponse, {
    code: "00",
    message: "Success",
    data: {
      accessToken: signAccessToken(merchant, at, services.tokenSecret),
      expiresIn: "900",
      tokenType: "Bearer",
    },
  });
};

// ---------------------------------------------------------------------------------------------
// POST /v2/payments
// ---------------------------------------------------------------------------------------------

/** Thrown inside the create transaction to roll it back with an answer. */
class CreateRefused {
  constructor(readonly answer: Answer) {}
}

/** Thrown inside the create transaction when a concurrent request with the same key committed first. */
class DuplicateCreate {}

const createInTransaction = async (
  services: ProviderServices,
  context: RequestContext,
  request: CreatePaymentSessionRequest,
  tx: Tx,
  key: IdempotencyKey | undefined,
): Promise<Answer> => {
  const { merchant, at, traceId } = context;
  const id = services.ids.sessionId();
  const plan = chargeToOpen(request, at);
  const input = withCreateDefaults(request);
  const chargeId = services.ids.chargeId();
  const charge =
    plan === null
      ? undefined
      : {
          id: chargeId,
          ...(await services.issuers.forCharge({
            db: tx,
            merchant,
            sessionId: id,
            chargeId,
            mode: input.mode,
            at,
            charge: plan,
          })),
        };
  const issued = await services.issuers.forSession({ db: tx, merchant, sessionId: id, at, request: input });
  const created = createSession(request, {
    id,
    at,
    config: merchantConfig(merchant),
    ...(charge === undefined ? {} : { charge }),
    ...(issued.paymentMethod === undefined ? {} : { paymentMethod: issued.paymentMethod }),
    ...(issued.paymentUrl === undefined ? {} : { paymentUrl: issued.paymentUrl }),
    ...(issued.encryptionKey === undefined ? {} : { encryptionKey: issued.encryptionKey }),
  });
  if (!created.ok) throw new CreateRefused(fromRefusal(created.refusal, traceId));
  const { snapshot } = created;
  await insertSession(tx, {
    id,
    merchantId: merchant.id,
    clientReferenceId: request.clientReferenceId,
    status: sessionStatus(snapshot),
    paymentType: input.paymentType,
    expiryAt: snapshot.context.expiryAt,
    snapshot: persistSession(snapshot),
    createdAt: at,
  });
  const answer = sessionAnswer(snapshot);
  const record = idempotencyRecordOf(key, answer);
  if (record !== undefined && (await saveIdempotencyRecord(tx, record)) === "duplicate") {
    throw new DuplicateCreate();
  }
  return answer;
};

/**
 * `POST /v2/payments`: validates the request against the merchant's config (C3, C5: 400 with
 * `details`, nothing stored), asks the core whether it opens a charge (`chargeToOpen`), issues the
 * instruments, creates the session through the core (C1, C2) and stores it with the idempotency
 * record in one transaction.
 *
 * @since 0.1.0
 */
export const createPayment = (
  services: ProviderServices,
  context: RequestContext,
  request: CreatePaymentSessionRequest,
): Promise<Answer> =>
  idempotent(services, context, endpoints.create, Schema.encodeSync(CreateSchema)(request), async (key) => {
    const issues = creationIssues(withCreateDefaults(request), context.at, merchantConfig(context.merchant));
    if (issues.length > 0) {
      return failure(400, "api_validation_error", "Request validation failed", {
        traceId: context.traceId,
        details: issues,
      });
    }
    try {
      return await services.db.transaction((tx) => createInTransaction(services, context, request, tx, key));
    } catch (error) {
      if (error instanceof CreateRefused) return error.answer;
      if (!(error instanceof DuplicateCreate) || key === undefined) throw error;
      // A concurrent request with the same key committed first: replay it (or 409 if it differs).
      const record = await findIdempotencyRecord(services.db, key.merchantId, key.requestKey, key.at);
      return replayOrConflict(record, key, context.traceId);
    }
  });

// ---------------------------------------------------------------------------------------------
// POST /v2/payments/{id}/confirm, cancel, capture
// ---------------------------------------------------------------------------------------------

/**
 * `POST /v2/payments/{id}/confirm` (decision L1): the core's `CONFIRM` with a charge issued only if
 * the core says the confirm opens one (`chargeToOpen` on the session as of now).
 *
 * @since 0.1.0
 */
export const confirmPayment = (
  services: ProviderServices,
  context: RequestContext,
  id: string,
  body: ConfirmPaymentSessionRequest,
): Promise<Answer> =>
  idempotent(
    services,
    context,
    endpoints.confirm,
    { id, body: Schema.encodeSync(ConfirmSchema)(body) },
    (key) =>
      applyToSession(
        services.db,
        operationContext(context),
        id,
        {
          plan: async (snapshot, tx) => {
            const intent = {
              type: "CONFIRM" as const,
              at: context.at,
              paymentMethod: body.paymentMethod,
              paymentMethodOptions: body.paymentMethodOptions,
              config: merchantConfig(context.merchant),
            };
            const plan = chargeToOpen(snapshot, intent);
            const chargeId = services.ids.chargeId();
            const issued =
              plan === null
                ? {}
                : await services.issuers.forCharge({
                    db: tx,
                    merchant: context.merchant,
                    sessionId: id,
                    chargeId,
                    mode: snapshot.context.settings.mode,
                    at: context.at,
                    charge: plan,
                  });
            return { _tag: "Event", event: { ...intent, charge: { id: chargeId, ...issued } } };
          },
          answer: (applied) => sessionAnswer(applied.snapshot),
        },
        key,
      ),
  );

/**
 * `POST /v2/payments/{id}/cancel` (decisions L3, L6): the core's `CANCEL`.
 *
 * @since 0.1.0
 */
export const cancelPayment = (
  services: ProviderServices,
  context: RequestContext,
  id: string,
  body: CancelPaymentSessionRequest,
): Promise<Answer> =>
  idempotent(
    services,
    context,
    endpoints.cancel,
    { id, body: Schema.encodeSync(CancelSchema)(body) },
    (key) =>
      applyToSession(
        services.db,
        operationContext(context),
        id,
        {
          plan: async () => ({
            _tag: "Event",
            event: { type: "CANCEL", at: context.at, cancellationReason: body.cancellationReason },
          }),
          answer: (applied) => sessionAnswer(applied.snapshot),
        },
        key,
      ),
  );

/**
 * `POST /v2/payments/{id}/capture` (decision P6): the core's `CAPTURE` with a new capture id; the
 * answer is the capture object (status `SUCCESS`: the sandbox captures at once).
 *
 * @since 0.1.0
 */
export const capturePayment = (
  services: ProviderServices,
  context: RequestContext,
  id: string,
  body: CapturePaymentSessionRequest,
): Promise<Answer> =>
  idempotent(
    services,
    context,
    endpoints.capture,
    { id, body: Schema.encodeSync(CaptureSchema)(body) },
    (key) => {
      const captureId = services.ids.captureId();
      return applyToSession(
        services.db,
        operationContext(context),
        id,
        {
          plan: async () => ({
            _tag: "Event",
            event: {
              type: "CAPTURE",
              at: context.at,
              captureId,
              releaseRemainingAmount: body.releaseRemainingAmount,
              amount: body.amount,
            },
          }),
          answer: (applied) => {
            const session = applied.snapshot.context;
            const charge = session.charges.find((c) =>
              c.context.captures.some((x) => x.captureId === captureId),
            );
            const record = charge?.context.captures.find((x) => x.captureId === captureId);
            const currency = charge?.context.amount.currency ?? session.amount.currency;
            const instant = millisToInstant(record?.at ?? context.at);
            return success(CaptureResponse, {
              code: "00",
              message: "Success",
              data: {
                id: captureId,
                paymentSessionId: session.id,
                paymentSessionClientReferenceId: session.settings.clientReferenceId,
                releaseRemainingAmount: body.releaseRemainingAmount,
                amount: { value: record?.amount ?? 0, currency },
                status: "SUCCESS",
                createdAt: instant,
                updatedAt: instant,
              },
            });
          },
        },
        key,
      );
    },
  );

// ---------------------------------------------------------------------------------------------
// POST /v2/payments/simulations
// ---------------------------------------------------------------------------------------------

/**
 * `POST /v2/payments/simulations` (sandbox): the same core events a bank notification would send.
 *
 * - `SUCCESS` → `PAYMENT_RECEIVED` for the session's charge (a MULTIPLE session's payment is a new
 *   transfer, so it gets a new charge id), for `amount` (default: the charge's amount; mandatory
 *   for an open-amount MULTIPLE session). A wrong amount is 422 `amount_mismatch` (P1); the same
 *   payment again is answered the same (P2); after the end it is recorded as late (P3).
 * - `EXPIRED` → `CHARGE_EXPIRED`.
 *
 * Answers `{ updated: "true", result }`: `APPLIED`, `DUPLICATE` or `RECORDED_LATE` (P3). A payment
 * into a session that never had a charge is refused by the core (422 `invalid_state`).
 *
 * @since 0.1.0
 */
export const simulatePayment = (
  services: ProviderServices,
  context: RequestContext,
  body: SimulationRequest,
): Promise<Answer> =>
  idempotent(services, context, endpoints.simulate, Schema.encodeSync(SimulationSchema)(body), (key) =>
    applyToSession(
      services.db,
      operationContext(context),
      body.paymentSessionId,
      {
        plan: async (snapshot) => {
          const plan = simulationEvent(snapshot, body, context.at, () => services.ids.chargeId());
          if (plan._tag === "Event") return plan;
          return {
            _tag: "Answer",
            answer: failure(400, "api_validation_error", "Request validation failed", {
              traceId: context.traceId,
              details: plan.details,
            }),
          };
        },
        answer: ({ outcome }) =>
          success(SimulationResponse, {
            code: "00",
            message: "Success",
            data: {
              updated: "true",
              ...(outcome._tag === "Refused" ? {} : { result: simulationResultOf(outcome) }),
            },
          }),
      },
      key,
    ),
  );

// ---------------------------------------------------------------------------------------------
// GET /v2/payments/{id}, GET /v2/payments, GET /v2/charges
// ---------------------------------------------------------------------------------------------

/**
 * `GET /v2/payments/{id}`: the session as of now (expired and stored first if its time passed,
 * decision L4), or 404 `resource_missing` (also for another merchant's session).
 *
 * @since 0.1.0
 */
export const getPayment = async (
  services: ProviderServices,
  context: RequestContext,
  id: string,
): Promise<Answer> => {
  const snapshot = await readSession(services.db, context.merchant.id, id, context.at);
  return snapshot === null ? sessionMissing(id, context.traceId) : sessionAnswer(snapshot);
};

const freshPage = async (services: ProviderServices, at: number, page: SessionPage) => {
  const snapshots: Array<SessionSnapshot> = [];
  for (const row of page.items) snapshots.push(await freshSnapshot(services.db, row, at));
  return snapshots;
};

/**
 * `GET /v2/payments[?clientReferenceId=…][&page=…&perPage=…]`: the merchant's sessions, newest
 * first, as of now (decision C4: a reference may name several), with `pagination`.
 *
 * @since 0.1.0
 */
export const listPayments = async (
  services: ProviderServices,
  context: RequestContext,
  query: ListPaymentSessionsQuery,
): Promise<Answer> => {
  const { page, perPage } = withPageDefaults(query);
  const result =
    query.clientReferenceId === undefined
      ? await listSessions(services.db, context.merchant.id, { page, perPage })
      : await findByClientReferenceId(services.db, context.merchant.id, query.clientReferenceId, {
          page,
          perPage,
        });
  const snapshots = await freshPage(services, context.at, result);
  return success(PaymentSessionListResponse, {
    code: "00",
    message: "Success",
    data: snapshots.map(toPaymentSession),
    pagination: pagination(page, perPage, result.totalItems),
  });
};

/**
 * `GET /v2/charges?clientReferenceId=…`: every charge of the merchant's sessions with that
 * reference (sessions newest first, charges in the order they were opened), paged.
 *
 * @since 0.1.0
 */
export const listCharges = async (
  services: ProviderServices,
  context: RequestContext,
  query: ListChargesQuery,
): Promise<Answer> => {
  const { page, perPage } = withPageDefaults(query);
  const charges: Array<Charge> = [];
  for (let sessionPage = 1; ; sessionPage++) {
    const result = await findByClientReferenceId(services.db, context.merchant.id, query.clientReferenceId, {
      page: sessionPage,
      perPage: 100,
    });
    for (const snapshot of await freshPage(services, context.at, result)) {
      for (const charge of snapshot.context.charges) charges.push(toCharge(snapshot, charge));
    }
    if (sessionPage * 100 >= result.totalItems) break;
  }
  return success(ChargeListResponse, {
    code: "00",
    message: "Success",
    data: charges.slice((page - 1) * perPage, page * perPage),
    pagination: pagination(page, perPage, charges.length),
  });
};

// ---------------------------------------------------------------------------------------------
// Channel notifications
// ---------------------------------------------------------------------------------------------

/**
 * Applies a channel's notification to a session — the customer authenticating, the partner
 * processing, an authorisation, a decline (`CUSTOMER_AUTHENTICATING`, `CHARGE_PROCESSING`,
 * `AUTHORIZED`, `CHARGE_FAILED`, …) — through the same write path as the API (lazy expiry, core,
 * outbox). `event` gets the session as of now and returns the event (its `at` should be
 * `context.at`). Answers the session, or the refusal.
 *
 * @since 0.1.0
 */
export const applyChannelEvent = (
  services: ProviderServices,
  context: RequestContext,
  id: string,
  event: (snapshot: SessionSnapshot) => SessionEvent,
): Promise<Answer> =>
  applyToSession(services.db, operationContext(context), id, {
    plan: async (snapshot) => ({ _tag: "Event", event: event(snapshot) }),
    answer: (applied) => sessionAnswer(applied.snapshot),
  });
