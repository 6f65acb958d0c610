/**
 * Every error status the API description declares is answered by the reference provider in the
 * shape declared for it: the body decodes with the status's error class (whose `code` is fixed per
 * status), so the OpenAPI document, the typed client and the server agree — including the 413 and
 * 415 answered before any handler runs, and the 503 of a database that cannot be used, which the
 * sandbox's own routes answer the same way (typed store failures, not a scan of the defect).
 */
import {
  ApiValidationError,
  CredentialsInvalidError,
  IdempotencyError,
  PayloadTooLargeError,
  ResourceMissingError,
  ServiceUnavailableError,
  UnprocessableError,
  UnsupportedMediaTypeError,
} from "@payment-session/core";
import { Result, Schema } from "effect";
import { describe, expect, it } from "vitest";
import { createTestClock, demoMerchant, openDatabase, StoreError, startProvider } from "../src/index.js";
import { drivers, type Reply, T0, useProvider, vaCreateBody } from "./support/provider.js";

const decodesAs = (schema: Schema.Top, reply: Reply, status: number) => {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  const decoded = Schema.decodeUnknownResult(schema as Schema.Codec<unknown, unknown>)(reply.body);
  expect(Result.isSuccess(decoded), JSON.stringify(reply.body)).toBe(true);
};

const pglite = drivers[0];
if (pglite === undefined) throw new Error("no PGlite driver");

describe("declared error answers decode with their status's class", () => {
  const h = useProvider(pglite);

  it("400 ApiValidationError: a body that does not fit", async () => {
    decodesAs(ApiValidationError, await h.http.post("/v2/payments", { amount: "lots" }), 400);
  });

  it("401 CredentialsInvalidError: no token", async () => {
    decodesAs(CredentialsInvalidError, await h.http.get("/v2/payments", { merchant: null }), 401);
  });

  it("404 ResourceMissingError: an unknown session", async () => {
    decodesAs(
      ResourceMissingError,
      await h.http.get("/v2/payments/00000000-0000-4000-8000-000000000000"),
      404,
    );
  });

  it("409 IdempotencyError: a reused X-REQUEST-ID with another body", async () => {
    await h.http.post("/v2/payments", vaCreateBody(), { requestId: "declared409key0001" });
    const again = await h.http.post("/v2/payments", vaCreateBody({ clientReferenceId: "OTHER1" }), {
      requestId: "declared409key0001",
    });
    decodesAs(IdempotencyError, again, 409);
  });

  it("422 UnprocessableError: cancel a session that has a charge", async () => {
    const created = await h.http.post("/v2/payments", vaCreateBody());
    const id = (created.body as { data: { id: string } }).data.id;
    const refused = await h.http.post(`/v2/payments/${id}/cancel`, { cancellationReason: "VOID_SESSION" });
    decodesAs(UnprocessableError, refused, 422);
  });

  it("413 PayloadTooLargeError: a body over 1 MiB", async () => {
    decodesAs(
      PayloadTooLargeError,
      await h.http.post("/v2/payments", undefined, { rawBody: "x".repeat(1_100_000) }),
      413,
    );
  });

  it("415 UnsupportedMediaTypeError: a body that is not JSON", async () => {
    const reply = await h.http.post("/v2/payments", undefined, {
      rawBody: "clientReferenceId=1",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    decodesAs(UnsupportedMediaTypeError, reply, 415);
  });

  it("a class refuses a body with another status's code (the check can fail)", () => {
    const body = { code: "invalid_state", message: "m", error: { type: "API_ERROR" } };
    expect(Result.isSuccess(Schema.decodeUnknownResult(ApiValidationError)(body))).toBe(false);
    expect(Result.isSuccess(Schema.decodeUnknownResult(UnprocessableError)(body))).toBe(true);
  });
});

describe("503 ServiceUnavailableError: the database cannot be used", () => {
  it("an API read, an API write and the sandbox's routes answer the declared 503; any other store failure of a sandbox route is a 500", async () => {
    const db = await openDatabase({ memory: true });
    const provider = await startProvider({
      db,
      clock: createTestClock(T0),
      sandbox: { publicUrl: "http://sandbox.test" },
      extraRoutes: () => [
        {
          method: "GET",
          path: "/_test/bug",
          handle: () => Promise.reject(new StoreError({ reason: "query", message: "syntax error" })),
        },
      ],
    });
    const send = async (method: "GET" | "POST", path: string, body?: unknown): Promise<Reply> => {
      const reply = await fetch(`${provider.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${provider.issueAccessToken(demoMerchant.id)}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: reply.status, body: await reply.json(), headers: reply.headers } as unknown as Reply;
    };
    try {
      const bug = await send("GET", "/_test/bug");
      expect(bug.status).toBe(500);
      await db.close();
      decodesAs(ServiceUnavailableError, await send("GET", `/v2/payments/${crypto.randomUUID()}`), 503);
      decodesAs(ServiceUnavailableError, await send("GET", "/v2/charges?clientReferenceId=A1"), 503);
      decodesAs(ServiceUnavailableError, await send("POST", "/v2/payments", vaCreateBody()), 503);
      decodesAs(ServiceUnavailableError, await send("GET", "/v1/refunds"), 503);
      decodesAs(ServiceUnavailableError, await send("GET", "/_sandbox/clock"), 503);
      decodesAs(ServiceUnavailableError, await send("GET", "/_sandbox/sessions"), 503);
      decodesAs(ServiceUnavailableError, await send("GET", "/dashboard"), 503);
      decodesAs(ServiceUnavailableError, await send("GET", `/checkout/${crypto.randomUUID()}`), 503);
      // Still a bug, not an outage, with the database gone.
      expect((await send("GET", "/_test/bug")).status).toBe(500);
    } finally {
      await provider.close();
    }
  });
});
