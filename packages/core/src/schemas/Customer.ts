/**
 * The `customer` object (facts §7.2).
 *
 * @since 0.1.0
 */
import { Schema } from "effect";
import { FreeText, JsonObject, Text } from "./internal/text.js";

/** A phone number split as the gateway wants it: `{ countryCode: "+62", number: "8…" }`. @since 0.1.0 @category Schemas */
export const PhoneNumber = Schema.Struct({
  countryCode: Text(1, 4),
  number: Text(1, 15),
}).annotate({ identifier: "PhoneNumber" });
/** @since 0.1.0 @category Schemas */
export type PhoneNumber = typeof PhoneNumber.Type;

/** Refund method: AUTO (to the channel, falling back to transfer; default) or TRANSFER_ONLY. @since 0.1.0 @category Schemas */
export const RefundMethod = Schema.Literals(["AUTO", "TRANSFER_ONLY"]);
/** @since 0.1.0 @category Schemas */
export type RefundMethod = typeof RefundMethod.Type;

/** Where refunds go (`transferDestination` is needed for TRANSFER_ONLY). @since 0.1.0 @category Schemas */
export const RefundPreference = Schema.Struct({
  method: RefundMethod,
  transferDestination: Schema.optionalKey(
    Schema.Struct({
      channelCode: Text(1, 20),
      channelInformation: Schema.Struct({
        accountNumber: Text(1, 30),
        accountName: Text(1, 50),
      }),
    }),
  ),
}).annotate({ identifier: "RefundPreference" });
/** @since 0.1.0 @category Schemas */
export type RefundPreference = typeof RefundPreference.Type;

/**
 * The customer. `email` is the identity key (mandatory); the rest is optional.
 * `storedPaymentMethods` appears in responses only (saved tokens) and is kept as opaque JSON.
 *
 * Gotcha: some docs examples write `sureName`; it is ignored like any unknown field.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const Customer = Schema.Struct({
  id: Schema.optionalKey(FreeText),
  givenName: Schema.optionalKey(Text(1, 255)),
  surname: Schema.optionalKey(Text(0, 255)),
  email: Text(1, 255),
  phoneNumber: Schema.optionalKey(PhoneNumber),
  refundPreference: Schema.optionalKey(RefundPreference),
  storedPaymentMethods: Schema.optionalKey(Schema.NullOr(Schema.Array(JsonObject))),
}).annotate({ identifier: "Customer" });
/** @since 0.1.0 @category Schemas */
export type Customer = typeof Customer.Type;
