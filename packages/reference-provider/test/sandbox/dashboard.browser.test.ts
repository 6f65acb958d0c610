/**
 * The sandbox dashboard in a real browser (Debian's Chromium driven by playwright-core, as the
 * hosted page's test): (a) a QR session expires when the test clock is moved from the dashboard,
 * and the ledger shows its `PAYMENT.CANCELLED` (the event the session machine emits on expiry, L4);
 * (b) a webhook the receiver refused is resent from the ledger once the receiver answers 200, and
 * the ledger shows the 200.
 *
 * Each scenario also runs against a sandbox with a deliberate defect — a ledger that drops the
 * attempts, a resend that does not send — where the same checks must fail: that is how the test
 * shows it catches them.
 */
import { execFileSync } from "node:child_process";
import { millisToInstant } from "@payment-session/core";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestClock,
  demoMerchant,
  type LedgerHost,
  type RunningProvider,
  recordWebhookAttempt,
  type SandboxOptions,
  startProvider,
} from "../../src/index.js";
import { httpClient, sessionOf, T0 } from "../support/provider.js";
import { type Receiver, startReceiver } from "../support/receiver.js";

/** Debian's Chromium (`apt-get install -y chromium`). */
const chromiumPath = (): string =>
  execFileSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" }).trim();

const qrCreateBody = (clientReferenceId: string) => ({
  clientReferenceId,
  amount: { value: 20000, currency: "IDR" },
  mode: "API",
  paymentMethod: { type: "QR" },
  paymentMethodOptions: { qr: { acquirer: "BRI" } },
});

/** The defects the checks must catch. */
const defects = {
  /** A ledger that drops every attempt of the dispatcher (it records resends and tests only). */
  ledgerDropsAttempts: {
    ledger: {
      record: async (db, attempt) => (attempt.kind === "dispatch" ? 0 : recordWebhookAttempt(db, attempt)),
    } satisfies Pick<LedgerHost, "record">,
  },
  /** A resend that does not send: it answers what the receiver would have said, without a request. */
  resendDoesNotSend: {
    ledger: {
      send: async () => ({ _tag: "delivered", statusCode: 200, body: "{}" }),
    } satisfies Pick<LedgerHost, "send">,
  },
} as const satisfies Record<string, SandboxOptions>;

describe("sandbox dashboard in Chromium", () => {
  let browser: Browser;
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
    browser = await chromium.launch({ executablePath: chromiumPath(), args: ["--no-sandbox"] });
  });
  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
  });

  /** A sandbox (test clock at T0, no background tasks) whose merchant's callbacks go to `path`. */
  const withSandbox = async <A>(
    path: string,
    sandbox: SandboxOptions,
    run: (provider: RunningProvider, page: Page) => Promise<A>,
  ): Promise<A> => {
    const provider = await startProvider({
      memory: true,
      clock: createTestClock(T0),
      merchants: [{ ...demoMerchant, callbackUrl: receiver.url(`/${path}`) }],
      sandbox,
    });
    const page = await browser.newPage();
    try {
      return await run(provider, page);
    } finally {
      await page.close();
      await provider.close();
    }
  };

  /** (a) Move the clock an hour from the dashboard: the QR session is EXPIRED, PAYMENT.CANCELLED in the ledger. */
  const expiryScenario = (path: string, sandbox: SandboxOptions) =>
    withSandbox(path, sandbox, async (provider, page) => {
      receiver.behave(`/${path}`, { kind: "ok" });
      const http = httpClient(() => provider);
      const session = sessionOf(await http.post("/v2/payments", qrCreateBody(`qr-${path}`)));
      await page.goto(`${provider.url}/dashboard?merchantId=${demoMerchant.id}`);
      const row = page.locator(`[data-testid=session-row][data-session="${session.id}"]`);
      expect(await row.getByTestId("session-status").textContent()).toBe(session.status);
      await page.getByTestId("clock-1h").click();
      await expect
        .poll(() => page.getByTestId("action-result").textContent(), { timeout: 20_000, interval: 100 })
        .toMatch(/1 session\(s\) expired/);
      expect(await row.getByTestId("session-status").textContent()).toBe("EXPIRED");
      const cancelled = page.locator('[data-testid=attempt][data-event="PAYMENT.CANCELLED"]');
      expect(await cancelled.count()).toBe(1);
      expect(await cancelled.getByTestId("attempt-status").textContent()).toBe("200");
      // The session's timeline: the expiry, with the machines' transitions.
      await page.locator(`a[href^="/dashboard/sessions/${session.id}"]`).first().click();
      const expiry = page.locator('[data-testid=timeline-entry][data-kind=event][data-event="EXPIRE"]');
      expect(await expiry.getByTestId("transitions").textContent()).toContain(
        "session REQUIRE_ACTION EXPIRE →EXPIRED",
      );
      expect(await page.locator("[data-testid=timeline-entry][data-kind=attempt]").count()).toBe(1);
    });

  /** (b) The receiver refuses (503), then answers 200: resend from the ledger, the ledger shows the 200. */
  const resendScenario = (path: string, sandbox: SandboxOptions) =>
    withSandbox(path, sandbox, async (provider, page) => {
      receiver.behave(`/${path}`, { kind: "status", status: 503 });
      const http = httpClient(() => provider);
      const session = sessionOf(await http.post("/v2/payments", qrCreateBody(`resend-${path}`)));
      await http.post("/v2/payments/simulations", { paymentSessionId: session.id, chargeStatus: "SUCCESS" });
      await provider.dispatchDue();
      await page.goto(`${provider.url}/dashboard?merchantId=${demoMerchant.id}`);
      const failed = page.locator('[data-testid=attempt][data-event="PAYMENT.PAID"][data-kind=dispatch]');
      expect(await failed.getByTestId("attempt-status").textContent()).toBe("503");
      // The retry on the W2 schedule: 5 minutes after the failed attempt.
      expect(await failed.getByTestId("attempt-next").textContent()).toBe(millisToInstant(T0 + 5 * 60_000));
      const before = receiver.receipts.filter((r) => r.path === `/${path}`).length;
      receiver.behave(`/${path}`, { kind: "ok" });
      await failed.getByTestId("resend").click();
      await expect
        .poll(() => page.getByTestId("action-result").textContent(), { timeout: 20_000, interval: 100 })
        .toMatch(/^Resent PAYMENT\.PAID/);
      expect(await page.getByTestId("action-result").textContent()).toContain("HTTP 200");
      const resent = page.locator('[data-testid=attempt][data-event="PAYMENT.PAID"][data-kind=resend]');
      expect(await resent.getByTestId("attempt-status").textContent()).toBe("200");
      // The receiver got it once more, and the event is delivered: the dispatcher stops retrying it.
      expect(receiver.receipts.filter((r) => r.path === `/${path}`).length).toBe(before + 1);
      const { rows } = await provider.services.db.query<{ status: string }>(
        "SELECT status FROM webhook_outbox",
      );
      expect(rows.map((r) => r.status)).toEqual(["delivered"]);
    });

  it("(a) lets a QR session expire by moving the test clock from the dashboard; PAYMENT.CANCELLED is in the ledger", async () => {
    await expiryScenario("expiry", {});
  });

  it("(a) catches a ledger that drops the dispatcher's attempts", async () => {
    await expect(expiryScenario("expiry-defect", defects.ledgerDropsAttempts)).rejects.toThrow(
      /expected \+?0 to be 1/,
    );
  });

  it("(b) resends a failed webhook to a receiver that now answers 200, and sees it in the ledger", async () => {
    await resendScenario("resend", {});
  });

  it("(b) catches a resend that does not send", async () => {
    await expect(resendScenario("resend-defect", defects.resendDoesNotSend)).rejects.toThrow(
      /expected \d+ to be \d+/,
    );
  });
});
