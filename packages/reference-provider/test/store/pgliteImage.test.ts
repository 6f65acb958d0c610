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
import { openPglite, pgliteImageFile, pgliteImageKey } from "../../src/store/internal/pglite.js";
import { type Migration, migrations } from "../../src/store/migrations.js";

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
    // A tar archive (magic "ustar" at 257), written uncompressed (decision P13).
    expect(readFileSync(file).subarray(257, 262).toString("latin1")).toBe("ustar");
  });

  it("fills a new data folder (no initdb), and a folder that holds a database is left as it is", async () => {
    const file = pgliteImageFile(undefined);
    if (file === undefined) throw new Error("images are off");
    // An image with a marker row: a data folder that holds it was filled from the image.
    const { PGlite } = await import("@electric-sql/pglite");
    const source = await PGlite.create({ loadDataDir: new Blob([readFileSync(file)]) });
    await source.query("INSERT INTO issuer_sequences (name, value) VALUES ('from-image', 7)");
    writeFileSync(file, Buffer.from(await (await source.dumpDataDir("none")).arrayBuffer()));
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

  it("holds only the postgres database (the templates dropped), and a fresh database keeps working from it", async () => {
    const db = await openPglite({ dataDir: undefined, schema: undefined });
    try {
      const { rows } = await db.query<{ datname: string }>(
        "SELECT datname FROM pg_database ORDER BY datname",
      );
      expect(rows).toEqual([{ datname: "postgres" }]);
      expect((await migrationRows(db)).length).toBe(migrations.length);
    } finally {
      await db.close();
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

  it("is never loaded once a migration changed: the image's name changes with any migration's text", async () => {
    const last = migrations.at(-1);
    if (last === undefined) throw new Error("no migrations");
    const edited: ReadonlyArray<Migration> = [
      ...migrations.slice(0, -1),
      { ...last, statements: [...last.statements.slice(0, -1), `${last.statements.at(-1) ?? ""} `] },
    ];
    const renamed: ReadonlyArray<Migration> = [
      ...migrations.slice(0, -1),
      { ...last, name: `${last.name}-2` },
    ];
    const added: ReadonlyArray<Migration> = [
      ...migrations,
      { version: last.version + 1, name: "more", statements: ["SELECT 1"] },
    ];
    const base = { pglite: "0.5.16", schema: undefined, migrations };
    const keys = [
      pgliteImageKey(base),
      pgliteImageKey({ ...base, migrations: edited }),
      pgliteImageKey({ ...base, migrations: renamed }),
      pgliteImageKey({ ...base, migrations: added }),
      pgliteImageKey({ ...base, pglite: "0.5.17" }),
      pgliteImageKey({ ...base, schema: "tenant_a" }),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    expect(pgliteImageKey({ ...base })).toBe(keys[0]);

    // End to end: an image made under the edited migrations (marked) sits in the image folder; an open
    // under the current ones does not load it.
    const stale = pgliteImageFile(undefined, edited);
    const current = pgliteImageFile(undefined);
    if (stale === undefined || current === undefined) throw new Error("images are off");
    expect(stale).not.toBe(current);
    const { PGlite } = await import("@electric-sql/pglite");
    const source = await openPglite({ dataDir: undefined, schema: undefined });
    await source.close();
    const marked = await PGlite.create({ loadDataDir: new Blob([readFileSync(current)]) });
    await marked.query("INSERT INTO issuer_sequences (name, value) VALUES ('stale-image', 1)");
    writeFileSync(stale, Buffer.from(await (await marked.dumpDataDir("none")).arrayBuffer()));
    await marked.close();
    rmSync(current, { force: true });
    const db = await openPglite({ dataDir: undefined, schema: undefined });
    try {
      expect((await db.query("SELECT 1 FROM issuer_sequences WHERE name = 'stale-image'")).rows).toEqual([]);
    } finally {
      await db.close();
      rmSync(stale, { force: true });
    }
  });
});
