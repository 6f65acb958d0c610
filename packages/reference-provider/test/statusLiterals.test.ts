/**
 * The provider names no lifecycle status (issue 10's "decode → load → apply → store → encode"): a
 * session, charge or refund status written as a string in its source is usually a lifecycle rule
 * that belongs to the core's machines. Allowed: the frozen SQL of the migrations, and the
 * documented API inputs a sandbox page sends (a simulation's `chargeStatus`).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { ChargeStatus, RefundStatus, SessionStatus } from "@payment-session/core";
import { describe, expect, it } from "vitest";

const src = fileURLToPath(new URL("../src", import.meta.url));

const statuses = new Set<string>([
  ...SessionStatus.literals,
  ...ChargeStatus.literals,
  ...RefundStatus.literals,
]);

/** Frozen SQL: the partial index of migration 1 spells the final statuses (checked in finalStatuses.test.ts). */
const frozen = new Set(["store/migrations.ts"]);

/** Documented API inputs: the simulation request's `chargeStatus` (POST /v2/payments/simulations). */
const documentedInput = /chargeStatus: "(SUCCESS|EXPIRED)"/gu;

/** The code of a TypeScript source without its comments (block and line), strings kept. */
const withoutComments = (code: string): string =>
  code.replace(/\/\*[\s\S]*?\*\//gu, "").replace(/(^|[^:"'`])\/\/.*$/gmu, "$1");

/** The status literals (`"PAID"`, `'PAID'`, `` `PAID` ``) named in `code`, outside comments. */
const statusLiteralsIn = (code: string): ReadonlyArray<string> =>
  [
    ...withoutComments(code)
      .replace(documentedInput, "")
      .matchAll(/["'`]([A-Z_]+)["'`]/gu),
  ]
    .map((m) => m[1] ?? "")
    .filter((literal) => statuses.has(literal));

const sources = (dir: string): ReadonlyArray<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : entry.name.endsWith(".ts")
        ? [join(dir, entry.name)]
        : [],
  );

describe("the provider's source names no session, charge or refund status", () => {
  it("finds none outside the migrations' SQL and the documented simulation inputs", () => {
    const found = sources(src)
      .map((file) => ({ file: relative(src, file).replaceAll("\\", "/"), code: readFileSync(file, "utf8") }))
      .filter(({ file }) => !frozen.has(file))
      .flatMap(({ file, code }) => statusLiteralsIn(code).map((literal) => `${file}: ${literal}`));
    expect(found).toEqual([]);
  });

  it("would find a status compared in a handler, and a status given to the simulation that is no input", () => {
    expect(statusLiteralsIn(`if (session.status === "PAID") return;`)).toEqual(["PAID"]);
    expect(statusLiteralsIn("const final = ['EXPIRED', `CANCELLED`];")).toEqual(["EXPIRED", "CANCELLED"]);
    expect(statusLiteralsIn(`simulate({ chargeStatus: "PROCESSING" })`)).toEqual(["PROCESSING"]);
    expect(statusLiteralsIn(`/** status PAID */ // "PAID"\nconst url = "https://x";`)).toEqual([]);
  });
});
