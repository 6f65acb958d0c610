/**
 * The prepared image of an in-memory PGlite: the first open from `initdb` saves it after the
 * migrations, later opens start from it (already migrated, empty), and an image that does not load is
 * replaced. The tests share one image folder of their own (PAYMENT_SESSION_PGLITE_IMAGE), in order:
 * the first builds the image, the second spoils it, the third fills a data folder from a marked image,
 * the fourth a folder from a spoiled one.
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

  it("fills a new data folder (no initdb), and a folder that holds a database is left as it is", async () => {
    const file = pgliteImageFile(undefined);
    if (file === undefined) throw new Error("images are off");
    // An image with a marker row: a data folder that holds it was filled from the image.
    const { PGlite } = await import("@electric-sql/pglite");
    const source = await PGlite.create({ loadDataDir: new Blob([readFileSync(file)]) });
    await source.query("INSERT INTO issuer_sequences (name, value) VALUES ('from-image', 7)");
    writeFileSync(file, Buffer.from(await (await source.dumpDataDir("gzip")).arrayBuffer()));
    await source.close();
    const dataDir = mkdtempSync(join(tmpdir(), "pglite-folder-"));
    try {
      const first = await openDatabase({ dataDir });
      try {
        const marker = await first.query("SELECT value FROM issuer_sequences WHERE name = 'from-image'");
        expect(marker.rows).toEqual([{ value: 7 }]);
        expect((await migrationRows(first)).length).toBeGreaterThan(0);
        await first.query("UPDATE issuer_sequences SET value = 8 WHERE name = 'from-image'");
      } finally {
        await first.close();
      }
      expect(existsSync(join(dataDir, "PG_VERSION"))).toBe(true);
      const again = await openDatabase({ dataDir });
      try {
        const marker = await again.query("SELECT value FROM issuer_sequences WHERE name = 'from-image'");
        expect(marker.rows).toEqual([{ value: 8 }]);
      } finally {
        await again.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(file, { force: true });
    }
  });

  it("a new data folder whose image does not load is initialised by initdb, the image deleted", async () => {
    const file = pgliteImageFile(undefined);
    if (file === undefined) throw new Error("images are off");
    writeFileSync(file, "not a tarball");
    const dataDir = mkdtempSync(join(tmpdir(), "pglite-folder-"));
    try {
      const db = await openDatabase({ dataDir });
      try {
        expect((await migrationRows(db)).length).toBeGreaterThan(0);
      } finally {
        await db.close();
      }
      expect(existsSync(file)).toBe(false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
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
