/**
 * The write endpoints as the HTTP layer and the seeding helpers run them: each operation inside the
 * idempotency layer, with the request identity (path parameters and encoded body) and the success
 * schema its answer is encoded with. One definition, so a provider state "created with request id"
 * stores the record a later HTTP request replays.
 *
 * @since 0.1.0
 */
import {
  type ApiErrorResponse,
  CancelPaymentSessionRequest,
  CapturePaymentSessionRequest,
  CaptureResponse,
  ConfirmPaymentSessionRequest,
  CreatePaymentSessionRequest,
  PaymentSessionResponse,
  type SessionEvent,
  type SessionSnapshot,
  SimulationRequest,
  SimulationResponse,
} from "@payment-session/core";
import { Effect, Schema } from "effect";
import { type Answer, errorAnswer } from "./answers.js";
import { idempotent } from "./idempotency.js";
import {
  applyChannelEvent,
  cancelPayment,
  capturePayment,
  confirmPayment,
  createPayment,
  type ProviderServices,
  type RequestContext,
  simulatePayment,
} from "./payments.js";
import { inTransaction } from "./sessionWrites.js";
import { StoreUnavailable, type Tx } from "./store/index.js";

const encode = Schema.encodeSync;

/**
 * The write endpoints of `services`, each `(context, X-REQUEST-ID, …request) → Effect<Answer, the
 * endpoint's errors>`.
 *
 * @since 0.1.0
 */
export const writeEndpoints = (services: ProviderServices) => {
  /** An endpoint on session `{id}`: the request identity is the id and the encoded body. */
  const onSession =
    <P, I, A, E extends ApiErrorResponse>(
      endpoint: "confirm" | "cancel" | "capture",
      body: Schema.Codec<P, I>,
      success: Schema.Codec<A, unknown>,
      operation: (
        context: RequestContext,
        tx: Tx,
        id: string,
        payload: P,
      ) => Effect.Effect<A, E | StoreUnavailable>,
    ) =>
    (context: RequestContext, requestId: string | undefined, id: string, payload: P) =>
      idempotent(
        services,
        context,
        { endpoint, requestId, request: { id, body: encode(body)(payload) } },
        encode(success),
        (tx) => operation(context, tx, id, payload),
      );
  /** An endpoint without a path id: the request identity is the encoded body. */
  const onBody =
    <P, I, A, E extends ApiErrorResponse>(
      endpoint: "create" | "simulate",
      body: Schema.Codec<P, I>,
      success: Schema.Codec<A, unknown>,
      operation: (
        services: ProviderServices,
        context: RequestContext,
        tx: Tx,
        payload: P,
      ) => Effect.Effect<A, E | StoreUnavailable>,
    ) =>
    (context: RequestContext, requestId: string | undefined, payload: P) =>
      idempotent(
        services,
        context,
        { endpoint, requestId, request: encode(body)(payload) },
        encode(success),
        (tx) => operation(services, context, tx, payload),
      );
  return {
    create: onBody("create", CreatePaymentSessionRequest, PaymentSessionResponse, createPayment),
    confirm: onSession(
      "confirm",
      ConfirmPaymentSessionRequest,
      PaymentSessionResponse,
      (context, tx, id, payload) => confirmPayment(services, context, tx, id, payload),
    ),
    cancel: onSession("cancel", CancelPaymentSessionRequest, PaymentSessionResponse, cancelPayment),
    capture: onSession("capture", CapturePaymentSessionRequest, CaptureResponse, (context, tx, id, payload) =>
      capturePayment(services, context, tx, id, payload),
    ),
    simulate: onBody("simulate", SimulationRequest, SimulationResponse, simulatePayment),
    /** A channel's notification (not an endpoint: no idempotency record). */
    channel: (context: RequestContext, id: string, event: (snapshot: SessionSnapshot) => SessionEvent) =>
      Effect.map(
        // No idempotency record is deferred here: a duplicate key would be a bug.
        inTransaction(services.db, (tx) => applyChannelEvent(context, tx, id, event)).pipe(
          Effect.catchTag("DuplicateIdempotencyKey", Effect.die),
        ),
        (value): Answer => ({ status: 200, body: encode(PaymentSessionResponse)(value) }),
      ),
  };
};

/**
 * Runs a write outside HTTP (seeding, provider states) and answers as the HTTP layer would: the
 * answer, or the error class's status and envelope.
 *
 * @since 0.1.0
 */
export const answerOf = (
  write: Effect.Effect<Answer, ApiErrorResponse | StoreUnavailable>,
): Promise<Answer> =>
  Effect.runPromise(
    Effect.catch(write, (error) =>
      // The database gone is no answer of the API here: the caller's promise rejects with it.
      error instanceof StoreUnavailable ? Effect.die(error) : Effect.succeed(errorAnswer(error)),
    ),
  );
