/**
 * The README's card walk, run as written: the `ts` block of "Card encryption, test cards and test
 * phones" is saved as a script and run with Node (tsx) against a running sandbox, with `B` and
 * `TOKEN` set as the README says; what it prints must match the `// → …` line. Then the challenge
 * of its test card is answered on the step page it printed, and the session is PAID.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestClock,
  type Database,
  demoMerchant,
  openDatabase,
  type RunningProvider,
  startProvider,
} from "../../src/index.js";
import { T0 } from "../support/provider.js";

const README = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const PACKAGE = new URL("../..", import.meta.url).pathname;

const walkScript = (): string => {
  const section = README.split("### Card encryption, test cards and test phones")[1] ?? "";
  return /```ts\n([\s\S]*?)```/u.exec(section)?.[1] ?? "";
};

const runScript = (file: string, env: Record<string, string>) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ["-C", "@payment-session/source", "--import", "tsx", file], {
      cwd: PACKAGE,
      env: { ...process.env, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString("utf8");
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });

describe("the README's card walk", () => {
  let db: Database;
  let provider: RunningProvider;
  let dir: string;
  beforeAll(async () => {
    db = await openDatabase({ memory: true });
    provider = await startProvider({
      db,
      clock: createTestClock(T0),
      merchants: [demoMerchant],
      sandbox: {},
    });
    // inside the package, so that the script resolves @payment-session/contracts as a merchant's would
    dir = mkdtempSync(join(PACKAGE, ".card-walk-"));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await provider.close();
    await db.close();
  });

  it("confirms a card session with an encryptedCard made by encryptCard, then the challenge pays it", async () => {
    const script = walkScript();
    expect(script).toContain("encryptCard(");
    const expected = /\/\/ → (\S+) (\S+) (\S+?)…/u.exec(script);
    expect(expected).not.toBeNull();
    const file = join(dir, "card-walk.ts");
    writeFileSync(file, script);
    const run = await runScript(file, {
      B: provider.url,
      TOKEN: provider.issueAccessToken(demoMerchant.id),
    });
    expect(run.code, run.stderr).toBe(0);
    const [status, last4, paymentUrl] = run.stdout.trim().split(" ");
    expect(status).toBe(expected?.[1]);
    expect(last4).toBe(expected?.[2]);
    // the README's example address is the default `pnpm start` one; here the sandbox listens elsewhere
    expect(paymentUrl).toMatch(
      new RegExp(
        `^${(expected?.[3] ?? "").replace("http://127.0.0.1:4000", provider.url)}[0-9a-f-]{36}$`,
        "u",
      ),
    );
    const answer = await fetch(paymentUrl ?? "", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ otp: "000000" }),
    });
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { status: string }).status).toBe("PAID");
  });
});
