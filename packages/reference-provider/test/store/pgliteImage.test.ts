/**
 * The prepared image of an in-memory PGlite: the first open from `initdb` saves it after the
 * migrations, later opens start from it (already migrated, empty), and an image that does not load is
 * replaced. The tests share one image folder of their own (PAYMENT_SESSION_PGLITE_IMAGE), in order:
 * the first builds the image, the second spoils it.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/store/index.js";
import { openPglite, pgliteImageFile } from "../../src/store/internal/pglite.js";

let folder = "";
let before: string | undefined;
beforeAll(() => {
  before = process.env.PAYMENT_SESSION_PGLITE_IMAGE;
  folder = mkdtempSync(join(tmpdir(), "pglite-image-"));
  process.env.PAYMENT_SESSION_PGLITE_IMAGE = folder;
});
afterAll(() => {
  if (before === undefined) delete process.env.PAYMENT_SESSION_PGLITE_IMAGE;
  else process.env.PAYMENT_SESSION_PGLITE_IMAGE = before;
  rmSync(folder, { recursive: true, force: true });
});

const migrationRows = async (db: Awaited<ReturnType<typeof openPglite>>) =>
  (await db.query<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version")).rows;

// Two of these tests start a PGlite from initdb (about 3 s on an idle 2-core machine, several times that
// when the machine is busy), which is what the image exists to avoid elsewhere.
describe("the prepared PGlite image", { timeout: 120_000 }, () => {
  it("is saved migrated and empty by the first in-memory open and loaded by the next", async () => {
    const file = pgliteImageFile(undefined);
    expect(file?.startsWith(folder)).toBe(true);
    const first = await openDatabase({ memory: true });
    try {
      expect(file !== undefined && existsSync(file)).toBe(true);
      await first.query(
        "INSERT INTO issuer_sequences (name, value) VALUES ('leak-check', 1) ON CONFLICT DO NOTHING",
      );
    } finally {
      await first.close();
    }
    // Opened without openDatabase's migrations: what the image holds by itself.
    const second = await openPglite({ dataDir: undefined, schema: undefined });
    try {
      expect((await migrationRows(second)).length).toBeGreaterThan(0);
      const leaked = await second.query("SELECT 1 FROM issuer_sequences WHERE name = 'leak-check'");
      expect(leaked.rows).toEqual([]);
    } finally {
      await second.close();
    }
  });

  it("replaces an image that does not load", async () => {
    const file = pgliteImageFile(undefined);
    if (file === undefined) throw new Error("images are off");
    expect(existsSync(file)).toBe(true); // built by the test before
    writeFileSync(file, "not a tarball");
    const db = await openPglite({ dataDir: undefined, schema: undefined });
    try {
      expect((await migrationRows(db)).length).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
    expect(statSync(file).size).toBeGreaterThan(1000);
    expect(readFileSync(file).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
  });

  it("is named by schema, and is off with PAYMENT_SESSION_PGLITE_IMAGE=off", () => {
    expect(pgliteImageFile("tenant_a")).not.toEqual(pgliteImageFile(undefined));
    process.env.PAYMENT_SESSION_PGLITE_IMAGE = "off";
    try {
      expect(pgliteImageFile(undefined)).toBeUndefined();
    } finally {
      process.env.PAYMENT_SESSION_PGLITE_IMAGE = folder;
    }
  });
});
