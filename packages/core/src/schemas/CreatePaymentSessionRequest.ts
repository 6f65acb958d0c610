/**
 * `POST /v2/payments`: the create-payment-session body (facts §5; decisions C1, C5, C7).
 *
 * @since 0.1.0
 */
import { Schema, SchemaIssue } from "effect";
import { RequestAmount } from "./Amount.js";
import { Customer } from "./Customer.js";
import { ExpirationMode, Mode, PaymentType } from "./Enums.js";
import { ClientReferenceId } from "./Identifiers.js";
import { Instant } from "./Instant.js";
import { Metadata, Text } from "./internal/text.js";
import { Order } from "./Order.js";
import { PaymentMethod } from "./PaymentMethod.js";
import { PaymentMethodOptions } from "./PaymentMethodOptions.js";
import { RedirectUrl } from "./RedirectUrl.js";

const CreatePaymentSessionFields = Schema.Struct({
  clientReferenceId: ClientReferenceId,
  amount: Schema.optionalKey(RequestAmount),
  paymentType: Schema.optionalKey(PaymentType),
  mode: Schema.optionalKey(Mode),
  autoConfirm: Schema.optionalKey(Schema.Boolean),
  paymentMethod: Schema.optionalKey(PaymentMethod),
  paymentMethodOptions: Schema.optionalKey(PaymentMethodOptions),
  redirectUrl: Schema.optionalKey(RedirectUrl),
  bypassStatusPage: Schema.optionalKey(Schema.Boolean),
  customerId: Schema.optionalKey(Text(0, 255)),
  customer: Schema.optionalKey(Customer),
  orderInformation: Schema.optionalKey(Order),
  saveForFutureUse: Schema.optionalKey(Schema.Boolean),
  showSavedPayment: Schema.optionalKey(Schema.Boolean),
  statementDescriptor: Schema.optionalKey(Text(0, 20)),
  expirationMode: Schema.optionalKey(ExpirationMode),
  expiryAt: Schema.optionalKey(Instant),
  metadata: Schema.optionalKey(Metadata),
});

/**
 * The create body, read liberally (decision C7): unknown fields are dropped, `orderInformation` and
 * `redirectUrl` are optional, `clientReferenceId` is 1–100 visible characters, instants take any
 * offset. Defaults are NOT applied by decoding (so re-encoding gives back the same JSON): call
 * {@link withCreateDefaults} to get `paymentType`, `mode` and `autoConfirm` filled in.
 *
 * `amount` (integer ≥ 1) is mandatory unless `paymentType` is `MULTIPLE` (an open static VA or a
 * static QRIS has none); a missing one is reported at field `amount`.
 *
 * @example
 * decodeBody(CreatePaymentSessionRequest)({ clientReferenceId: "1743240981", amount: { value: 20000, currency: "IDR" } })
 * @since 0.1.0
 * @category Schemas
 */
export const CreatePaymentSessionRequest = CreatePaymentSessionFields.check(
  Schema.makeFilter(
    (request) =>
      request.amount === undefined && request.paymentType !== "MULTIPLE"
        ? { path: ["amount"], issue: new SchemaIssue.MissingKey({ messageMissingKey: "Missing key" }) }
        : undefined,
    { expected: "an amount unless paymentType is MULTIPLE" },
  ),
).annotate({ identifier: "CreatePaymentSessionRequest" });
/** @since 0.1.0 @category Schemas */
export type CreatePaymentSessionRequest = typeof CreatePaymentSessionRequest.Type;
/** @since 0.1.0 @category Schemas */
export type CreatePaymentSessionRequestEncoded = typeof CreatePaymentSessionRequest.Encoded;

/**
 * The documented defaults of the create body: `paymentType` SINGLE, `mode` REDIRECT, `autoConfirm`
 * true, and `bypassStatusPage` / `saveForFutureUse` / `showSavedPayment` false.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const createDefaults = {
  paymentType: "SINGLE",
  mode: "REDIRECT",
  autoConfirm: true,
  bypassStatusPage: false,
  saveForFutureUse: false,
  showSavedPayment: false,
} as const;

/**
 * A create request with its defaults applied (see {@link withCreateDefaults}).
 *
 * @since 0.1.0
 * @category Schemas
 */
export type CreatePaymentSessionInput = CreatePaymentSessionRequest & {
  readonly paymentType: PaymentType;
  readonly mode: Mode;
  readonly autoConfirm: boolean;
  readonly bypassStatusPage: boolean;
  readonly saveForFutureUse: boolean;
  readonly showSavedPayment: boolean;
};

/**
 * Fills the documented defaults ({@link createDefaults}) into a decoded create request. Fields the
 * merchant sent win. Pure; `expiryAt` (default: creation + 15 min, decision C2) is left to the
 * lifecycle, which knows the instant.
 *
 * @example
 * withCreateDefaults({ clientReferenceId: "r1", amount: { value: 1, currency: "IDR" } }).mode // "REDIRECT"
 * @since 0.1.0
 * @category Schemas
 */
export const withCreateDefaults = (request: CreatePaymentSessionRequest): CreatePaymentSessionInput => ({
  ...request,
  paymentType: request.paymentType ?? createDefaults.paymentType,
  mode: request.mode ?? createDefaults.mode,
  autoConfirm: request.autoConfirm ?? createDefaults.autoConfirm,
  bypassStatusPage: request.bypassStatusPage ?? createDefaults.bypassStatusPage,
  saveForFutureUse: request.saveForFutureUse ?? createDefaults.saveForFutureUse,
  showSavedPayment: request.showSavedPayment ?? createDefaults.showSavedPayment,
});
