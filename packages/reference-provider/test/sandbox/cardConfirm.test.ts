/**
 * A card confirmed with an `encryptedCard` (facts §13, decision S3) against the running provider:
 * `encryptCard` (the contracts package, merchant side) with the session's `encryptionKey` round
 * trips; a value that does not decrypt or holds no card is 400 at its field path and changes
 * nothing; the card number is never stored or answered; the documented test cards and e-wallet test
 * phones drive the outcome on the sandbox's customer step page (`/authenticate/{id}`).
 */
import { encryptCard } from "@payment-session/contracts";
import { type PaymentSession, sandboxOtp, sandboxTestCards, sandboxTestPhones } from "@payment-session/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createTestClock,
  type Database,
  demoMerchant,
  openDatabase,
  type RunningProvider,
  startProvider,
  storeTables,
} from "../../src/index.js";
import { envelopeOf, httpClient, sessionOf, T0, tableChecksum } from "../support/provider.js";

const redirectUrl = {
  successReturnUrl: "https://merchant.example/ok",
  failureReturnUrl: "https://merchant.example/failed",
  expirationReturnUrl: "https://merchant.example/expired",
};

const cardSessionBody = {
  clientReferenceId: "card-1",
  amount: { value: 150_000, currency: "IDR" },
  mode: "API",
  autoConfirm: false,
  paymentMethod: { type: "CARD" },
  paymentMethodOptions: { card: { captureMethod: "automatic" } },
  redirectUrl,
};

const testCard = (number: string) => ({ number, expiryMonth: "12", expiryYear: "2030", cvc: "123" });
const device = { type: "BROWSER", userAgent: "Mozilla/5.0 (X11; Linux x86_64)", browserWidth: 1280 };

describe("card confirm with encryptedCard", () => {
  let db: Database;
  let provider: RunningProvider;
  beforeAll(async () => {
    db = await openDatabase({ memory: true });
    provider = await startProvider({
      db,
      clock: createTestClock(T0),
      merchants: [demoMerchant],
      sandbox: {},
    });
  });
  afterAll(async () => {
    await provider.close();
    await db.close();
  });
  beforeEach(async () => {
    await db.query(
      `TRUNCATE ${storeTables.filter((t) => t !== "provider_settings").join(", ")} RESTART IDENTITY CASCADE`,
    );
  });
  const http = httpClient(() => provider);

  const cardSession = async (): Promise<PaymentSession> => {
    const session = sessionOf(await http.post("/v2/payments", cardSessionBody));
    expect(session.status).toBe("REQUIRE_CONFIRMATION");
    expect(session.encryptionKey).toEqual(expect.any(String));
    return session;
  };
  const confirm = (session: PaymentSession, encryptedCard: string) =>
    http.post(`/v2/payments/${session.id}/confirm`, {
      paymentMethod: { type: "CARD", card: { encryptedCard } },
      paymentMethodOptions: { card: { captureMethod: "automatic" } },
    });
  const step = async (url: string, body: unknown) => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Record<string, unknown>,
    };
  };
  const everyStoredRow = async () => {
    const rows: Array<string> = [];
    for (const table of storeTables) {
      const result = await db.query<{ t: unknown }>(`SELECT t::text AS t FROM ${table} t`);
      for (const row of result.rows) rows.push(String(row.t));
    }
    return rows.join("\n");
  };

  it("round-trips encryptCard(encryptionKey, card, device): REQUIRE_ACTION, the masked card, a 3-D Secure page on the sandbox; the number is neither answered nor stored", async () => {
    const session = await cardSession();
    const pan = "4440000112200001";
    const encryptedCard = encryptCard(session.encryptionKey ?? "", testCard(pan), device);
    expect(encryptedCard.length).toBeGreaterThan(500);
    const reply = await confirm(session, encryptedCard);
    const confirmed = sessionOf(reply);
    expect(confirmed.status).toBe("REQUIRE_ACTION");
    const charge = confirmed.chargeDetails?.[0];
    expect(charge?.status).toBe("WAITING_FOR_USER_ACTION");
    expect(charge?.card).toMatchObject({
      first6: "444000",
      first8: "44400001",
      last4: "0001",
      expMonth: "12",
      expYear: "2030",
    });
    expect(confirmed.paymentUrl).toBe(`${provider.url}/authenticate/${session.id}`);
    expect(JSON.stringify(reply.body)).not.toContain(pan);
    expect(JSON.stringify(reply.body)).not.toContain(encryptedCard.slice(0, 40));
    const stored = await everyStoredRow();
    expect(stored).not.toContain(pan);
    expect(stored).not.toContain(encryptedCard.slice(0, 40));
    const read = sessionOf(await http.get(`/v2/payments/${session.id}`));
    expect(JSON.stringify(read)).not.toContain(pan);
  });

  it("a value that does not decrypt or holds no card is 400 at paymentMethod.card.encryptedCard, and nothing changes", async () => {
    const session = await cardSession();
    const other = await cardSession();
    const foreign = encryptCard(
      // a key of no session of this provider
      (await import("node:crypto"))
        .generateKeyPairSync("rsa", { modulusLength: 2048 })
        .publicKey.export({ type: "spki", format: "der" })
        .toString("base64"),
      testCard("4440000112200001"),
    );
    const values = [
      "bm90IGFuIGVudmVsb3Bl",
      Buffer.from(JSON.stringify({ encryptedKey: "AAAA", nonce: "AAAA", ciphertext: "AAAA" })).toString(
        "base64",
      ),
      foreign,
      encryptCard(session.encryptionKey ?? "", { ...testCard("12"), number: "12" }),
      encryptCard(session.encryptionKey ?? "", { ...testCard("4440000112200001"), expiryMonth: "13" }),
    ];
    for (const value of values) {
      const before = await tableChecksum(db);
      const envelope = envelopeOf(await confirm(session, value), 400);
      expect(envelope.error.details?.map((d) => d.field)).toEqual(["paymentMethod.card.encryptedCard"]);
      expect(await tableChecksum(db)).toEqual(before);
    }
    expect(sessionOf(await http.get(`/v2/payments/${session.id}`)).status).toBe("REQUIRE_CONFIRMATION");
    // the other session has the same database key, so its value opens here too (decision S3)
    const otherValue = encryptCard(other.encryptionKey ?? "", testCard("4440000112200001"));
    expect(sessionOf(await confirm(session, otherValue)).status).toBe("REQUIRE_ACTION");
  });

  it("an encryptedCard longer than the bound is 400; a realistic one is far below it", async () => {
    const session = await cardSession();
    const envelope = envelopeOf(await confirm(session, "A".repeat(16_385)), 400);
    expect(envelope.error.details?.[0]?.field).toBe("paymentMethod.card.encryptedCard");
  });

  for (const card of sandboxTestCards) {
    it(`test card ${card.number} (${card.description}) ends as documented`, async () => {
      const session = await cardSession();
      const confirmed = sessionOf(
        await confirm(session, encryptCard(session.encryptionKey ?? "", testCard(card.number), device)),
      );
      const url = confirmed.paymentUrl ?? "";
      const page = await (await fetch(url)).text();
      expect(page).toContain(
        card.authentication === "CHALLENGE" ? 'data-step="challenge"' : 'data-step="frictionless"',
      );
      if (card.authentication === "CHALLENGE") {
        const before = await tableChecksum(db);
        const wrong = envelopeOf(await step(url, { otp: "123456" }), 400);
        expect(wrong.error.details?.[0]?.field).toBe("otp");
        expect(await tableChecksum(db)).toEqual(before);
      }
      const answer = await step(url, card.authentication === "CHALLENGE" ? { otp: sandboxOtp } : {});
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      const after = sessionOf(await http.get(`/v2/payments/${session.id}`));
      const charge = after.chargeDetails?.[0];
      if (card.failureCode === null) {
        expect([after.status, charge?.status]).toEqual(["PAID", "SUCCESS"]);
        expect(answer.body.returnUrl).toBe(redirectUrl.successReturnUrl);
      } else {
        expect([after.status, charge?.status, charge?.failureCode]).toEqual([
          "CANCELLED",
          "FAILED",
          card.failureCode,
        ]);
        expect(after.cancellationReason).toBe("CHARGE_FAILED");
        expect(answer.body.returnUrl).toBe(redirectUrl.failureReturnUrl);
      }
      // the step is taken once: again is the core's refusal
      expect((await step(url, { otp: sandboxOtp })).status).toBe(422);
    });
  }

  it("the cardholder cancels the challenge: CANCELLED_BY_USER", async () => {
    const session = await cardSession();
    const confirmed = sessionOf(
      await confirm(session, encryptCard(session.encryptionKey ?? "", testCard("4440000112290002"))),
    );
    expect((await step(confirmed.paymentUrl ?? "", { cancel: true })).status).toBe(200);
    const after = sessionOf(await http.get(`/v2/payments/${session.id}`));
    expect(after.chargeDetails?.[0]?.failureCode).toBe("CANCELLED_BY_USER");
  });

  for (const phone of sandboxTestPhones) {
    it(`e-wallet test phone ${phone.phone} ends ${phone.session}/${phone.charge}`, async () => {
      const session = sessionOf(
        await http.post("/v2/payments", {
          clientReferenceId: "wallet-1",
          amount: { value: 50_000, currency: "IDR" },
          mode: "API",
          paymentMethod: { type: "EWALLET", ewallet: { accountIdentifier: `+62${phone.phone.slice(1)}` } },
          paymentMethodOptions: { ewallet: { channel: "DANA", expiryAt: "2026-03-01T10:10:00Z" } },
          redirectUrl,
        }),
      );
      // the e-wallet's paymentUrl is the hosted page; its approval step is at /authenticate/{id}
      const url = `${provider.url}/authenticate/${session.id}`;
      expect(envelopeOf(await step(url, {}), 400).error.details?.[0]?.field).toBe("otp");
      expect((await step(url, { otp: sandboxOtp })).status).toBe(200);
      const after = sessionOf(await http.get(`/v2/payments/${session.id}`));
      expect([after.status, after.chargeDetails?.[0]?.status]).toEqual([phone.session, phone.charge]);
    });
  }
});
