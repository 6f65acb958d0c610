/**
 * Every endpoint over real HTTP against the embedded database (and the server of DATABASE_URL):
 * the documented flows, the refusals in the envelope, and time from the injected clock.
 */
import {
  AccessTokenResponse,
  CaptureResponse,
  ChargeListResponse,
  PaymentSessionListResponse,
  renderOpenApi,
  SimulationResponse,
} from "@payment-session/core";
import { describe, expect, it } from "vitest";
import { demoMerchant, listWebhooks } from "../src/index.js";
import {
  dataOf,
  drivers,
  envelopeOf,
  MINUTE,
  otherMerchant,
  rowCounts,
  SECOND,
  sessionOf,
  T0,
  useProvider,
  vaCreateBody,
} from "./support/provider.js";

const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

for (const driver of drivers) {
  describe(`endpoints (${driver.name})`, () => {
    const h = useProvider(driver);
    const events = async (sessionId: string) =>
      (await listWebhooks(h.db, demoMerchant.id, sessionId)).map((row) => row.event);

    describe("POST /v1/access-token", () => {
      const tokenRequest = (secret: string) =>
        h.http.post(
          "/v1/access-token",
          { grantType: "client_credentials" },
          { merchant: null, headers: { "x-merchant-id": demoMerchant.id, "x-merchant-secret": secret } },
        );

      it("trades the merchant's id and secret for a Bearer token valid 900 s", async () => {
        const token = dataOf(await tokenRequest(demoMerchant.secret), AccessTokenResponse);
        expect(token).toMatchObject({ expiresIn: "900", tokenType: "Bearer" });
        const auth = { merchant: null, headers: { authorization: `Bearer ${token.accessToken}` } };
        expect((await h.http.get("/v2/payments", auth)).status).toBe(200);
        h.clock.advance(899 * SECOND);
        expect((await h.http.get("/v2/payments", auth)).status).toBe(200);
        h.clock.advance(SECOND);
        expect(envelopeOf(await h.http.get("/v2/payments", auth), 401).code).toBe("credentials_invalid");
      });

      it("refuses a wrong secret with 401 credentials_invalid", async () => {
        expect(envelopeOf(await tokenRequest("wrong"), 401).code).toBe("credentials_invalid");
      });

      it("refuses /v2 calls without a token or with a forged one", async () => {
        expect(envelopeOf(await h.http.get("/v2/payments", { merchant: null }), 401).code).toBe(
          "credentials_invalid",
        );
        const forged = `${h.provider.issueAccessToken(demoMerchant.id).slice(0, -4)}AAAA`;
        const reply = await h.http.get("/v2/payments", {
          merchant: null,
          headers: { authorization: `Bearer ${forged}` },
        });
        expect(envelopeOf(reply, 401).error.type).toBe("API_ERROR");
      });
    });

    describe("a VA session, paid through the simulation", () => {
      it("creates (seed body) → REQUIRE_ACTION with a VA, simulates SUCCESS → PAID with paidAt, sends PAYMENT.PAID", async () => {
        const created = sessionOf(await h.http.post("/v2/payments", vaCreateBody()));
        expect(created).toMatchObject({
          status: "REQUIRE_ACTION",
          clientReferenceId: "1743240981",
          expiryAt: iso(T0 + 15 * MINUTE),
          metadata: { invoiceNo: "INV001" },
        });
        const [charge] = created.chargeDetails ?? [];
        expect(charge?.status).toBe("WAITING_FOR_USER_ACTION");
        expect(charge?.virtualAccount).toEqual({
          channel: "PERMATA",
          virtualAccountNumber: "76630000000001",
          virtualAccountName: "Demo Merchant - Reforza Harsya",
          expiryAt: iso(T0 + 15 * MINUTE),
        });

        h.clock.advance(MINUTE);
        const simulated = await h.http.post("/v2/payments/simulations", {
          paymentSessionId: created.id,
          chargeStatus: "SUCCESS",
        });
        expect(dataOf(simulated, SimulationResponse)).toEqual({ updated: "true", result: "APPLIED" });

        const paid = sessionOf(await h.http.get(`/v2/payments/${created.id}`));
        expect(paid.status).toBe("PAID");
        expect(paid.chargeDetails?.[0]).toMatchObject({
          status: "SUCCESS",
          paidAt: iso(T0 + MINUTE),
          isCaptured: true,
        });
        expect(await events(created.id)).toEqual(["PAYMENT.PAID"]);
      });

      it("numbers VAs per bank from a sequence", async () => {
        const a = sessionOf(await h.http.post("/v2/payments", vaCreateBody()));
        const b = sessionOf(await h.http.post("/v2/payments", vaCreateBody()));
        const bca = sessionOf(
          await h.http.post(
            "/v2/payments",
            vaCreateBody({ paymentMethodOptions: { virtualAccount: { channel: "BCA" } } }),
          ),
        );
        const numbers = [a, b, bca].map((s) => s.chargeDetails?.[0]?.virtualAccount?.virtualAccountNumber);
        expect(numbers).toEqual(["76630000000001", "76630000000002", "39010000000001"]);
        expect(bca.chargeDetails?.[0]?.virtualAccount?.virtualAccountName).toBe("Demo Merchant");
      });

      it("answers 422 amount_mismatch for a payment of another amount, and changes nothing", async () => {
        const created = sessionOf(await h.http.post("/v2/payments", vaCreateBody()));
        const reply = await h.http.post("/v2/payments/simulations", {
          paymentSessionId: created.id,
          chargeStatus: "SUCCESS",
          amount: { value: 19999, currency: "IDR" },
        });
        expect(envelopeOf(reply, 422).code).toBe("amount_mismatch");
        expect(sessionOf(await h.http.get(`/v2/payments/${created.id}`)).status).toBe("REQUIRE_ACTION");
      });

      it("takes the same payment twice as one (P2): one PAID, one webhook", async () => {
        const created = sessionOf(await h.http.post("/v2/payments", vaCreateBody()));
        const body = { paymentSessionId: created.id, chargeStatus: "SUCCESS" };
        expect((await h.http.post("/v2/payments/simulations", body)).status).toBe(200);
        expect((await h.http.post("/v2/payments/simulations", body)).status).toBe(200);
        expect(await events(created.id)).toEqual(["PAYMENT.PAID"]);
      });

      it("expires the charge through the simulation (EXPIRED) and sends PAYMENT.CANCELLED", async () => {
        const created = sessionOf(await h.http.post("/v2/payments", vaCreateBody()));
        const reply = await h.http.post("/v2/payments/simulations", {
          paymentSessionId: created.id,
          chargeStatus: "EXPIRED",
        });
        expect(reply.status).toBe(200);
        const expired = sessionOf(await h.http.get(`/v2/payments/${created.id}`));
        expect(expired.status).toBe("EXPIRED");
        expect(expired.chargeDetails?.[0]?.status).toBe("EXPIRED");
        expect(await events(created.id)).toEqual(["PAYMENT.CANCELLED"]);
      });
    });

    describe("POST /v2/payments/{id}/confirm", () => {
      it("confirms from REQUIRE_PAYMENT_METHOD: a charge is opened, REQUIRE_ACTION", async () => {
        const created = sessionOf(
          await h.http.post("/v2/payments", {
            clientReferenceId: "r-1",
            amount: { value: 20000, currency: "IDR" },
          }),
        );
        expect(created.status).toBe("REQUIRE_PAYMENT_METHOD");
        expect(created.paymentUrl).toMatch(/^https:\/\//);
        const confirmed = sessionOf(
          await h.http.post(`/v2/payments/${created.id}/confirm`, {
            paymentMethod: { type: "QR" },
            paymentMethodOptions: { qr: {} },
          }),
        );
        expect(confirmed.status).toBe("REQUIRE_ACTION");
        expect(confirmed.chargeDetails?.[0]?.qr).toMatchObject({ acquirer: "BRI", qrType: "DYNAMIC" });
      });

      it("confirms from REQUIRE_CONFIRMATION, then refuses a second confirm with 422 invalid_state", async () => {
        const created = sessionOf(await h.http.post("/v2/payments", vaCreateBody({ autoConfirm: false })));
        expect(created.status).toBe("REQUIRE_CONFIRMATION");
        expect(created.chargeDetails).toBeNull();
        const body = {
          paymentMethod: { type: "EWALLET" },
          paymentMethodOptions: { ewallet: { channel: "SHOPEEPAY" } },
        };
        const confirmed = sessionOf(await h.http.post(`/v2/payments/${created.id}/confirm`, body));
        expect(confirmed.status).toBe("REQUIRE_ACTION");
        expect(confirmed.paymentUrl).toMatch(/^shopeepayid:\/\//);
        const again = envelopeOf(await h.http.post(`/v2/payments/${created.id}/confirm`, body), 422);
        expect(again).toMatchObject({ code: "invalid_state", error: { type: "API_ERROR" } });
        expect(again.message).toContain("REQUIRE_ACTION");
      });

      it("refuses a confirm that breaks the method's limits with 400 and details (C5)", async () => {
        const created = sessionOf(
          await h.http.post("/v2/payments", {
            clientReferenceId: "r-2",
            amount: { value: 500, currency: "IDR" },
          }),
        );
        const reply = await h.http.post(`/v2/payments/${created.id}/confirm`, {
          paymentMethod: { type: "VIRTUAL_ACCOUNT" },
        });
        expect(envelopeOf(reply, 400).error.details?.map((d) => d.field)).toEqual(["amount.value"]);
      });
    });

    describe("POST /v2/payments/{id}/cancel", () => {
      it("cancels a session awaiting confirmation (L3): cancelledAt, reason, expiryAt := cancelledAt", async () => {
        const created = sessionOf(await h.http.post("/v2/payments", vaCreateBody({ autoConfirm: false })));
        h.clock.advance(2 * MINUTE);
        const cancelled = sessionOf(
          await h.http.post(`/v2/payments/${created.id}/cancel`, { cancellationReason: "DUPLICATED" }),
        );
        expect(cancelled).toMatchObject({
          status: "CANCELLED",
          cancellationReason: "DUPLICATED",
          cancelledAt: iso(T0 + 2 * MINUTE),
          expiryAt: iso(T0 + 2 * MINUTE),
        });
        expect(await events(created.id)).toEqual(["PAYMENT.CANCELLED"]);
      });

      it("refuses to cancel in REQUIRE_ACTION (L6) and after PAID with 422 invalid_state", async () => {
        const created = sessionOf(await h.http.post("/v2/payments", vaCreateBody()));
        const body = { cancellationReason: "REQUESTED_BY_CUSTOMER" };
        expect(envelopeOf(await h.http.post(`/v2/payments/${created.id}/cancel`, body), 422).code).toBe(
          "invalid_state",
        );
        await h.http.post("/v2/payments/simulations", {
          paymentSessionId: created.id,
          chargeStatus: "SUCCESS",
        });
        const paid = envelopeOf(await h.http.post(`/v2/payments/${created.id}/cancel`, body), 422);
        expect(paid.message).toContain("PAID");
      });
    });

    describe("POST /v2/payments/{id}/capture", () => {
      it("captures a manual-capture card authorisation: the capture object, then PAID", async () => {
        const created = sessionOf(
          await h.http.post("/v2/payments", {
            clientReferenceId: "card-1",
            amount: { value: 50000, currency: "IDR" },
            mode: "API",
            paymentMethod: { type: "CARD" },
            paymentMethodOptions: { card: { captureMethod: "manual" } },
          }),
        );
        expect(created.paymentUrl).toMatch(/3ds/);
        await h.http.post("/v2/payments/simulations", {
          paymentSessionId: created.id,
          chargeStatus: "SUCCESS",
        });
        const waiting = sessionOf(await h.http.get(`/v2/payments/${created.id}`));
        expect([waiting.status, waiting.chargeDetails?.[0]?.status]).toEqual([
          "PROCESSING",
          "WAITING_FOR_CAPTURE",
        ]);
        h.clock.advance(MINUTE);
        const capture = dataOf(
          await h.http.post(`/v2/payments/${created.id}/capture`, {
            releaseRemainingAmount: true,
            amount: { value: 30000, currency: "IDR" },
          }),
          CaptureResponse,
        );
        expect(capture).toMatchObject({
          paymentSessionId: created.id,
          paymentSessionClientReferenceId: "card-1",
          releaseRemainingAmount: true,
          amount: { value: 30000, currency: "IDR" },
          status: "SUCCESS",
          createdAt: iso(T0 + MINUTE),
        });
        const paid = sessionOf(await h.http.get(`/v2/payments/${created.id}`));
        expect(paid.status).toBe("PAID");
        expect(paid.chargeDetails?.[0]?.captureHistories?.[0]).toMatchObject({
          captureId: capture.id,
          capturedAmount: 30000,
        });
        expect(await events(created.id)).toEqual(["PAYMENT.PROCESSING", "PAYMENT.PAID"]);
      });

      it("refuses a capture without a charge waiting for capture with 422", async () => {
        const created = sessionOf(await h.http.post("/v2/payments", vaCreateBody()));
        const reply = await h.http.post(`/v2/payments/${created.id}/capture`, {
          releaseRemainingAmount: false,
        });
        expect(envelopeOf(reply, 422).code).toBe("invalid_state");
      });
    });

    describe("GET /v2/payments and GET /v2/charges", () => {
      it("lists sessions newest first with pagination, and filters by clientReferenceId (C4)", async () => {
        for (let i = 0; i < 3; i++) {
          await h.http.post("/v2/payments", vaCreateBody({ clientReferenceId: "ORDER-42" }));
          h.clock.advance(SECOND);
        }
        await h.http.post("/v2/payments", vaCreateBody({ clientReferenceId: "ORDER-43" }));
        const all = await h.http.get("/v2/payments?perPage=2&page=2");
        expect(dataOf(all, PaymentSessionListResponse)).toHaveLength(2);
        expect((all.body as { pagination: unknown }).pagination).toEqual({
          page: 2,
          perPage: 2,
          totalItems: 4,
          totalPages: 2,
        });
        const byRef = await h.http.get("/v2/payments?clientReferenceId=ORDER-42");
        const sessions = dataOf(byRef, PaymentSessionListResponse);
        expect(sessions.map((s) => s.clientReferenceId)).toEqual(["ORDER-42", "ORDER-42", "ORDER-42"]);
        expect(sessions.map((s) => s.createdAt)).toEqual([iso(T0 + 2 * SECOND), iso(T0 + SECOND), iso(T0)]);
        expect(
          dataOf(await h.http.get("/v2/payments?clientReferenceId=NONE"), PaymentSessionListResponse),
        ).toEqual([]);
      });

      it("lists the charges of the sessions with a clientReferenceId", async () => {
        const a = sessionOf(await h.http.post("/v2/payments", vaCreateBody({ clientReferenceId: "REF-C" })));
        await h.http.post("/v2/payments", vaCreateBody({ clientReferenceId: "REF-C", autoConfirm: false }));
        await h.http.post("/v2/payments/simulations", { paymentSessionId: a.id, chargeStatus: "SUCCESS" });
        const charges = dataOf(await h.http.get("/v2/charges?clientReferenceId=REF-C"), ChargeListResponse);
        expect(charges.map((c) => [c.paymentSessionId, c.status])).toEqual([[a.id, "SUCCESS"]]);
        const missing = envelopeOf(await h.http.get("/v2/charges"), 400);
        expect(missing.error.details?.map((d) => d.field)).toEqual(["clientReferenceId"]);
      });

      it("hides another merchant's session (404) and an unknown id (404)", async () => {
        const created = sessionOf(await h.http.post("/v2/payments", vaCreateBody()));
        const other = envelopeOf(
          await h.http.get(`/v2/payments/${created.id}`, { merchant: otherMerchant.id }),
          404,
        );
        expect(other).toMatchObject({ code: "resource_missing", error: { type: "GATEWAY_ERROR" } });
        const cancel = await h.http.post(
          `/v2/payments/${created.id}/cancel`,
          { cancellationReason: "DUPLICATED" },
          { merchant: otherMerchant.id },
        );
        expect(envelopeOf(cancel, 404).code).toBe("resource_missing");
        expect(envelopeOf(await h.http.get("/v2/payments/not-a-uuid"), 404).message).toContain("not-a-uuid");
        expect(
          dataOf(
            await h.http.get("/v2/payments", { merchant: otherMerchant.id }),
            PaymentSessionListResponse,
          ),
        ).toEqual([]);
      });
    });

    describe("validation (400)", () => {
      it("refuses a malformed body with every offending field, and stores nothing", async () => {
        const reply = await h.http.post("/v2/payments", {
          clientReferenceId: "",
          amount: { value: 1.5, currency: "IDR" },
          mode: "NOPE",
        });
        const envelope = envelopeOf(reply, 400);
        expect(envelope.code).toBe("api_validation_error");
        expect(envelope.error.details?.map((d) => d.field)).toEqual([
          "clientReferenceId",
          "amount.value",
          "mode",
        ]);
        expect((await rowCounts(h.db)).payment_sessions).toBe(0);
      });

      it("refuses an expiryAt in the past or beyond the method's maximum (C3)", async () => {
        const past = await h.http.post("/v2/payments", vaCreateBody({ expiryAt: iso(T0 - MINUTE) }));
        expect(envelopeOf(past, 400).error.details?.map((d) => d.field)).toEqual(["expiryAt"]);
        const far = await h.http.post(
          "/v2/payments",
          vaCreateBody({
            paymentMethod: { type: "QR" },
            paymentMethodOptions: {},
            expiryAt: iso(T0 + 61 * MINUTE),
          }),
        );
        expect(envelopeOf(far, 400).error.details?.map((d) => d.field)).toEqual(["expiryAt"]);
        expect((await rowCounts(h.db)).payment_sessions).toBe(0);
      });

      it("answers unknown routes 404 not_found and invalid JSON 400, in the envelope", async () => {
        expect(envelopeOf(await h.http.get("/v2/nothing-here"), 404).code).toBe("not_found");
        const reply = await h.http.post("/v2/payments", undefined, { rawBody: "{not json" });
        expect(envelopeOf(reply, 400).error.details?.[0]?.field).toBe("");
      });
    });

    describe("idempotency (X-REQUEST-ID, C6)", () => {
      it("replays the first answer for the same key and body, once stored", async () => {
        const first = await h.http.post("/v2/payments", vaCreateBody(), { requestId: "create-0001" });
        h.clock.advance(MINUTE);
        const again = await h.http.post(
          "/v2/payments",
          { ...vaCreateBody(), ignoredField: 1 },
          { requestId: "create-0001" },
        );
        expect(again.status).toBe(first.status);
        expect(again.body).toEqual(first.body);
        expect((await rowCounts(h.db)).payment_sessions).toBe(1);
      });

      it("answers 409 idempotency_error for the same key with another body or another endpoint", async () => {
        const created = sessionOf(await h.http.post("/v2/payments", vaCreateBody(), { requestId: "key-1" }));
        const otherBody = await h.http.post("/v2/payments", vaCreateBody({ clientReferenceId: "x" }), {
          requestId: "key-1",
        });
        expect(envelopeOf(otherBody, 409).code).toBe("idempotency_error");
        const otherEndpoint = await h.http.post(
          "/v2/payments/simulations",
          { paymentSessionId: created.id, chargeStatus: "SUCCESS" },
          { requestId: "key-1" },
        );
        expect(envelopeOf(otherEndpoint, 409).code).toBe("idempotency_error");
        expect((await rowCounts(h.db)).payment_sessions).toBe(1);
      });

      it("replays a 422 refusal, and forgets a key after 24 h", async () => {
        const created = sessionOf(await h.http.post("/v2/payments", vaCreateBody()));
        const body = { paymentMethod: { type: "VIRTUAL_ACCOUNT" } };
        const first = await h.http.post(`/v2/payments/${created.id}/confirm`, body, {
          requestId: "confirm-1",
        });
        expect(first.status).toBe(422);
        const again = await h.http.post(`/v2/payments/${created.id}/confirm`, body, {
          requestId: "confirm-1",
        });
        expect(again.body).toEqual(first.body);
        h.clock.advance(24 * 60 * MINUTE);
        const created2 = await h.http.post("/v2/payments", vaCreateBody(), { requestId: "confirm-1" });
        expect(created2.status).toBe(200);
      });

      it("refuses an empty or over-long key with 400", async () => {
        const long = await h.http.post("/v2/payments", vaCreateBody(), { requestId: "k".repeat(256) });
        expect(envelopeOf(long, 400).error.details?.map((d) => d.field)).toEqual(["x-request-id"]);
      });
    });

    describe("expiry (L4) on the injected clock", () => {
      it("expires lazily on read, stores it, sends PAYMENT.CANCELLED once; a late payment is recorded (P3)", async () => {
        const created = sessionOf(await h.http.post("/v2/payments", vaCreateBody()));
        h.clock.advance(15 * MINUTE);
        const expired = sessionOf(await h.http.get(`/v2/payments/${created.id}`));
        expect(expired).toMatchObject({ status: "EXPIRED", cancellationReason: null });
        expect(expired.chargeDetails?.[0]?.status).toBe("EXPIRED");
        const stored = await h.db.query<{ status: string }>(
          "SELECT status FROM payment_sessions WHERE id = $1",
          [created.id],
        );
        expect(stored.rows[0]?.status).toBe("EXPIRED");
        await h.http.get(`/v2/payments/${created.id}`);
        const late = await h.http.post("/v2/payments/simulations", {
          paymentSessionId: created.id,
          chargeStatus: "SUCCESS",
        });
        expect(late.status).toBe(200);
        const after = sessionOf(await h.http.get(`/v2/payments/${created.id}`));
        expect(after.status).toBe("EXPIRED");
        expect(after.lateCharges).toHaveLength(1);
        expect(await events(created.id)).toEqual(["PAYMENT.CANCELLED"]);
      });

      it("refuses a confirm at expiry with 422 and still stores the expiry", async () => {
        const created = sessionOf(await h.http.post("/v2/payments", vaCreateBody({ autoConfirm: false })));
        h.clock.advance(20 * MINUTE);
        const reply = await h.http.post(`/v2/payments/${created.id}/confirm`, {
          paymentMethod: { type: "VIRTUAL_ACCOUNT" },
        });
        expect(envelopeOf(reply, 422).message).toContain("EXPIRED");
        expect(await events(created.id)).toEqual(["PAYMENT.CANCELLED"]);
      });

      it("sweeps overdue sessions in batches to the same state the lazy path reaches", async () => {
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) ids.push(sessionOf(await h.http.post("/v2/payments", vaCreateBody())).id);
        h.clock.advance(16 * MINUTE);
        const [lazyId] = ids;
        const lazy = sessionOf(await h.http.get(`/v2/payments/${lazyId}`));
        expect(await h.provider.sweepExpired(h.clock.now(), 2)).toBe(4);
        expect(await h.provider.sweepExpired(h.clock.now(), 2)).toBe(0);
        for (const id of ids.slice(1)) {
          const swept = sessionOf(await h.http.get(`/v2/payments/${id}`));
          const strip = (s: typeof swept) => ({
            ...s,
            id: "",
            chargeDetails: s.chargeDetails?.map((c) => ({
              ...c,
              id: "",
              paymentSessionId: "",
              virtualAccount: null,
            })),
          });
          expect(strip(swept)).toEqual(strip(lazy));
          expect(await events(id)).toEqual(["PAYMENT.CANCELLED"]);
        }
      });
    });

    describe("MULTIPLE (static VA)", () => {
      it("is ACTIVE with a static VA; each simulated payment appends a SUCCESS charge and a CHARGE.SUCCESS", async () => {
        const created = sessionOf(
          await h.http.post("/v2/payments", {
            clientReferenceId: "static-1",
            paymentType: "MULTIPLE",
            mode: "API",
            paymentMethod: { type: "VIRTUAL_ACCOUNT" },
            paymentMethodOptions: { virtualAccount: { channel: "BNI" } },
          }),
        );
        expect(created.status).toBe("ACTIVE");
        expect(created.paymentMethod).toMatchObject({
          type: "VIRTUAL_ACCOUNT",
          virtualAccount: { virtualAccountNumber: "98880000000001" },
        });
        const missingAmount = await h.http.post("/v2/payments/simulations", {
          paymentSessionId: created.id,
          chargeStatus: "SUCCESS",
        });
        expect(envelopeOf(missingAmount, 400).error.details?.map((d) => d.field)).toEqual(["amount"]);
        for (const value of [15000, 25000]) {
          const paid = await h.http.post("/v2/payments/simulations", {
            paymentSessionId: created.id,
            chargeStatus: "SUCCESS",
            amount: { value, currency: "IDR" },
          });
          expect(paid.status).toBe(200);
        }
        const active = sessionOf(await h.http.get(`/v2/payments/${created.id}`));
        expect(active.status).toBe("ACTIVE");
        expect(active.chargeDetails?.map((c) => c.amount.value)).toEqual([15000, 25000]);
        expect(await events(created.id)).toEqual(["CHARGE.SUCCESS", "CHARGE.SUCCESS"]);
      });
    });

    describe("docs", () => {
      it("serves the OpenAPI document and a self-contained docs page", async () => {
        const openapi = await fetch(`${h.provider.url}/openapi.json`);
        expect(await openapi.text()).toBe(renderOpenApi());
        const docs = await fetch(`${h.provider.url}/docs`);
        const html = await docs.text();
        expect(docs.headers.get("content-type")).toContain("text/html");
        // The Scalar script is inlined: the page loads no script from elsewhere (it works offline).
        expect(/<script[^>]*\ssrc=/i.test(html)).toBe(false);
        expect(html.includes("Scalar.createApiReference")).toBe(true);
      });
    });
  });
}
