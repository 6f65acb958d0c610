/**
 * The `redirectUrl` object: where the hosted page sends the customer's browser afterwards.
 *
 * @since 0.1.0
 */
import { Schema } from "effect";
import { Text } from "./internal/text.js";

/**
 * Browser return targets, each 1–255 characters and each optional.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const RedirectUrl = Schema.Struct({
  successReturnUrl: Schema.optionalKey(Text(1, 255)),
  failureReturnUrl: Schema.optionalKey(Text(1, 255)),
  expirationReturnUrl: Schema.optionalKey(Text(1, 255)),
}).annotate({ identifier: "RedirectUrl" });
/** @since 0.1.0 @category Schemas */
export type RedirectUrl = typeof RedirectUrl.Type;
