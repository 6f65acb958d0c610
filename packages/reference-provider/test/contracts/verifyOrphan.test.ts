/**
 * `pnpm verify` runs bin/verify.mjs under `sh -c`; a SIGTERM to pnpm ends the shell and used to leave
 * the node process running (`--serve` forever). Orphaned, it now stops by itself (decision P15): here
 * `--serve` under a shell that is killed closes its output, meaning it exited, within a bound.
 */
import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const VERIFY = join(import.meta.dirname, "../../bin/verify.mjs");

/** Running: a process that exited but is not reaped yet (a zombie, state Z) is not. */
const alive = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
};

describe("bin/verify.mjs", () => {
  it("--serve stops once its parent is gone (the shell pnpm runs it under, killed)", async () => {
    // `; exit $?` keeps the shell from exec-ing node: node is the shell's child, as under pnpm.
    const shell = spawn("sh", ["-c", `"${process.execPath}" "${VERIFY}" --serve; exit $?`], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    let closed = false;
    const ended = new Promise<void>((resolve) =>
      shell.stdout.on("close", () => {
        closed = true;
        resolve();
      }),
    );
    await new Promise<void>((resolve, reject) => {
      let out = "";
      shell.stdout.on("data", (c: Buffer) => {
        out += c.toString("utf8");
        if (out.includes("\n")) resolve();
      });
      shell.on("exit", () => reject(new Error("the shell ended before --serve printed its flags")));
    });
    const node = Number(execFileSync("pgrep", ["-P", String(shell.pid)], { encoding: "utf8" }).trim());
    expect(alive(node)).toBe(true);
    shell.kill("SIGKILL");
    // Its stdout (held by the orphan alone) closes when it exits; at most 20 s here.
    await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 20_000))]);
    const stillAlive = alive(node);
    if (stillAlive) process.kill(node, "SIGTERM");
    expect({ closed, stillAlive }).toEqual({ closed: true, stillAlive: false });
  }, 90_000); // the provider's start (PGlite) under tsx or a bundle, on a busy machine
});
