/**
 * The `orderInformation` object (facts §7.5).
 *
 * @since 0.1.0
 */
import { Schema } from "effect";
import { Amount } from "./Amount.js";
import { PhoneNumber } from "./Customer.js";
import { FreeText, Text } from "./internal/text.js";

/** Kind of product sold. @since 0.1.0 @category Schemas */
export const ProductType = Schema.Literals(["PHYSICAL", "DIGITAL", "SERVICE"]);
/** @since 0.1.0 @category Schemas */
export type ProductType = typeof ProductType.Type;

/** Shipping speed. @since 0.1.0 @category Schemas */
export const ShippingMethod = Schema.Literals(["REGULAR", "NEXTDAY", "SAMEDAY", "INSTANT"]);
/** @since 0.1.0 @category Schemas */
export type ShippingMethod = typeof ShippingMethod.Type;

/** One line of the order. `quantity` may be fractional (documented "float"), but must be > 0. @since 0.1.0 @category Schemas */
export const ProductDetail = Schema.Struct({
  type: ProductType,
  category: Schema.optionalKey(Text(1, 255)),
  subCategory: Schema.optionalKey(Text(1, 255)),
  name: Schema.optionalKey(Text(1, 255)),
  description: Schema.optionalKey(Text(1, 255)),
  quantity: Schema.Finite.check(Schema.isGreaterThan(0)),
  price: Amount,
}).annotate({ identifier: "ProductDetail" });
/** @since 0.1.0 @category Schemas */
export type ProductDetail = typeof ProductDetail.Type;

/** Billing address; all address parts are needed for a foreign card with AVS. @since 0.1.0 @category Schemas */
export const BillingInfo = Schema.Struct({
  givenName: Text(1, 255),
  surname: Schema.optionalKey(Text(0, 255)),
  email: Text(1, 255),
  phoneNumber: Schema.optionalKey(PhoneNumber),
  addressLine1: Schema.optionalKey(FreeText),
  city: Schema.optionalKey(FreeText),
  provinceState: Schema.optionalKey(FreeText),
  country: Schema.optionalKey(FreeText),
  postalCode: Schema.optionalKey(FreeText),
}).annotate({ identifier: "BillingInfo" });
/** @since 0.1.0 @category Schemas */
export type BillingInfo = typeof BillingInfo.Type;

/** Shipping address and method. @since 0.1.0 @category Schemas */
export const ShippingInfo = Schema.Struct({
  givenName: Text(1, 255),
  surname: Schema.optionalKey(Text(0, 255)),
  email: Text(1, 255),
  phoneNumber: Schema.optionalKey(PhoneNumber),
  addressLine1: FreeText,
  city: FreeText,
  provinceState: FreeText,
  country: FreeText,
  postalCode: Schema.optionalKey(FreeText),
  method: ShippingMethod,
  shippingFee: Schema.optionalKey(Amount),
}).annotate({ identifier: "ShippingInfo" });
/** @since 0.1.0 @category Schemas */
export type ShippingInfo = typeof ShippingInfo.Type;

/**
 * `orderInformation`: the products (mandatory when the object is sent), billing and shipping.
 * The object itself is optional on create (decision C7).
 *
 * @since 0.1.0
 * @category Schemas
 */
export const Order = Schema.Struct({
  productDetails: Schema.Array(ProductDetail),
  billingInfo: Schema.optionalKey(BillingInfo),
  shippingInfo: Schema.optionalKey(ShippingInfo),
}).annotate({ identifier: "Order" });
/** @since 0.1.0 @category Schemas */
export type Order = typeof Order.Type;
