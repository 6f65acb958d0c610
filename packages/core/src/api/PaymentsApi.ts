/**
 * The Payments v2 API this project serves, as one Effect `HttpApi`: a server (`HttpApiBuilder`), a
 * typed client (`HttpApiClient`) and the OpenAPI document are all derived from it.
 *
 * @since 0.1.0
 */
import { Context, Effect, Schema } from "effect";
import {
  HttpApi,
  HttpApiEndpoint,
  HttpApiGroup,
  HttpApiMiddleware,
  HttpApiSecurity,
  OpenApi,
} from "effect/http-api";
import { AccessToken, AccessTokenRequest } from "../schemas/AccessToken.js";
import { issueDetails } from "../schemas/BodyValidation.js";
import { CancelPaymentSessionRequest } from "../schemas/CancelPaymentSessionRequest.js";
import { Capture, CapturePaymentSessionRequest } from "../schemas/Capture.js";
import { Charge } from "../schemas/Charge.js";
import { ConfirmPaymentSessionRequest } from "../schemas/ConfirmPaymentSessionRequest.js";
import { CreatePaymentSessionRequest } from "../schemas/CreatePaymentSessionRequest.js";
import { ListEnvelope, SuccessEnvelope } from "../schemas/Envelope.js";
import { RequestId } from "../schemas/Identifiers.js";
import { ListChargesQuery, ListPaymentSessionsQuery } from "../schemas/Pagination.js";
import { PaymentSession } from "../schemas/PaymentSession.js";
import { SimulationRequest, SimulationResult } from "../schemas/Simulation.js";
import {
  ApiValidationError,
  apiValidationError,
  CredentialsInvalidError,
  IdempotencyError,
  ResourceMissingError,
  UnprocessableError,
} from "./ApiErrors.js";
import { RefundsEndpoints } from "./RefundsApi.js";

/**
 * Drops every `additionalProperties: false` that Effect writes for closed structs: this API ignores
 * unknown fields (decision C7), so the document must not tell clients or validators otherwise.
 */
const openObjects = (spec: Record<string, unknown>): Record<string, unknown> => {
  const open = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(open);
    if (typeof value !== "object" || value === null) return value;
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key, v]) => !(key === "additionalProperties" && v === false))
        .map(([key, v]) => [key, open(v)]),
    );
  };
  return open(spec) as Record<string, unknown>;
};

/** Version of the API description (the `info.version` of the OpenAPI document). @since 0.1.0 */
export const apiVersion = "0.1.0";

/** Title of the OpenAPI document. @since 0.1.0 */
export const apiTitle = "Pivot Payments v2 (payment-session)";

// ---------------------------------------------------------------------------------------------
// Response bodies (named, so that the OpenAPI document shows them as components)
// ---------------------------------------------------------------------------------------------

/** `{ code: "00", message, data: PaymentSession }`: create, confirm, get and cancel answer it. @since 0.1.0 */
export const PaymentSessionResponse = SuccessEnvelope(PaymentSession).annotate({
  identifier: "PaymentSessionResponse",
});
/** `{ code: "00", message, data: PaymentSession[], pagination }`. @since 0.1.0 */
export const PaymentSessionListResponse = ListEnvelope(PaymentSession).annotate({
  identifier: "PaymentSessionListResponse",
});
/** `{ code: "00", message, data: Charge[], pagination }`. @since 0.1.0 */
export const ChargeListResponse = ListEnvelope(Charge).annotate({ identifier: "ChargeListResponse" });
/** `{ code: "00", message, data: Capture }`. @since 0.1.0 */
export const CaptureResponse = SuccessEnvelope(Capture).annotate({ identifier: "CaptureResponse" });
/** `{ code: "00", message, data: { updated } }`. @since 0.1.0 */
export const SimulationResponse = SuccessEnvelope(SimulationResult).annotate({
  identifier: "SimulationResponse",
});
/** `{ code: "00", message, data: AccessToken }`. @since 0.1.0 */
export const AccessTokenResponse = SuccessEnvelope(AccessToken).annotate({
  identifier: "AccessTokenResponse",
});

// ---------------------------------------------------------------------------------------------
// Security and request validation
// ---------------------------------------------------------------------------------------------

/**
 * The merchant a Bearer token belongs to: what {@link BearerAuthentication} provides to every
 * `/v2` handler.
 *
 * @since 0.1.0
 */
export class AuthenticatedMerchant extends Context.Service<
  AuthenticatedMerchant,
  { readonly merchantId: string; readonly clientId: string }
>()("@payment-session/core/AuthenticatedMerchant") {}

/**
 * Bearer-token security of every `/v2` endpoint (`Authorization: Bearer <accessToken>`). A server
 * implements it (`Layer.succeed(BearerAuthentication, { bearer: (effect, { credential }) => … })`)
 * and fails with a 401 {@link CredentialsInvalidError} for a missing or bad token.
 *
 * Gotcha: a client adds the header itself (e.g. `HttpClient.mapRequest(HttpClientRequest.bearerToken(token))`).
 *
 * @since 0.1.0
 */
export class BearerAuthentication extends HttpApiMiddleware.Service<
  BearerAuthentication,
  { provides: AuthenticatedMerchant }
>()("@payment-session/core/BearerAuthentication", {
  error: CredentialsInvalidError,
  security: { bearer: HttpApiSecurity.bearer },
}) {}

/**
 * Declares that every endpoint answers a request that does not fit its schemas (body, query, path,
 * headers) with a 400 {@link ApiValidationError} listing every field. Provide
 * {@link RequestValidationLive} to the server.
 *
 * @since 0.1.0
 */
export class RequestValidation extends HttpApiMiddleware.Service<RequestValidation>()(
  "@payment-session/core/RequestValidation",
  { error: ApiValidationError },
) {}

/**
 * The server side of {@link RequestValidation}: turns Effect's request schema errors into the
 * gateway's 400 envelope (`details[].field` is the dot path inside the body, query, path or headers,
 * e.g. `amount.value`, `perPage`, `x-request-id`).
 *
 * @since 0.1.0
 */
export const RequestValidationLive = HttpApiMiddleware.layerSchemaErrorTransform(RequestValidation, (error) =>
  Effect.fail(apiValidationError(issueDetails(error.cause.issue))),
);

// ---------------------------------------------------------------------------------------------
// Endpoints
// ---------------------------------------------------------------------------------------------

/** Optional idempotency key of every POST (decision C6: 1–255 visible ASCII characters). */
const idempotencyHeaders = { "x-request-id": Schema.optionalKey(RequestId) };
const sessionPath = { id: Schema.String };

/** `POST /v1/access-token` (headers X-MERCHANT-ID, X-MERCHANT-SECRET). */
const accessToken = HttpApiEndpoint.post("accessToken", "/v1/access-token", {
  headers: {
    "x-merchant-id": Schema.String,
    "x-merchant-secret": Schema.String,
    ...idempotencyHeaders,
  },
  payload: AccessTokenRequest,
  success: AccessTokenResponse,
  error: [CredentialsInvalidError],
}).annotate(OpenApi.Summary, "Get an access token (client credentials)");

const create = HttpApiEndpoint.post("create", "/v2/payments", {
  headers: idempotencyHeaders,
  payload: CreatePaymentSessionRequest,
  success: PaymentSessionResponse,
  error: [IdempotencyError],
}).annotate(OpenApi.Summary, "Create a payment session");

const confirm = HttpApiEndpoint.post("confirm", "/v2/payments/:id/confirm", {
  params: sessionPath,
  headers: idempotencyHeaders,
  payload: ConfirmPaymentSessionRequest,
  success: PaymentSessionResponse,
  error: [ResourceMissingError, IdempotencyError, UnprocessableError],
}).annotate(OpenApi.Summary, "Confirm the payment method of a session");

const get = HttpApiEndpoint.get("get", "/v2/payments/:id", {
  params: sessionPath,
  success: PaymentSessionResponse,
  error: [ResourceMissingError],
}).annotate(OpenApi.Summary, "Retrieve a payment session");

const list = HttpApiEndpoint.get("list", "/v2/payments", {
  query: ListPaymentSessionsQuery,
  success: PaymentSessionListResponse,
}).annotate(OpenApi.Summary, "List payment sessions (optionally by clientReferenceId)");

const cancel = HttpApiEndpoint.post("cancel", "/v2/payments/:id/cancel", {
  params: sessionPath,
  headers: idempotencyHeaders,
  payload: CancelPaymentSessionRequest,
  success: PaymentSessionResponse,
  error: [ResourceMissingError, IdempotencyError, UnprocessableError],
}).annotate(OpenApi.Summary, "Cancel an unpaid payment session");

const capture = HttpApiEndpoint.post("capture", "/v2/payments/:id/capture", {
  params: sessionPath,
  headers: idempotencyHeaders,
  payload: CapturePaymentSessionRequest,
  success: CaptureResponse,
  error: [ResourceMissingError, IdempotencyError, UnprocessableError],
}).annotate(OpenApi.Summary, "Capture a manual-capture card authorisation");

const simulate = HttpApiEndpoint.post("simulate", "/v2/payments/simulations", {
  headers: idempotencyHeaders,
  payload: SimulationRequest,
  success: SimulationResponse,
  error: [ResourceMissingError, IdempotencyError, UnprocessableError],
}).annotate(OpenApi.Summary, "Sandbox: settle or expire the open charge of a session");

const listCharges = HttpApiEndpoint.get("list", "/v2/charges", {
  query: ListChargesQuery,
  success: ChargeListResponse,
}).annotate(OpenApi.Summary, "List the charges of a session by clientReferenceId");

/** Group `auth`: endpoint `accessToken`. @since 0.1.0 */
export const AuthGroup = HttpApiGroup.make("auth").add(accessToken);

/** Group `payments`: `create`, `confirm`, `get`, `list`, `cancel`, `capture`, `simulate` (Bearer). @since 0.1.0 */
export const PaymentsGroup = HttpApiGroup.make("payments")
  .add(create, confirm, get, list, cancel, capture, simulate)
  .middleware(BearerAuthentication);

/** Group `charges`: endpoint `list` (Bearer). @since 0.1.0 */
export const ChargesGroup = HttpApiGroup.make("charges").add(listCharges).middleware(BearerAuthentication);

/** Group `refunds`: `create`, `get`, `list` (Bearer; endpoints in `RefundsApi.ts`). @since 0.2.0 */
export const RefundsGroup = RefundsEndpoints.middleware(BearerAuthentication);

/**
 * The whole API: groups `auth`, `payments`, `charges`, `refunds`. Every request that does not fit its schemas
 * is a 400 {@link ApiValidationError} (middleware {@link RequestValidation}); schema decoding
 * collects every issue (`errors: "all"`).
 *
 * @example
 * // server: HttpApiBuilder.layer(PaymentsApi) + group handlers + BearerAuthentication + RequestValidationLive
 * // client: HttpApiClient.make(PaymentsApi, { baseUrl })
 * @since 0.1.0
 */
export const PaymentsApi = HttpApi.make("PaymentsApi")
  .add(AuthGroup)
  .add(PaymentsGroup)
  .add(ChargesGroup)
  .add(RefundsGroup)
  .middleware(RequestValidation)
  .annotate(HttpApi.ParseOptions, { errors: "all" })
  .annotate(HttpApi.HeadersParseOptions, { errors: "all" })
  .annotate(OpenApi.Transform, openObjects)
  .annotate(OpenApi.Title, apiTitle)
  .annotate(OpenApi.Version, apiVersion)
  .annotate(
    OpenApi.Description,
    "Payment sessions and charges of the Pivot Payment (ex-Harsya) Payments v2 API, as served by this project's reference provider.",
  );

/** @since 0.1.0 */
export type PaymentsApi = typeof PaymentsApi;
