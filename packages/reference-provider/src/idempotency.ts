/**
 * `X-REQUEST-ID` (decision C6) on top of the store's idempotency records: the key of a request,
 * the replay of a stored answer, the 409 for a reused key.
 *
 * @since 0.1.0
 */
import { createHash } from "node:crypto";
import { idempotencyError } from "@payment-session/core";
import { type Answer, fromApiError } from "./answers.js";
import type { IdempotencyRecord, NewIdempotencyRecord } from "./store/index.js";

/**
 * What identifies one request for idempotency: the merchant's key, the endpoint, and a hash of the
 * endpoint, its path parameters and its decoded body (so the same JSON with other key order or
 * other ignored fields is the same request).
 *
 * @since 0.1.0
 */
export interface IdempotencyKey {
  readonly merchantId: string;
  readonly requestKey: string;
  readonly endpoint: string;
  readonly requestHash: string;
  readonly at: number;
}

const canonical = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
};

/**
 * The request's {@link IdempotencyKey}, or `undefined` without an `X-REQUEST-ID` (no replay
 * protection then). `request` is the encoded body plus path parameters.
 *
 * @since 0.1.0
 */
export const idempotencyKeyOf = (
  merchantId: string,
  requestKey: string | undefined,
  endpoint: string,
  request: unknown,
  at: number,
): IdempotencyKey | undefined => {
  if (requestKey === undefined) return undefined;
  const requestHash = createHash("sha256")
    .update(`${endpoint}\n${JSON.stringify(canonical(request))}`)
    .digest("hex");
  return { merchantId, requestKey, endpoint, requestHash, at };
};

/**
 * The answer to a request whose key already has a live record: the stored answer again (same
 * status, same body) when it is the same request, else 409 `idempotency_error`.
 *
 * @since 0.1.0
 */
export const replayOrConflict = (
  record: IdempotencyRecord | null,
  key: IdempotencyKey,
  traceId: string,
): Answer =>
  record !== null && record.requestHash === key.requestHash && record.endpoint === key.endpoint
    ? { status: record.responseStatus, body: record.responseBody }
    : fromApiError(idempotencyError({ traceId }));

/**
 * The record to store with an answer, or `undefined`. Kept: answers of requests that ran (200 and
 * the 422 refusals of the lifecycle). Not kept: 4xx that refuse the request before it ran (400,
 * 401, 404, 409) and 5xx, so a corrected retry with the same key is served afresh.
 *
 * @since 0.1.0
 */
export const idempotencyRecordOf = (
  key: IdempotencyKey | undefined,
  answer: Answer,
): NewIdempotencyRecord | undefined =>
  key === undefined || (answer.status !== 200 && answer.status !== 422)
    ? undefined
    : {
        merchantId: key.merchantId,
        requestKey: key.requestKey,
        endpoint: key.endpoint,
        requestHash: key.requestHash,
        responseStatus: answer.status,
        responseBody: answer.body,
        createdAt: key.at,
      };
