/**
 * The hosted payment page in a real browser: Debian's Chromium driven by playwright-core (no
 * browser download; `.ci/run` installs `chromium` when it is missing). A customer opens a REDIRECT
 * VA session's `paymentUrl`, sees the VA number and the countdown, pays, and lands on the
 * merchant's success URL; the session is PAID and PAYMENT.PAID waits in the outbox.
 */
import { execFileSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoMerchant, type RunningProvider, startProvider } from "../../src/index.js";
import { httpClient, sessionOf, vaCreateBody } from "../support/provider.js";

/** Debian's Chromium (`apt-get install -y chromium`). */
const chromiumPath = (): string =>
  execFileSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" }).trim();

describe("hosted payment page in Chromium", () => {
  let provider: RunningProvider;
  let browser: Browser;
  let shop: Server;
  let shopUrl = "";
  beforeAll(async () => {
    // The merchant's site the customer returns to.
    shop = createServer((request, response) => {
      response.writeHead(200, { "content-type": "text/html" });
      response.end(`<!doctype html><title>Shop</title><h1>Thank you (${request.url})</h1>`);
    });
    await new Promise<void>((resolve) => shop.listen(0, "127.0.0.1", resolve));
    const address = shop.address();
    shopUrl = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
    provider = await startProvider({ memory: true, merchants: [demoMerchant], sandbox: {} });
    browser = await chromium.launch({ executablePath: chromiumPath(), args: ["--no-sandbox"] });
  });
  afterAll(async () => {
    await browser?.close();
    await provider?.close();
    await new Promise<void>((resolve) => (shop === undefined ? resolve() : shop.close(() => resolve())));
  });

  it("pays a VA session through the page and lands on the success URL", async () => {
    const http = httpClient(() => provider);
    const session = sessionOf(
      await http.post(
        "/v2/payments",
        vaCreateBody({
          mode: "REDIRECT",
          redirectUrl: {
            successReturnUrl: `${shopUrl}/ok`,
            failureReturnUrl: `${shopUrl}/failed`,
            expirationReturnUrl: `${shopUrl}/expired`,
          },
        }),
      ),
    );
    const page = await browser.newPage();
    await page.goto(session.paymentUrl ?? "");
    const va = session.chargeDetails?.[0]?.virtualAccount?.virtualAccountNumber ?? "missing";
    expect(await page.getByTestId("va-number").textContent()).toBe(va);
    expect(await page.getByTestId("amount").textContent()).toBe("IDR 20,000");
    // The countdown runs (15 min by default).
    await expect.poll(async () => page.getByTestId("countdown").textContent()).toMatch(/^1[45]:[0-5][0-9]$/);
    await page.getByTestId("pay").click();
    await page.waitForURL(`${shopUrl}/ok`);
    expect(await page.locator("h1").textContent()).toBe("Thank you (/ok)");
    expect(sessionOf(await http.get(`/v2/payments/${session.id}`)).status).toBe("PAID");
    const { rows } = await provider.services.db.query<{ payload: { event: string } }>(
      "SELECT payload FROM webhook_outbox",
    );
    expect(rows.map((row) => row.payload.event)).toEqual(["PAYMENT.PAID"]);
    await page.close();
  });
});
