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
  CreateRefundRequest,
  PaymentSessionResponse,
  RefundResponse,
  type SessionEvent,
  type SessionSnapshot,
  SimulationRequest,
  SimulationResponse,
} from "@payment-session/core";
import { Effect, Schema } from "effect";
import { type Answer, errorAnswer } from "./answers.js";
import { type IdempotentRequest, idempotent } from "./idempotency.js";
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
import { createRefund } from "./refunds/refunds.js";
import { StoreUnavailable, type Tx } from "./store/index.js";

const encode = Schema.encodeSync;

/**
 * The write endpoints of `services`, each `(context, X-REQUEST-ID, …request) → Effect<Answer, the
 * endpoint's errors>`.
 */
export const writeEndpoints = (services: ProviderServices) => {
  /**
   * One endpoint: `identity` is what identifies its request (its path id, if any, and its encoded
   * body); the operation runs inside the idempotency layer's transaction.
   */
  const endpoint = <Args extends ReadonlyArray<unknown>, A, E extends ApiErrorResponse>(
    name: IdempotentRequest["endpoint"],
    success: Schema.Codec<A, unknown>,
    identity: (...args: Args) => unknown,
    operation: (context: RequestContext, tx: Tx, ...args: Args) => Effect.Effect<A, E | StoreUnavailable>,
  ) => {
    const encodeSuccess = encode(success);
    return (context: RequestContext, requestId: string | undefined, ...args: Args) =>
      idempotent(
        services,
        context,
        { endpoint: name, requestId, request: identity(...args) },
        encodeSuccess,
        (tx) => operation(context, tx, ...args),
      );
  };
  const onSession = <P, I>(schema: Schema.Codec<P, I>) => {
    const encodeBody = encode(schema);
    return (id: string, payload: P) => ({ id, body: encodeBody(payload) });
  };
  const channel = endpoint(
    "channel",
    PaymentSessionResponse,
    (id: string, _event: (snapshot: SessionSnapshot) => SessionEvent) => ({ id }),
    applyChannelEvent,
  );
  return {
    create: endpoint(
      "create",
      PaymentSessionResponse,
      encode(CreatePaymentSessionRequest),
      (context, tx, payload) => createPayment(services, context, tx, payload),
    ),
    confirm: endpoint(
      "confirm",
      PaymentSessionResponse,
      onSession(ConfirmPaymentSessionRequest),
      (context, tx, id, payload) => confirmPayment(services, context, tx, id, payload),
    ),
    cancel: endpoint("cancel", PaymentSessionResponse, onSession(CancelPaymentSessionRequest), cancelPayment),
    capture: endpoint(
      "capture",
      CaptureResponse,
      onSession(CapturePaymentSessionRequest),
      (context, tx, id, payload) => capturePayment(services, context, tx, id, payload),
    ),
    simulate: endpoint("simulate", SimulationResponse, encode(SimulationRequest), (context, tx, payload) =>
      simulatePayment(services, context, tx, payload),
    ),
    refund: endpoint("refund", RefundResponse, encode(CreateRefundRequest), (context, tx, payload) =>
      createRefund(services, context, tx, payload),
    ),
    /**
     * A channel's notification: not an API endpoint, so it never carries an `X-REQUEST-ID` (no
     * record is kept), but it takes the same layer as the writes (one transaction, one encoding).
     */
    channel: (context: RequestContext, id: string, event: (snapshot: SessionSnapshot) => SessionEvent) =>
      channel(context, undefined, id, event),
  };
};

/**
 * Runs a write outside HTTP (seeding, provider states) and answers as the HTTP layer would: the
 * answer, or the error class's status and envelope.
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
