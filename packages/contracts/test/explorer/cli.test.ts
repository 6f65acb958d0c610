/**
 * `payment-session-contracts explore`: usage, exit codes (0 / 1 / 2 as verify), the replay file a
 * failure writes and `--replay` rerunning it into the same mismatch, the JUnit and JSON reports.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runExploreCli } from "../../src/explorer/command.js";
import type { ExploreReport, ReplayFile } from "../../src/explorer/types.js";
import { type FaultyProvider, startFaultyProvider } from "../support/faultyProvider/index.js";

const REPO = fileURLToPath(new URL("../../../../", import.meta.url));
const CLI = "packages/contracts/src/cli.ts";

const cli = (
  ...args: ReadonlyArray<string>
): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["-C", "@payment-session/source", "--import", "tsx", CLI, ...args],
      {
        cwd: REPO,
        env: { ...process.env, NO_COLOR: "1" },
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

const captured = () => {
  let stdout = "";
  let stderr = "";
  return {
    io: {
      stdout: (t: string) => {
        stdout += t;
      },
      stderr: (t: string) => {
        stderr += t;
      },
    },
    out: () => stdout,
    err: () => stderr,
  };
};

describe("the CLI entry", () => {
  it("--help lists both commands; explore --help prints the explore usage", async () => {
    const top = await cli("--help");
    expect(top.code).toBe(0);
    expect(top.stdout).toContain("verify    verify a running implementation");
    expect(top.stdout).toContain("explore   drive it through generated lifecycles");
    const explore = await cli("explore", "--help");
    expect(explore.code).toBe(0);
    expect(explore.stdout).toContain(
      "Usage: payment-session-contracts explore --provider-base-url URL --provider-states-url URL",
    );
  }, 60_000);
});

describe("usage and unreachable providers exit 2", () => {
  it.each([
    [[], /--provider-base-url is required/u],
    [["--provider-base-url", "ftp://x", "--provider-states-url", "http://x"], /not a valid http\(s\) URL/u],
    [
      ["--provider-base-url", "http://x", "--provider-states-url", "http://x", "--runs", "0"],
      /--runs: an integer ≥ 1/u,
    ],
    [
      [
        "--provider-base-url",
        "http://x",
        "--provider-states-url",
        "http://x",
        "--replay",
        "/nonexistent.json",
      ],
      /--replay/u,
    ],
    [["--provider-base-url", "http://x", "--provider-states-url", "http://x", "--frobnicate"], /frobnicate/u],
  ])("%j", async (argv, message) => {
    const c = captured();
    expect(await runExploreCli(argv, c.io)).toBe(2);
    expect(c.err()).toMatch(message);
  });

  it("a provider that does not answer: exit 2 naming the URL", async () => {
    const c = captured();
    const code = await runExploreCli(
      [
        "--provider-base-url",
        "http://127.0.0.1:9",
        "--provider-states-url",
        "http://127.0.0.1:9/_pact/provider-states",
      ],
      c.io,
    );
    expect(code).toBe(2);
    expect(c.err()).toMatch(
      /^error: provider state "the clock reads": http:\/\/127\.0\.0\.1:9\/_pact\/provider-states did not answer/u,
    );
  });
});

describe("a failing provider: exit 1, numbered steps, a replay file that reruns the same mismatch", () => {
  let faulty: FaultyProvider | undefined;
  beforeAll(async () => {
    faulty = await startFaultyProvider({ defect: "confirmAgainIsNoop" });
  });
  afterAll(async () => {
    await faulty?.close();
  });

  it("writes the replay, JUnit and JSON; --replay fails the same way", async () => {
    if (faulty === undefined) throw new Error("not started");
    const dir = mkdtempSync(path.join(tmpdir(), "explore-cli-"));
    const files = {
      replay: path.join(dir, "replay.json"),
      junit: path.join(dir, "explore.xml"),
      json: path.join(dir, "explore.json"),
    };
    const urls = ["--provider-base-url", faulty.baseUrl, "--provider-states-url", faulty.statesUrl];
    const c = captured();
    const code = await runExploreCli(
      [
        ...urls,
        "--seed",
        "3",
        "--runs",
        "30",
        "--steps",
        "20",
        "--replay-out",
        files.replay,
        "--junit",
        files.junit,
        "--json",
        files.json,
      ],
      c.io,
    );
    expect(code).toBe(1);
    expect(c.out()).toMatch(/^Exploring .* \(seed 3\)\nFAIL seed 3: /u);
    expect(c.out()).toMatch(/MISMATCH at status/u);
    expect(c.out()).toContain(`--replay ${files.replay}`);
    const replay = JSON.parse(readFileSync(files.replay, "utf8")) as ReplayFile;
    expect(replay.version).toBe(1);
    expect(replay.steps.length).toBeLessThanOrEqual(6);
    expect(replay.steps.some((s) => s.kind === "confirm")).toBe(true);
    const report = JSON.parse(readFileSync(files.json, "utf8")) as ExploreReport;
    expect(report.ok).toBe(false);
    expect(report.failure?.replay).toEqual(replay);
    expect(readFileSync(files.junit, "utf8")).toMatch(/<failure message="[^"]+" type="ExploreMismatch">/u);

    const again = captured();
    expect(
      await runExploreCli(
        [...urls, "--replay", files.replay, "--replay-out", path.join(dir, "again.json")],
        again.io,
      ),
    ).toBe(1);
    expect(again.out()).toContain(`Replaying ${replay.steps.length} step(s) of ${files.replay}`);
    const mismatchLine = (text: string) => /MISMATCH at .*/u.exec(text)?.[0];
    expect(mismatchLine(again.out())).toBe(mismatchLine(c.out()));
    expect(JSON.parse(readFileSync(path.join(dir, "again.json"), "utf8"))).toEqual(replay);
  }, 120_000);
});
