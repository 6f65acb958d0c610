/**
 * The HTTP shell: the core's `PaymentsApi` served by Effect's `HttpApiBuilder` on
 * `@effect/platform-node`, with a global adapter for what the builder does not answer in the
 * gateway's envelope (unknown routes, bodies over 1 MB, unsupported content types, defects), the
 * API docs, and optional extra routes (test mode).
 *
 * @since 0.1.0
 */
import { createServer, type Server } from "node:http";
import type { Duplex } from "node:stream";
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer";
import {
  AuthenticatedMerchant,
  apiValidationError,
  BearerAuthentication,
  type CredentialsInvalidError,
  credentialsInvalidError,
  type ErrorDetail,
  issueDetails,
  PaymentsApi,
  payloadTooLargeError,
  RequestValidation,
  renderOpenApi,
  type ServiceUnavailableError,
  serviceUnavailableError,
  unsupportedMediaTypeError,
} from "@payment-session/core";
import {
  ByteSize,
  Cause,
  Context,
  Effect,
  Exit,
  Layer,
  Option,
  Redacted,
  Result,
  Scope,
  type Types,
} from "effect";
import {
  HttpIncomingMessage,
  HttpRouter,
  HttpServer,
  HttpServerError,
  HttpServerRequest,
  HttpServerResponse,
} from "effect/http";
import { HttpApiBuilder, HttpApiMiddleware, HttpApiScalar } from "effect/http-api";
import { accessTokenVerifier } from "../accessToken.js";
import { type Answer, envelope, errorAnswer, fieldError } from "../answers.js";
import { actingMerchant } from "../merchants.js";
import {
  accessToken,
  getPayment,
  listCharges,
  listPayments,
  type ProviderServices,
  type RequestContext,
} from "../payments.js";
import { getRefund, listRefunds } from "../refunds/refunds.js";
import { fromStore } from "../sessionWrites.js";
import { StoreUnavailable } from "../store/index.js";
import { writeEndpoints } from "../writes.js";
import { jsonDepthExceeds } from "./jsonDepth.js";
import { isAccessTokenRequest, tolerantAccessToken } from "./tolerantToken.js";

/**
 * The largest request body the provider reads: 1 MB (1 048 576 bytes).
 *
 * @since 0.1.0
 * @category Server
 */
export const maxBodyBytes = 1_048_576;

/**
 * The deepest JSON nesting a body may have (objects and arrays, the body itself being level 1): a
 * deeper body is refused 400 before it is parsed, so no parser or decoder recurses on it.
 *
 * @since 0.1.0
 * @category Server
 */
export const maxJsonDepth = 64;

/**
 * The largest header block the server reads (Node's default, 16 KB): a larger one is answered 431
 * in the envelope by the server's `clientError` handler.
 *
 * @since 0.1.0
 * @category Server
 */
export const maxHeaderBytes = 16_384;

/**
 * The trace id of the current request (made by the global adapter, quoted in every error envelope
 * as `error.traceId` and sent as the `x-trace-id` header).
 *
 * @since 0.1.0
 * @category Server
 */
export const CurrentTraceId = Context.Reference<string>(
  "@payment-session/reference-provider/CurrentTraceId",
  {
    defaultValue: () => "",
  },
);

/**
 * A request to an extra route: the parsed JSON body (`undefined` when empty) and its `text`, the
 * headers (lower-case names), the query and the path parameters.
 *
 * @since 0.1.0
 * @category Server
 */
export interface ExtraRouteRequest {
  readonly body: unknown;
  readonly text: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly query: URLSearchParams;
  readonly params: Readonly<Record<string, string | undefined>>;
  /** The request's trace id (quote it as `error.traceId` in an error envelope). */
  readonly traceId: string;
}

/**
 * A route mounted beside the API (e.g. `POST /_pact/provider-states` in test mode). The handler
 * answers an {@link Answer} (status + JSON body); a body that is not JSON is a 400 envelope before
 * it runs. Its store calls fail typed: a rejection with a `StoreError` saying the database cannot be
 * used is the API's 503 `service_unavailable` (decision H7), any other rejection a 500 envelope.
 *
 * @since 0.1.0
 * @category Server
 */
export interface ExtraRoute {
  readonly method: "GET" | "POST" | "PUT" | "DELETE";
  readonly path: `/${string}`;
  readonly handle: (request: ExtraRouteRequest) => Promise<Answer | PageAnswer>;
}

/**
 * An extra route's answer that is not JSON: a page (`html`, served as `contentType`, default
 * `text/html; charset=utf-8`, with `headers`) or a redirect (`location`, 303). The sandbox's hosted
 * payment page answers these.
 *
 * @since 0.1.0
 * @category Server
 */
export type PageAnswer =
  | {
      readonly status: number;
      readonly html: string;
      readonly contentType?: string | undefined;
      readonly headers?: Readonly<Record<string, string>> | undefined;
    }
  | { readonly status: 303; readonly location: string };

const pageResponse = (answer: Answer | PageAnswer): HttpServerResponse.HttpServerResponse =>
  "html" in answer
    ? HttpServerResponse.text(answer.html, {
        status: answer.status,
        contentType: answer.contentType ?? "text/html; charset=utf-8",
        ...(answer.headers === undefined ? {} : { headers: answer.headers }),
      })
    : "location" in answer
      ? HttpServerResponse.empty({ status: 303, headers: { location: answer.location } })
      : toResponse(answer);

const toResponse = (answer: Answer): HttpServerResponse.HttpServerResponse =>
  HttpServerResponse.text(answer.json ?? JSON.stringify(answer.body), {
    status: answer.status,
    contentType: "application/json",
  });

/** Fails with the error `make` builds with this request's trace id. */
const failTraced = <E>(make: (options: { readonly traceId: string }) => E) =>
  Effect.flatMap(CurrentTraceId, (traceId) => Effect.fail(make({ traceId })));

/**
 * A store failure that says the database cannot be used now, as the API's declared 503 (the core's
 * `serviceUnavailableError`, decision H7), logged with the request's trace id.
 */
const serviceUnavailable = (traceId: string, error: StoreUnavailable): ServiceUnavailableError => {
  console.error(`[reference-provider] ${traceId}: database unavailable: ${error.message}`);
  return serviceUnavailableError({ traceId });
};

/** An operation's {@link StoreUnavailable} failure as the endpoint's declared 503. */
const declaredUnavailable = <A, E, R>(effect: Effect.Effect<A, E | StoreUnavailable, R>) =>
  Effect.catchIf(
    effect,
    (error): error is StoreUnavailable => error instanceof StoreUnavailable,
    (error) => failTraced(({ traceId }) => serviceUnavailable(traceId, error)),
  );

const makeHandlers = (services: ProviderServices) => {
  /** The authenticated merchant, the clock's instant (read once) and the trace id. */
  const requestContext = Effect.flatMap(
    Effect.all([AuthenticatedMerchant, CurrentTraceId, HttpServerRequest.HttpServerRequest]),
    ([{ merchantId }, traceId, request]): Effect.Effect<RequestContext, CredentialsInvalidError> => {
      const merchant = services.merchants.get(merchantId);
      if (merchant === undefined)
        return Effect.fail(credentialsInvalidError("Unknown merchant", { traceId }));
      // x-submerchant-id (already checked by the endpoint's header schema): the call acts for that
      // sub-account, and sees only its data (decision S5).
      const acting = actingMerchant(merchant, request.headers["x-submerchant-id"]);
      return Effect.succeed({ merchant: acting, at: services.clock.now(), traceId });
    },
  );

  const auth = HttpApiBuilder.group(PaymentsApi, "auth", (handlers) =>
    handlers.handle("accessToken", ({ headers }) =>
      Effect.flatMap(CurrentTraceId, (traceId) =>
        accessToken(
          services,
          { merchantId: headers["x-merchant-id"], merchantSecret: headers["x-merchant-secret"] },
          services.clock.now(),
          traceId,
        ),
      ),
    ),
  );

  const writes = writeEndpoints(services);
  const read = <A, E>(run: (context: RequestContext) => Effect.Effect<A, E | StoreUnavailable>) =>
    declaredUnavailable(Effect.flatMap(requestContext, run));
  /** A write endpoint of `writes`, with the request's `X-REQUEST-ID` and its other arguments. */
  const write = <Args extends ReadonlyArray<unknown>, E>(
    endpoint: (
      context: RequestContext,
      requestId: string | undefined,
      ...args: Args
    ) => Effect.Effect<Answer, E | StoreUnavailable>,
    headers: { readonly "x-request-id"?: string | undefined },
    ...args: Args
  ) =>
    Effect.map(
      read((context) => endpoint(context, headers["x-request-id"], ...args)),
      toResponse,
    );

  const payments = HttpApiBuilder.group(PaymentsApi, "payments", (handlers) =>
    handlers
      .handle("create", ({ headers, payload }) => write(writes.create, headers, payload))
      .handle("confirm", ({ headers, params, payload }) => write(writes.confirm, headers, params.id, payload))
      .handle("get", ({ params }) => read((context) => getPayment(services, context, params.id)))
      .handle("list", ({ query }) => read((context) => listPayments(services, context, query)))
      .handle("cancel", ({ headers, params, payload }) => write(writes.cancel, headers, params.id, payload))
      .handle("capture", ({ headers, params, payload }) => write(writes.capture, headers, params.id, payload))
      .handle("simulate", ({ headers, payload }) => write(writes.simulate, headers, payload)),
  );

  const charges = HttpApiBuilder.group(PaymentsApi, "charges", (handlers) =>
    handlers.handle("list", ({ query }) => read((context) => listCharges(services, context, query))),
  );

  type AuthenticationFailure = CredentialsInvalidError | Types.unhandled;
  /** Bearer tokens: the stateless signed tokens of `POST /v1/access-token`, checked on the clock. */
  const tokens = accessTokenVerifier(services.tokenSecret);
  const bearer = Layer.succeed(BearerAuthentication, {
    bearer: (httpEffect, { credential }) =>
      Effect.suspend((): Effect.Effect<HttpServerResponse.HttpServerResponse, AuthenticationFailure> => {
        const merchant = tokens.verify(Redacted.value(credential), services.merchants, services.clock.now());
        return merchant === undefined
          ? failTraced((options) =>
              credentialsInvalidError("Missing, invalid or expired access token", options),
            )
          : Effect.provideService(httpEffect, AuthenticatedMerchant, {
              merchantId: merchant.id,
              clientId: merchant.id,
            });
      }),
  });

  /** The core's request validation (400 with field paths), with this request's trace id. */
  const validation = HttpApiMiddleware.layerSchemaErrorTransform(RequestValidation, (error) =>
    failTraced((options) => apiValidationError(issueDetails(error.cause.issue), options)),
  );

  const refunds = HttpApiBuilder.group(PaymentsApi, "refunds", (handlers) =>
    handlers
      .handle("create", ({ headers, payload }) => write(writes.refund, headers, payload))
      .handle("get", ({ params }) => read((context) => getRefund(services, context, params.id)))
      .handle("list", ({ query }) => read((context) => listRefunds(services, context, query))),
  );

  return Layer.mergeAll(auth, payments, charges, refunds).pipe(Layer.provide([bearer, validation]));
};

/** The typed failure of `cause`, if it has one. */
const failureOf = (cause: Cause.Cause<unknown>): unknown =>
  Option.getOrUndefined(Cause.findErrorOption(cause));

const isRouteNotFound = (error: unknown): boolean =>
  HttpServerError.isHttpServerError(error) && error.reason._tag === "RouteNotFound";

/** The request's path, without its query. */
const pathOf = (request: HttpServerRequest.HttpServerRequest): string => request.url.split("?")[0] ?? "";

/** 413 (the core's `PayloadTooLargeError`); the connection is closed (the rest of the body is not read). */
const tooLarge = (traceId: string): HttpServerResponse.HttpServerResponse =>
  HttpServerResponse.setHeader(
    toResponse(errorAnswer(payloadTooLargeError(maxBodyBytes, { traceId }))),
    "connection",
    "close",
  );

/** A request refused before any route (header block, framing, nesting): one `details[]` entry. */
const frontDoorRefusal = (status: 400 | 431, message: string, traceId: string, detail: ErrorDetail) =>
  envelope(status, "api_validation_error", message, { traceId, details: [detail] });

/** An answer of the gateway itself (an unknown route, a defect) in the envelope. */
const gatewayError = (
  status: 404 | 500,
  code: "not_found" | "internal_error",
  message: string,
  traceId: string,
) =>
  toResponse(
    envelope(status, code, message, {
      traceId,
      type: "GATEWAY_ERROR",
      ...(status === 500 ? { source: "SYSTEM" as const } : {}),
    }),
  );

/** The body was cut at {@link maxBodyBytes} while it was read (a chunked body without a length). */
const isMaxBytes = (error: unknown): boolean => {
  for (let current = error, hops = 0; current !== undefined && current !== null && hops < 5; hops++) {
    if (typeof current !== "object") return false;
    if (Reflect.get(current, "_tag") === "MaxBytesError") return true;
    current = Reflect.get(current, "cause");
  }
  return false;
};

/** What a route answers (its failures are the adapter's to answer). */
type Routed = Effect.Effect<HttpServerResponse.HttpServerResponse, Types.unhandled>;

/** Methods whose body the adapter reads (and checks) before the route does. */
const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * The global adapter, outermost around every route:
 *
 * - makes the request's trace id ({@link CurrentTraceId}, `x-trace-id` header);
 * - refuses a body over {@link maxBodyBytes} with 413 before it is read (by `Content-Length`; a
 *   chunked body is cut at the same size by `MaxBodySize`);
 * - answers an unknown route 404 `not_found`, a 415 of the builder (content type not JSON) and any
 *   defect (500 `internal_error`) in the documented envelope.
 */
const globalAdapter = (services: ProviderServices) => {
  const maxBodySize = ByteSize.bytes(maxBodyBytes);
  /** The answer of `request`: the checks before its route (size, token request, depth), then the route's. */
  const answer = (
    httpEffect: Routed,
    request: HttpServerRequest.HttpServerRequest,
    traceId: string,
  ): Routed => {
    /** The route's answer, with the adapter's envelopes for what the builder does not answer in one. */
    const route = httpEffect.pipe(
      Effect.provideService(CurrentTraceId, traceId),
      Effect.provideService(HttpIncomingMessage.MaxBodySize, maxBodySize),
      Effect.catchCause((cause) => {
        const failure = failureOf(cause);
        if (isRouteNotFound(failure))
          return Effect.succeed(
            gatewayError(404, "not_found", `No route for ${request.method} ${pathOf(request)}`, traceId),
          );
        if (Cause.hasInterruptsOnly(cause)) return Effect.failCause(cause);
        if (isMaxBytes(failure)) return Effect.succeed(tooLarge(traceId));
        const text = Cause.pretty(cause);
        return Effect.sync(() => {
          console.error(`[reference-provider] ${traceId}: ${text}`);
          return gatewayError(500, "internal_error", "Internal error; quote the traceId to support", traceId);
        });
      }),
      Effect.map((response) =>
        response.status === 415 ? toResponse(errorAnswer(unsupportedMediaTypeError({ traceId }))) : response,
      ),
    );
    const length = Number(request.headers["content-length"] ?? "0");
    if (Number.isFinite(length) && length > maxBodyBytes) return Effect.succeed(tooLarge(traceId));
    // The token request never fails on its body or content type (decision C7 extended).
    if (isAccessTokenRequest(request))
      return Effect.map(tolerantAccessToken(services, request, traceId), toResponse);
    if (!BODY_METHODS.has(request.method)) return route;
    // Read (and cache) the body here, where its size and depth can be answered in the envelope;
    // the route reads the same cached text.
    return Effect.flatMap(
      Effect.result(Effect.provideService(request.text, HttpIncomingMessage.MaxBodySize, maxBodySize)),
      (body) => {
        if (Result.isFailure(body) && isMaxBytes(body.failure)) return Effect.succeed(tooLarge(traceId));
        if (Result.isFailure(body) || !jsonDepthExceeds(body.success, maxJsonDepth)) return route;
        console.error(
          `[reference-provider] ${traceId}: refused ${request.method} ${pathOf(request)}: body nested deeper than ${maxJsonDepth} levels`,
        );
        const message = `The request body is nested deeper than ${maxJsonDepth} levels`;
        const detail = { field: "", message: `JSON nested at most ${maxJsonDepth} levels deep` };
        return Effect.succeed(toResponse(frontDoorRefusal(400, message, traceId, detail)));
      },
    );
  };
  return HttpRouter.middleware(
    (httpEffect) =>
      Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
        const traceId = services.ids.traceId();
        return Effect.map(answer(httpEffect, request, traceId), (response) =>
          HttpServerResponse.setHeader(response, "x-trace-id", traceId),
        );
      }),
    { global: true },
  );
};

/** The body's JSON (`body: undefined` when empty), or `undefined` when it is not JSON. */
const parseJson = (text: string): { readonly body: unknown } | undefined => {
  if (text.trim() === "") return { body: undefined };
  try {
    return { body: JSON.parse(text) };
  } catch {
    return undefined;
  }
};

const extraRouteLayer = (route: ExtraRoute) =>
  HttpRouter.add(route.method, route.path, (request) =>
    Effect.gen(function* () {
      const traceId = yield* CurrentTraceId;
      const text = yield* Effect.orDie(request.text);
      const parsed = parseJson(text);
      if (parsed === undefined) {
        return toResponse(fieldError(traceId, "", "Expected a valid JSON body"));
      }
      const { params } = yield* HttpRouter.RouteContext;
      const url = new URL(request.url, "http://localhost");
      // The route's store calls as typed failures: the database gone is the API's 503, anything
      // else it rejects with a defect (500).
      const answer = yield* fromStore(() =>
        route.handle({
          body: parsed.body,
          text,
          headers: request.headers,
          query: url.searchParams,
          params,
          traceId,
        }),
      ).pipe(
        Effect.catchTag("StoreUnavailable", (error) =>
          Effect.succeed(errorAnswer(serviceUnavailable(traceId, error))),
        ),
      );
      return pageResponse(answer);
    }),
  );

/** The core's OpenAPI text, rendered on the first `GET /openapi.json` (about 0.2 s of CPU a start saves). */
let openApiText: string | undefined;

/** `GET /openapi.json` (the core's document, byte for byte `docs/openapi.json`), `GET /docs`, `GET /`. */
const docsLayer = Layer.mergeAll(
  HttpRouter.add(
    "GET",
    "/openapi.json",
    Effect.sync(() => {
      openApiText ??= renderOpenApi();
      return HttpServerResponse.text(openApiText, { contentType: "application/json" });
    }),
  ),
  HttpApiScalar.layer(PaymentsApi, { path: "/docs" }),
  HttpRouter.add(
    "GET",
    "/",
    HttpServerResponse.text(
      JSON.stringify({
        name: "payment-session reference provider (Pivot Payments v2 sandbox)",
        docs: "/docs",
        openapi: "/openapi.json",
      }),
      { contentType: "application/json" },
    ),
  ),
);

/**
 * The whole application as a router layer: the API (`HttpApiBuilder.layer(PaymentsApi)`), the docs,
 * the extra routes and the global adapter. Serve it with {@link serveProvider} (Node) or
 * `HttpRouter.toWebHandler` (in-memory).
 *
 * @since 0.1.0
 * @category Server
 */
export const providerRoutes = (services: ProviderServices, extraRoutes: ReadonlyArray<ExtraRoute> = []) =>
  Layer.mergeAll(
    HttpApiBuilder.layer(PaymentsApi).pipe(Layer.provide(makeHandlers(services))),
    docsLayer,
    ...extraRoutes.map(extraRouteLayer),
    globalAdapter(services),
  );

/**
 * What Node refuses before a request reaches the router (a header block over
 * {@link maxHeaderBytes}, a malformed request line), answered in the envelope as a raw HTTP/1.1
 * response when the socket can still take one: 431 for the headers, 400 otherwise. Node's own
 * answer is a bare status line with an empty body.
 */
const withClientErrors = (server: Server, services: ProviderServices): Server =>
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === "ECONNRESET" || !socket.writable) {
      socket.destroy();
      return;
    }
    const traceId = services.ids.traceId();
    const headers = error.code === "HPE_HEADER_OVERFLOW";
    const answer = headers
      ? frontDoorRefusal(431, `The request's header block is larger than ${maxHeaderBytes} bytes`, traceId, {
          field: "headers",
          message: `at most ${maxHeaderBytes} bytes`,
        })
      : frontDoorRefusal(400, "Malformed HTTP request", traceId, {
          field: "",
          message: error.code ?? "unreadable request",
        });
    const body = JSON.stringify(answer.body);
    const reason = headers ? "Request Header Fields Too Large" : "Bad Request";
    socket.end(
      `HTTP/1.1 ${answer.status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nx-trace-id: ${traceId}\r\nconnection: close\r\n\r\n${body}`,
    );
  });

/**
 * A listening Node server: its address and how to close it (graceful: open requests finish).
 *
 * @since 0.1.0
 * @category Server
 */
export interface ServedProvider {
  readonly host: string;
  readonly port: number;
  readonly close: () => Promise<void>;
}

/**
 * Serves the application on `host:port` (port 0: a free one) with `NodeHttpServer`. Rejects with
 * the listen error (e.g. `EADDRINUSE`) if the port cannot be taken.
 *
 * @since 0.1.0
 * @category Server
 */
export const serveProvider = async (
  services: ProviderServices,
  options: { readonly host: string; readonly port: number; readonly extraRoutes?: ReadonlyArray<ExtraRoute> },
): Promise<ServedProvider> => {
  const app = HttpRouter.serve(providerRoutes(services, options.extraRoutes), {
    disableLogger: true,
    disableListenLog: true,
  });
  const server = Layer.provideMerge(
    app,
    NodeHttpServer.layer(() => withClientErrors(createServer({ maxHeaderSize: maxHeaderBytes }), services), {
      host: options.host,
      port: options.port,
      gracefulShutdownTimeout: "2 seconds",
    }),
  );
  const program = Effect.gen(function* () {
    const scope = yield* Scope.make();
    const context = yield* Layer.buildWithScope(server, scope).pipe(
      Effect.onError((cause) => Scope.close(scope, Exit.failCause(cause))),
    );
    return { scope, address: Context.get(context, HttpServer.HttpServer).address };
  });
  const { scope, address } = await Effect.runPromise(program);
  const port = address._tag === "UnixPathAddress" ? options.port : address.port;
  return {
    host: options.host,
    port,
    close: () => Effect.runPromise(Scope.close(scope, Exit.void)),
  };
};
