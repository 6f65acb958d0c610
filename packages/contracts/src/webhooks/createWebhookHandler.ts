/**
 * The merchant's callback (webhook) handler: checks `X-API-Key`, decodes the body with the core's
 * `PaymentCallback` schema (or `RefundCallback` for a `REFUND.*` event), drops duplicates (decision
 * W2) and hands each distinct event to the merchant's code once.
 *
 * @since 0.1.0
 */
import { createHash, timingSafeEqual } from "node:crypto";
import {
  type Charge,
  callbackCharge,
  callbackDedupeKey,
  decodeBody,
  type ErrorDetail,
  PaymentCallback,
  RefundCallback,
  refundCallbackDedupeKey,
} from "@payment-session/core";
import { Result } from "effect";
import { type DedupeStore, inMemoryDedupeStore } from "./dedupeStore.js";

/**
 * An incoming callback request: its headers (a `Headers` object or a plain record such as Node's
 * `req.headers`; names in any case) and its body — the raw text or bytes as received, or JSON
 * already parsed by a framework.
 *
 * @since 0.1.0
 * @category Webhooks
 */
export interface WebhookRequest {
  readonly headers: Headers | Readonly<Record<string, string | ReadonlyArray<string> | undefined>>;
  readonly body: unknown;
}

/**
 * The handler's answer: send `status` with `body` as JSON.
 *
 * - 200: handled (`duplicate: true` when this event was handled before; nothing was called);
 * - 400: the body is not JSON or does not fit `PaymentCallback` (`details` names the fields);
 * - 401: `X-API-Key` missing or wrong;
 * - 500: `onEvent` threw; the event is not recorded, so the gateway's retry (W2) is handled.
 *
 * @since 0.1.0
 * @category Webhooks
 */
export type WebhookResponse =
  | {
      readonly status: 200;
      readonly body: {
        readonly received: true;
        readonly duplicate: boolean;
        readonly event: PaymentCallback["event"] | RefundCallback["event"];
        readonly paymentSessionId: string;
        /** The refund a `REFUND.*` callback is about. */
        readonly refundId?: string;
      };
    }
  | {
      readonly status: 400;
      readonly body: {
        readonly error: "invalid_body";
        readonly message: string;
        readonly details: ReadonlyArray<ErrorDetail>;
      };
    }
  | { readonly status: 401; readonly body: { readonly error: "invalid_api_key"; readonly message: string } }
  | { readonly status: 500; readonly body: { readonly error: "handler_failed"; readonly message: string } };

/**
 * What `onEvent` receives besides the callback: the `dedupeKey` it was recorded under, and the
 * `charge` the event is about (the most recently updated one; `undefined` when the session has
 * none, e.g. a cancel before any charge).
 *
 * @since 0.1.0
 * @category Webhooks
 */
export interface WebhookEventContext {
  readonly dedupeKey: string;
  readonly charge: Charge | undefined;
}

/**
 * Options of {@link createWebhookHandler}.
 *
 * - `apiKey`: the Callback API Key from the dashboard (compared in constant time);
 * - `onEvent`: your code, called once per distinct event; throw (or reject) to have the gateway
 *   retry later;
 * - `onRefundEvent`: your code for refund callbacks (`REFUND.PENDING`, `REFUND.WAITING_BANK_TRANFER`
 *   — the docs' spelling, decision R4 —, `REFUND.SUCCESS`, `REFUND.FAILED`), called once per
 *   (refund id, event); without it a refund callback is checked, recorded and acknowledged (200)
 *   but nothing is called;
 * - `dedupeStore`: where handled events are recorded (default: {@link inMemoryDedupeStore}).
 *
 * @since 0.1.0
 * @category Webhooks
 */
export interface WebhookHandlerOptions {
  readonly apiKey: string;
  readonly onEvent: (callback: PaymentCallback, context: WebhookEventContext) => void | Promise<void>;
  readonly onRefundEvent?:
    | ((callback: RefundCallback, context: { readonly dedupeKey: string }) => void | Promise<void>)
    | undefined;
  readonly dedupeStore?: DedupeStore | undefined;
}

/**
 * A webhook handler: one request in, one answer out. Never throws.
 *
 * @since 0.1.0
 * @category Webhooks
 */
export type WebhookHandler = (request: WebhookRequest) => Promise<WebhookResponse>;

const digest = (text: string): Buffer => createHash("sha256").update(text, "utf8").digest();

const headerValue = (headers: WebhookRequest["headers"], name: string): string | undefined => {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    if (typeof value === "string") return value;
    return value.length === 1 ? value[0] : undefined;
  }
  return undefined;
};

const parseBody = (body: unknown): Result.Result<unknown, string> => {
  if (typeof body !== "string" && !(body instanceof Uint8Array)) return Result.succeed(body);
  const text = typeof body === "string" ? body : new TextDecoder().decode(body);
  try {
    return Result.succeed(JSON.parse(text));
  } catch (cause) {
    return Result.fail(cause instanceof Error ? cause.message : "not JSON");
  }
};

/**
 * The callback's charge and dedupe keys (decision W2) are the core's: the provider enqueues by the same keys.
 *
 * @since 0.1.0
 * @category Webhooks
 */
export { callbackCharge, callbackDedupeKey, refundCallbackDedupeKey };

const decodeCallback = decodeBody(PaymentCallback);
const decodeRefundCallback = decodeBody(RefundCallback);

/** Whether a parsed body is a refund callback (its `event` starts `REFUND.`). */
const isRefundBody = (body: unknown): boolean =>
  typeof body === "object" &&
  body !== null &&
  typeof (body as { readonly event?: unknown }).event === "string" &&
  String((body as { readonly event: string }).event).startsWith("REFUND.");

/**
 * Creates the payment-callback handler. It answers 401 to a missing or wrong `X-API-Key` and 400 to
 * a body that does not decode, recording nothing either way; otherwise it records the event's dedupe
 * key and calls `onEvent` once per distinct event (a duplicate answers 200 without calling it).
 *
 * @example
 * const handle = createWebhookHandler({
 *   apiKey: process.env.PIVOT_CALLBACK_KEY ?? "",
 *   onEvent: async ({ event, data }) => {
 *     if (event === "PAYMENT.PAID") await orders.markPaid(data.clientReferenceId)
 *   },
 * })
 * // any framework: const { status, body } = await handle({ headers: req.headers, body: rawBody })
 * http.createServer(toNodeListener(handle)).listen(8080)
 * @since 0.1.0
 * @category Webhooks
 */
export const createWebhookHandler = (options: WebhookHandlerOptions): WebhookHandler => {
  if (options.apiKey.length === 0) throw new TypeError("createWebhookHandler: apiKey must not be empty");
  const expected = digest(options.apiKey);
  const store = options.dedupeStore ?? inMemoryDedupeStore();
  /** Records a refund callback and calls `onRefundEvent` once per (refund, event). */
  const handleRefund = async (body: unknown): Promise<WebhookResponse> => {
    const decoded = decodeRefundCallback(body);
    if (Result.isFailure(decoded)) {
      return {
        status: 400,
        body: {
          error: "invalid_body",
          message: "The body is not a refund callback",
          details: decoded.failure.details,
        },
      };
    }
    const callback = decoded.success;
    const dedupeKey = refundCallbackDedupeKey(callback);
    const received = {
      received: true,
      event: callback.event,
      paymentSessionId: callback.data.paymentSessionId,
      refundId: callback.data.id,
    } as const;
    try {
      if (!(await store.claim(dedupeKey))) return { status: 200, body: { ...received, duplicate: true } };
    } catch (cause) {
      return {
        status: 500,
        body: { error: "handler_failed", message: `dedupe store failed: ${messageOf(cause)}` },
      };
    }
    try {
      await options.onRefundEvent?.(callback, { dedupeKey });
    } catch (cause) {
      try {
        await store.release(dedupeKey);
      } catch {
        // The event stays recorded; the failure to handle it is still reported below.
      }
      return { status: 500, body: { error: "handler_failed", message: messageOf(cause) } };
    }
    return { status: 200, body: { ...received, duplicate: false } };
  };
  return async (request) => {
    const given = headerValue(request.headers, "x-api-key");
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      return { status: 401, body: { error: "invalid_api_key", message: "X-API-Key is missing or wrong" } };
    }
    const parsed = parseBody(request.body);
    if (Result.isFailure(parsed)) {
      return {
        status: 400,
        body: {
          error: "invalid_body",
          message: "The body is not JSON",
          details: [{ field: "", message: parsed.failure }],
        },
      };
    }
    if (isRefundBody(parsed.success)) return handleRefund(parsed.success);
    const decoded = decodeCallback(parsed.success);
    if (Result.isFailure(decoded)) {
      return {
        status: 400,
        body: {
          error: "invalid_body",
          message: "The body is not a payment callback",
          details: decoded.failure.details,
        },
      };
    }
    const callback = decoded.success;
    const dedupeKey = callbackDedupeKey(callback);
    const received = { received: true, event: callback.event, paymentSessionId: callback.data.id } as const;
    try {
      if (!(await store.claim(dedupeKey))) return { status: 200, body: { ...received, duplicate: true } };
    } catch (cause) {
      return {
        status: 500,
        body: { error: "handler_failed", message: `dedupe store failed: ${messageOf(cause)}` },
      };
    }
    try {
      await options.onEvent(callback, { dedupeKey, charge: callbackCharge(callback) });
    } catch (cause) {
      try {
        await store.release(dedupeKey);
      } catch {
        // The event stays recorded; the failure to handle it is still reported below.
      }
      return { status: 500, body: { error: "handler_failed", message: messageOf(cause) } };
    }
    return { status: 200, body: { ...received, duplicate: false } };
  };
};

const messageOf = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause));
