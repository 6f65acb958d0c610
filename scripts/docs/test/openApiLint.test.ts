/**
 * docs/openapi.json passes Redocly CLI's lint (the repo's `redocly.yaml`: recommended-strict plus
 * operation/parameter descriptions and examples checked against their schemas) with zero problems,
 * and the same lint catches a broken document: each mutated copy below must fail on the rule named.
 *
 * Redocly CLI is a devDependency and runs offline (telemetry and update checks off).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const REPO = join(import.meta.dirname, "../../..");
const DOCUMENT = join(REPO, "docs/openapi.json");
const CONFIG = join(REPO, "redocly.yaml");
const CLI = join(dirname(createRequire(import.meta.url).resolve("@redocly/cli/package.json")), "bin/cli.js");

interface Problem {
  readonly ruleId: string;
  readonly severity: "error" | "warn";
  readonly message: string;
}
interface Report {
  readonly totals: { readonly errors: number; readonly warnings: number };
  readonly problems: ReadonlyArray<Problem>;
}

const lint = (file: string): Promise<Report> =>
  new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CLI, "lint", file, "--config", CONFIG, "--format=json"],
      {
        cwd: REPO,
        env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const start = stdout.indexOf("{");
        if (start < 0) {
          reject(new Error(`redocly printed no report (${error?.message ?? "no error"}): ${stderr}`));
          return;
        }
        resolve(JSON.parse(stdout.slice(start)) as Report);
      },
    );
  });

type Doc = Record<string, unknown>;

/** The object at `path` inside a parsed document (fails the test when there is none). */
const node = (doc: Doc, ...path: ReadonlyArray<string>): Doc =>
  path.reduce<Doc>((current, key) => {
    const next = current[key];
    if (typeof next !== "object" || next === null) throw new Error(`no object at ${path.join(" → ")}`);
    return next as Doc;
  }, doc);
const JSON_BODY = ["content", "application/json"] as const;
const scratch = mkdtempSync(join(tmpdir(), "openapi-lint-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Lints a copy of docs/openapi.json changed by `mutate`. */
const lintMutated = async (name: string, mutate: (doc: Doc) => void): Promise<Report> => {
  const doc = JSON.parse(readFileSync(DOCUMENT, "utf8")) as Doc;
  mutate(doc);
  const file = join(scratch, `${name}.json`);
  writeFileSync(file, JSON.stringify(doc, null, 2));
  return lint(file);
};

const rules = (report: Report): ReadonlyArray<string> => report.problems.map((p) => p.ruleId);

describe("docs/openapi.json under Redocly CLI lint", () => {
  it("has zero errors and zero warnings", async () => {
    const report = await lint(DOCUMENT);
    expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  }, 60_000);

  describe("fails on a broken copy", () => {
    it("without servers", async () => {
      const report = await lintMutated("no-servers", (doc) => {
        delete doc.servers;
      });
      expect(report.totals.errors).toBeGreaterThan(0);
      expect(rules(report)).toContain("no-empty-servers");
    }, 60_000);

    it("with an answer example that breaks its schema", async () => {
      const report = await lintMutated("bad-example", (doc) => {
        node(
          doc,
          "paths",
          "/v2/payments/{id}",
          "get",
          "responses",
          "200",
          ...JSON_BODY,
          "example",
          "data",
        ).status = "DONE";
      });
      expect(report.totals.errors).toBeGreaterThan(0);
      expect(rules(report)).toContain("no-invalid-media-type-examples");
    }, 60_000);

    it("with an operation that has no description", async () => {
      const report = await lintMutated("no-description", (doc) => {
        delete node(doc, "paths", "/v2/payments", "post").description;
      });
      expect(rules(report)).toContain("operation-description");
    }, 60_000);

    it("with a reference to a schema that does not exist", async () => {
      const report = await lintMutated("dangling-ref", (doc) => {
        node(doc, "paths", "/v2/payments", "post", "requestBody", ...JSON_BODY).schema = {
          $ref: "#/components/schemas/NoSuchSchema",
        };
      });
      expect(rules(report)).toContain("no-unresolved-refs");
    }, 60_000);
  });
});
