/**
 * Hardening (issue 11): each defect the outside probe found, as a test over real HTTP on every
 * driver — text the database cannot store, late payments into sessions without a charge, deep
 * nesting, the trace id of a 413, over-large header blocks, currencies, byte-identical replays,
 * tokens, and a method's own `expiryAt`.
 */
import { createHmac } from "node:crypto";
import { connect } from "node:net";
import { SimulationResponse } from "@payment-session/core";
import { describe, expect, it } from "vitest";
import { demoMerchant, startProvider } from "../src/index.js";
import {
  dataOf,
  drivers,
  envelopeOf,
  HOUR,
  MINUTE,
  rowCounts,
  sessionOf,
  T0,
  tableChecksum,
  useProvider,
  vaCreateBody,
} from "./support/provider.js";

const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
const DAY = 24 * HOUR;

/** Sets `value` at `path` in a deep copy of `body`. */
const withField = (body: Record<string, unknown>, path: ReadonlyArray<string>, value: unknown) => {
  const copy: Record<string, unknown> = structuredClone(body);
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    node[key] = { ...(node[key] as Record<string, unknown> | undefined) };
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
  return copy;
};

/** A raw HTTP/1.1 exchange over a socket (for what `fetch` will not send). */
const rawExchange = (port: number, request: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let answer = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      answer += chunk;
    });
    socket.on("end", () => resolve(answer));
    socket.on("close", () => resolve(answer));
    socket.on("error", (error) => (answer === "" ? reject(error) : resolve(answer)));
    socket.write(request);
  });

/** A token signed as the provider signs, with chosen claims (what a secret's holder could mint). */
const mintToken = (secret: string, claims: Record<string, unknown>): string => {
  const b64 = (data: string | Buffer) => Buffer.from(data).toString("base64url");
  const header = b64(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const payload = b64(JSON.stringify(claims));
  const key = createHmac("sha256", secret).update(`${demoMerchant.id}\u0000${demoMerchant.secret}`).digest();
  const signature = createHmac("sha256", key).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
};

for (const driver of drivers) {
  describe(`hardening (${driver.name})`, () => {
    const h = useProvider(driver);

    describe("text the API accepts (NUL, lone surrogates) → 400 with the field path", () => {
      const fields: ReadonlyArray<{ path: ReadonlyArray<string>; field: string }> = [
        { path: ["metadata", "invoiceNo"], field: "metadata.invoiceNo" },
        { path: ["statementDescriptor"], field: "statementDescriptor" },
        { path: ["customerId"], field: "customerId" },
        {
          path: ["paymentMethodOptions", "virtualAccount", "virtualAccountName"],
          field: "paymentMethodOptions.virtualAccount.virtualAccountName",
        },
      ];
      const bads = [
        { name: "NUL", value: "a\u0000b" },
        { name: "lone high surrogate", value: "a\ud800b" },
        { name: "lone low surrogate", value: "\udc00" },
      ];

      it("refuses them on create in every free-text field, and in metadata keys; stores nothing", async () => {
        const before = await rowCounts(h.db);
        for (const { path, field } of fields) {
          for (const bad of bads) {
            const reply = await h.http.post("/v2/payments", withField(vaCreateBody(), path, bad.value));
            const envelope = envelopeOf(reply, 400);
            expect(
              envelope.error.details?.map((d) => d.field),
              `${bad.name} in ${field}`,
            ).toContain(field);
          }
        }
        for (const bad of bads) {
          const reply = await h.http.post("/v2/payments", vaCreateBody({ metadata: { [bad.value]: "x" } }));
          const fields = envelopeOf(reply, 400).error.details?.map((d) => d.field) ?? [];
          expect(
            fields.some((f) => f.startsWith("metadata")),
            `${bad.name} in a metadata key`,
          ).toBe(true);
        }
        const nested = vaCreateBody({ metadata: { lines: [{ note: "ok" }, { note: "x\u0000" }] } });
        const deep = envelopeOf(await h.http.post("/v2/payments", nested), 400);
        expect(deep.error.details?.map((d) => d.field)).toContain("metadata.lines[1].note");
        expect(await rowCounts(h.db)).toEqual(before);
      });

      it("refuses them on confirm, and the session is unchanged", async () => {
        const created = sessionOf(
          await h.http.post("/v2/payments", {
            clientReferenceId: "text-1",
            amount: { value: 20000, currency: "IDR" },
            mode: "API",
          }),
        );
        const before = await tableChecksum(h.db);
        for (const bad of bads) {
          const reply = await h.http.post(`/v2/payments/${created.id}/confirm`, {
            paymentMethod: { type: "VIRTUAL_ACCOUNT" },
            paymentMethodOptions: { virtualAccount: { channel: "BNI", virtualAccountName: bad.value } },
          });
          expect(envelopeOf(reply, 400).error.details?.map((d) => d.field)).toContain(
            "paymentMethodOptions.virtualAccount.virtualAccountName",
          );
        }
        expect(await tableChecksum(h.db)).toEqual(before);
      });
    });

    describe("payments into a session that never had a charge (P3)", () => {
      const pay = (id: string) =>
        h.http.post("/v2/payments/simulations", {
          paymentSessionId: id,
          chargeStatus: "SUCCESS",
          amount: { value: 20000, currency: "IDR" },
        });
      const chargeless = async () =>
        sessionOf(
          await h.http.post("/v2/payments", {
            clientReferenceId: "late-1",
            amount: { value: 20000, currency: "IDR" },
            mode: "API",
          }),
        );

      it("refuses them with 422 invalid_state after a cancel, and records nothing", async () => {
        const session = await chargeless();
        sessionOf(
          await h.http.post(`/v2/payments/${session.id}/cancel`, { cancellationReason: "VOID_SESSION" }),
        );
        for (let i = 0; i < 3; i++) expect(envelopeOf(await pay(session.id), 422).code).toBe("invalid_state");
        const after = sessionOf(await h.http.get(`/v2/payments/${session.id}`));
        expect(after.status).toBe("CANCELLED");
        expect(after.lateCharges ?? []).toEqual([]);
      });

      it("refuses them with 422 invalid_state after expiry (also the payment that notices it)", async () => {
        const session = await chargeless();
        h.clock.advance(16 * MINUTE);
        for (let i = 0; i < 3; i++) expect(envelopeOf(await pay(session.id), 422).code).toBe("invalid_state");
        const after = sessionOf(await h.http.get(`/v2/payments/${session.id}`));
        expect(after.status).toBe("EXPIRED");
        expect(after.lateCharges ?? []).toEqual([]);
      });

      it("says whether a payment was applied, a repeat, or recorded late", async () => {
        const paid = sessionOf(await h.http.post("/v2/payments", vaCreateBody()));
        expect(dataOf(await pay(paid.id), SimulationResponse)).toEqual({
          updated: "true",
          result: "APPLIED",
        });
        expect(dataOf(await pay(paid.id), SimulationResponse)).toEqual({
          updated: "true",
          result: "DUPLICATE",
        });
        const late = sessionOf(await h.http.post("/v2/payments", vaCreateBody()));
        h.clock.advance(16 * MINUTE);
        expect(dataOf(await pay(late.id), SimulationResponse)).toEqual({
          updated: "true",
          result: "RECORDED_LATE",
        });
        expect(dataOf(await pay(late.id), SimulationResponse)).toEqual({
          updated: "true",
          result: "DUPLICATE",
        });
        expect(sessionOf(await h.http.get(`/v2/payments/${late.id}`)).lateCharges).toHaveLength(1);
      });
    });

    describe("deep nesting, 413 and header blocks", () => {
      it("answers deeply nested JSON 400 (not 413) in the envelope, naming the depth", async () => {
        const depth = 10_000;
        const objects = `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
        const arrays = `${"[".repeat(depth)}${"]".repeat(depth)}`;
        for (const metadata of [objects, arrays]) {
          const body = JSON.stringify(vaCreateBody()).replace('{"invoiceNo":"INV001"}', metadata);
          const envelope = envelopeOf(await h.http.post("/v2/payments", undefined, { rawBody: body }), 400);
          expect(envelope.message).toMatch(/nest/i);
        }
        const whole = envelopeOf(await h.http.post("/v2/payments", undefined, { rawBody: arrays }), 400);
        expect(whole.message).toMatch(/nest/i);
        // 64 levels of metadata are still fine.
        const fine = `${'{"a":'.repeat(60)}1${"}".repeat(60)}`;
        const body = JSON.stringify(vaCreateBody()).replace('{"invoiceNo":"INV001"}', fine);
        expect((await h.http.post("/v2/payments", undefined, { rawBody: body })).status).toBe(200);
      });

      it("sends x-trace-id with a 413, equal to the body's traceId", async () => {
        const reply = await h.http.post("/v2/payments", undefined, { rawBody: "x".repeat(1_100_000) });
        const envelope = envelopeOf(reply, 413);
        expect(reply.headers.get("x-trace-id")).toBe(envelope.error.traceId);
      });

      it("answers a header block over 16 KB with 431 in the envelope", async () => {
        const answer = await rawExchange(
          h.provider.port,
          `GET /v2/payments HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
        );
        expect(answer.split("\r\n")[0]).toBe("HTTP/1.1 431 Request Header Fields Too Large");
        expect(answer.toLowerCase()).toContain("content-type: application/json");
        const body: unknown = JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4));
        expect(body).toMatchObject({
          code: "api_validation_error",
          error: { type: "API_ERROR", traceId: expect.any(String) },
        });
      });
    });

    describe("currency (per method)", () => {
      it("refuses a currency other than IDR for a virtual account, with amount.currency", async () => {
        const before = await rowCounts(h.db);
        for (const currency of ["ZZZ", "A", "USD"]) {
          const reply = await h.http.post(
            "/v2/payments",
            vaCreateBody({ amount: { value: 20000, currency } }),
          );
          expect(envelopeOf(reply, 400).error.details?.map((d) => d.field)).toContain("amount.currency");
        }
        expect(await rowCounts(h.db)).toEqual(before);
      });

      it("refuses it at confirm too (a session without a method)", async () => {
        const created = sessionOf(
          await h.http.post("/v2/payments", {
            clientReferenceId: "usd-1",
            amount: { value: 20000, currency: "USD" },
            mode: "API",
          }),
        );
        const reply = await h.http.post(`/v2/payments/${created.id}/confirm`, {
          paymentMethod: { type: "QR" },
        });
        expect(envelopeOf(reply, 400).error.details?.map((d) => d.field)).toContain("amount.currency");
      });
    });

    describe("metadata size (H5)", () => {
      it("refuses metadata over 512 characters as JSON with a 400 at metadata, and stores nothing", async () => {
        const before = await rowCounts(h.db);
        const big = { blob: "x".repeat(600) };
        const manyKeys = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, i]));
        const deep = JSON.parse(`${'{"abcdefghij":'.repeat(60)}1${"}".repeat(60)}`);
        for (const metadata of [big, manyKeys, deep]) {
          const envelope = envelopeOf(await h.http.post("/v2/payments", vaCreateBody({ metadata })), 400);
          expect(envelope.error.details).toContainEqual({
            field: "metadata",
            message: expect.stringMatching(/at most 512/),
          });
        }
        expect(await rowCounts(h.db)).toEqual(before);
        const fits = { note: "y".repeat(400) };
        expect(
          sessionOf(await h.http.post("/v2/payments", vaCreateBody({ metadata: fits }))).metadata,
        ).toEqual(fits);
      });
    });

    describe("idempotent replays", () => {
      it("replay the first answer byte for byte", async () => {
        const body = vaCreateBody({ metadata: { zebra: 1, a: { zz: true, b: [3, 2, 1] }, mm: "x" } });
        const send = async () => {
          const response = await fetch(`${h.provider.url}/v2/payments`, {
            method: "POST",
            headers: {
              "content-type": "application/json",
              authorization: `Bearer ${h.provider.issueAccessToken(demoMerchant.id)}`,
              "x-request-id": "bytes-1",
            },
            body: JSON.stringify(body),
          });
          return response.text();
        };
        const first = await send();
        expect(first).toContain('"zebra":1,"a":{"zz":true');
        expect(await send()).toBe(first);
      });
    });

    describe("access tokens", () => {
      const get = (token: string) =>
        h.http.get("/v2/payments", { merchant: null, headers: { authorization: `Bearer ${token}` } });
      const now = Math.floor(T0 / 1000);
      const claims = (iat: number, exp: number) => ({
        iss: "payment-session-reference-provider",
        sub: demoMerchant.id,
        merchantId: demoMerchant.id,
        clientId: demoMerchant.id,
        iat,
        exp,
      });

      it("are not signed with the public constant", async () => {
        const token = mintToken("payment-session-reference-provider", claims(now, now + 900));
        expect(envelopeOf(await get(token), 401).code).toBe("credentials_invalid");
      });

      it("refuse an iat in the future and a lifetime other than 900 s, even when well signed", async () => {
        const secret = h.provider.services.tokenSecret;
        expect((await get(mintToken(secret, claims(now, now + 900)))).status).toBe(200);
        expect(envelopeOf(await get(mintToken(secret, claims(now + 60, now + 960))), 401).code).toBe(
          "credentials_invalid",
        );
        expect(
          envelopeOf(await get(mintToken(secret, claims(now, now + 100 * 365 * 86_400))), 401).code,
        ).toBe("credentials_invalid");
        expect(envelopeOf(await get(mintToken(secret, claims(now, now + 60))), 401).code).toBe(
          "credentials_invalid",
        );
      });

      it("keep one secret per database, and take PAYMENT_SESSION_TOKEN_SECRET from the environment", async () => {
        // (The harness empties every table before each test, the secret's too: two fresh instances.)
        const second = await startProvider({ db: h.db, clock: h.clock });
        const third = await startProvider({ db: h.db, clock: h.clock });
        try {
          expect(second.services.tokenSecret).toMatch(/^[A-Za-z0-9_-]{43,}$/u);
          expect(third.services.tokenSecret).toBe(second.services.tokenSecret);
          const token = second.issueAccessToken(demoMerchant.id);
          const reply = await fetch(`${third.url}/v2/payments`, {
            headers: { authorization: `Bearer ${token}` },
          });
          expect(reply.status).toBe(200);
        } finally {
          await second.close();
          await third.close();
        }
        process.env.PAYMENT_SESSION_TOKEN_SECRET = "from-the-environment-0123456789abcdef";
        try {
          const fourth = await startProvider({ db: h.db, clock: h.clock });
          expect(fourth.services.tokenSecret).toBe("from-the-environment-0123456789abcdef");
          await fourth.close();
        } finally {
          delete process.env.PAYMENT_SESSION_TOKEN_SECRET;
        }
      });
    });

    describe("paymentMethodOptions.virtualAccount.expiryAt", () => {
      const withOptionExpiry = (expiryAt: string, extra: Record<string, unknown> = {}) =>
        vaCreateBody({
          paymentMethodOptions: { virtualAccount: { channel: "PERMATA", expiryAt } },
          ...extra,
        });

      it("is honoured as the session's expiry when expiryAt is absent", async () => {
        const created = sessionOf(await h.http.post("/v2/payments", withOptionExpiry(iso(T0 + 2 * DAY))));
        expect(created.expiryAt).toBe(iso(T0 + 2 * DAY));
        h.clock.advance(DAY);
        expect(sessionOf(await h.http.get(`/v2/payments/${created.id}`)).status).toBe("REQUIRE_ACTION");
      });

      it("is refused beyond the method's maximum (30 days), in the past, or unequal to expiryAt", async () => {
        const before = await rowCounts(h.db);
        const field = "paymentMethodOptions.virtualAccount.expiryAt";
        const yearAhead = envelopeOf(
          await h.http.post("/v2/payments", withOptionExpiry(iso(T0 + 365 * DAY))),
          400,
        );
        expect(yearAhead.error.details).toContainEqual({ field, message: expect.stringMatching(/30 days/) });
        const past = envelopeOf(await h.http.post("/v2/payments", withOptionExpiry(iso(T0 - MINUTE))), 400);
        expect(past.error.details?.map((d) => d.field)).toContain(field);
        const unequal = envelopeOf(
          await h.http.post(
            "/v2/payments",
            withOptionExpiry(iso(T0 + 2 * DAY), { expiryAt: iso(T0 + 3 * DAY) }),
          ),
          400,
        );
        expect(unequal.error.details?.map((d) => d.field)).toContain(field);
        expect(await rowCounts(h.db)).toEqual(before);
      });
    });
  });
}
