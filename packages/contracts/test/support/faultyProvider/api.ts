/**
 * The faulty provider's endpoints as functions: decoded request in, answer out. Each lifecycle
 * decision is the core's (`createSession`, `chargeRequestFor`, `applyEvent`, `simulationEvent`,
 * `refusalAnswer`); the defects are the marked switches between the request and the core, or
 * between the core and the answer.
 */
import {
  constants,
  createDecipheriv,
  createHash,
  createPrivateKey,
  privateDecrypt,
  randomUUID,
} from "node:crypto";
import {
  AccessTokenResponse,
  applyEvent,
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
  chargeRequestFor,
  createSession,
  credentialsInvalidError,
  type ErrorDetail,
  ErrorEnvelope,
  idempotencyError,
  instantToMillis,
  invalidStateError,
  type ListChargesQuery,
  type ListPaymentSessionsQuery,
  millisToInstant,
  type PaymentMethod,
  PaymentSessionListResponse,
  PaymentSessionResponse,
  persistSession,
  type Refused,
  refusalAnswer,
  resourceMissingError,
  restoreSession,
  type SessionEvent,
  type SessionSnapshot,
  type SimulationRequest,
  SimulationResponse,
  SimulationRequest as SimulationSchema,
  sessionStatus,
  simulationEvent,
  toCharge,
  withCreateDefaults,
  withPageDefaults,
} from "@payment-session/core";
import { Schema } from "effect";
import {
  type IdempotencyRecord,
  type Merchant,
  requestHash,
  type StoredSession,
  type World,
} from "./world.js";

/** An HTTP answer: status and JSON body. */
export interface Answer {
  readonly status: number;
  readonly body: unknown;
}

const encodeError = Schema.encodeSync(ErrorEnvelope);

/** An error envelope answer (the core's error values carry code, message and `error`). */
export const errorAnswer = (
  status: number,
  error: { readonly code: string; readonly message: string; readonly error: ErrorEnvelope["error"] },
): Answer => ({
  status,
  body: encodeError({
    code: error.code,
    message: error.message,
    error: { ...error.error, traceId: randomUUID() },
  }),
});

/** 400 `api_validation_error` with one `details[]` entry per field. */
export const validationAnswer = (details: ReadonlyArray<ErrorDetail>): Answer =>
  errorAnswer(400, {
    code: "api_validation_error",
    message: "Request validation failed",
    error: { type: "API_ERROR", source: "UPSTREAM", details },
  });

/** 401 `credentials_invalid`. */
export const unauthorised = (message: string): Answer => errorAnswer(401, credentialsInvalidError(message));

const missing = (id: string): Answer => errorAnswer(404, resourceMissingError("PaymentSession", id));

const success = <S extends Schema.Encoder<unknown>>(schema: S, value: S["Type"]): Answer => ({
  status: 200,
  body: Schema.encodeSync(schema)(value),
});

/** The answer of a core refusal, through the core's own mapping (decisions L2, P1, C3, C5). */
const refusal = (world: World, refused: Refused): Answer => {
  const mapped = refusalAnswer(refused.code);
  // Defect invalidStateWrongCode: a home-made code for a state refusal.
  const code =
    world.has("invalidStateWrongCode") && mapped.code === "invalid_state" ? "bad_request" : mapped.code;
  return errorAnswer(mapped.status, {
    code,
    message: refused.message,
    error: {
      type: mapped.type,
      source: mapped.source,
      ...(refused.details === undefined ? {} : { details: refused.details }),
    },
  });
};

/** The merchant a request acts for, and its `X-REQUEST-ID`. */
export interface Caller {
  readonly merchant: Merchant;
  readonly requestId: string | undefined;
}

const sessionAnswer = (world: World, snapshot: SessionSnapshot): Answer =>
  success(PaymentSessionResponse, { code: "00", message: "Success", data: world.render(snapshot) });

/**
 * Decision C6: the stored answer for the caller's key (the same request again) or a 409 (another
 * request), else runs `run` and keeps its answer when it is a 200 or a 422.
 */
const idempotent = (
  world: World,
  caller: Caller,
  endpoint: string,
  request: unknown,
  run: () => Answer,
): Answer => {
  if (caller.requestId === undefined) return run();
  const key = `${caller.merchant.id}\n${caller.requestId}`;
  const hash = requestHash(endpoint, request);
  const record = world.idempotency.get(key);
  const live = record !== undefined && record.at + 24 * 3_600_000 > world.now();
  if (live) {
    // Defect idempotencyIgnoresBody: the key alone decides a replay.
    const same =
      world.has("idempotencyIgnoresBody") || (record.requestHash === hash && record.endpoint === endpoint);
    if (!same) return errorAnswer(409, idempotencyError());
    // Defect replayCreatesNewSession: the create checks its key for conflicts only, and runs again.
    if (!(world.has("replayCreatesNewSession") && endpoint === "create")) {
      return { status: record.status, body: record.body };
    }
  }
  const answer = run();
  if (answer.status === 200 || answer.status === 422) {
    const stored: IdempotencyRecord = {
      endpoint,
      requestHash: hash,
      status: answer.status,
      body: answer.body,
      at: world.now(),
    };
    world.idempotency.set(key, stored);
  }
  return answer;
};

/** Runs `run` on the caller's session as of now, or 404 (another merchant's session too). */
const onSession = (
  world: World,
  caller: Caller,
  id: string,
  run: (session: StoredSession) => Answer,
): Answer => {
  const session = world.sessions.get(id);
  if (session === undefined || session.merchantId !== caller.merchant.id) return missing(id);
  world.expireDue(session);
  return run(session);
};

/** Applies an event through the core: the refusal's answer, or the stored outcome's `answer`. */
const apply = (
  world: World,
  session: StoredSession,
  event: SessionEvent,
  merchantRequest: boolean,
  answer: (snapshot: SessionSnapshot) => Answer,
): Answer => {
  const applied = applyEvent(session.snapshot, event);
  if (applied.outcome._tag === "Refused") return refusal(world, applied.outcome);
  world.commit(session, applied, merchantRequest);
  return answer(session.snapshot);
};

// ---------------------------------------------------------------------------------------------

/** `POST /v1/access-token`: a token valid 900 s on the provider clock, or 401. */
export const accessToken = (world: World, merchantId: string, merchantSecret: string): Answer => {
  const merchant = world.merchants.get(merchantId);
  if (merchant === undefined || merchant.secret !== merchantSecret) {
    return unauthorised("Invalid X-MERCHANT-ID or X-MERCHANT-SECRET");
  }
  return success(AccessTokenResponse, {
    code: "00",
    message: "Success",
    data: { accessToken: world.issueToken(merchant.id), expiresIn: "900", tokenType: "Bearer" },
  });
};

/** The merchant a Bearer token belongs to, if it is known and alive. */
export const authenticate = (world: World, authorization: string | undefined): Merchant | undefined => {
  const token = /^Bearer (.+)$/.exec(authorization ?? "")?.[1];
  const record = token === undefined ? undefined : world.tokens.get(token);
  if (record === undefined) return undefined;
  // Defect expiredTokenAccepted: the lifetime is never checked.
  if (!world.has("expiredTokenAccepted") && world.now() >= record.expiresAt) return undefined;
  return world.merchants.get(record.merchantId);
};

/** Creates a session through the core (C1, C2, C3, C5), with the create defects applied. */
const createNow = (world: World, merchant: Merchant, body: CreatePaymentSessionRequest): Answer => {
  let request = body;
  // Defect autoConfirmDefaultsToFalse.
  if (world.has("autoConfirmDefaultsToFalse") && request.autoConfirm === undefined) {
    request = { ...request, autoConfirm: false };
  }
  // Defect autoConfirmIgnored.
  if (
    world.has("autoConfirmIgnored") &&
    request.paymentMethod !== undefined &&
    request.paymentType !== "MULTIPLE"
  ) {
    request = { ...request, autoConfirm: true };
  }
  const now = world.now();
  let at = now;
  // Defect pastExpiryAccepted: a past expiryAt is not validated (the session is created just before it).
  if (world.has("pastExpiryAccepted") && request.expiryAt !== undefined) {
    at = Math.min(now, instantToMillis(request.expiryAt) - 1000);
  }
  const { session, answer } = storeNewSession(world, merchant, request, at);
  if (session !== undefined) world.expireDue(session);
  return session === undefined ? answer : sessionAnswer(world, session.snapshot);
};

/**
 * The faithful create: ids and instruments issued for what the core says the request opens, the
 * session made and stored by the core. Shared with the seeding of provider states.
 */
export const storeNewSession = (
  world: World,
  merchant: Merchant,
  request: CreatePaymentSessionRequest,
  at: number,
): { readonly session?: StoredSession; readonly answer: Answer } => {
  const id = randomUUID();
  const input = withCreateDefaults(request);
  const plan = chargeRequestFor(request, at);
  const chargeId = randomUUID();
  const charge =
    plan === null
      ? undefined
      : { id: chargeId, ...world.issuer.forCharge(plan, chargeId, merchant.id, input.mode) };
  const created = createSession(request, {
    id,
    at,
    config: world.config,
    ...(charge === undefined ? {} : { charge }),
    ...world.issuer.forSession(input, id, merchant.id),
  });
  if (!created.ok) return { answer: refusal(world, created.refusal) };
  const session: StoredSession = {
    id,
    merchantId: merchant.id,
    snapshot: created.snapshot,
    listedStatus: sessionStatus(created.snapshot),
  };
  world.sessions.set(id, session);
  return { session, answer: sessionAnswer(world, created.snapshot) };
};

/** `POST /v2/payments`. */
export const create = (world: World, caller: Caller, body: CreatePaymentSessionRequest): Answer =>
  idempotent(world, caller, "create", Schema.encodeSync(CreateSchema)(body), () =>
    createNow(world, caller.merchant, body),
  );

/** The CONFIRM of a body, with the charge the core says it opens (decision L1). */
export const confirmEvent = (
  world: World,
  merchant: Merchant,
  snapshot: SessionSnapshot,
  body: ConfirmPaymentSessionRequest,
  at: number,
  opened?: PaymentMethod,
): SessionEvent => {
  const intent = { type: "CONFIRM" as const, at, config: world.config, ...body };
  const plan = chargeRequestFor(snapshot, intent);
  const chargeId = randomUUID();
  const issued =
    plan === null
      ? {}
      : world.issuer.forCharge(
          opened === undefined ? plan : { ...plan, paymentMethod: opened },
          chargeId,
          merchant.id,
          snapshot.context.settings.mode,
        );
  return { ...intent, charge: { id: chargeId, ...issued } };
};

/** The card inside an `encryptedCard` (facts §13), or `undefined` when it does not open. */
const openCard = (
  privateKeyPem: string,
  encryptedCard: string,
): { number: string; expMonth: number; expYear: number } | undefined => {
  try {
    const parts = JSON.parse(Buffer.from(encryptedCard, "base64").toString("utf8")) as Record<string, string>;
    const key = privateDecrypt(
      { key: createPrivateKey(privateKeyPem), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" },
      Buffer.from(parts.encryptedKey ?? "", "base64"),
    );
    const sealed = Buffer.from(parts.ciphertext ?? "", "base64");
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(parts.nonce ?? "", "base64"));
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    const content = JSON.parse(
      Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]).toString(
        "utf8",
      ),
    ) as { card?: { number?: string; expiryMonth?: string; expiryYear?: string } };
    const { number, expiryMonth, expiryYear } = content.card ?? {};
    if (number === undefined || expiryMonth === undefined || expiryYear === undefined) return undefined;
    return { number, expMonth: Number(expiryMonth), expYear: Number(expiryYear) };
  } catch {
    return undefined;
  }
};

/** `POST /v2/payments/{id}/confirm`. */
export const confirm = (world: World, caller: Caller, id: string, body: ConfirmPaymentSessionRequest) =>
  idempotent(world, caller, "confirm", { id, body: Schema.encodeSync(ConfirmSchema)(body) }, () =>
    onSession(world, caller, id, (session) => {
      // Defect confirmAgainIsNoop: a repeated confirm answers the session as it is.
      if (world.has("confirmAgainIsNoop") && sessionStatus(session.snapshot) === "REQUIRE_ACTION") {
        return sessionAnswer(world, session.snapshot);
      }
      const sealed = body.paymentMethod.type === "CARD" ? body.paymentMethod.card?.encryptedCard : undefined;
      if (sealed === undefined) {
        const event = confirmEvent(world, caller.merchant, session.snapshot, body, world.now());
        return apply(world, session, event, true, (s) => sessionAnswer(world, s));
      }
      const key = world.issuer.privateKeyOf(session.snapshot.context.encryptionKey ?? "");
      const card = key === undefined ? undefined : openCard(key, sealed);
      if (card === undefined)
        return validationAnswer([
          { field: "paymentMethod.card.encryptedCard", message: "does not decrypt with this session's key" },
        ]);
      const opened = { ...body.paymentMethod, card: { ...card } };
      const event = confirmEvent(world, caller.merchant, session.snapshot, body, world.now(), opened);
      return apply(world, session, event, true, (s) => sessionAnswer(world, s));
    }),
  );

/** Defect cancelRequireActionAllowed: the row is written CANCELLED by hand, its charge left as it was. */
const forceCancel = (world: World, session: StoredSession, body: CancelPaymentSessionRequest): Answer => {
  const at = world.now();
  const persisted = persistSession(session.snapshot);
  const restored = restoreSession({
    ...persisted,
    snapshot: {
      ...persisted.snapshot,
      value: "CANCELLED",
      context: {
        ...persisted.snapshot.context,
        cancelledAt: at,
        cancellationReason: body.cancellationReason,
        expiryAt: at,
        updatedAt: at,
      },
    },
  });
  if (!restored.ok) throw new Error(restored.error.message);
  const before = session.snapshot;
  session.snapshot = restored.snapshot;
  session.listedStatus = "CANCELLED";
  world.notify(session, ["PAYMENT.CANCELLED"], session.snapshot, before);
  return sessionAnswer(world, session.snapshot);
};

/** `POST /v2/payments/{id}/cancel` (decisions L3, L6). */
export const cancel = (world: World, caller: Caller, id: string, body: CancelPaymentSessionRequest) =>
  idempotent(world, caller, "cancel", { id, body: Schema.encodeSync(CancelSchema)(body) }, () =>
    onSession(world, caller, id, (session) => {
      const status = sessionStatus(session.snapshot);
      // Defect cancelAgainIsNoop: cancelling an ended session "succeeds".
      if (world.has("cancelAgainIsNoop") && (status === "CANCELLED" || status === "EXPIRED")) {
        return sessionAnswer(world, session.snapshot);
      }
      if (world.has("cancelRequireActionAllowed") && status === "REQUIRE_ACTION") {
        return forceCancel(world, session, body);
      }
      const answer = apply(
        world,
        session,
        { type: "CANCEL", at: world.now(), cancellationReason: body.cancellationReason },
        true,
        (s) => sessionAnswer(world, s),
      );
      // Defect refusedCancelIs500: the refusal escapes as an exception.
      if (world.has("refusedCancelIs500") && answer.status === 422) {
        return errorAnswer(500, {
          code: "internal_error",
          message: "Internal error",
          error: { type: "GATEWAY_ERROR", source: "SYSTEM" },
        });
      }
      return answer;
    }),
  );

/** `POST /v2/payments/{id}/capture` (decision P6). */
export const capture = (world: World, caller: Caller, id: string, body: CapturePaymentSessionRequest) =>
  idempotent(world, caller, "capture", { id, body: Schema.encodeSync(CaptureSchema)(body) }, () =>
    onSession(world, caller, id, (session) => {
      const captureId = randomUUID();
      const waiting = session.snapshot.context.charges.find((c) => c.state === "WAITING_FOR_CAPTURE");
      const authorised = waiting?.context.authorizedAmount ?? null;
      let amount = body.amount;
      // Defect overCaptureClamped.
      if (
        world.has("overCaptureClamped") &&
        amount !== undefined &&
        authorised !== null &&
        amount.value > authorised
      ) {
        amount = { ...amount, value: authorised };
      }
      // Defect partialCaptureTakesAll.
      if (world.has("partialCaptureTakesAll")) amount = undefined;
      const at = world.now();
      const captureAnswer = (value: number, currency: string) =>
        success(CaptureResponse, {
          code: "00",
          message: "Success",
          data: {
            id: captureId,
            paymentSessionId: session.id,
            paymentSessionClientReferenceId: session.snapshot.context.settings.clientReferenceId,
            releaseRemainingAmount: body.releaseRemainingAmount,
            amount: { value, currency },
            status: "SUCCESS",
            createdAt: millisToInstant(at),
            updatedAt: millisToInstant(at),
          },
        });
      const event: SessionEvent = {
        type: "CAPTURE",
        at,
        captureId,
        releaseRemainingAmount: body.releaseRemainingAmount,
        ...(amount === undefined ? {} : { amount }),
      };
      const answer = apply(world, session, event, true, (s) => {
        const record = s.context.charges
          .flatMap((c) => c.context.captures)
          .find((x) => x.captureId === captureId);
        return captureAnswer(record?.amount ?? 0, s.context.amount.currency);
      });
      // Defect captureWithoutAuthorisation: a capture "succeeds" with nothing to capture.
      if (world.has("captureWithoutAuthorisation") && answer.status === 422) {
        const requested = body.amount ?? session.snapshot.context.amount;
        return captureAnswer(requested.value, requested.currency);
      }
      return answer;
    }),
  );

/** A charge id that is the same for the same session and amount (defect multiplePaymentsDeduplicatedByAmount). */
const chargeIdOfAmount = (sessionId: string, value: number): string => {
  const hex = createHash("sha256").update(`${sessionId}:${value}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

/** `POST /v2/payments/simulations` (sandbox): the core's simulation event. */
export const simulate = (world: World, caller: Caller, body: SimulationRequest) =>
  idempotent(world, caller, "simulate", Schema.encodeSync(SimulationSchema)(body), () =>
    onSession(world, caller, body.paymentSessionId, (session) => {
      const updated = success(SimulationResponse, {
        code: "00",
        message: "Success",
        data: { updated: "true" },
      });
      // Defect simulationChangesNothing.
      if (world.has("simulationChangesNothing")) return updated;
      const status = sessionStatus(session.snapshot);
      const ended = status === "CANCELLED" || status === "EXPIRED";
      if (body.chargeStatus === "SUCCESS") {
        // Defects latePaymentRefused and repeatedPaymentRefused: a home-made status check before the core.
        if (
          (world.has("latePaymentRefused") && ended) ||
          (world.has("repeatedPaymentRefused") && status === "PAID")
        ) {
          return errorAnswer(422, invalidStateError("pay", status));
        }
      }
      const single = session.snapshot.context.settings.paymentType !== "MULTIPLE";
      // Defect acceptsWrongAmount: a SINGLE session's payment is booked at the session amount.
      const request = world.has("acceptsWrongAmount") && single ? { chargeStatus: body.chargeStatus } : body;
      const newChargeId = () =>
        world.has("multiplePaymentsDeduplicatedByAmount")
          ? chargeIdOfAmount(session.id, body.amount?.value ?? session.snapshot.context.amount.value)
          : randomUUID();
      const plan = simulationEvent(session.snapshot, request, world.now(), newChargeId);
      if (plan._tag === "AmountRequired") return validationAnswer(plan.details);
      const before = session.snapshot;
      const applied = applyEvent(before, plan.event);
      if (applied.outcome._tag === "Refused") return refusal(world, applied.outcome);
      world.commit(session, applied, false);
      // Defect latePaymentNotifies: a late payment is announced as a payment.
      if (world.has("latePaymentNotifies") && applied.outcome._tag === "LatePaymentRecorded") {
        world.notify(session, ["PAYMENT.PAID"], session.snapshot, before);
      }
      return updated;
    }),
  );

/** `GET /v2/payments/{id}`. */
export const get = (world: World, caller: Caller, id: string): Answer => {
  const session = world.sessions.get(id);
  // Defect otherMerchantSessionVisible: the id alone finds the session.
  const visible =
    session !== undefined &&
    (world.has("otherMerchantSessionVisible") || session.merchantId === caller.merchant.id);
  if (!visible) return missing(id);
  world.expireDue(session);
  return sessionAnswer(world, session.snapshot);
};

/** The caller's sessions with a reference (or all of them), newest first, brought to now. */
const sessionsOf = (
  world: World,
  merchant: Merchant,
  clientReferenceId: string | undefined,
): Array<StoredSession> => {
  const found = [...world.sessions.values()]
    .filter((s) => s.merchantId === merchant.id)
    .filter(
      (s) =>
        clientReferenceId === undefined ||
        s.snapshot.context.settings.clientReferenceId === clientReferenceId,
    )
    .reverse();
  for (const session of found) world.expireDue(session);
  return found;
};

const page = <A>(world: World, items: ReadonlyArray<A>, query: { page?: number; perPage?: number }) => {
  const { page, perPage } = withPageDefaults(query);
  // Defect listPageOffByOne: pages counted from 0.
  const first = (world.has("listPageOffByOne") ? page : page - 1) * perPage;
  return {
    data: items.slice(first, first + perPage),
    pagination: { page, perPage, totalItems: items.length, totalPages: Math.ceil(items.length / perPage) },
  };
};

/** `GET /v2/payments[?clientReferenceId=…&page=…&perPage=…]` (decision C4). */
export const list = (world: World, caller: Caller, query: ListPaymentSessionsQuery): Answer => {
  // Defect listIgnoresClientReferenceId.
  const reference = world.has("listIgnoresClientReferenceId") ? undefined : query.clientReferenceId;
  const { data, pagination } = page(world, sessionsOf(world, caller.merchant, reference), query);
  return success(PaymentSessionListResponse, {
    code: "00",
    message: "Success",
    data: data.map((s) => {
      const rendered = world.render(s.snapshot);
      // Defect listStatusStale: the list reads a status column only merchant requests update.
      return world.has("listStatusStale") ? { ...rendered, status: s.listedStatus } : rendered;
    }),
    pagination,
  });
};

/** `GET /v2/charges?clientReferenceId=…`: the charges of the caller's sessions with that reference. */
export const charges = (world: World, caller: Caller, query: ListChargesQuery): Answer => {
  // Defect chargesIgnoreClientReferenceId.
  const reference = world.has("chargesIgnoreClientReferenceId") ? undefined : query.clientReferenceId;
  const all: Array<Charge> = sessionsOf(world, caller.merchant, reference).flatMap((s) =>
    s.snapshot.context.charges.map((c) => toCharge(s.snapshot, c)),
  );
  // Defect chargesAmountInCents.
  const cents = (a: Charge["amount"]) => ({ ...a, value: a.value * 100 });
  const shown = world.has("chargesAmountInCents")
    ? all.map((c) => ({
        ...c,
        amount: cents(c.amount),
        authorizedAmount: c.authorizedAmount === null ? null : cents(c.authorizedAmount),
        capturedAmount: c.capturedAmount === null ? null : cents(c.capturedAmount),
      }))
    : all;
  const { data, pagination } = page(world, shown, query);
  return success(ChargeListResponse, { code: "00", message: "Success", data, pagination });
};
