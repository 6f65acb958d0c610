/**
 * What makes two requests "the same request" for `X-REQUEST-ID` (decision C6), for every server
 * that keeps idempotency records and every checker that predicts them.
 *
 * @since 0.1.0
 */

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
 * The identity of a request under decision C6: the endpoint and the canonical JSON (keys sorted at
 * every level) of its path parameters and encoded body, so the same JSON with another key order, or
 * with fields the schema drops, is the same request. Hash it to store it.
 *
 * @example
 * requestIdentity("POST /v2/payments", { b: 1, a: 2 }) === requestIdentity("POST /v2/payments", { a: 2, b: 1 }) // true
 * @since 0.1.0
 * @category API description
 */
export const requestIdentity = (endpoint: string, request: unknown): string =>
  `${endpoint}\n${JSON.stringify(canonical(request))}`;
