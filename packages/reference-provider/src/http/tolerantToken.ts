/**
 * `POST /v1/access-token` as real clients send it (decision C7 extended): the credentials are the
 * `X-MERCHANT-ID` / `X-MERCHANT-SECRET` headers, and the body (`{"grantType":"client_credentials"}`)
 * and its content type are never a reason to refuse: a JSON body sent as
 * `application/x-www-form-urlencoded` (PHP curl's default), an empty body, no body and no content
 * type all get a token when the credentials are right. Missing or wrong credentials are 401
 * `credentials_invalid`, never 400.
 *
 * @since 0.1.0
 */
import { AccessTokenResponse } from "@payment-session/core";
import { Effect, Schema } from "effect";
import type { HttpServerRequest } from "effect/http";
import { type Answer, errorAnswer } from "../answers.js";
import { accessToken, type ProviderServices } from "../payments.js";

/** The path this answers. @since 0.1.0 */
export const accessTokenPath = "/v1/access-token";

/**
 * Whether `request` is the token request (answered by {@link tolerantAccessToken} before the API
 * router, whose body and header schemas would refuse what real clients send).
 *
 * @since 0.1.0
 */
export const isAccessTokenRequest = (request: HttpServerRequest.HttpServerRequest): boolean =>
  request.method === "POST" && (request.url.split("?")[0] ?? "") === accessTokenPath;

const header = (request: HttpServerRequest.HttpServerRequest, name: string): string => {
  const value = request.headers[name];
  return typeof value === "string" ? value : "";
};

/**
 * The answer of a token request: a Bearer token for the merchant of the headers, or 401
 * `credentials_invalid` (missing, empty or wrong). The body is not read for anything.
 *
 * @since 0.1.0
 */
export const tolerantAccessToken = (
  services: ProviderServices,
  request: HttpServerRequest.HttpServerRequest,
  traceId: string,
): Effect.Effect<Answer> =>
  accessToken(
    services,
    { merchantId: header(request, "x-merchant-id"), merchantSecret: header(request, "x-merchant-secret") },
    services.clock.now(),
    traceId,
  ).pipe(
    Effect.map((answer): Answer => ({ status: 200, body: Schema.encodeSync(AccessTokenResponse)(answer) })),
    Effect.catch((error) => Effect.succeed(errorAnswer(error))),
  );
