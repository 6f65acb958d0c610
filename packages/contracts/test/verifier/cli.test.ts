import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTinyProvider, type TinyProvider } from "./support/tinyProvider.js";
import { parseXml } from "./support/xml.js";

const REPO = fileURLToPath(new URL("../../../../", import.meta.url));
const CLI = "packages/contracts/src/cli.ts";
const PACTS = "packages/contracts/test/fixtures/verifier/pacts";

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI as users in the workspace do: `node -C @payment-session/source --import tsx cli.ts …`. */
const cli = (...args: ReadonlyArray<string>): Promise<Run> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["-C", "@payment-session/source", "--import", "tsx", CLI, ...args],
      {
        cwd: REPO,
        env: { ...process.env, PACT_DO_NOT_TRACK: "true", NO_COLOR: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
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

const urls = (p: TinyProvider) => [
  "--provider-base-url",
  p.baseUrl,
  "--provider-states-setup-url",
  p.statesUrl,
  "--provider-messages-url",
  p.messagesUrl,
];

let scratch = "";
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), "verifier-cli-"));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// Each test here spawns the CLI, which starts Node with tsx twice (the command and its verification worker):
// on a busy 2-core machine that alone can take longer than vitest's default 5 s.
const SPAWNS_THE_CLI = { timeout: 60_000 };

describe("payment-session-contracts verify", SPAWNS_THE_CLI, () => {
  it("exits 0 and prints ✓ per interaction with its provider state against a correct provider", async () => {
    const provider = await startTinyProvider();
    try {
      const run = await cli("verify", ...urls(provider), "--pact-dir", PACTS);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(
        "  ✓ a request for a payment session\n      given a payment session exists {",
      );
      expect(run.stdout).toContain("  ✓ a PAYMENT.PAID webhook (message)\n");
      expect(run.stdout).not.toContain("Verifying a pact between"); // the core's own transcript stays hidden
      expect(run.stdout.trimEnd().split("\n").at(-1)).toBe(
        "Verified 4 interactions of payments-v2-api: 4 passed, 0 failed.",
      );
    } finally {
      await provider.close();
    }
  });

  it("exits 1 against a wrong provider, naming each failing field with expected and actual, and writes JUnit", async () => {
    const provider = await startTinyProvider({ wrong: true });
    const junit = path.join(scratch, "out", "junit.xml");
    try {
      const run = await cli("verify", ...urls(provider), "--pact-dir", PACTS, "--junit", junit);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe("");
      const failed = run.stdout.split("\n").filter((l) => l.startsWith("  ✗ "));
      expect(failed).toEqual([
        "  ✗ a request for a payment session",
        "  ✗ a request to cancel a payment session",
      ]);
      expect(run.stdout).toContain(
        // Wrapped at the report's width, not cut.
        '  ✗ a request for a payment session\n      given a payment session exists {"sessionId":"7f65c757-355f-4645-ac14-028b34ab51b1",\n        "status":"REQUIRE_ACTION"}\n      $.data.status: expected "REQUIRE_ACTION", actual "PAID"\n',
      );
      expect(run.stdout).toContain(
        '      given a payment session awaits a payment method {"clientReferenceId":"INV-001"}\n      $.data.cancellationReason: expected "REQUESTED_BY_CUSTOMER", actual (missing)\n',
      );
      expect(run.stdout).toContain("Verified 4 interactions of payments-v2-api: 2 passed, 2 failed.");
      expect(parseXml(readFileSync(junit, "utf8")).attributes).toMatchObject({ failures: "2" });
    } finally {
      await provider.close();
    }
  });

  it("--interaction REGEX verifies only the interactions whose description matches", async () => {
    const provider = await startTinyProvider();
    try {
      const run = await cli("verify", ...urls(provider), "--pact-dir", PACTS, "--interaction", "to cancel");
      expect(run.code).toBe(0);
      expect(run.stdout.split("\n").filter((l) => /^ {2}[✓✗] /.test(l))).toEqual([
        "  ✓ a request to cancel a payment session",
      ]);
      expect(run.stdout.trimEnd().split("\n").at(-1)).toBe(
        "Verified 1 interaction of payments-v2-api: 1 passed, 0 failed.",
      );
      const none = await cli("verify", ...urls(provider), "--pact-dir", PACTS, "--interaction", "refund");
      expect([none.code, none.stderr]).toEqual([
        2,
        "error: --interaction: no interaction's description matches /refund/ (of 4 in the pacts)\n",
      ]);
    } finally {
      await provider.close();
    }
  });

  it("names --provider-messages-url, not an API option, when a message has no provider", async () => {
    const provider = await startTinyProvider();
    try {
      const run = await cli(
        "verify",
        "--provider-base-url",
        provider.baseUrl,
        "--provider-states-setup-url",
        provider.statesUrl,
        "--pact-dir",
        PACTS,
      );
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(
        'message: no message provider for "a PAYMENT.PAID webhook": give --provider-messages-url URL',
      );
      expect(run.stdout).not.toContain("messageProviders");
    } finally {
      await provider.close();
    }
  });

  it("exits 2 with one line when the provider cannot be reached", async () => {
    const run = await cli(
      "verify",
      "--provider-base-url",
      "http://127.0.0.1:9",
      "--provider-states-setup-url",
      "http://127.0.0.1:9/s",
      "--pact-dir",
      PACTS,
    );
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(
      /^error: provider not reachable at http:\/\/127\.0\.0\.1:9\/: .*ECONNREFUSED.*\n$/,
    );
  });

  it.each(["--help", "verify --help", "help"])("%s prints the usage and exits 0", async (args) => {
    const run = await cli(...args.split(" "));
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      "Usage: payment-session-contracts verify --provider-base-url URL --provider-states-setup-url URL",
    );
    expect(run.stdout).toContain("Exit codes: 0 every interaction passed, 1 a contract failed,");
  });
});

describe("bad usage: exit 2 and one line on stderr, never a stack trace", SPAWNS_THE_CLI, () => {
  const ok = [
    "--provider-base-url",
    "http://127.0.0.1:9",
    "--provider-states-setup-url",
    "http://127.0.0.1:9/s",
  ];
  const folder = (name: string, files: Record<string, string>) => {
    const dir = path.join(scratch, name);
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
    return dir;
  };

  it.each([
    ["no command", () => [], /^error: missing command/],
    ["an unknown flag", () => ["verify", "--nope"], /^error: unknown option '--nope'/],
    [
      "a missing provider URL",
      () => ["verify", "--pact-dir", PACTS],
      /^error: missing --provider-base-url URL$/,
    ],
    [
      "a malformed provider URL",
      () => ["verify", "--provider-base-url", "foo", "--provider-states-setup-url", "http://x/s"],
      /^error: --provider-base-url: not a valid http\(s\) URL: "foo"$/,
    ],
    [
      "a missing states URL",
      () => ["verify", "--provider-base-url", "http://x", "--pact-dir", PACTS],
      /^error: missing --provider-states-setup-url URL$/,
    ],
    [
      "a malformed states URL",
      () => ["verify", "--provider-base-url", "http://x", "--provider-states-setup-url", "localhost:80/s"],
      /^error: --provider-states-setup-url: not a valid http\(s\) URL: "localhost:80\/s"$/,
    ],
    [
      "a malformed pact URL",
      () => ["verify", ...ok, "--pact-url", "ftp://broker/p.json"],
      /^error: --pact-url: not a valid http\(s\) URL/,
    ],
    [
      "a missing pact folder",
      () => ["verify", ...ok, "--pact-dir", "no/such/folder"],
      /^error: pact folder not found: .*no\/such\/folder$/,
    ],
    [
      "an empty pact folder",
      () => ["verify", ...ok, "--pact-dir", folder("empty", {})],
      /^error: pact folder is empty/,
    ],
    [
      "a non-JSON pact file",
      () => ["verify", ...ok, "--pact-dir", folder("bad", { "x.json": "<html>" })],
      /^error: not a JSON pact file: .*x\.json/,
    ],
    [
      "a missing pact file",
      () => ["verify", ...ok, "--pact-url", "no-such-pact.json"],
      /^error: pact file not found: no-such-pact\.json$/,
    ],
    [
      "a bad timeout",
      () => ["verify", ...ok, "--timeout", "soon"],
      /^error: --timeout: not a positive number/,
    ],
  ] as const)("refuses %s", async (_name, args, message) => {
    const run = await cli(...args());
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    const lines = run.stderr.split("\n").filter((l) => l.length > 0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it("leaves no JUnit file behind for a refused run", async () => {
    const junit = path.join(scratch, "refused.xml");
    const run = await cli("verify", ...ok, "--pact-dir", "no/such/folder", "--junit", junit);
    expect(run.code).toBe(2);
    expect(existsSync(junit)).toBe(false);
  });
});
