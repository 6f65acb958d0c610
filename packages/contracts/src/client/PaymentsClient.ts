/**
 * The typed payments client, derived from the core's `PaymentsApi` (Effect `HttpApiClient`): every
 * request is encoded and every answer decoded with the core's schemas, and every failure is one of
 * the client's typed errors.
 *
 * @since 0.1.0
 */
import {
  type AccessToken,
  CancelPaymentSessionRequest,
  type Capture,
  CapturePaymentSessionRequest,
  type Charge,
  ConfirmPaymentSessionRequest,
  CreatePaymentSessionRequest,
  CreateRefundRequest,
  ListChargesQuery,
  ListPaymentSessionsQuery,
  ListRefundsQuery,
  type Pagination,
  type PaymentSession,
  PaymentsApi,
  type Refund,
  type RefundStatus,
  RequestId,
  SimulationRequest,
  type SimulationResult,
} from "@payment-session/core";
import { Clock, Context, Effect, Layer, Option, Ref, Schema, Semaphore } from "effect";
import { HttpClient, HttpClientRequest, type HttpClientResponse } from "effect/http";
import { HttpApiClient } from "effect/http-api";
import { PaymentsApiError, type PaymentsClientError, PaymentsInvalidRequestError } from "./errors.js";
import { invalidRequest, requestFailure, responseFailure } from "./internal/failures.js";

/**
 * A merchant's API credentials (client id and secret), traded for a Bearer token at
 * `POST /v1/access-token`.
 *
 * @since 0.1.0
 * @category Client
 */
export interface MerchantCredentials {
  readonly merchantId: string;
  readonly merchantSecret: string;
}

/**
 * How the client authenticates:
 *
 * - `{ accessToken }`: send this Bearer token as is (you refresh it yourself);
 * - `{ credentials }`: obtain a token from `POST /v1/access-token`, reuse it, and get a new one
 *   `refreshMarginSeconds` (default 60) before its `expiresIn` (900 s) runs out, or when the API
 *   answers 401 (the call is then sent once more with the new token);
 * - neither: send no `Authorization` header (only `accessToken()` works then).
 *
 * @since 0.1.0
 * @category Client
 */
export interface PaymentsClientOptions {
  /** Where the API lives, e.g. `https://api-stg.pivot-payment.com` (no trailing path). */
  readonly baseUrl: string | URL;
  readonly accessToken?: string | undefined;
  readonly credentials?: MerchantCredentials | undefined;
  /** Seconds before a token's expiry at which a new one is fetched (credentials only). Default 60. */
  readonly refreshMarginSeconds?: number | undefined;
  /**
   * The sub-account every call acts for (decision S5): sent as `x-submerchant-id` on every call but
   * the token request. The API checks it (1–255 visible ASCII characters, else a 400 at
   * `x-submerchant-id`); a sub-account's sessions and refunds are found only with its header.
   * Make one client per sub-account.
   */
  readonly subMerchantId?: string | undefined;
}

/**
 * Per-call options of the POST operations.
 *
 * - `requestId`: the `X-REQUEST-ID` idempotency key (decision C6: optional; 1–255 visible ASCII
 *   characters). The same key with the same body within 24 h returns the first answer again; the
 *   same key with another body is a 409 `idempotency_error`.
 *
 * @since 0.1.0
 * @category Client
 */
export interface RequestOptions {
  readonly requestId?: string | undefined;
}

/** Paging of list calls: `page` ≥ 1 (default 1), `perPage` 1–100 (default 20). @since 0.1.0 @category Client */
export interface PageOptions {
  readonly page?: number | undefined;
  readonly perPage?: number | undefined;
}

/** A page of a list answer: the items and the `pagination` object. @since 0.1.0 @category Client */
export interface Page<A> {
  readonly data: ReadonlyArray<A>;
  readonly pagination: Pagination;
}

/** The create body as sent on the wire (instants with any offset, `captureMethod` in any case). @since 0.1.0 @category Client */
export type CreatePaymentSessionBody = typeof CreatePaymentSessionRequest.Encoded;
/** The confirm body as sent on the wire. @since 0.1.0 @category Client */
export type ConfirmPaymentSessionBody = typeof ConfirmPaymentSessionRequest.Encoded;
/** The cancel body as sent on the wire. @since 0.1.0 @category Client */
export type CancelPaymentSessionBody = typeof CancelPaymentSessionRequest.Encoded;
/** The capture body as sent on the wire. @since 0.1.0 @category Client */
export type CapturePaymentSessionBody = typeof CapturePaymentSessionRequest.Encoded;
/** The simulation body as sent on the wire. @since 0.1.0 @category Client */
export type SimulationBody = typeof SimulationRequest.Encoded;
/**
 * The refund body as sent on the wire (`amount.value` a string, e.g. `"10000.00"`).
 *
 * @since 0.2.0
 * @category Client
 */
export type CreateRefundBody = typeof CreateRefundRequest.Encoded;
/**
 * Filters of `GET /v1/refunds`.
 *
 * @since 0.2.0
 * @category Client
 */
export interface RefundFilter extends PageOptions {
  readonly paymentSessionId?: string | undefined;
  readonly clientReferenceId?: string | undefined;
  readonly status?: RefundStatus | undefined;
}

/**
 * The operations of the Payments v2 API, as Effects that succeed with the decoded `data` (list
 * calls: `data` and `pagination`) and fail with a {@link PaymentsClientError}.
 *
 * @since 0.1.0
 * @category Client
 */
export interface PaymentsClientService {
  /** `POST /v1/access-token`: a token for the given credentials (default: the client's own). */
  readonly accessToken: (
    credentials?: MerchantCredentials,
  ) => Effect.Effect<AccessToken, PaymentsClientError>;
  /** `POST /v2/payments`: create a payment session (decision C1 picks its first status). */
  readonly create: (
    body: CreatePaymentSessionBody,
    options?: RequestOptions,
  ) => Effect.Effect<PaymentSession, PaymentsClientError>;
  /** `POST /v2/payments/{id}/confirm`: choose the method of a REQUIRE_PAYMENT_METHOD / REQUIRE_CONFIRMATION session. */
  readonly confirm: (
    id: string,
    body: ConfirmPaymentSessionBody,
    options?: RequestOptions,
  ) => Effect.Effect<PaymentSession, PaymentsClientError>;
  /** `GET /v2/payments/{id}`. */
  readonly get: (id: string) => Effect.Effect<PaymentSession, PaymentsClientError>;
  /** `GET /v2/payments?clientReferenceId=`: every session with that reference (decision C4). */
  readonly getByClientReferenceId: (
    clientReferenceId: string,
    paging?: PageOptions,
  ) => Effect.Effect<Page<PaymentSession>, PaymentsClientError>;
  /** `GET /v2/payments`: the merchant's sessions, a page at a time. */
  readonly list: (
    query?: PageOptions & { readonly clientReferenceId?: string | undefined },
  ) => Effect.Effect<Page<PaymentSession>, PaymentsClientError>;
  /** `POST /v2/payments/{id}/cancel` (REQUIRE_PAYMENT_METHOD / REQUIRE_CONFIRMATION only, decision L3). */
  readonly cancel: (
    id: string,
    body: CancelPaymentSessionBody,
    options?: RequestOptions,
  ) => Effect.Effect<PaymentSession, PaymentsClientError>;
  /** `POST /v2/payments/{id}/capture`: capture a manual-capture card authorisation (decision P6). */
  readonly capture: (
    id: string,
    body: CapturePaymentSessionBody,
    options?: RequestOptions,
  ) => Effect.Effect<Capture, PaymentsClientError>;
  /** `GET /v2/charges?clientReferenceId=`: the charges of the sessions with that reference. */
  readonly charges: (
    clientReferenceId: string,
    paging?: PageOptions,
  ) => Effect.Effect<Page<Charge>, PaymentsClientError>;
  /** `POST /v2/payments/simulations` (sandbox): settle (`SUCCESS`) or expire (`EXPIRED`) the open charge. */
  readonly simulate: (
    body: SimulationBody,
    options?: RequestOptions,
  ) => Effect.Effect<SimulationResult, PaymentsClientError>;
  /**
   * `POST /v1/refunds`: refund (part of) a paid session (decisions R2, R3). Answers the PENDING
   * refund; a 422 `amount_exceeds_refundable` / `full_refund_not_allowed` / `invalid_state` is a
   * {@link PaymentsApiError}. The amount's `value` is a string on the wire and a number in the answer.
   */
  readonly createRefund: (
    body: CreateRefundBody,
    options?: RequestOptions,
  ) => Effect.Effect<Refund, PaymentsClientError>;
  /** `GET /v1/refunds/{id}`. */
  readonly getRefund: (id: string) => Effect.Effect<Refund, PaymentsClientError>;
  /** `GET /v1/refunds`: the merchant's refunds, newest first, filtered and paged. */
  readonly listRefunds: (filter?: RefundFilter) => Effect.Effect<Page<Refund>, PaymentsClientError>;
}

/** The documented token lifetime, used when `expiresIn` is not a number of seconds. */
const DEFAULT_TOKEN_LIFETIME_SECONDS = 900;
const DEFAULT_REFRESH_MARGIN_SECONDS = 60;

interface CachedToken {
  readonly token: string;
  readonly refreshAtMillis: number;
}

const decodeWith =
  <S extends Schema.Constraint & { readonly DecodingServices: never }>(schema: S, operation: string) =>
  (input: unknown): Effect.Effect<S["Type"], PaymentsClientError> =>
    Schema.decodeUnknownEffect(schema)(input, { errors: "all" }).pipe(
      Effect.mapError((error) => invalidRequest(operation, error)),
    );

const checkQuery =
  <S extends Schema.Constraint & { readonly EncodingServices: never }>(schema: S, operation: string) =>
  (query: S["Type"]): Effect.Effect<S["Type"], PaymentsClientError> =>
    Schema.encodeUnknownEffect(schema)(query, { errors: "all" }).pipe(
      Effect.as(query),
      Effect.mapError((error) => invalidRequest(operation, error)),
    );

/** The headers of a POST: the idempotency key, when the caller gave one. */
interface IdempotencyHeaders {
  readonly "x-request-id"?: string;
}

const idempotencyHeaders = (
  operation: string,
  options: RequestOptions | undefined,
): Effect.Effect<IdempotencyHeaders, PaymentsClientError> =>
  options?.requestId === undefined
    ? Effect.succeed({})
    : Effect.map(decodeWith(RequestId, operation)(options.requestId), (id) => ({ "x-request-id": id }));

const pagingQuery = (paging: PageOptions | undefined) => ({
  ...(paging?.page === undefined ? {} : { page: paging.page }),
  ...(paging?.perPage === undefined ? {} : { perPage: paging.perPage }),
});

/**
 * Builds a payments client on the `HttpClient` in context (e.g. `FetchHttpClient.layer`).
 *
 * @example
 * const program = Effect.gen(function* () {
 *   const client = yield* makePaymentsClient({ baseUrl, credentials: { merchantId, merchantSecret } })
 *   const session = yield* client.create({ clientReferenceId: "INV-1", amount: { value: 20000, currency: "IDR" } })
 *   return session.status
 * }).pipe(Effect.provide(FetchHttpClient.layer))
 * @since 0.1.0
 * @category Client
 */
export const makePaymentsClient = (
  options: PaymentsClientOptions,
): Effect.Effect<PaymentsClientService, never, HttpClient.HttpClient> =>
  Effect.gen(function* () {
    const httpClient = yield* HttpClient.HttpClient;
    const baseUrl = options.baseUrl;
    const margin = options.refreshMarginSeconds ?? DEFAULT_REFRESH_MARGIN_SECONDS;
    const cache = yield* Ref.make(Option.none<CachedToken>());
    const refreshing = yield* Semaphore.make(1);

    const plainApi = yield* HttpApiClient.makeWith(PaymentsApi, { httpClient, baseUrl });
    const decodeAccessToken = HttpApiClient.decodeResponse(PaymentsApi, {
      group: "auth",
      endpoint: "accessToken",
    });

    /** Sends a request and decodes its answer, mapping every failure to a typed error. */
    const execute = <A>(
      operation: string,
      send: Effect.Effect<HttpClientResponse.HttpClientResponse, unknown>,
      decode: (response: HttpClientResponse.HttpClientResponse) => Effect.Effect<A, unknown>,
    ): Effect.Effect<A, PaymentsClientError> =>
      send.pipe(
        Effect.mapError((cause) => requestFailure(operation, cause)),
        Effect.flatMap((response) =>
          decode(response).pipe(Effect.catch((cause) => responseFailure(operation, response, cause))),
        ),
      );

    const fetchToken = (credentials: MerchantCredentials): Effect.Effect<AccessToken, PaymentsClientError> =>
      execute(
        "auth.accessToken",
        plainApi.auth.accessToken({
          headers: {
            "x-merchant-id": credentials.merchantId,
            "x-merchant-secret": credentials.merchantSecret,
          },
          payload: { grantType: "client_credentials" },
          responseMode: "response-only",
        }),
        decodeAccessToken,
      ).pipe(Effect.map((envelope) => envelope.data));

    const credentials = options.credentials;
    const bearer: Effect.Effect<Option.Option<string>, PaymentsClientError> = options.accessToken !==
    undefined
      ? Effect.succeed(Option.some(options.accessToken))
      : credentials === undefined
        ? Effect.succeed(Option.none())
        : refreshing.withPermits(1)(
            Effect.gen(function* () {
              const now = yield* Clock.currentTimeMillis;
              const cached = yield* Ref.get(cache);
              if (Option.isSome(cached) && now < cached.value.refreshAtMillis)
                return Option.some(cached.value.token);
              const fresh = yield* fetchToken(credentials);
              const seconds = Number(fresh.expiresIn);
              const lifetime =
                Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_TOKEN_LIFETIME_SECONDS;
              const refreshAtMillis = now + Math.max(0, lifetime - margin) * 1000;
              yield* Ref.set(cache, Option.some({ token: fresh.accessToken, refreshAtMillis }));
              return Option.some(fresh.accessToken);
            }),
          );

    const subMerchantId = options.subMerchantId;
    const authedHttpClient = HttpClient.mapRequestEffect(httpClient, (request) =>
      Effect.map(bearer, (token) => {
        const scoped =
          subMerchantId === undefined
            ? request
            : HttpClientRequest.setHeader(request, "x-submerchant-id", subMerchantId);
        return Option.isSome(token) ? HttpClientRequest.bearerToken(scoped, token.value) : scoped;
      }),
    );
    const api = yield* HttpApiClient.makeWith(PaymentsApi, { httpClient: authedHttpClient, baseUrl });

    /** With credentials, a 401 drops the cached token and the call is sent once more with a new one. */
    const authenticated = <A>(
      call: Effect.Effect<A, PaymentsClientError>,
    ): Effect.Effect<A, PaymentsClientError> =>
      credentials === undefined || options.accessToken !== undefined
        ? call
        : call.pipe(
            Effect.catchIf(
              (error): error is PaymentsApiError => error instanceof PaymentsApiError && error.status === 401,
              () => Effect.andThen(Ref.set(cache, Option.none()), call),
            ),
          );

    const decoders = {
      create: HttpApiClient.decodeResponse(PaymentsApi, { group: "payments", endpoint: "create" }),
      confirm: HttpApiClient.decodeResponse(PaymentsApi, { group: "payments", endpoint: "confirm" }),
      get: HttpApiClient.decodeResponse(PaymentsApi, { group: "payments", endpoint: "get" }),
      list: HttpApiClient.decodeResponse(PaymentsApi, { group: "payments", endpoint: "list" }),
      cancel: HttpApiClient.decodeResponse(PaymentsApi, { group: "payments", endpoint: "cancel" }),
      capture: HttpApiClient.decodeResponse(PaymentsApi, { group: "payments", endpoint: "capture" }),
      simulate: HttpApiClient.decodeResponse(PaymentsApi, { group: "payments", endpoint: "simulate" }),
      charges: HttpApiClient.decodeResponse(PaymentsApi, { group: "charges", endpoint: "list" }),
      createRefund: HttpApiClient.decodeResponse(PaymentsApi, { group: "refunds", endpoint: "create" }),
      getRefund: HttpApiClient.decodeResponse(PaymentsApi, { group: "refunds", endpoint: "get" }),
      listRefunds: HttpApiClient.decodeResponse(PaymentsApi, { group: "refunds", endpoint: "list" }),
    };

    /**
     * Every POST with a body: check the body against its schema (nothing is sent when it does not
     * fit), add the idempotency key, send with the token, decode; answers the envelope's `data`.
     */
    const post = <S extends Schema.Constraint & { readonly DecodingServices: never }, A>(
      operation: string,
      schema: S,
      body: unknown,
      requestOptions: RequestOptions | undefined,
      send: (
        headers: IdempotencyHeaders,
        payload: S["Type"],
      ) => Effect.Effect<HttpClientResponse.HttpClientResponse, unknown>,
      decode: (
        response: HttpClientResponse.HttpClientResponse,
      ) => Effect.Effect<{ readonly data: A }, unknown>,
    ): Effect.Effect<A, PaymentsClientError> =>
      Effect.gen(function* () {
        const payload = yield* decodeWith(schema, operation)(body);
        const headers = yield* idempotencyHeaders(operation, requestOptions);
        const envelope = yield* authenticated(execute(operation, send(headers, payload), decode));
        return envelope.data;
      });

    const list = (
      query: PageOptions & { readonly clientReferenceId?: string | undefined } = {},
    ): Effect.Effect<Page<PaymentSession>, PaymentsClientError> => {
      const operation = "payments.list";
      const typed = {
        ...(query.clientReferenceId === undefined ? {} : { clientReferenceId: query.clientReferenceId }),
        ...pagingQuery(query),
      };
      return Effect.flatMap(checkQuery(ListPaymentSessionsQuery, operation)(typed), (checked) =>
        authenticated(
          execute(
            operation,
            api.payments.list({ query: checked, headers: {}, responseMode: "response-only" }),
            decoders.list,
          ),
        ),
      ).pipe(Effect.map(({ data, pagination }) => ({ data, pagination })));
    };

    return {
      accessToken: (given) => {
        const using = given ?? credentials;
        return using === undefined
          ? Effect.fail(
              new PaymentsInvalidRequestError({
                operation: "auth.accessToken",
                message: "No merchant credentials: pass them to accessToken() or to the client options",
                details: [{ field: "credentials", message: "Missing merchantId and merchantSecret" }],
              }),
            )
          : fetchToken(using);
      },

      create: (body, requestOptions) =>
        post(
          "payments.create",
          CreatePaymentSessionRequest,
          body,
          requestOptions,
          (headers, payload) => api.payments.create({ headers, payload, responseMode: "response-only" }),
          decoders.create,
        ),

      confirm: (id, body, requestOptions) =>
        post(
          "payments.confirm",
          ConfirmPaymentSessionRequest,
          body,
          requestOptions,
          (headers, payload) =>
            api.payments.confirm({ params: { id }, headers, payload, responseMode: "response-only" }),
          decoders.confirm,
        ),

      get: (id) =>
        authenticated(
          execute(
            "payments.get",
            api.payments.get({ params: { id }, headers: {}, responseMode: "response-only" }),
            decoders.get,
          ),
        ).pipe(Effect.map((envelope) => envelope.data)),

      getByClientReferenceId: (clientReferenceId, paging) => list({ ...paging, clientReferenceId }),

      list,

      cancel: (id, body, requestOptions) =>
        post(
          "payments.cancel",
          CancelPaymentSessionRequest,
          body,
          requestOptions,
          (headers, payload) =>
            api.payments.cancel({ params: { id }, headers, payload, responseMode: "response-only" }),
          decoders.cancel,
        ),

      capture: (id, body, requestOptions) =>
        post(
          "payments.capture",
          CapturePaymentSessionRequest,
          body,
          requestOptions,
          (headers, payload) =>
            api.payments.capture({ params: { id }, headers, payload, responseMode: "response-only" }),
          decoders.capture,
        ),

      charges: (clientReferenceId, paging) => {
        const operation = "charges.list";
        return Effect.gen(function* () {
          const query = yield* checkQuery(
            ListChargesQuery,
            operation,
          )({ clientReferenceId, ...pagingQuery(paging) });
          const { data, pagination } = yield* authenticated(
            execute(
              operation,
              api.charges.list({ query, headers: {}, responseMode: "response-only" }),
              decoders.charges,
            ),
          );
          return { data, pagination };
        });
      },

      simulate: (body, requestOptions) =>
        post(
          "payments.simulate",
          SimulationRequest,
          body,
          requestOptions,
          (headers, payload) => api.payments.simulate({ headers, payload, responseMode: "response-only" }),
          decoders.simulate,
        ),

      createRefund: (body, requestOptions) =>
        post(
          "refunds.create",
          CreateRefundRequest,
          body,
          requestOptions,
          (headers, payload) => api.refunds.create({ headers, payload, responseMode: "response-only" }),
          decoders.createRefund,
        ),

      getRefund: (id) =>
        authenticated(
          execute(
            "refunds.get",
            api.refunds.get({ params: { id }, headers: {}, responseMode: "response-only" }),
            decoders.getRefund,
          ),
        ).pipe(Effect.map((envelope) => envelope.data)),

      listRefunds: (filter = {}) => {
        const operation = "refunds.list";
        return Effect.gen(function* () {
          const query = yield* checkQuery(
            ListRefundsQuery,
            operation,
          )({
            ...(filter.paymentSessionId === undefined ? {} : { paymentSessionId: filter.paymentSessionId }),
            ...(filter.clientReferenceId === undefined
              ? {}
              : { clientReferenceId: filter.clientReferenceId }),
            ...(filter.status === undefined ? {} : { status: filter.status }),
            ...pagingQuery(filter),
          });
          const { data, pagination } = yield* authenticated(
            execute(
              operation,
              api.refunds.list({ query, headers: {}, responseMode: "response-only" }),
              decoders.listRefunds,
            ),
          );
          return { data, pagination };
        });
      },
    } satisfies PaymentsClientService;
  });

/**
 * The payments client as an Effect service, for programs that provide it once (see
 * {@link layerPaymentsClient}).
 *
 * @since 0.1.0
 * @category Client
 */
export class PaymentsClient extends Context.Service<PaymentsClient, PaymentsClientService>()(
  "@payment-session/contracts/PaymentsClient",
) {}

/**
 * A layer providing {@link PaymentsClient}; needs an `HttpClient` (e.g. `FetchHttpClient.layer`).
 *
 * @example
 * const ClientLive = layerPaymentsClient({ baseUrl, credentials }).pipe(Layer.provide(FetchHttpClient.layer))
 * @since 0.1.0
 * @category Client
 */
export const layerPaymentsClient = (
  options: PaymentsClientOptions,
): Layer.Layer<PaymentsClient, never, HttpClient.HttpClient> =>
  Layer.effect(PaymentsClient)(makePaymentsClient(options));
