#!/usr/bin/env node
// Entry of the verifier CLI. Installed from a package (npm, a packed tarball), it runs the built CLI in
// dist/. In a clone that was never built (no dist/), it runs the TypeScript sources through tsx, with the
// workspace's source condition, so `pnpm exec payment-session-contracts verify …` works without `pnpm build`.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

const built = new URL("../dist/cli.js", import.meta.url);
const sources = new URL("../src/cli.ts", import.meta.url);

if (existsSync(built)) {
  await import(built.href);
} else if (!existsSync(sources)) {
  process.stderr.write("error: this package has neither dist/cli.js nor src/cli.ts: reinstall it\n");
  process.exitCode = 2;
} else {
  let tsx;
  try {
    tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  } catch {
    process.stderr.write(
      "error: dist/ is missing and tsx is not installed: run `pnpm install` (or `pnpm build`) in the repository\n",
    );
    process.exitCode = 2;
  }
  if (tsx !== undefined) {
    const child = spawn(
      process.execPath,
      ["-C", "@payment-session/source", "--import", tsx, fileURLToPath(sources), ...process.argv.slice(2)],
      { stdio: "inherit" },
    );
    for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
    child.on("exit", (code, signal) => {
      process.exitCode = code ?? (signal === "SIGINT" ? 130 : 1);
    });
  }
}
