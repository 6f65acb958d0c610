/**
 * Every failure reaches the caller as a typed error — the API's error envelope as
 * `PaymentsApiError`, a body that does not fit as `PaymentsDecodeError`, a request that does not fit
 * as `PaymentsInvalidRequestError`, no answer as `PaymentsTransportError` — through the Promise
 * facade (and the same values through the Effect API).
 */
import http from "node:http";
import { Effect } from "effect";
import { FetchHttpClient } from "effect/http";
import { afterEach, describe, expect, it } from "vitest";
import {
  createPaymentsClient,
  isPaymentsClientError,
  makePaymentsClient,
  PaymentsApiError,
  PaymentsDecodeError,
  PaymentsInvalidRequestError,
  PaymentsTransportError,
} from "../../src/client/index.js";
import { ok, type StubAnswer, type StubServer, sessionBody, startStubServer } from "./support/stubServer.js";

const sessionId = "7f65c757-355f-4645-ac14-028b34ab51b1";

let server: StubServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const answering = async (answer: StubAnswer) => {
  server = await startStubServer(() => answer);
  return createPaymentsClient({ baseUrl: server.url, accessToken: "token-1" });
};

/** The rejection of a promise (fails the test when it resolves). */
const rejectionOf = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
};

describe("error envelopes become PaymentsApiError", () => {
  it("400 with every offending field in details", async () => {
    const client = await answering({
      status: 400,
      body: {
        code: "api_validation_error",
        message: "Request validation failed",
        error: {
          type: "API_ERROR",
          source: "UPSTREAM",
          details: [{ field: "expiryAt", message: "expiryAt must be later than the request instant" }],
          traceId: "trace-400",
        },
      },
    });
    const error = await rejectionOf(
      client.create({ clientReferenceId: "INV-1", amount: { value: 20000, currency: "IDR" } }),
    );
    expect(error).toBeInstanceOf(PaymentsApiError);
    expect(error).toMatchObject({
      operation: "payments.create",
      status: 400,
      code: "api_validation_error",
      message: "Request validation failed",
      type: "API_ERROR",
      source: "UPSTREAM",
      details: [{ field: "expiryAt", message: "expiryAt must be later than the request instant" }],
      traceId: "trace-400",
    });
  });

  it("404 resource_missing with its GATEWAY_ERROR type", async () => {
    const client = await answering({
      status: 404,
      body: {
        code: "resource_missing",
        message: `PaymentSession with ID ${sessionId} cannot be found`,
        error: { type: "GATEWAY_ERROR" },
      },
    });
    const error = await rejectionOf(client.get(sessionId));
    expect(error).toMatchObject({
      status: 404,
      code: "resource_missing",
      type: "GATEWAY_ERROR",
      details: [],
    });
  });

  it("409 idempotency_error", async () => {
    const client = await answering({
      status: 409,
      body: { code: "idempotency_error", message: "X-REQUEST-ID reused", error: { type: "API_ERROR" } },
    });
    const error = await rejectionOf(
      client.create(
        { clientReferenceId: "INV-1", amount: { value: 20000, currency: "IDR" } },
        { requestId: "k-1" },
      ),
    );
    expect(error).toMatchObject({ status: 409, code: "idempotency_error" });
  });

  it("422 invalid_state", async () => {
    const client = await answering({
      status: 422,
      body: {
        code: "invalid_state",
        message: "Payment session in status PAID is not allowed to confirm payment session",
        error: { type: "API_ERROR" },
      },
    });
    const error = await rejectionOf(
      client.confirm(sessionId, { paymentMethod: { type: "VIRTUAL_ACCOUNT" } }),
    );
    expect(error).toMatchObject({ status: 422, code: "invalid_state", operation: "payments.confirm" });
  });

  it("statuses the API does not declare (403, 429, 503) still decode when they carry the envelope", async () => {
    for (const [status, code, type] of [
      [403, "forbidden_access", "API_ERROR"],
      [429, "frequency_above_limit", "API_ERROR"],
      [503, "service_unavailable", "GATEWAY_ERROR"],
    ] as const) {
      const client = await answering({
        status,
        body: { code, message: "refused", error: { type, trace_id: `trace-${status}` } },
      });
      const error = await rejectionOf(client.list());
      expect(error).toMatchObject({
        _tag: "PaymentsApiError",
        status,
        code,
        type,
        traceId: `trace-${status}`,
      });
      await server?.close();
    }
  });
});

describe("a declared status with a code its class does not fix still becomes PaymentsApiError", () => {
  // The API fixes `code` per status (404 → resource_missing); the gateway also answers a 404
  // `not_found` (wrong URL) or `data_not_found`, a 400 with an older numeric-looking code (facts §3).
  it("404 not_found (a wrong URL) on get", async () => {
    const client = await answering({
      status: 404,
      body: {
        code: "not_found",
        message: "No route for GET /v2/payments/x",
        error: { type: "GATEWAY_ERROR", traceId: "trace-nf" },
      },
    });
    const error = await rejectionOf(client.get(sessionId));
    expect(error).toBeInstanceOf(PaymentsApiError);
    expect(error).toMatchObject({
      status: 404,
      code: "not_found",
      type: "GATEWAY_ERROR",
      traceId: "trace-nf",
    });
  });

  it("400 with a numeric-looking code", async () => {
    const client = await answering({
      status: 400,
      body: { code: "400100001", message: "Bad request", error: { type: "API_ERROR" } },
    });
    const error = await rejectionOf(client.get(sessionId));
    expect(error).toBeInstanceOf(PaymentsApiError);
    expect(error).toMatchObject({ status: 400, code: "400100001" });
  });

  it("413 and 415, the body refusals every POST declares", async () => {
    for (const status of [413, 415]) {
      const client = await answering({
        status,
        body: {
          code: "api_validation_error",
          message: "refused",
          error: { type: "API_ERROR", details: [{ field: "", message: "refused" }] },
        },
      });
      const error = await rejectionOf(
        client.create({ clientReferenceId: "INV-1", amount: { value: 20000, currency: "IDR" } }),
      );
      expect(error).toBeInstanceOf(PaymentsApiError);
      expect(error).toMatchObject({ status, code: "api_validation_error", details: [{ field: "" }] });
      await server?.close();
      server = undefined;
    }
  });
});

describe("answers that do not fit become PaymentsDecodeError", () => {
  it("a 200 whose session lacks fields names each one", async () => {
    const client = await answering({
      status: 200,
      body: ok({ ...sessionBody(), status: "DONE", createdAt: "yesterday", clientReferenceId: undefined }),
    });
    const error = await rejectionOf(client.get(sessionId));
    expect(error).toBeInstanceOf(PaymentsDecodeError);
    expect(error).toMatchObject({ status: 200, operation: "payments.get" });
    const fields = error instanceof PaymentsDecodeError ? error.details.map((d) => d.field) : [];
    expect(fields).toEqual(
      expect.arrayContaining(["data.clientReferenceId", "data.status", "data.createdAt"]),
    );
  });

  it("a 502 with an HTML page", async () => {
    const client = await answering({
      status: 502,
      body: "<html>Bad gateway</html>",
      contentType: "text/html",
    });
    const error = await rejectionOf(client.get(sessionId));
    expect(error).toMatchObject({ _tag: "PaymentsDecodeError", status: 502 });
  });

  it("a 404 whose body is JSON but not the error envelope", async () => {
    const client = await answering({ status: 404, body: { error: "not here" } });
    const error = await rejectionOf(client.get(sessionId));
    expect(error).toMatchObject({ _tag: "PaymentsDecodeError", status: 404 });
  });

  it("a success envelope with another code", async () => {
    const client = await answering({
      status: 200,
      body: { code: "01", message: "odd", data: sessionBody() },
    });
    const error = await rejectionOf(client.get(sessionId));
    expect(error).toMatchObject({ _tag: "PaymentsDecodeError", status: 200 });
  });
});

describe("requests that do not fit are refused before sending", () => {
  it("a fractional amount, an instant without offset and a bad X-REQUEST-ID", async () => {
    const client = await answering({ status: 200, body: ok(sessionBody()) });
    const amount = await rejectionOf(
      client.create({ clientReferenceId: "INV-1", amount: { value: 1.5, currency: "IDR" } }),
    );
    expect(amount).toBeInstanceOf(PaymentsInvalidRequestError);
    expect(amount).toMatchObject({ details: [expect.objectContaining({ field: "amount.value" })] });
    const instant = await rejectionOf(
      client.create({
        clientReferenceId: "INV-1",
        amount: { value: 20000, currency: "IDR" },
        expiryAt: "2025-03-31T23:59:05",
      }),
    );
    expect(instant).toMatchObject({ details: [expect.objectContaining({ field: "expiryAt" })] });
    const key = await rejectionOf(
      client.create(
        { clientReferenceId: "INV-1", amount: { value: 20000, currency: "IDR" } },
        { requestId: "a b" },
      ),
    );
    expect(key).toMatchObject({ _tag: "PaymentsInvalidRequestError", operation: "payments.create" });
    const page = await rejectionOf(client.list({ perPage: 500 }));
    expect(page).toMatchObject({
      _tag: "PaymentsInvalidRequestError",
      details: [expect.objectContaining({ field: "perPage" })],
    });
    expect(server?.seen).toHaveLength(0);
  });

  it("accessToken() without credentials", async () => {
    const client = await answering({ status: 200, body: ok(sessionBody()) });
    const error = await rejectionOf(client.accessToken());
    expect(error).toMatchObject({ _tag: "PaymentsInvalidRequestError", operation: "auth.accessToken" });
  });
});

describe("no answer becomes PaymentsTransportError", () => {
  it("a refused connection", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const address = closed.address();
    const port = address !== null && typeof address === "object" ? address.port : 0;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const client = createPaymentsClient({ baseUrl: `http://127.0.0.1:${port}`, accessToken: "t" });
    const error = await rejectionOf(client.get(sessionId));
    expect(error).toBeInstanceOf(PaymentsTransportError);
    expect(isPaymentsClientError(error)).toBe(true);
  });
});

describe("the Effect API fails with the same typed values", () => {
  it("catchTag on PaymentsApiError", async () => {
    server = await startStubServer(() => ({
      status: 422,
      body: { code: "invalid_state", message: "no", error: { type: "API_ERROR" } },
    }));
    const url = server.url;
    const code = await Effect.runPromise(
      Effect.gen(function* () {
        const client = yield* makePaymentsClient({ baseUrl: url, accessToken: "t" });
        return yield* client.cancel(sessionId, { cancellationReason: "DUPLICATED" }).pipe(
          Effect.as("cancelled"),
          Effect.catchTag("PaymentsApiError", (e) => Effect.succeed(e.code)),
        );
      }).pipe(Effect.provide(FetchHttpClient.layer)),
    );
    expect(code).toBe("invalid_state");
  });
});
