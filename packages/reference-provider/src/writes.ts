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

const encode = Schema.encodeSync;

/**
 * The write endpoints of `services`, each `(context, X-REQUEST-ID, …request) → Effect<Answer, the
 * endpoint's errors>`.
 *
 * @since 0.1.0
 */
export const writeEndpoints = (services: ProviderServices) => ({
  create: (context: RequestContext, requestId: string | undefined, payload: CreatePaymentSessionRequest) =>
    idempotent(
      services,
      context,
      { endpoint: "create", requestId, request: encode(CreatePaymentSessionRequest)(payload) },
      encode(PaymentSessionResponse),
      (tx) => createPayment(services, context, tx, payload),
    ),
  confirm: (
    context: RequestContext,
    requestId: string | undefined,
    id: string,
    payload: ConfirmPaymentSessionRequest,
  ) =>
    idempotent(
      services,
      context,
      {
        endpoint: "confirm",
        requestId,
        request: { id, body: encode(ConfirmPaymentSessionRequest)(payload) },
      },
      encode(PaymentSessionResponse),
      (tx) => confirmPayment(services, context, tx, id, payload),
    ),
  cancel: (
    context: RequestContext,
    requestId: string | undefined,
    id: string,
    payload: CancelPaymentSessionRequest,
  ) =>
    idempotent(
      services,
      context,
      { endpoint: "cancel", requestId, request: { id, body: encode(CancelPaymentSessionRequest)(payload) } },
      encode(PaymentSessionResponse),
      (tx) => cancelPayment(context, tx, id, payload),
    ),
  capture: (
    context: RequestContext,
    requestId: string | undefined,
    id: string,
    payload: CapturePaymentSessionRequest,
  ) =>
    idempotent(
      services,
      context,
      {
        endpoint: "capture",
        requestId,
        request: { id, body: encode(CapturePaymentSessionRequest)(payload) },
      },
      encode(CaptureResponse),
      (tx) => capturePayment(services, context, tx, id, payload),
    ),
  simulate: (context: RequestContext, requestId: string | undefined, payload: SimulationRequest) =>
    idempotent(
      services,
      context,
      { endpoint: "simulate", requestId, request: encode(SimulationRequest)(payload) },
      encode(SimulationResponse),
      (tx) => simulatePayment(services, context, tx, payload),
    ),
  /** A channel's notification (not an endpoint: no idempotency record). */
  channel: (context: RequestContext, id: string, event: (snapshot: SessionSnapshot) => SessionEvent) =>
    Effect.map(
      inTransaction(services.db, (tx) => applyChannelEvent(context, tx, id, event)),
      (value): Answer => ({ status: 200, body: encode(PaymentSessionResponse)(value) }),
    ),
});

/**
 * Runs a write outside HTTP (seeding, provider states) and answers as the HTTP layer would: the
 * answer, or the error class's status and envelope.
 *
 * @since 0.1.0
 */
export const answerOf = (write: Effect.Effect<Answer, ApiErrorResponse>): Promise<Answer> =>
  Effect.runPromise(Effect.catch(write, (error) => Effect.succeed(errorAnswer(error))));
