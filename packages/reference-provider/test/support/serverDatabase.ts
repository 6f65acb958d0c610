/**
 * A database of its own on the PostgreSQL server of `DATABASE_URL`, for the suites that run
 * provider instances as separate processes or through a proxy: created fresh, dropped (with any
 * connection still open to it) afterwards.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";

/** The server of `DATABASE_URL`, or `undefined` when it is not set (the suites then skip). */
export const serverUrl: string | undefined =
  process.env.DATABASE_URL === undefined || process.env.DATABASE_URL === ""
    ? undefined
    : process.env.DATABASE_URL;

export interface ServerDatabase {
  readonly name: string;
  /** The database's URL, optionally through another host:port (a proxy). */
  readonly url: (via?: { readonly host: string; readonly port: number }) => string;
  readonly drop: () => Promise<void>;
}

/** One statement on the server's own database (no migrations run there). */
const adminQuery = async (sql: string): Promise<void> => {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
};

/** Creates `<prefix>_<random>` on the server of `DATABASE_URL`. */
export const createServerDatabase = async (prefix: string): Promise<ServerDatabase> => {
  if (serverUrl === undefined) throw new Error("DATABASE_URL is not set");
  const name = `${prefix}_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  return {
    name,
    url: (via) => {
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      if (via !== undefined) {
        url.hostname = via.host;
        url.port = String(via.port);
      }
      return url.toString();
    },
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
};

/** The host and port of the server of `DATABASE_URL`. */
export const serverAddress = (): { readonly host: string; readonly port: number } => {
  if (serverUrl === undefined) throw new Error("DATABASE_URL is not set");
  const url = new URL(serverUrl);
  return { host: url.hostname, port: Number(url.port === "" ? "5432" : url.port) };
};
