/**
 * `POST /v1/access-token`: trade the merchant's id and secret for a Bearer token (facts §1).
 *
 * @since 0.1.0
 */
import { Schema } from "effect";

/** Token request body: `{ grantType: "client_credentials" }`. @since 0.1.0 @category Schemas */
export const AccessTokenRequest = Schema.Struct({
  grantType: Schema.Literal("client_credentials"),
}).annotate({ identifier: "AccessTokenRequest" });
/** @since 0.1.0 @category Schemas */
export type AccessTokenRequest = typeof AccessTokenRequest.Type;

/**
 * Token answer. Gotcha: `expiresIn` is a string of seconds (`"900"`); refresh before it runs out.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const AccessToken = Schema.Struct({
  accessToken: Schema.String,
  expiresIn: Schema.String,
  tokenType: Schema.Literal("Bearer"),
}).annotate({ identifier: "AccessToken" });
/** @since 0.1.0 @category Schemas */
export type AccessToken = typeof AccessToken.Type;
