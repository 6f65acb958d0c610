/**
 * The Payments v2 API this project serves, as one Effect `HttpApi`: a server (`HttpApiBuilder`), a
 * typed client (`HttpApiClient`) and the OpenAPI document are all derived from it.
 *
 * @since 0.1.0
 */
import { Context, Effect, Schema } from "effect";
import { HttpServerRequest } from "effect/http";
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
  PayloadTooLargeError,
  ResourceMissingError,
  ServiceUnavailableError,
  UnprocessableError,
  UnsupportedMediaTypeError,
} from "./ApiErrors.js";
import {
  accessTokenRequestExample,
  accessTokenResponseExample,
  cancelRequestExample,
  captureRequestExample,
  captureResponseExample,
  chargeListResponseExample,
  confirmRequestExample,
  createRequestExample,
  errorExamples,
  paymentSessionListResponseExample,
  paymentSessionResponseExample,
  simulationRequestExample,
  simulationResponseExample,
} from "./examples.js";
import {
  amountLimitsExtension,
  amountLimitsMarkdown,
  describeParameters,
  discriminateUnions,
  documented,
} from "./operationDocs.js";
import { RefundsEndpoints } from "./RefundsApi.js";
import { subAccountHeaders } from "./subAccount.js";

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

/** Version of the API description (the `info.version` of the OpenAPI document). @since 0.1.0 @category API description */
export const apiVersion = "0.1.0";

/**
 * The gateway's hosts (facts §1): the sandbox first (the only one that serves
 * `/v2/payments/simulations`), then production. The reference provider serves the same paths on
 * the URL `pnpm start` prints.
 *
 * @since 0.2.0
 * @category API description
 */
export const apiServers = [
  { url: "https://api-stg.pivot-payment.com", description: "Sandbox (testing; simulations)" },
  { url: "https://api.pivot-payment.com", description: "Production" },
] as const;

/** Title of the OpenAPI document. @since 0.1.0 @category API description */
export const apiTitle = "Pivot Payments v2 (payment-session)";

// ---------------------------------------------------------------------------------------------
// Response bodies (named, so that the OpenAPI document shows them as components)
// ---------------------------------------------------------------------------------------------

/** `{ code: "00", message, data: PaymentSession }`: create, confirm, get and cancel answer it. @since 0.1.0 @category API description */
export const PaymentSessionResponse = SuccessEnvelope(PaymentSession).annotate({
  identifier: "PaymentSessionResponse",
});
/** `{ code: "00", message, data: PaymentSession[], pagination }`. @since 0.1.0 @category API description */
export const PaymentSessionListResponse = ListEnvelope(PaymentSession).annotate({
  identifier: "PaymentSessionListResponse",
});
/** `{ code: "00", message, data: Charge[], pagination }`. @since 0.1.0 @category API description */
export const ChargeListResponse = ListEnvelope(Charge).annotate({ identifier: "ChargeListResponse" });
/** `{ code: "00", message, data: Capture }`. @since 0.1.0 @category API description */
export const CaptureResponse = SuccessEnvelope(Capture).annotate({ identifier: "CaptureResponse" });
/** `{ code: "00", message, data: { updated } }`. @since 0.1.0 @category API description */
export const SimulationResponse = SuccessEnvelope(SimulationResult).annotate({
  identifier: "SimulationResponse",
});
/** `{ code: "00", message, data: AccessToken }`. @since 0.1.0 @category API description */
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
 * @category API description
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
 * @category API description
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
 * @category API description
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
 * @category API description
 */
export const RequestValidationLive = HttpApiMiddleware.layerSchemaErrorTransform(RequestValidation, (error) =>
  Effect.gen(function* () {
    // The body itself tells a wrong tag (`paymentMethod.type`) from a wrong value (`paymentMethod`).
    const body =
      error.kind === "Payload" || error.kind === "Body"
        ? yield* Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => request.json).pipe(
            Effect.orElseSucceed(() => undefined),
          )
        : undefined;
    return yield* Effect.fail(apiValidationError(issueDetails(error.cause.issue, body)));
  }),
);

// ---------------------------------------------------------------------------------------------
// Endpoints
// ---------------------------------------------------------------------------------------------

/** Optional idempotency key of every POST (decision C6: 1–255 visible ASCII characters). */
const idempotencyHeaders = {
  ...subAccountHeaders,
  "x-request-id": Schema.optionalKey(
    RequestId.annotate({
      description:
        "Idempotency key (1–255 visible ASCII characters; decision C6). The same key with the same body within 24 h replays the first answer; with another body or endpoint it is a 409 idempotency_error.",
    }),
  ),
};
const sessionPath = { id: Schema.String };

/** The answers every POST can give about its body before a handler runs. */
const bodyRefusals = [PayloadTooLargeError, UnsupportedMediaTypeError] as const;

/**
 * What every endpoint that uses the server's storage can answer when the storage cannot be used
 * (503, decision H7), and its example.
 */
const storeErrors = [ServiceUnavailableError] as const;
const unavailable = { 503: errorExamples[503] };

/** The error examples every operation shares (400, 401, and 413/415 for a POST). */
const commonErrors = { 400: errorExamples[400], 401: errorExamples[401] };
const bodyErrors = { ...commonErrors, 413: errorExamples[413], 415: errorExamples[415] };
const sessionPostErrors = {
  ...bodyErrors,
  404: errorExamples[404],
  409: errorExamples[409],
  422: errorExamples[422],
  ...unavailable,
};

const amountLimits = `Amount bounds per method (decision C5; the docs' example merchant config, a merchant's own may differ; outside them: 400 on \`amount.value\`):\n\n${amountLimitsMarkdown()}`;

/** `POST /v1/access-token` (headers X-MERCHANT-ID, X-MERCHANT-SECRET). */
const accessToken = HttpApiEndpoint.post("accessToken", "/v1/access-token", {
  headers: {
    "x-merchant-id": Schema.String.annotate({ description: "The merchant's client id (Dashboard)" }),
    "x-merchant-secret": Schema.String.annotate({ description: "The merchant's client secret (Dashboard)" }),
    ...idempotencyHeaders,
  },
  payload: AccessTokenRequest,
  success: AccessTokenResponse,
  error: [CredentialsInvalidError, ...bodyRefusals],
})
  .annotate(OpenApi.Summary, "Get an access token (client credentials)")
  .annotateMerge(
    documented({
      description:
        "Trades the merchant's client id and secret for a Bearer token valid for `expiresIn` seconds (900). Send it as `Authorization: Bearer <accessToken>` on every `/v2` call; refresh it before it expires.",
      request: accessTokenRequestExample,
      responses: { 200: accessTokenResponseExample, ...bodyErrors },
    }),
  );

const create = HttpApiEndpoint.post("create", "/v2/payments", {
  headers: idempotencyHeaders,
  payload: CreatePaymentSessionRequest,
  success: PaymentSessionResponse,
  error: [IdempotencyError, ...bodyRefusals, ...storeErrors],
})
  .annotate(OpenApi.Summary, "Create a payment session")
  .annotateMerge(
    documented({
      description: `Creates a payment session. Its first status follows from the body (decision C1): no method or \`autoConfirm: false\` → REQUIRE_PAYMENT_METHOD / REQUIRE_CONFIRMATION; a method with \`autoConfirm: true\` → REQUIRE_ACTION with a waiting charge; a MULTIPLE QR/VA in API mode → ACTIVE. Answers 200 (not 201).\n\n${amountLimits}`,
      request: createRequestExample,
      responses: {
        200: paymentSessionResponseExample,
        ...bodyErrors,
        409: errorExamples[409],
        ...unavailable,
      },
    }),
  )
  .annotate(OpenApi.Override, { "x-amount-limits": amountLimitsExtension() });

const confirm = HttpApiEndpoint.post("confirm", "/v2/payments/:id/confirm", {
  params: sessionPath,
  headers: idempotencyHeaders,
  payload: ConfirmPaymentSessionRequest,
  success: PaymentSessionResponse,
  error: [ResourceMissingError, IdempotencyError, UnprocessableError, ...bodyRefusals, ...storeErrors],
})
  .annotate(OpenApi.Summary, "Confirm the payment method of a session")
  .annotateMerge(
    documented({
      description: `Sets the payment method of a REQUIRE_PAYMENT_METHOD or REQUIRE_CONFIRMATION session and opens its charge (REQUIRE_ACTION). In any other status: 422 \`invalid_state\` (decision L2).\n\n${amountLimits}`,
      request: confirmRequestExample,
      responses: { 200: paymentSessionResponseExample, ...sessionPostErrors },
    }),
  )
  .annotate(OpenApi.Override, { "x-amount-limits": amountLimitsExtension() });

const get = HttpApiEndpoint.get("get", "/v2/payments/:id", {
  headers: subAccountHeaders,
  params: sessionPath,
  success: PaymentSessionResponse,
  error: [ResourceMissingError, ...storeErrors],
})
  .annotate(OpenApi.Summary, "Retrieve a payment session")
  .annotateMerge(
    documented({
      description:
        "One payment session with its charges. A session past its `expiryAt` is answered EXPIRED (lazy expiry, decision L4). Unknown id (or another merchant's): 404 `resource_missing`.",
      responses: {
        200: paymentSessionResponseExample,
        ...commonErrors,
        404: errorExamples[404],
        ...unavailable,
      },
    }),
  );

const list = HttpApiEndpoint.get("list", "/v2/payments", {
  headers: subAccountHeaders,
  query: ListPaymentSessionsQuery,
  success: PaymentSessionListResponse,
  error: storeErrors,
})
  .annotate(OpenApi.Summary, "List payment sessions (optionally by clientReferenceId)")
  .annotateMerge(
    documented({
      description:
        "The merchant's payment sessions, a page at a time (`page` from 1, `perPage` 1–100, default 20). With `clientReferenceId`, every session with that reference (decision C4: the reference need not be unique).",
      responses: { 200: paymentSessionListResponseExample, ...commonErrors, ...unavailable },
    }),
  );

const cancel = HttpApiEndpoint.post("cancel", "/v2/payments/:id/cancel", {
  params: sessionPath,
  headers: idempotencyHeaders,
  payload: CancelPaymentSessionRequest,
  success: PaymentSessionResponse,
  error: [ResourceMissingError, IdempotencyError, UnprocessableError, ...bodyRefusals, ...storeErrors],
})
  .annotate(OpenApi.Summary, "Cancel an unpaid payment session")
  .annotateMerge(
    documented({
      description:
        "Cancels a REQUIRE_PAYMENT_METHOD or REQUIRE_CONFIRMATION session (decision L3): CANCELLED with `cancelledAt` and the reason. In any other status: 422 `invalid_state`.",
      request: cancelRequestExample,
      responses: { 200: paymentSessionResponseExample, ...sessionPostErrors },
    }),
  );

const capture = HttpApiEndpoint.post("capture", "/v2/payments/:id/capture", {
  params: sessionPath,
  headers: idempotencyHeaders,
  payload: CapturePaymentSessionRequest,
  success: CaptureResponse,
  error: [ResourceMissingError, IdempotencyError, UnprocessableError, ...bodyRefusals, ...storeErrors],
})
  .annotate(OpenApi.Summary, "Capture a manual-capture card authorisation")
  .annotateMerge(
    documented({
      description:
        "Captures a card charge in WAITING_FOR_CAPTURE (decision P6): all of it, or `amount` of it; `releaseRemainingAmount` voids the rest. In any other state: 422 `invalid_state`.",
      request: captureRequestExample,
      responses: { 200: captureResponseExample, ...sessionPostErrors },
    }),
  );

const simulate = HttpApiEndpoint.post("simulate", "/v2/payments/simulations", {
  headers: idempotencyHeaders,
  payload: SimulationRequest,
  success: SimulationResponse,
  error: [ResourceMissingError, IdempotencyError, UnprocessableError, ...bodyRefusals, ...storeErrors],
})
  .annotate(OpenApi.Summary, "Sandbox: settle or expire the open charge of a session")
  .annotateMerge(
    documented({
      description:
        "Sandbox only: settles (`SUCCESS`) or expires (`EXPIRED`) the open charge of a QR, VA or e-wallet session, as a customer's payment would; a MULTIPLE session takes `amount`. A payment whose amount differs from the session's: 422 `amount_mismatch` (decision P1).",
      request: simulationRequestExample,
      responses: { 200: simulationResponseExample, ...sessionPostErrors },
    }),
  );

const listCharges = HttpApiEndpoint.get("list", "/v2/charges", {
  headers: subAccountHeaders,
  query: ListChargesQuery,
  success: ChargeListResponse,
  error: storeErrors,
})
  .annotate(OpenApi.Summary, "List the charges of a session by clientReferenceId")
  .annotateMerge(
    documented({
      description:
        "The charges of the sessions with that `clientReferenceId`, a page at a time (`page` from 1, `perPage` 1–100, default 20).",
      responses: { 200: chargeListResponseExample, ...commonErrors, ...unavailable },
    }),
  );

/** Group `auth`: endpoint `accessToken`. @since 0.1.0 @category API description */
export const AuthGroup = HttpApiGroup.make("auth")
  .add(accessToken)
  .annotate(OpenApi.Description, "Access tokens (client credentials)");

/** Group `payments`: `create`, `confirm`, `get`, `list`, `cancel`, `capture`, `simulate` (Bearer). @since 0.1.0 @category API description */
export const PaymentsGroup = HttpApiGroup.make("payments")
  .add(create, confirm, get, list, cancel, capture, simulate)
  .middleware(BearerAuthentication)
  .annotate(
    OpenApi.Description,
    "Payment sessions: create, confirm, retrieve, list, cancel, capture, simulate",
  );

/** Group `charges`: endpoint `list` (Bearer). @since 0.1.0 @category API description */
export const ChargesGroup = HttpApiGroup.make("charges")
  .add(listCharges)
  .middleware(BearerAuthentication)
  .annotate(OpenApi.Description, "Charges: the payment attempts of a session");

/** Group `refunds`: `create`, `get`, `list` (Bearer; endpoints in `RefundsApi.ts`). @since 0.2.0 @category API description */
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
 * @category API description
 */
export const PaymentsApi = HttpApi.make("PaymentsApi")
  .add(AuthGroup)
  .add(PaymentsGroup)
  .add(ChargesGroup)
  .add(RefundsGroup)
  .middleware(RequestValidation)
  .annotate(HttpApi.ParseOptions, { errors: "all" })
  .annotate(HttpApi.HeadersParseOptions, { errors: "all" })
  .annotate(OpenApi.Transform, (spec) => discriminateUnions(describeParameters(openObjects(spec))))
  .annotate(OpenApi.Title, apiTitle)
  .annotate(OpenApi.Version, apiVersion)
  .annotate(OpenApi.License, { name: "MIT", identifier: "MIT" })
  .annotate(OpenApi.Servers, apiServers)
  .annotate(
    OpenApi.Description,
    "Payment sessions and charges of the Pivot Payment (ex-Harsya) Payments v2 API, as served by this project's reference provider.",
  );

/** @since 0.1.0 @category API description */
export type PaymentsApi = typeof PaymentsApi;
