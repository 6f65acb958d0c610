/**
 * The README's merchant walk, run as written: its two `sh` blocks go, unchanged but for the
 * sandbox's address, to one real `bash` (with `curl` and `node`) as a merchant's terminal would run
 * them, against a sandbox started as `pnpm start` starts it (background dispatcher and sweeper, the
 * demo merchant with a callback URL). Between them Debian's Chromium does what the README says a
 * person does: opens the `paymentUrl`, chooses the virtual account, pays, lands on the success URL,
 * and sees `PAYMENT.PAID` delivered in the dashboard's ledger. Every `# → …` line must appear in the
 * shell's output, in order; a README whose expected answer is wrong fails the same check.
 */
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoMerchant, type RunningProvider, startProvider } from "../src/index.js";
import { type Receiver, startReceiver } from "./support/receiver.js";

const README = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const readmeBase = "http://127.0.0.1:4000";

/** The `sh` blocks of the README's merchant walk. */
const walkBlocks = (readme: string): ReadonlyArray<string> => {
  const section = (readme.split("### The merchant walk")[1] ?? "").split("\n## ")[0] ?? "";
  return [...section.matchAll(/```sh\n([\s\S]*?)```/gu)].map((m) => m[1] ?? "");
};

/** The `# → …` lines of a block: what its output must contain, in order. */
const expectations = (block: string): ReadonlyArray<string> =>
  block
    .split("\n")
    .map((line) => /^# → (.+)$/u.exec(line.trim())?.[1])
    .filter((text): text is string => text !== undefined);

/** Each expected text appears in `output` after the previous one. */
const expectInOrder = (output: string, expected: ReadonlyArray<string>) => {
  let from = 0;
  for (const text of expected) {
    const at = output.indexOf(text, from);
    expect(at, `"${text}" after offset ${from} in:\n${output}`).toBeGreaterThanOrEqual(0);
    from = at + text.length;
  }
};

const chromiumPath = (): string =>
  execFileSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" }).trim();

describe("the README's merchant walk", () => {
  let provider: RunningProvider;
  let receiver: Receiver;
  let browser: Browser;
  let shell: ChildProcessWithoutNullStreams;
  let output = "";
  beforeAll(async () => {
    receiver = await startReceiver();
    provider = await startProvider({
      memory: true,
      merchants: [{ ...demoMerchant, callbackUrl: receiver.url("/webhooks") }],
      background: true,
      sandbox: {},
    });
    browser = await chromium.launch({ executablePath: chromiumPath(), args: ["--no-sandbox"] });
    shell = spawn("bash", [], { stdio: ["pipe", "pipe", "pipe"] });
    shell.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    shell.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
  });
  afterAll(async () => {
    shell?.stdin.end();
    shell?.kill();
    await browser?.close();
    await provider?.close();
    await receiver?.close();
  });

  /** Sends a block to the shell and waits until it has run it; its output. */
  const run = async (block: string, marker: string): Promise<string> => {
    const start = output.length;
    shell.stdin.write(`${block.replaceAll(readmeBase, provider.url)}\necho ${marker}\n`);
    await expect.poll(() => output.includes(marker), { timeout: 30_000, interval: 100 }).toBe(true);
    return output.slice(start, output.indexOf(marker, start));
  };

  it("creates a REDIRECT session, pays on the hosted page, sees the webhook, expires a pending session", async () => {
    const blocks = walkBlocks(README);
    expect(blocks).toHaveLength(2);
    const [create = "", afterwards = ""] = blocks;

    const created = await run(create, "__created__");
    const localExpectations = (block: string) =>
      expectations(block).map((text) => text.replaceAll(readmeBase, provider.url));
    expectInOrder(created, localExpectations(create));
    const paymentUrl = created.split("\n").find((line) => line.startsWith(`${provider.url}/checkout/`)) ?? "";
    expect(paymentUrl).not.toBe("");

    const page = await browser.newPage();
    await page.route("https://shop.example/**", (route) =>
      route.fulfill({ status: 200, contentType: "text/html", body: "<!doctype html><h1>Thank you</h1>" }),
    );
    await page.goto(paymentUrl);
    await page.getByTestId("choose-VIRTUAL_ACCOUNT").click();
    await page.getByTestId("va-number").waitFor();
    await page.getByTestId("pay").click();
    await page.waitForURL("https://shop.example/ok");
    await page.goto(`${provider.url}/dashboard`);
    const paid = page.locator('[data-testid=attempt][data-event="PAYMENT.PAID"]');
    await expect
      .poll(
        async () => {
          await page.reload();
          return paid.count();
        },
        { timeout: 10_000, interval: 500 },
      )
      .toBe(1);
    expect(await paid.getByTestId("attempt-status").textContent()).toBe("200");
    await page.close();

    const rest = await run(afterwards, "__walked__");
    expectInOrder(rest, localExpectations(afterwards));
    const events = receiver.receipts.map((r) => (r.body as { event?: string }).event);
    expect(events).toEqual(["PAYMENT.PAID", "PAYMENT.CANCELLED"]);
  });

  it("fails when the README expects another answer", () => {
    const afterwards = walkBlocks(README)[1] ?? "";
    const wrong = expectations(afterwards.replace("# → order-2002", "# → order-2001"));
    const output = '{"offsetSeconds":3600}\norder-2002\n"event":"PAYMENT.CANCELLED"';
    expect(() => expectInOrder(`"event":"PAYMENT.PAID"${output}`, expectations(afterwards))).not.toThrow();
    expect(() => expectInOrder(`"event":"PAYMENT.PAID"${output}`, wrong)).toThrow();
  });
});
