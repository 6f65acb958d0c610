/**
 * The client obtains a Bearer token from the merchant's credentials, reuses it, and fetches a new
 * one before its lifetime runs out (time read from Effect's Clock, driven here by TestClock) or
 * when the API answers 401.
 */
import { Effect } from "effect";
import { FetchHttpClient } from "effect/http";
import { TestClock } from "effect/testing";
import { afterEach, describe, expect, it } from "vitest";
import { makePaymentsClient, PaymentsApiError } from "../../src/client/index.js";
import {
  ok,
  type SeenRequest,
  type StubServer,
  sessionBody,
  startStubServer,
  tokenAnswer,
} from "./support/stubServer.js";

const credentials = { merchantId: "merchant-0001", merchantSecret: "secret-0001" };
const sessionId = "7f65c757-355f-4645-ac14-028b34ab51b1";

let server: StubServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const tokenCalls = (seen: ReadonlyArray<SeenRequest>) => seen.filter((r) => r.path === "/v1/access-token");
const bearerOf = (r: SeenRequest | undefined) => r?.headers.authorization;

/** A server that hands out t1, t2, … and accepts only the tokens listed in `valid`. */
const tokenServer = (valid: (token: string) => boolean) => {
  let issued = 0;
  return (request: SeenRequest) => {
    if (request.path === "/v1/access-token") {
      issued += 1;
      return tokenAnswer(`t${issued}`);
    }
    const token = (request.headers.authorization ?? "").replace(/^Bearer /u, "");
    return valid(token)
      ? { status: 200, body: ok(sessionBody()) }
      : {
          status: 401,
          body: { code: "credentials_invalid", message: "Invalid token", error: { type: "API_ERROR" } },
        };
  };
};

const runWithTestClock = <A, E>(effect: Effect.Effect<A, E, never>) =>
  Effect.runPromise(effect.pipe(Effect.provide(TestClock.layer())));

describe("token handling with merchant credentials", () => {
  it("trades id and secret for a token with the documented headers and body", async () => {
    server = await startStubServer(tokenServer(() => true));
    const url = server.url;
    await runWithTestClock(
      Effect.gen(function* () {
        const client = yield* makePaymentsClient({ baseUrl: url, credentials });
        yield* client.get(sessionId);
      }).pipe(Effect.provide(FetchHttpClient.layer)),
    );
    const [tokenRequest, getRequest] = server.seen;
    expect(tokenRequest?.method).toBe("POST");
    expect(tokenRequest?.headers["x-merchant-id"]).toBe("merchant-0001");
    expect(tokenRequest?.headers["x-merchant-secret"]).toBe("secret-0001");
    expect(tokenRequest?.headers.authorization).toBeUndefined();
    expect(JSON.parse(tokenRequest?.body ?? "null")).toEqual({ grantType: "client_credentials" });
    expect(getRequest?.path).toBe(`/v2/payments/${sessionId}`);
    expect(bearerOf(getRequest)).toBe("Bearer t1");
  });

  it("reuses the token until 60 s before its 900 s lifetime ends, then fetches a new one", async () => {
    server = await startStubServer(tokenServer(() => true));
    const url = server.url;
    await runWithTestClock(
      Effect.gen(function* () {
        const client = yield* makePaymentsClient({ baseUrl: url, credentials });
        yield* client.get(sessionId);
        yield* TestClock.adjust("839 seconds");
        yield* client.get(sessionId);
        yield* TestClock.adjust("1 second");
        yield* client.get(sessionId);
        yield* client.get(sessionId);
      }).pipe(Effect.provide(FetchHttpClient.layer)),
    );
    expect(tokenCalls(server.seen)).toHaveLength(2);
    const gets = server.seen.filter((r) => r.path.startsWith("/v2/"));
    expect(gets.map(bearerOf)).toEqual(["Bearer t1", "Bearer t1", "Bearer t2", "Bearer t2"]);
  });

  it("fetches one token for concurrent calls", async () => {
    server = await startStubServer(tokenServer(() => true));
    const url = server.url;
    await runWithTestClock(
      Effect.gen(function* () {
        const client = yield* makePaymentsClient({ baseUrl: url, credentials });
        yield* Effect.all([client.get(sessionId), client.get(sessionId), client.get(sessionId)], {
          concurrency: "unbounded",
        });
      }).pipe(Effect.provide(FetchHttpClient.layer)),
    );
    expect(tokenCalls(server.seen)).toHaveLength(1);
  });

  it("honours a custom refresh margin and a shorter expiresIn", async () => {
    let issued = 0;
    server = await startStubServer((request) => {
      if (request.path === "/v1/access-token") {
        issued += 1;
        return tokenAnswer(`t${issued}`, "120");
      }
      return { status: 200, body: ok(sessionBody()) };
    });
    const url = server.url;
    await runWithTestClock(
      Effect.gen(function* () {
        const client = yield* makePaymentsClient({ baseUrl: url, credentials, refreshMarginSeconds: 20 });
        yield* client.get(sessionId);
        yield* TestClock.adjust("99 seconds");
        yield* client.get(sessionId);
        yield* TestClock.adjust("1 second");
        yield* client.get(sessionId);
      }).pipe(Effect.provide(FetchHttpClient.layer)),
    );
    expect(tokenCalls(server.seen)).toHaveLength(2);
  });

  it("drops a token the API refuses with 401 and sends the call once more with a new one", async () => {
    server = await startStubServer(tokenServer((token) => token !== "t1"));
    const url = server.url;
    const session = await runWithTestClock(
      Effect.gen(function* () {
        const client = yield* makePaymentsClient({ baseUrl: url, credentials });
        return yield* client.get(sessionId);
      }).pipe(Effect.provide(FetchHttpClient.layer)),
    );
    expect(session.id).toBe(sessionId);
    const gets = server.seen.filter((r) => r.path.startsWith("/v2/"));
    expect(gets.map(bearerOf)).toEqual(["Bearer t1", "Bearer t2"]);
  });

  it("gives up after one retry when the new token is refused too", async () => {
    server = await startStubServer(tokenServer(() => false));
    const url = server.url;
    const error = await runWithTestClock(
      Effect.gen(function* () {
        const client = yield* makePaymentsClient({ baseUrl: url, credentials });
        return yield* Effect.flip(client.get(sessionId));
      }).pipe(Effect.provide(FetchHttpClient.layer)),
    );
    expect(error).toBeInstanceOf(PaymentsApiError);
    expect(error).toMatchObject({ status: 401, code: "credentials_invalid", operation: "payments.get" });
    expect(tokenCalls(server.seen)).toHaveLength(2);
  });

  it("fails with the 401 of the token endpoint when the secret is wrong, and sends no payment call", async () => {
    server = await startStubServer((request) =>
      request.path === "/v1/access-token"
        ? {
            status: 401,
            body: { code: "credentials_invalid", message: "Invalid merchant", error: { type: "API_ERROR" } },
          }
        : { status: 200, body: ok(sessionBody()) },
    );
    const url = server.url;
    const error = await runWithTestClock(
      Effect.gen(function* () {
        const client = yield* makePaymentsClient({ baseUrl: url, credentials });
        return yield* Effect.flip(client.get(sessionId));
      }).pipe(Effect.provide(FetchHttpClient.layer)),
    );
    expect(error).toMatchObject({
      _tag: "PaymentsApiError",
      status: 401,
      code: "credentials_invalid",
      operation: "auth.accessToken",
    });
    expect(server.seen.filter((r) => r.path.startsWith("/v2/"))).toHaveLength(0);
  });

  it("sends a given access token as is and never calls the token endpoint", async () => {
    server = await startStubServer(tokenServer((token) => token === "given-token"));
    const url = server.url;
    await Effect.runPromise(
      Effect.gen(function* () {
        const client = yield* makePaymentsClient({ baseUrl: url, accessToken: "given-token" });
        yield* client.get(sessionId);
      }).pipe(Effect.provide(FetchHttpClient.layer)),
    );
    expect(tokenCalls(server.seen)).toHaveLength(0);
    expect(bearerOf(server.seen[0])).toBe("Bearer given-token");
  });
});
