/**
 * The PGlite driver: PostgreSQL in WASM, in process, one connection. Transactions hold PGlite's
 * transaction mutex, as its own `transaction()` does: transactions and autocommit queries run one
 * at a time. Their statements are sent in batches (decision P22, `pglitePrepared.ts`).
 */
import { createHash } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { PGlite, Results } from "@electric-sql/pglite";
import type { Database, QueryResult, SqlValue, Tx } from "../Database.js";
import { StoreError, toStoreError } from "../errors.js";
import { type Migration, migrations, runMigrations } from "../migrations.js";
import { preparedStatements } from "./pglitePrepared.js";
import { databaseOf, txOf } from "./scope.js";

/** Folders held by an open PGlite of this process (PGlite itself does not refuse a second open). */
const openDataDirs = new Set<string>();

const LOCK_FILE = ".payment-session.lock";

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error instanceof Error && "code" in error && error.code === "EPERM";
  }
};

/**
 * Takes the folder for this process: an in-process set plus a lock file holding the pid (a lock
 * file of a dead process is stale and taken over). Returns the release function.
 */
const lockDataDir = (dataDir: string): (() => void) => {
  const inUse = (holder: string) =>
    new StoreError({
      reason: "data_dir_in_use",
      message: `PGlite dataDir ${dataDir} is already open (${holder}); close it first`,
    });
  if (openDataDirs.has(dataDir)) throw inUse("by this process");
  mkdirSync(dataDir, { recursive: true });
  const lockPath = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      openDataDirs.add(dataDir);
      return () => {
        openDataDirs.delete(dataDir);
        rmSync(lockPath, { force: true });
      };
    } catch (error) {
      if (!(error instanceof Error && "code" in error && error.code === "EEXIST")) throw toStoreError(error);
      const pid = Number(readFileSync(lockPath, "utf8").trim());
      if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw inUse(`by process ${pid}; remove ${lockPath} if that process is not PGlite`);
      }
      rmSync(lockPath, { force: true });
    }
  }
  throw inUse("lock file could not be taken");
};

const toResult = <Row>(result: Results<Row>): QueryResult<Row> => ({
  rows: result.rows,
  rowCount: result.rowCount ?? result.affectedRows ?? result.rows.length,
});

/** The installed PGlite's version (part of the image's name), or "unknown" where it cannot be read. */
const pgliteVersion = (): string => {
  try {
    const url: unknown = import.meta.url; // absent in a CommonJS build
    if (typeof url !== "string") return "unknown";
    const entry = createRequire(url).resolve("@electric-sql/pglite");
    const manifest: unknown = JSON.parse(readFileSync(join(dirname(entry), "..", "package.json"), "utf8"));
    return typeof manifest === "object" && manifest !== null && "version" in manifest
      ? String(manifest.version)
      : "unknown";
  } catch {
    return "unknown";
  }
};

/** Bumped when what an image holds or how it is written changes (2: plain tar, template databases dropped). */
const IMAGE_FORMAT = 2;

/**
 * The name part of a prepared image: a hash of the image format, the PGlite version, the schema and
 * every migration (version, name, each statement's text). Any change to one of them, a migration's
 * text included, gives another name, so an image made before the change is never loaded.
 */
export const pgliteImageKey = (parts: {
  readonly pglite: string;
  readonly schema: string | undefined;
  readonly migrations: ReadonlyArray<Migration>;
}): string =>
  createHash("sha256")
    .update(
      JSON.stringify({
        format: IMAGE_FORMAT,
        pglite: parts.pglite,
        schema: parts.schema ?? null,
        migrations: parts.migrations,
      }),
    )
    .digest("hex")
    .slice(0, 16);

/**
 * Where the prepared image of a migrated, empty in-memory database lives: a PGlite data-directory
 * tarball (`dumpDataDir`, uncompressed: about 26 MB, most of it a WAL segment of zeros; decision
 * P13) in `node_modules/.cache/payment-session/` under the working directory, else under the system's
 * temporary folder. A fresh PGlite runs `initdb` (about 2 s of WASM on a 2-core machine) and then
 * the migrations; loading the image skips both. The image holds only the `postgres` database PGlite
 * opens: the template databases, which only `CREATE DATABASE` reads, are dropped before the dump
 * (a third of the files to unpack at every start). The name is {@link pgliteImageKey} of the PGlite
 * version, the schema and every migration's text (`list`, default the store's migrations), so a
 * changed migration never loads an old image. A new data folder (`dataDir` without a database yet)
 * is filled from the same image. `PAYMENT_SESSION_PGLITE_IMAGE` set to a folder puts the images
 * there; set to `off` it turns them off (`undefined`: every new database starts from `initdb`).
 */
export const pgliteImageFile = (
  schema: string | undefined,
  list: ReadonlyArray<Migration> = migrations,
): string | undefined => {
  const setting = process.env.PAYMENT_SESSION_PGLITE_IMAGE ?? "";
  if (setting === "off") return undefined;
  const key = pgliteImageKey({ pglite: pgliteVersion(), schema, migrations: list });
  const modules = resolve("node_modules");
  const dir =
    setting !== ""
      ? resolve(setting)
      : existsSync(modules)
        ? join(modules, ".cache", "payment-session")
        : join(tmpdir(), "payment-session");
  return join(dir, `pglite-image-${key}.tar`);
};

/**
 * Drops the template databases (only `CREATE DATABASE` reads them; PGlite opens `postgres`), so
 * that the image, and every database started from it, has a third of the files to unpack. A
 * failure leaves them: the image is then larger, not wrong.
 */
const dropTemplateDatabases = async (pglite: PGlite): Promise<void> => {
  try {
    await pglite.query(
      "UPDATE pg_database SET datistemplate = false WHERE datname IN ('template0', 'template1')",
    );
    await pglite.query("DROP DATABASE IF EXISTS template0");
    await pglite.query("DROP DATABASE IF EXISTS template1");
    await pglite.query("CHECKPOINT");
  } catch {
    // as above
  }
};

/** Writes the image beside its final name and renames it: a concurrent reader never sees half a file. */
const saveImage = async (pglite: PGlite, file: string): Promise<void> => {
  try {
    await dropTemplateDatabases(pglite);
    const tarball = Buffer.from(await (await pglite.dumpDataDir("none")).arrayBuffer());
    mkdirSync(dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, tarball);
    renameSync(partial, file);
  } catch {
    // A cache that cannot be written costs the next open its initdb, nothing else.
  }
};

/** The prepared image's bytes, or `undefined` when there is none (or images are off). */
const readImage = (file: string | undefined): Blob | undefined => {
  if (file === undefined || !existsSync(file)) return undefined;
  try {
    return new Blob([readFileSync(file)]);
  } catch {
    return undefined;
  }
};

/**
 * Starts PGlite, in memory or persisted in `dataDir`. A new database (in memory, or a folder that
 * holds none yet: no `PG_VERSION`) starts from the prepared image when there is one (the same
 * migrated, empty database `initdb` and the migrations would make, without their cost); an image
 * that does not load is deleted, what it left in the folder removed, and the database initialised
 * by `initdb`. `fresh` says that `initdb` ran, so the caller migrates and saves the image.
 */
const createPglite = async (
  dataDir: string | undefined,
  file: string | undefined,
): Promise<{ readonly pglite: PGlite; readonly fresh: boolean }> => {
  const { PGlite } = await import("@electric-sql/pglite");
  const options = dataDir === undefined ? {} : { dataDir };
  if (dataDir !== undefined && existsSync(join(dataDir, "PG_VERSION")))
    return { pglite: await PGlite.create(options), fresh: false };
  const image = readImage(file);
  if (file !== undefined && image !== undefined) {
    const entries = () =>
      dataDir === undefined ? [] : readdirSync(dataDir).map((entry) => join(dataDir, entry));
    const before = new Set(entries());
    try {
      return { pglite: await PGlite.create({ ...options, loadDataDir: image }), fresh: false };
    } catch {
      rmSync(file, { force: true });
      for (const path of entries()) if (!before.has(path)) rmSync(path, { recursive: true, force: true });
    }
  }
  return { pglite: await PGlite.create(options), fresh: true };
};

/**
 * Opens PGlite (in memory, or persisted in `dataDir`). Migrations are `openDatabase`'s job; an
 * in-memory open that started from `initdb` runs them here first, to save the prepared image
 * (see {@link pgliteImageFile}), so the next in-memory open, and the first open of a new data
 * folder, start migrated.
 */
export const openPglite = async (options: {
  readonly dataDir: string | undefined;
  readonly schema: string | undefined;
  /** `false`: every statement through `pglite.query`, parsed and planned anew (the benchmark's baseline). */
  readonly prepared?: boolean;
  /**
   * `false`: transactions through PGlite's `transaction()`, one call into the backend per statement
   * (BEGIN and COMMIT included) instead of the batches of decision P22 (the benchmark's baseline).
   */
  readonly batched?: boolean;
}): Promise<Database> => {
  const dataDir = options.dataDir === undefined ? undefined : resolve(options.dataDir);
  const release = dataDir === undefined ? () => {} : lockDataDir(dataDir);
  const imageFile = pgliteImageFile(options.schema);
  let pglite: PGlite;
  let saveImageAfterMigrations = false;
  try {
    const started = await createPglite(dataDir, imageFile);
    pglite = started.pglite;
    // Only an in-memory database is saved as the image (a data folder's tarball is named after it).
    saveImageAfterMigrations = started.fresh && imageFile !== undefined && dataDir === undefined;
    // Session-level, set before the schema exists: the migrations create it.
    if (options.schema !== undefined) await pglite.query(`SET search_path TO ${options.schema}`);
  } catch (error) {
    release();
    throw toStoreError(error);
  }
  const db = pglite;
  const params = (list: ReadonlyArray<SqlValue> | undefined) => (list === undefined ? [] : [...list]);
  const named = preparedStatements(
    db,
    await import("@electric-sql/pglite"),
    options.prepared === false ? 0 : undefined,
  );
  const batched = options.prepared !== false && options.batched !== false;
  const handle = databaseOf({
    dialect: "pglite",
    schema: options.schema,
    query: async <Row>(sql: string, values: Array<SqlValue>) =>
      toResult(await (named.query<Row>(sql, values, false) ?? db.query<Row>(sql, values))),
    transaction: async <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => {
      // Errors of fn pass through unchanged; anything else (BEGIN, COMMIT) becomes a StoreError.
      let fromFn: { readonly error: unknown } | undefined;
      if (batched) {
        // Decision P22: BEGIN travels with the first statement, deferred ones with the next
        // statement or the COMMIT (a create: one call into the backend for its whole transaction).
        try {
          return await named.transaction(
            async (batch) => {
              let done = false;
              const tx = txOf("pglite", () => done, {
                query: async <Row>(sql: string, values?: ReadonlyArray<SqlValue>) => {
                  try {
                    return toResult(await batch.query<Row>(sql, params(values)));
                  } catch (error) {
                    throw toStoreError(error, sql);
                  }
                },
                defer: (sql: string, values?: ReadonlyArray<SqlValue>) => batch.defer(sql, params(values)),
              });
              try {
                return await fn(tx);
              } catch (error) {
                fromFn = { error };
                throw error;
              } finally {
                done = true;
              }
            },
            (sql, error) => toStoreError(error, sql),
          );
        } catch (error) {
          if (fromFn !== undefined && fromFn.error === error) throw error;
          throw toStoreError(error, "COMMIT");
        }
      }
      try {
        return await db.transaction(async (ptx) => {
          let done = false;
          // Deferred statements (Tx.defer) run in order before the next statement (one connection:
          // nothing to pipeline); the first failure fails the transaction.
          let deferred: Promise<void> = Promise.resolve();
          let failed: StoreError | undefined;
          const settle = async () => {
            await deferred;
            if (failed !== undefined) throw failed;
          };
          const tx = txOf("pglite", () => done, {
            query: async <Row>(sql: string, values?: ReadonlyArray<SqlValue>) => {
              await settle();
              try {
                const list = params(values);
                return toResult(await (named.query<Row>(sql, list, true) ?? ptx.query<Row>(sql, list)));
              } catch (error) {
                throw toStoreError(error, sql);
              }
            },
            defer: (sql: string, values?: ReadonlyArray<SqlValue>) => {
              deferred = deferred.then(async () => {
                if (failed !== undefined) return;
                try {
                  const list = params(values);
                  await (named.query(sql, list, true) ?? ptx.query(sql, list));
                } catch (error) {
                  failed = toStoreError(error, sql);
                }
              });
            },
          });
          try {
            const result = await fn(tx);
            await settle();
            return result;
          } catch (error) {
            // What fn threw after a deferred statement failed is its consequence: the cause is thrown.
            await deferred;
            const cause = failed ?? error;
            if (cause === error) fromFn = { error };
            throw cause;
          } finally {
            done = true;
          }
        });
      } catch (error) {
        if (fromFn !== undefined && fromFn.error === error) throw error;
        throw toStoreError(error, "COMMIT");
      }
    },
    close: async () => {
      try {
        await db.close();
      } finally {
        release();
      }
    },
  });
  if (saveImageAfterMigrations && imageFile !== undefined) {
    try {
      await runMigrations(handle);
    } catch (error) {
      await handle.close();
      throw error;
    }
    await saveImage(db, imageFile);
  }
  return handle;
};
