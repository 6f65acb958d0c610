/**
 * The payments client for code that does not use Effect: the same operations as
 * {@link PaymentsClientService}, as Promises.
 *
 * @since 0.1.0
 */
import type {
  AccessToken,
  Capture,
  Charge,
  PaymentSession,
  Refund,
  SimulationResult,
} from "@payment-session/core";
import { Cause, Effect, Exit } from "effect";
import { FetchHttpClient } from "effect/http";
import {
  type CancelPaymentSessionBody,
  type CapturePaymentSessionBody,
  type ConfirmPaymentSessionBody,
  type CreatePaymentSessionBody,
  type CreateRefundBody,
  type MerchantCredentials,
  makePaymentsClient,
  type Page,
  type PageOptions,
  type PaymentsClientOptions,
  type PaymentsClientService,
  type RefundFilter,
  type RequestOptions,
  type SimulationBody,
} from "./PaymentsClient.js";

/**
 * Options of {@link createPaymentsClient}: those of the Effect client plus, optionally, the `fetch`
 * to use (default: the global one; pass your own for proxies, timeouts or tests).
 *
 * @since 0.1.0
 * @category Client
 */
export interface CreatePaymentsClientOptions extends PaymentsClientOptions {
  readonly fetch?: typeof globalThis.fetch | undefined;
}

/**
 * The Promise face of the client: each method resolves to the decoded `data` (list methods:
 * `{ data, pagination }`) and rejects with one of the typed errors — `PaymentsApiError` (an error
 * envelope, with `status`, `code`, `type`, `details`, `traceId`), `PaymentsDecodeError`,
 * `PaymentsInvalidRequestError` or `PaymentsTransportError` — never with raw JSON.
 *
 * @since 0.1.0
 * @category Client
 */
export interface PaymentsClientPromise {
  readonly accessToken: (credentials?: MerchantCredentials) => Promise<AccessToken>;
  readonly create: (body: CreatePaymentSessionBody, options?: RequestOptions) => Promise<PaymentSession>;
  readonly confirm: (
    id: string,
    body: ConfirmPaymentSessionBody,
    options?: RequestOptions,
  ) => Promise<PaymentSession>;
  readonly get: (id: string) => Promise<PaymentSession>;
  readonly getByClientReferenceId: (
    clientReferenceId: string,
    paging?: PageOptions,
  ) => Promise<Page<PaymentSession>>;
  readonly list: (
    query?: PageOptions & { readonly clientReferenceId?: string | undefined },
  ) => Promise<Page<PaymentSession>>;
  readonly cancel: (
    id: string,
    body: CancelPaymentSessionBody,
    options?: RequestOptions,
  ) => Promise<PaymentSession>;
  readonly capture: (
    id: string,
    body: CapturePaymentSessionBody,
    options?: RequestOptions,
  ) => Promise<Capture>;
  readonly charges: (clientReferenceId: string, paging?: PageOptions) => Promise<Page<Charge>>;
  readonly simulate: (body: SimulationBody, options?: RequestOptions) => Promise<SimulationResult>;
  readonly createRefund: (body: CreateRefundBody, options?: RequestOptions) => Promise<Refund>;
  readonly getRefund: (id: string) => Promise<Refund>;
  readonly listRefunds: (filter?: RefundFilter) => Promise<Page<Refund>>;
}

/** Runs a client effect; a failure rejects with the typed error itself (not a wrapper). */
const runWith =
  (fetch: typeof globalThis.fetch | undefined) =>
  async <A, E>(effect: Effect.Effect<A, E>): Promise<A> => {
    const exit = await Effect.runPromiseExit(
      fetch === undefined ? effect : Effect.provideService(effect, FetchHttpClient.Fetch, fetch),
    );
    if (Exit.isSuccess(exit)) return exit.value;
    throw Cause.squash(exit.cause);
  };

/**
 * Creates the Promise client. Building it sends nothing; with `credentials` the first call fetches
 * a token.
 *
 * @example
 * const payments = createPaymentsClient({
 *   baseUrl: "https://api-stg.pivot-payment.com",
 *   credentials: { merchantId: process.env.PIVOT_ID ?? "", merchantSecret: process.env.PIVOT_SECRET ?? "" },
 * })
 * const session = await payments.create(
 *   { clientReferenceId: "INV-1", amount: { value: 20000, currency: "IDR" }, mode: "API",
 *     paymentMethod: { type: "VIRTUAL_ACCOUNT" }, paymentMethodOptions: { virtualAccount: { channel: "PERMATA" } } },
 *   { requestId: "INV-1-create" },
 * )
 * session.chargeDetails?.[0]?.virtualAccount?.virtualAccountNumber
 * @since 0.1.0
 * @category Client
 */
export const createPaymentsClient = (options: CreatePaymentsClientOptions): PaymentsClientPromise => {
  const client: PaymentsClientService = Effect.runSync(
    makePaymentsClient(options).pipe(Effect.provide(FetchHttpClient.layer)),
  );
  const run = runWith(options.fetch);
  return {
    accessToken: (credentials) => run(client.accessToken(credentials)),
    create: (body, requestOptions) => run(client.create(body, requestOptions)),
    confirm: (id, body, requestOptions) => run(client.confirm(id, body, requestOptions)),
    get: (id) => run(client.get(id)),
    getByClientReferenceId: (clientReferenceId, paging) =>
      run(client.getByClientReferenceId(clientReferenceId, paging)),
    list: (query) => run(client.list(query)),
    cancel: (id, body, requestOptions) => run(client.cancel(id, body, requestOptions)),
    capture: (id, body, requestOptions) => run(client.capture(id, body, requestOptions)),
    charges: (clientReferenceId, paging) => run(client.charges(clientReferenceId, paging)),
    simulate: (body, requestOptions) => run(client.simulate(body, requestOptions)),
    createRefund: (body, requestOptions) => run(client.createRefund(body, requestOptions)),
    getRefund: (id) => run(client.getRefund(id)),
    listRefunds: (filter) => run(client.listRefunds(filter)),
  };
};
