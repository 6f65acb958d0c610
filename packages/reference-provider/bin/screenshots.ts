/**
 * `pnpm run docs:screenshots`: the README's screenshots of the hosted payment page, the dashboard
 * and a session's timeline, taken by Debian's Chromium (playwright-core) from a sandbox on a test
 * clock (2026-03-01T10:00:00Z), with fixed ids and a receiver in this process, so a rerun draws the
 * same pages: only what the pages show changes the images. Latencies (wall time) are hidden.
 *
 * Not part of `pnpm run docs` (it needs a browser, and Chromium or font updates change pixels
 * without any change to the pages): `pnpm docs:check` never compares PNG bytes. Rerun it when a
 * page changes and commit the images.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import {
  createTestClock,
  type DeliveryResult,
  demoMerchant,
  type IdGenerator,
  startProvider,
} from "../src/index.js";

const T0 = "2026-03-01T10:00:00Z";
const out = join(import.meta.dirname, "..", "docs", "screenshots");
mkdirSync(out, { recursive: true });

/** UUIDs counting up per kind: the same on every run. */
const counting = (prefix: string) => {
  let n = 0;
  return () => `${prefix}-0000-4000-8000-${String(++n).padStart(12, "0")}`;
};
const ids: IdGenerator = {
  sessionId: counting("5e5510e0"),
  chargeId: counting("c4a26e00"),
  captureId: counting("ca97e000"),
  traceId: counting("7ace0000"),
  refundId: counting("2ef0d000"),
};

/** The merchant's endpoint: answers 503 to the first PAYMENT.PAID, then 200. */
let refusedOnce = false;
const send = async ({ payload }: { readonly payload: unknown }): Promise<DeliveryResult> => {
  const event = (payload as { readonly event?: string }).event;
  if (event === "PAYMENT.PAID" && !refusedOnce) {
    refusedOnce = true;
    return { _tag: "retry", error: "HTTP 503", statusCode: 503, body: '{"error":"maintenance"}' };
  }
  return { _tag: "delivered", statusCode: 200, body: `{"received":"${event}"}` };
};

const clock = createTestClock(T0);
const provider = await startProvider({
  memory: true,
  clock,
  ids,
  merchants: [{ ...demoMerchant, callbackUrl: "https://shop.example/webhooks" }],
  dispatch: { send },
  sandbox: { publicUrl: "http://127.0.0.1:4000", ledger: { send } },
});
const browser = await chromium.launch({
  executablePath: execFileSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" }).trim(),
  args: ["--no-sandbox", "--font-render-hinting=none"],
});
try {
  const token = provider.issueAccessToken(demoMerchant.id);
  const api = async (path: string, body?: unknown) => {
    const response = await fetch(`${provider.url}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const answer = (await response.json()) as { data?: { id?: string } };
    if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(answer)}`);
    return answer;
  };
  const amount = { value: 20000, currency: "IDR" };
  const redirectUrl = {
    successReturnUrl: "https://shop.example/ok",
    failureReturnUrl: "https://shop.example/failed",
    expirationReturnUrl: "https://shop.example/expired",
  };
  const paid = await api("/v2/payments", {
    clientReferenceId: "order-1001",
    amount,
    mode: "API",
    paymentMethod: { type: "VIRTUAL_ACCOUNT" },
    paymentMethodOptions: { virtualAccount: { channel: "PERMATA", virtualAccountName: "Reforza Harsya" } },
  });
  const paidId = paid.data?.id ?? "";
  const hosted = await api("/v2/payments", {
    clientReferenceId: "order-1002",
    amount,
    mode: "REDIRECT",
    redirectUrl,
  });
  const hostedId = hosted.data?.id ?? "";
  await api("/v2/payments", {
    clientReferenceId: "order-1003",
    amount: { value: 75000, currency: "IDR" },
    mode: "API",
    paymentMethod: { type: "QR" },
    paymentMethodOptions: { qr: { acquirer: "BRI" } },
  });
  await api("/v2/payments/simulations", { paymentSessionId: paidId, chargeStatus: "SUCCESS" });
  await provider.dispatchDue();

  const page = await browser.newPage({ viewport: { width: 760, height: 900 }, deviceScaleFactor: 1 });
  // The page's countdown reads the browser's clock: fixed at the sandbox's.
  await page.clock.setFixedTime(new Date(T0));
  await page.goto(`${provider.url}/checkout/${hostedId}`);
  await page.getByTestId("choose-VIRTUAL_ACCOUNT").click();
  await page.getByTestId("va-number").waitFor();
  await page.screenshot({ path: join(out, "hosted-page.png"), fullPage: true });

  // The failed PAYMENT.PAID resent from the ledger, a test event, then an hour later.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${provider.url}/dashboard`);
  await page.getByTestId("resend").first().click();
  await page.getByTestId("action-result").filter({ hasText: "Resent" }).waitFor();
  await page.getByTestId("test-event").click();
  await page.getByTestId("action-result").filter({ hasText: "Sent" }).waitFor();
  await page.getByTestId("clock-1h").click();
  await page.getByTestId("action-result").filter({ hasText: "Clock moved" }).waitFor();
  await page.goto(`${provider.url}/dashboard`);
  const hide = "[data-variable]{visibility:hidden}";
  await page.screenshot({ path: join(out, "dashboard.png"), fullPage: true, style: hide });
  await page.goto(`${provider.url}/dashboard/sessions/${paidId}`);
  await page.screenshot({ path: join(out, "timeline.png"), fullPage: true, style: hide });
  console.log(`screenshots written to ${out}`);
} finally {
  await browser.close();
  await provider.close();
}
