/**
 * The sandbox's hosted payment page over HTTP: every `paymentUrl` is on the sandbox, the page shows
 * what the customer needs, and its buttons go through the API's operations to the documented
 * return URL. (The same page in a real browser: hostedPage.browser.test.ts.)
 */
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
import { httpClient, sessionOf, T0, vaCreateBody } from "../support/provider.js";

const redirectUrl = {
  successReturnUrl: "https://merchant.example/ok",
  failureReturnUrl: "https://merchant.example/failed",
  expirationReturnUrl: "https://merchant.example/expired",
};

const redirectBody = (overrides: Record<string, unknown> = {}) =>
  vaCreateBody({ mode: "REDIRECT", redirectUrl, ...overrides });

describe("hosted payment page", () => {
  let db: Database;
  let provider: RunningProvider;
  let published: RunningProvider;
  beforeAll(async () => {
    db = await openDatabase({ memory: true });
    provider = await startProvider({
      db,
      clock: createTestClock(T0),
      merchants: [demoMerchant],
      sandbox: {},
    });
    published = await startProvider({
      db,
      clock: createTestClock(T0),
      merchants: [demoMerchant],
      sandbox: { publicUrl: "https://sandbox.example.test/" },
    });
  });
  afterAll(async () => {
    await provider.close();
    await published.close();
    await db.close();
  });
  beforeEach(async () => {
    await db.query(`TRUNCATE ${storeTables.join(", ")} RESTART IDENTITY CASCADE`);
  });
  const http = httpClient(() => provider);
  const page = async (url: string) => {
    const response = await fetch(url);
    return {
      status: response.status,
      type: response.headers.get("content-type"),
      text: await response.text(),
    };
  };
  const act = async (url: string, action: string, body: unknown = {}) => {
    const response = await fetch(`${url}/${action}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it("a REDIRECT VA session: the page on the sandbox shows amount, merchant, VA and bank; pay → PAID → success URL", async () => {
    const session = sessionOf(await http.post("/v2/payments", redirectBody()));
    expect(session.paymentUrl).toBe(`${provider.url}/checkout/${session.id}`);
    const shown = await page(session.paymentUrl ?? "");
    expect(shown.status).toBe(200);
    expect(shown.type).toContain("text/html");
    const va = session.chargeDetails?.[0]?.virtualAccount;
    expect(shown.text).toContain(va?.virtualAccountNumber ?? "missing");
    expect(shown.text).toContain("PERMATA");
    expect(shown.text).toContain("IDR 20,000");
    expect(shown.text).toContain(demoMerchant.name);
    expect(shown.text).toContain(`data-expiry="${session.expiryAt}"`);

    const paid = await act(session.paymentUrl ?? "", "pay");
    expect(paid).toEqual({ status: 200, body: { status: "PAID", returnUrl: redirectUrl.successReturnUrl } });
    expect(sessionOf(await http.get(`/v2/payments/${session.id}`)).status).toBe("PAID");
    const outbox = await db.query<{ payload: { event: string } }>("SELECT payload FROM webhook_outbox");
    expect(outbox.rows.map((row) => row.payload.event)).toEqual(["PAYMENT.PAID"]);
    const after = await page(session.paymentUrl ?? "");
    expect(after.text).toContain(`href="${redirectUrl.successReturnUrl}"`);
    expect(after.text).not.toContain('data-action="pay"');
  });

  it("no method yet: the customer chooses one (a confirm), then a documented failure → CANCELLED → failure URL", async () => {
    const session = sessionOf(
      await http.post(
        "/v2/payments",
        redirectBody({ paymentMethod: undefined, paymentMethodOptions: undefined }),
      ),
    );
    expect(session.status).toBe("REQUIRE_PAYMENT_METHOD");
    const url = session.paymentUrl ?? "";
    expect((await page(url)).text).toContain('data-method="VIRTUAL_ACCOUNT"');
    expect((await act(url, "choose", { method: "CASH" })).status).toBe(400);
    const chosen = await act(url, "choose", { method: "VIRTUAL_ACCOUNT" });
    expect(chosen.body).toEqual({ status: "REQUIRE_ACTION", returnUrl: null });
    const refused = await act(url, "fail", { failureCode: "NOT_A_CODE" });
    expect(refused.status).toBe(400);
    expect((refused.body.error as { details: Array<{ field: string }> }).details[0]?.field).toBe(
      "failureCode",
    );
    const failed = await act(url, "fail", { failureCode: "INSUFFICIENT_FUND" });
    expect(failed.body).toEqual({ status: "CANCELLED", returnUrl: redirectUrl.failureReturnUrl });
    const charge = sessionOf(await http.get(`/v2/payments/${session.id}`)).chargeDetails?.[0];
    expect(charge?.failureCode).toBe("INSUFFICIENT_FUND");
  });

  it("a QR session: qrUrl is an SVG image on the sandbox; let it expire → EXPIRED → expiration URL", async () => {
    const session = sessionOf(
      await http.post(
        "/v2/payments",
        redirectBody({
          mode: "API",
          paymentMethod: { type: "QR" },
          paymentMethodOptions: { qr: { acquirer: "BRI" } },
        }),
      ),
    );
    const qr = session.chargeDetails?.[0]?.qr;
    expect(qr?.qrUrl).toBe(`${provider.url}/checkout/${session.id}/qr.svg`);
    const image = await page(qr?.qrUrl ?? "");
    expect(image.status).toBe(200);
    expect(image.type).toContain("image/svg+xml");
    expect(image.text).toMatch(/^<svg [^>]*viewBox="0 0 \d+ \d+"/);
    const url = `${provider.url}/checkout/${session.id}`;
    expect((await page(url)).text).toContain(`src="/checkout/${session.id}/qr.svg"`);
    const expired = await act(url, "expire");
    expect(expired.body).toEqual({ status: "EXPIRED", returnUrl: redirectUrl.expirationReturnUrl });
  });

  it("an e-wallet in mode API: paymentUrl is the sandbox's http(s) page, not a deep link; pay → PAID", async () => {
    const session = sessionOf(
      await http.post(
        "/v2/payments",
        redirectBody({
          mode: "API",
          paymentMethod: { type: "EWALLET", ewallet: { channel: "DANA" } },
          paymentMethodOptions: { ewallet: { channel: "DANA" } },
        }),
      ),
    );
    expect(session.paymentUrl).toBe(`${provider.url}/checkout/${session.id}`);
    expect((await page(session.paymentUrl ?? "")).text).toContain("E-wallet: DANA");
    expect((await act(session.paymentUrl ?? "", "pay")).body.status).toBe("PAID");
  });

  it("uses --public-url for the URLs it hands out", async () => {
    const session = sessionOf(await httpClient(() => published).post("/v2/payments", redirectBody()));
    expect(session.paymentUrl).toBe(`https://sandbox.example.test/checkout/${session.id}`);
  });

  it("an unknown session: 404 page and 404 actions", async () => {
    expect((await page(`${provider.url}/checkout/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    expect((await page(`${provider.url}/checkout/not-a-uuid`)).status).toBe(404);
    expect((await act(`${provider.url}/checkout/00000000-0000-4000-8000-000000000000`, "pay")).status).toBe(
      404,
    );
  });
});
