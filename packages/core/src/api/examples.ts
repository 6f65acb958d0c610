/**
 * Example requests and answers of {@link PaymentsApi}, in their wire (encoded) form: the OpenAPI
 * document shows them (so a mock such as Prism answers something real), the `testing` subpath
 * exports them as shared fixtures, and a test decodes each with its schema.
 *
 * Values follow the docs' examples (facts §6, §7): a PERMATA virtual account session in API mode.
 *
 * @since 0.2.0
 */
import { Schema } from "effect";
import type { AccessTokenRequest } from "../schemas/AccessToken.js";
import type { CancelPaymentSessionRequest } from "../schemas/CancelPaymentSessionRequest.js";
import type { CapturePaymentSessionRequest } from "../schemas/Capture.js";
import type { ConfirmPaymentSessionRequest } from "../schemas/ConfirmPaymentSessionRequest.js";
import type { CreatePaymentSessionRequest } from "../schemas/CreatePaymentSessionRequest.js";
import type { ErrorEnvelope } from "../schemas/Envelope.js";
import type { CreateRefundRequest } from "../schemas/Refund.js";
import type { SimulationRequest } from "../schemas/Simulation.js";
import {
  ApiValidationError,
  apiValidationError,
  CredentialsInvalidError,
  credentialsInvalidError,
  IdempotencyError,
  idempotencyError,
  invalidStateError,
  PayloadTooLargeError,
  payloadTooLargeError,
  ResourceMissingError,
  resourceMissingError,
  ServiceUnavailableError,
  serviceUnavailableError,
  UnprocessableError,
  UnsupportedMediaTypeError,
  unsupportedMediaTypeError,
} from "./ApiErrors.js";
import type {
  AccessTokenResponse,
  CaptureResponse,
  ChargeListResponse,
  PaymentSessionListResponse,
  PaymentSessionResponse,
  SimulationResponse,
} from "./PaymentsApi.js";
import type { RefundListResponse, RefundResponse } from "./RefundsApi.js";

type Wire<S extends { readonly Encoded: unknown }> = S["Encoded"];

const sessionId = "7f65c757-355f-4645-ac14-028b34ab51b1";
const clientReferenceId = "INV20250330001";
const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
const amount = { value: 10000, currency: "IDR" } as const;

/** `POST /v1/access-token` body. @since 0.2.0 @category Examples */
export const accessTokenRequestExample: Wire<typeof AccessTokenRequest> = { grantType: "client_credentials" };

/** `POST /v1/access-token` answer (the docs' 900 s token). @since 0.2.0 @category Examples */
export const accessTokenResponseExample: Wire<typeof AccessTokenResponse> = {
  code: "00",
  message: "Success",
  data: {
    accessToken:
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJiYWNrZW5kLXBvcnRhbCIsInN1YiI6Im1lcmNoYW50In0.c2lnbmF0dXJl",
    expiresIn: "900",
    tokenType: "Bearer",
  },
};

/** `POST /v2/payments` body: a PERMATA virtual account in API mode. @since 0.2.0 @category Examples */
export const createRequestExample: Wire<typeof CreatePaymentSessionRequest> = {
  clientReferenceId,
  amount,
  mode: "API",
  autoConfirm: true,
  paymentMethod: { type: "VIRTUAL_ACCOUNT" },
  paymentMethodOptions: { virtualAccount: { channel: "PERMATA", virtualAccountName: "Reforza Harsya" } },
  redirectUrl: {
    successReturnUrl: "https://merchant.example/success",
    failureReturnUrl: "https://merchant.example/failure",
    expirationReturnUrl: "https://merchant.example/expired",
  },
  orderInformation: {
    productDetails: [
      { type: "PHYSICAL", name: "T-shirt", quantity: 2, price: { value: 5000, currency: "IDR" } },
    ],
  },
  statementDescriptor: "Harsya",
  expiryAt: "2025-03-30T23:59:05Z",
  metadata: { invoiceNo: "INV001" },
};

/** `POST /v2/payments/{id}/confirm` body. @since 0.2.0 @category Examples */
export const confirmRequestExample: Wire<typeof ConfirmPaymentSessionRequest> = {
  paymentMethod: { type: "VIRTUAL_ACCOUNT" },
  paymentMethodOptions: { virtualAccount: { channel: "PERMATA" } },
};

/** `POST /v2/payments/{id}/cancel` body. @since 0.2.0 @category Examples */
export const cancelRequestExample: Wire<typeof CancelPaymentSessionRequest> = {
  cancellationReason: "VOID_SESSION",
};

/** `POST /v2/payments/{id}/capture` body: capture part, release the rest. @since 0.2.0 @category Examples */
export const captureRequestExample: Wire<typeof CapturePaymentSessionRequest> = {
  releaseRemainingAmount: true,
  amount: { value: 8000, currency: "IDR" },
};

/** `POST /v2/payments/simulations` body (sandbox). @since 0.2.0 @category Examples */
export const simulationRequestExample: Wire<typeof SimulationRequest> = {
  paymentSessionId: sessionId,
  chargeStatus: "SUCCESS",
};

const charge = {
  id: "b4db4aa5-4ee4-4722-b414-050c745c93cd",
  paymentSessionId: sessionId,
  paymentSessionClientReferenceId: clientReferenceId,
  amount,
  statementDescriptor: "Harsya",
  status: "WAITING_FOR_USER_ACTION",
  authorizedAmount: null,
  capturedAmount: null,
  isCaptured: false,
  createdAt: "2025-03-30T05:48:17.105883834Z",
  updatedAt: "2025-03-30T05:48:17.105883916Z",
  paidAt: null,
  virtualAccount: {
    channel: "PERMATA",
    virtualAccountNumber: "76630000123456",
    virtualAccountName: "Pivot - Reforza Harsya",
    expiryAt: "2025-03-30T23:59:05Z",
  },
} as const satisfies Wire<typeof ChargeListResponse>["data"][number];

const session = {
  id: sessionId,
  clientReferenceId,
  amount,
  autoConfirm: true,
  mode: "API",
  bypassStatusPage: false,
  redirectUrl: createRequestExample.redirectUrl,
  paymentType: "SINGLE",
  paymentMethod: { type: "VIRTUAL_ACCOUNT" },
  paymentMethodOptions: { virtualAccount: { channel: "PERMATA", virtualAccountName: "Reforza Harsya" } },
  statementDescriptor: "Harsya",
  saveForFutureUse: false,
  showSavedPayment: false,
  status: "REQUIRE_ACTION",
  investigationStatus: null,
  createdAt: "2025-03-30T05:48:17.089512345Z",
  updatedAt: "2025-03-30T05:48:17.105883916Z",
  expiryAt: "2025-03-30T23:59:05Z",
  chargeDetails: [charge],
  orderInformation: createRequestExample.orderInformation,
  metadata: { invoiceNo: "INV001" },
} as const satisfies Wire<typeof PaymentSessionResponse>["data"];

/** A session answer: REQUIRE_ACTION with a waiting VA charge. @since 0.2.0 @category Examples */
export const paymentSessionResponseExample: Wire<typeof PaymentSessionResponse> = {
  code: "00",
  message: "Success",
  data: session,
};

const onePage = { page: 1, perPage: 20, totalItems: 1, totalPages: 1 };

/** A page of sessions. @since 0.2.0 @category Examples */
export const paymentSessionListResponseExample: Wire<typeof PaymentSessionListResponse> = {
  code: "00",
  message: "Success",
  data: [session],
  pagination: onePage,
};

/** A page of charges. @since 0.2.0 @category Examples */
export const chargeListResponseExample: Wire<typeof ChargeListResponse> = {
  code: "00",
  message: "Success",
  data: [charge],
  pagination: onePage,
};

/** A capture answer (asynchronous: PENDING, as in the docs). @since 0.2.0 @category Examples */
export const captureResponseExample: Wire<typeof CaptureResponse> = {
  code: "00",
  message: "Success",
  data: {
    id: "0195e5a1-7c2b-7d3e-9f40-1a2b3c4d5e6f",
    paymentSessionId: sessionId,
    paymentSessionClientReferenceId: clientReferenceId,
    releaseRemainingAmount: true,
    amount: { value: 8000, currency: "IDR" },
    status: "PENDING",
    createdAt: "2025-03-30T07:30:00Z",
    updatedAt: "2025-03-30T07:30:00Z",
  },
};

/** A simulation answer. @since 0.2.0 @category Examples */
export const simulationResponseExample: Wire<typeof SimulationResponse> = {
  code: "00",
  message: "Success",
  data: { updated: true, result: "APPLIED" },
};

/** The wire form of an error value, as a server encodes it. */
const wire = <S extends Schema.Top & { readonly EncodingServices: never }>(schema: S, value: S["Type"]) =>
  Schema.encodeSync(schema)(value) as Wire<typeof ErrorEnvelope>;

const withTrace = { traceId };

/**
 * One error answer per declared status (400, 401, 404, 409, 413, 415, 422, 503), built by the core's
 * own error constructors (the ones a server answers with), in their wire form.
 *
 * @since 0.2.0
 * @category Examples
 */
export const errorExamples = {
  400: wire(
    ApiValidationError,
    apiValidationError(
      [{ field: "amount.value", message: "Expected a number greater than 0, got -1" }],
      withTrace,
    ),
  ),
  401: wire(
    CredentialsInvalidError,
    credentialsInvalidError("Missing, invalid or expired access token", withTrace),
  ),
  404: wire(ResourceMissingError, resourceMissingError("PaymentSession", sessionId, withTrace)),
  409: wire(IdempotencyError, idempotencyError(withTrace)),
  413: wire(PayloadTooLargeError, payloadTooLargeError(1_048_576, withTrace)),
  415: wire(UnsupportedMediaTypeError, unsupportedMediaTypeError(withTrace)),
  422: wire(UnprocessableError, invalidStateError("confirm", "PAID", withTrace)),
  503: wire(ServiceUnavailableError, serviceUnavailableError(withTrace)),
} as const;

/** A refund of half the seed page's 20 000 IDR session, PENDING (decision R1). @since 0.2.0 @category API description */
export const createRefundRequestExample: Wire<typeof CreateRefundRequest> = {
  clientReferenceId: "REFUND-INV20250330001-1",
  paymentSessionId: sessionId,
  amount: { value: "10000.00", currency: "IDR" },
  reason: "REQUESTED_BY_CUSTOMER",
  method: "AUTO",
  transferDestination: {
    channelCode: "BCA",
    channelInformation: { accountNumber: "999966660001", accountName: "Reforza Harsya" },
  },
};

const refundExample: Wire<typeof RefundResponse>["data"] = {
  id: "0b6d1c7e-2f0a-4c1e-9d8b-3a5f6e7d8c9b",
  clientReferenceId: "REFUND-INV20250330001-1",
  paymentSessionId: sessionId,
  chargeId: "2c5f1e0a-8b7d-4f6e-a3c2-1d0e9f8b7a6c",
  isFullAmount: false,
  amount: { value: "10000.00", currency: "IDR" },
  capturedAmount: { value: "20000.00", currency: "IDR" },
  reason: "REQUESTED_BY_CUSTOMER",
  method: "AUTO",
  transferDestination: {
    channelCode: "BCA",
    channelInformation: { accountNumber: "999966660001", accountName: "Reforza Harsya" },
  },
  destinationType: null,
  status: "PENDING",
  createdAt: "2025-03-30T05:50:00Z",
  updatedAt: "2025-03-30T05:50:00Z",
};

/** The create / get answer: the refund, PENDING. @since 0.2.0 @category API description */
export const refundResponseExample: Wire<typeof RefundResponse> = {
  code: "00",
  message: "Success",
  data: refundExample,
};

/** A list page of one refund. @since 0.2.0 @category API description */
export const refundListResponseExample: Wire<typeof RefundListResponse> = {
  code: "00",
  message: "Success",
  data: [refundExample],
  pagination: { page: 1, perPage: 20, totalItems: 1, totalPages: 1 },
};

/** 422 for a refund beyond what is left of the captured amount (decision R3). @since 0.2.0 @category API description */
export const refundRefusedExample = wire(
  UnprocessableError,
  new UnprocessableError({
    code: "amount_exceeds_refundable",
    message:
      "Cannot refund 20000: 10000 of the captured 20000 is already refunded or being refunded, 10000 is left",
    error: { type: "API_ERROR", source: "UPSTREAM", traceId },
  }),
);
