/**
 * The API description is enough to build a server and a typed client that talk to each other:
 * success envelopes, error classes by status, Bearer security and 400 field details.
 */
import { readFileSync } from "node:fs";
import { Effect, Layer, Redacted, Schema } from "effect";
import { FetchHttpClient, HttpClient, HttpClientRequest, HttpRouter, HttpServer } from "effect/http";
import { HttpApiBuilder, HttpApiClient } from "effect/http-api";
import { afterAll, describe, expect, it } from "vitest";
import {
  AuthenticatedMerchant,
  BearerAuthentication,
  credentialsInvalidError,
  invalidStateError,
  PaymentsApi,
  RequestValidationLive,
  resourceMissingError,
} from "../../src/api/index.js";
import { ErrorEnvelope, PaymentSession } from "../../src/schemas/index.js";

const session = Schema.decodeUnknownSync(PaymentSession)(
  JSON.parse(readFileSync(new URL("../fixtures/session-va-require-action.json", import.meta.url), "utf8")),
);
const ok = <A>(data: A) => ({ code: "00" as const, message: "Success", data });
const page = { page: 1, perPage: 20, totalItems: 1, totalPages: 1 };

const AuthLive = HttpApiBuilder.group(PaymentsApi, "auth", (handlers) =>
  handlers.handle("accessToken", ({ headers }) =>
    headers["x-merchant-secret"] === "secret"
      ? Effect.succeed(ok({ accessToken: "good-token", expiresIn: "900", tokenType: "Bearer" as const }))
      : Effect.fail(credentialsInvalidError()),
  ),
);

const PaymentsLive = HttpApiBuilder.group(PaymentsApi, "payments", (handlers) =>
  handlers
    .handle("create", ({ payload }) =>
      Effect.succeed(ok({ ...session, clientReferenceId: payload.clientReferenceId })),
    )
    .handle("confirm", () => Effect.fail(invalidStateError("confirm", "REQUIRE_ACTION")))
    .handle("get", ({ params }) =>
      params.id === session.id
        ? Effect.succeed(ok(session))
        : Effect.fail(resourceMissingError("PaymentSession", params.id)),
    )
    .handle("list", ({ query }) =>
      Effect.gen(function* () {
        const merchant = yield* AuthenticatedMerchant;
        return {
          ...ok([
            { ...session, metadata: { merchantId: merchant.merchantId, perPage: query.perPage ?? 20 } },
          ]),
          pagination: page,
        };
      }),
    )
    .handle("cancel", () => Effect.fail(invalidStateError("cancel", "REQUIRE_ACTION")))
    .handle("capture", () => Effect.fail(invalidStateError("capture", "REQUIRE_ACTION")))
    .handle("simulate", () => Effect.succeed(ok({ updated: "true" }))),
);

const ChargesLive = HttpApiBuilder.group(PaymentsApi, "charges", (handlers) =>
  handlers.handle("list", () => Effect.succeed({ ...ok(session.chargeDetails ?? []), pagination: page })),
);

const refund = {
  id: "refund-1",
  clientReferenceId: "refund-ref-1",
  paymentSessionId: session.id,
  chargeId: "charge-1",
  isFullAmount: false,
  amount: { value: 5_000, currency: "IDR" },
  capturedAmount: { value: 20_000, currency: "IDR" },
  reason: "REQUESTED_BY_CUSTOMER" as const,
  method: "AUTO" as const,
  destinationType: null,
  status: "PENDING" as const,
  createdAt: "2025-03-30T05:58:17Z",
  updatedAt: "2025-03-30T05:58:17Z",
};

const RefundsLive = HttpApiBuilder.group(PaymentsApi, "refunds", (handlers) =>
  handlers
    .handle("create", ({ payload }) =>
      payload.paymentSessionId === session.id
        ? Effect.succeed(ok({ ...refund, amount: payload.amount ?? refund.capturedAmount }))
        : Effect.fail(resourceMissingError("PaymentSession", payload.paymentSessionId)),
    )
    .handle("get", ({ params }) =>
      params.id === refund.id
        ? Effect.succeed(ok(refund))
        : Effect.fail(resourceMissingError("Refund", params.id)),
    )
    .handle("list", () => Effect.succeed({ ...ok([refund]), pagination: page })),
);

const BearerLive = Layer.succeed(BearerAuthentication, {
  bearer: (httpEffect, { credential }) =>
    Redacted.value(credential) === "good-token"
      ? Effect.provideService(httpEffect, AuthenticatedMerchant, { merchantId: "m-1", clientId: "c-1" })
      : Effect.fail(credentialsInvalidError()),
});

// Middleware implementations are needed where the group handlers are built.
const GroupsLive = Layer.mergeAll(AuthLive, PaymentsLive, ChargesLive, RefundsLive).pipe(
  Layer.provide([BearerLive, RequestValidationLive]),
);

const ServerLive = HttpApiBuilder.layer(PaymentsApi).pipe(
  Layer.provide(GroupsLive),
  Layer.provide(HttpServer.layerServices),
);

const web = HttpRouter.toWebHandler(ServerLive, { disableLogger: true });
afterAll(() => web.dispose());

const InMemoryFetch = Layer.succeed(FetchHttpClient.Fetch, (input, init) =>
  web.handler(new Request(input instanceof URL ? input.href : input, init)),
);

const client = (token?: string) =>
  HttpApiClient.make(PaymentsApi, {
    baseUrl: "http://payments.test",
    transformClient:
      token === undefined ? undefined : HttpClient.mapRequest(HttpClientRequest.bearerToken(token)),
  });

const run = <A, E>(effect: Effect.Effect<A, E, HttpClient.HttpClient>) =>
  Effect.runPromise(effect.pipe(Effect.provide(FetchHttpClient.layer), Effect.provide(InMemoryFetch)));

const raw = (path: string, init: RequestInit) =>
  web.handler(new Request(`http://payments.test${path}`, init));

/** The `details[].field` list of a 400 answer, decoded with the schema of its envelope. */
const detailFields = async (response: Response): Promise<ReadonlyArray<string>> => {
  const envelope = Schema.decodeUnknownSync(ErrorEnvelope)(await response.json());
  return (envelope.error.details ?? []).map((d) => d.field);
};

describe("a server and a client derived from PaymentsApi", () => {
  it("refunds: the amount value is a string on the wire and an integer in the client", async () => {
    const created = await run(
      Effect.gen(function* () {
        const api = yield* client("good-token");
        return yield* api.refunds.create({
          payload: {
            clientReferenceId: "refund-ref-1",
            paymentSessionId: session.id,
            amount: { value: 5_000, currency: "IDR" },
            reason: "REQUESTED_BY_CUSTOMER",
          },
          headers: {},
        });
      }),
    );
    expect(created.data.amount).toEqual({ value: 5_000, currency: "IDR" });
    const response = await raw(`/v1/refunds/${refund.id}`, {
      headers: { authorization: "Bearer good-token" },
    });
    const body = (await response.json()) as { data: { amount: unknown; capturedAmount: unknown } };
    expect(body.data.amount).toEqual({ value: "5000.00", currency: "IDR" });
    expect(body.data.capturedAmount).toEqual({ value: "20000.00", currency: "IDR" });
    const bad = await raw("/v1/refunds", {
      method: "POST",
      headers: { authorization: "Bearer good-token", "content-type": "application/json" },
      body: JSON.stringify({
        clientReferenceId: "r",
        paymentSessionId: session.id,
        amount: { value: "-5", currency: "IDR" },
        reason: "OTHERS",
      }),
    });
    expect(bad.status).toBe(400);
    expect(await detailFields(bad)).toEqual(["amount.value"]);
  });

  it("trades merchant credentials for a token", async () => {
    const token = await run(
      Effect.flatMap(client(), (c) =>
        c.auth.accessToken({
          headers: { "x-merchant-id": "m-1", "x-merchant-secret": "secret" },
          payload: { grantType: "client_credentials" },
        }),
      ),
    );
    expect(token.data).toEqual({ accessToken: "good-token", expiresIn: "900", tokenType: "Bearer" });
  });

  it("creates and gets a session through the success envelope", async () => {
    const created = await run(
      Effect.flatMap(client("good-token"), (c) =>
        c.payments.create({
          headers: { "x-request-id": "req-0001" },
          payload: { clientReferenceId: "INV-1", amount: { value: 10000, currency: "IDR" } },
        }),
      ),
    );
    expect(created.code).toBe("00");
    expect(created.data.clientReferenceId).toBe("INV-1");
    const got = await run(
      Effect.flatMap(client("good-token"), (c) =>
        c.payments.get({ params: { id: session.id }, headers: {} }),
      ),
    );
    expect(got.data).toEqual(session);
  });

  it("passes the authenticated merchant and the decoded query to the handler", async () => {
    const listed = await run(
      Effect.flatMap(client("good-token"), (c) =>
        c.payments.list({ query: { clientReferenceId: "1743313696", perPage: 5 }, headers: {} }),
      ),
    );
    expect(listed.data[0]?.metadata).toEqual({ merchantId: "m-1", perPage: 5 });
    expect(listed.pagination).toEqual(page);
  });

  it("decodes each error status into its class", async () => {
    const missing = await run(
      Effect.flip(
        Effect.flatMap(client("good-token"), (c) => c.payments.get({ params: { id: "nope" }, headers: {} })),
      ),
    );
    expect(missing).toMatchObject({
      _tag: "ResourceMissingError",
      code: "resource_missing",
      message: "PaymentSession with ID nope cannot be found",
      error: { type: "GATEWAY_ERROR" },
    });
    const invalid = await run(
      Effect.flip(
        Effect.flatMap(client("good-token"), (c) =>
          c.payments.cancel({
            params: { id: session.id },
            headers: {},
            payload: { cancellationReason: "DUPLICATED" },
          }),
        ),
      ),
    );
    expect(invalid).toMatchObject({ _tag: "UnprocessableError", code: "invalid_state" });
    const unauthorized = await run(
      Effect.flip(
        Effect.flatMap(client("bad-token"), (c) =>
          c.payments.get({ params: { id: session.id }, headers: {} }),
        ),
      ),
    );
    expect(unauthorized).toMatchObject({ _tag: "CredentialsInvalidError", code: "credentials_invalid" });
  });

  it("answers a bad body with 400 and every offending field", async () => {
    const response = await raw("/v2/payments", {
      method: "POST",
      headers: { authorization: "Bearer good-token", "content-type": "application/json" },
      body: JSON.stringify({ clientReferenceId: "", amount: { value: 1.5, currency: "IDR" }, mode: "NOPE" }),
    });
    expect(response.status).toBe(400);
    expect(await detailFields(response.clone())).toEqual(["clientReferenceId", "amount.value", "mode"]);
    expect(await response.json()).toMatchObject({
      code: "api_validation_error",
      error: { type: "API_ERROR" },
    });
  });

  it("answers an unknown or missing paymentMethod.type at the tag, a non-object paymentMethod at the union", async () => {
    const post = (paymentMethod: unknown) =>
      raw("/v2/payments", {
        method: "POST",
        headers: { authorization: "Bearer good-token", "content-type": "application/json" },
        body: JSON.stringify({
          clientReferenceId: "r1",
          amount: { value: 20000, currency: "IDR" },
          paymentMethod,
        }),
      });
    for (const [paymentMethod, field] of [
      [{ type: "QRIS" }, "paymentMethod.type"],
      [{ virtualAccount: { channel: "BCA" } }, "paymentMethod.type"],
      ["CARD", "paymentMethod"],
      [{ type: "CARD", card: { cvc: "12345" } }, "paymentMethod.card.cvc"],
    ] as const) {
      const response = await post(paymentMethod);
      expect(response.status).toBe(400);
      expect(await detailFields(response)).toEqual([field]);
    }
  });

  it("answers a bad X-REQUEST-ID with 400 (decision C6)", async () => {
    const response = await raw("/v2/payments/simulations", {
      method: "POST",
      headers: {
        authorization: "Bearer good-token",
        "content-type": "application/json",
        "x-request-id": "x".repeat(256),
      },
      body: JSON.stringify({ paymentSessionId: session.id, chargeStatus: "SUCCESS" }),
    });
    expect(response.status).toBe(400);
    expect(await detailFields(response)).toEqual(["x-request-id"]);
  });

  it("answers 401 without a token, with the error envelope", async () => {
    const response = await raw("/v2/charges?clientReferenceId=1743313696", { method: "GET" });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({
      code: "credentials_invalid",
      error: { type: "API_ERROR" },
    });
  });

  it("checks the token before the body: no token and a bad body is 401", async () => {
    const response = await raw("/v2/payments", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ clientReferenceId: "" }),
    });
    expect(response.status).toBe(401);
  });
});
