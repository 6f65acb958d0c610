/**
 * The load generator and measuring helpers of the provider benchmark (bench/provider.ts): a small
 * keep-alive HTTP/1.1 client on `node:http` (cheaper per request than `fetch`, so more of the 2
 * cores go to the server), a concurrency loop bounded by count and time, percentiles, a database
 * wrapper that counts the statements (and round trips) each request makes, and the bulk seeding.
 */
import { Agent, request as httpRequest } from "node:http";
import { connect, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import type { Database, QueryResult, SqlValue, Tx } from "@payment-session/reference-provider";

/** One HTTP answer: status, parsed JSON body, and how long it took (ms). */
export interface Answered {
  readonly status: number;
  readonly body: unknown;
  readonly ms: number;
}

/**
 * The load generator's client: {@link leanJsonClient} unless `BENCH_CLIENT=node` (then
 * {@link nodeJsonClient}, the `node:http` one, for an A/B of the generator's own cost).
 */
export const jsonClient = (baseUrl: string): JsonClient =>
  process.env.BENCH_CLIENT === "node" ? nodeJsonClient(baseUrl) : leanJsonClient(baseUrl);

/** A keep-alive JSON client on `node:http` (`maxSockets` = the most clients of a level). */
export const nodeJsonClient = (baseUrl: string, maxSockets = 128) => {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets });
  const send = (
    method: "GET" | "POST",
    path: string,
    headers: Record<string, string>,
    body?: unknown,
    retried = false,
  ): Promise<Answered> =>
    new Promise<Answered>((resolve, reject) => {
      const t0 = performance.now();
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = httpRequest(
        {
          // A retry goes on a new connection of its own: the agent's other idle sockets are as old
          // as the one the server closed (reusing one crashed the 100 k stage on PGlite).
          agent: retried ? false : agent,
          host: url.hostname,
          port: url.port,
          method,
          path,
          headers:
            payload === undefined
              ? headers
              : {
                  ...headers,
                  "content-type": "application/json",
                  "content-length": Buffer.byteLength(payload),
                },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let parsed: unknown;
            try {
              parsed = text === "" ? undefined : JSON.parse(text);
            } catch {
              parsed = text;
            }
            resolve({ status: res.statusCode ?? 0, body: parsed, ms: performance.now() - t0 });
          });
          res.on("error", reject);
        },
      );
      req.on("error", (error: NodeJS.ErrnoException) => {
        // A kept-alive socket the server closed while it idled (between phases): send again on a new
        // one, once (every write carries an X-REQUEST-ID, so a repeat is answered, not redone).
        if (req.reusedSocket && !retried && (error.code === "ECONNRESET" || error.code === "EPIPE")) {
          send(method, path, headers, body, true).then(resolve, reject);
        } else reject(error);
      });
      req.end(payload);
    });
  return { send, close: () => agent.destroy() };
};

export interface JsonClient {
  readonly send: (
    method: "GET" | "POST",
    path: string,
    headers: Record<string, string>,
    body?: unknown,
  ) => Promise<Answered>;
  readonly close: () => void;
}

const CRLF2 = Buffer.from("\r\n\r\n");

/** One kept-alive connection of the lean client: one request at a time. */
class LeanConnection {
  readonly socket: Socket;
  private buffer: Buffer = Buffer.alloc(0);
  private waiting:
    | { readonly t0: number; readonly resolve: (a: Answered) => void; readonly reject: (e: Error) => void }
    | undefined;
  closed = false;

  constructor(host: string, port: number, onClose: (c: LeanConnection) => void) {
    this.socket = connect({ host, port, noDelay: true });
    this.socket.on("data", (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.parse();
    });
    const fail = (error: Error) => {
      this.closed = true;
      onClose(this);
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting?.reject(error);
    };
    this.socket.on("error", fail);
    this.socket.on("close", () => fail(new Error("connection closed before the answer")));
  }

  send(request: string, payload: string | undefined): Promise<Answered> {
    return new Promise<Answered>((resolve, reject) => {
      this.waiting = { t0: performance.now(), resolve, reject };
      this.socket.write(payload === undefined ? request : request + payload);
    });
  }

  /** A whole answer in the buffer (content-length or chunked) resolves the waiting request. */
  private parse() {
    const waiting = this.waiting;
    if (waiting === undefined) return;
    const end = this.buffer.indexOf(CRLF2);
    if (end < 0) return;
    const head = this.buffer.toString("latin1", 0, end);
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    let body: string;
    let rest: Buffer;
    if (length !== null) {
      const n = Number(length[1]);
      if (this.buffer.length < end + 4 + n) return;
      body = this.buffer.toString("utf8", end + 4, end + 4 + n);
      rest = this.buffer.subarray(end + 4 + n);
    } else if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
      const parts: Buffer[] = [];
      let at = end + 4;
      for (;;) {
        const line = this.buffer.indexOf("\r\n", at);
        if (line < 0) return;
        const size = Number.parseInt(this.buffer.toString("latin1", at, line), 16);
        if (this.buffer.length < line + 2 + size + 2) return;
        if (size === 0) {
          rest = this.buffer.subarray(line + 4);
          break;
        }
        parts.push(this.buffer.subarray(line + 2, line + 2 + size));
        at = line + 2 + size + 2;
      }
      body = Buffer.concat(parts).toString("utf8");
    } else {
      waiting.reject(new Error(`an answer without content-length or chunked body: ${head.slice(0, 200)}`));
      this.waiting = undefined;
      return;
    }
    this.buffer = rest.length === 0 ? Buffer.alloc(0) : Buffer.from(rest);
    this.waiting = undefined;
    let parsed: unknown;
    try {
      parsed = body === "" ? undefined : JSON.parse(body);
    } catch {
      parsed = body;
    }
    waiting.resolve({ status, body: parsed, ms: performance.now() - waiting.t0 });
  }
}

/**
 * A lean keep-alive JSON client on raw sockets: each request is one string written to a free
 * connection (a new one when none is free), its answer read by content-length. It does per request
 * a small part of what `node:http`'s client does (no ClientRequest, no header objects, no parser
 * instances), so the load generator takes less of the cores the provider runs on.
 */
export const leanJsonClient = (baseUrl: string): JsonClient => {
  const url = new URL(baseUrl);
  const host = url.hostname;
  const port = Number(url.port);
  const free: LeanConnection[] = [];
  const all = new Set<LeanConnection>();
  const drop = (c: LeanConnection) => {
    all.delete(c);
    const i = free.indexOf(c);
    if (i >= 0) free.splice(i, 1);
  };
  const send = async (
    method: "GET" | "POST",
    path: string,
    headers: Record<string, string>,
    body?: unknown,
    retried = false,
  ): Promise<Answered> => {
    // A retry always opens a new connection: the other idle ones were likely closed too (the
    // server's keep-alive timeout passed while the process was busy, e.g. seeding PGlite in-process).
    let connection = retried ? undefined : free.pop();
    const reused = connection !== undefined;
    if (connection === undefined) {
      connection = new LeanConnection(host, port, drop);
      all.add(connection);
    }
    const payload = body === undefined ? undefined : JSON.stringify(body);
    let head = `${method} ${path} HTTP/1.1\r\nhost: ${url.host}\r\n`;
    for (const name in headers) head += `${name}: ${headers[name]}\r\n`;
    head +=
      payload === undefined
        ? "\r\n"
        : `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(payload)}\r\n\r\n`;
    try {
      const answered = await connection.send(head, payload);
      if (!connection.closed) free.push(connection);
      return answered;
    } catch (error) {
      // A kept-alive connection the server closed while it idled: send again on a new one, once
      // (every write carries an X-REQUEST-ID, so a repeat is answered, not redone); the other idle
      // connections are dropped, being as old.
      if (reused && !retried) {
        for (const idle of free.splice(0)) {
          all.delete(idle);
          idle.socket.destroy();
        }
        return send(method, path, headers, body, true);
      }
      throw error;
    }
  };
  return {
    send: (method, path, headers, body) => send(method, path, headers, body),
    close: () => {
      for (const c of all) c.socket.destroy();
      all.clear();
      free.length = 0;
    },
  };
};

/** Fails the run on an answer other than `status` (a benchmark of errors measures nothing). */
export const expect = (answered: Answered, status: number, what: string): Answered => {
  if (answered.status !== status)
    throw new Error(`${what} answered ${answered.status}: ${JSON.stringify(answered.body).slice(0, 300)}`);
  return answered;
};

/** `body.data.<field>` as a string, or a thrown error naming the body. */
export const dataField = (body: unknown, field: string): string => {
  if (typeof body === "object" && body !== null && "data" in body) {
    const data: unknown = body.data;
    if (typeof data === "object" && data !== null && field in data) {
      const value: unknown = Reflect.get(data, field);
      if (typeof value === "string") return value;
    }
  }
  throw new Error(`no data.${field} in ${JSON.stringify(body).slice(0, 300)}`);
};

/** Latencies (ms) per named request, and how many units finished in how many seconds. */
export interface LevelResult {
  readonly concurrency: number;
  readonly units: number;
  readonly requests: number;
  readonly seconds: number;
  readonly byName: ReadonlyMap<string, ReadonlyArray<number>>;
  readonly unitLatencies: ReadonlyArray<number>;
}

/** Records one request's latency under its endpoint name. */
export type Record_ = (name: string, ms: number) => void;

/**
 * Runs `concurrency` loops of `unit` until `maxUnits` started or `seconds` passed. `unit(i, record)`
 * records each request it makes.
 */
export const runLevel = async (
  concurrency: number,
  seconds: number,
  maxUnits: number,
  unit: (i: number, record: Record_) => Promise<void>,
): Promise<LevelResult> => {
  const byName = new Map<string, number[]>();
  const unitLatencies: number[] = [];
  let requests = 0;
  const record: Record_ = (name, ms) => {
    requests++;
    let list = byName.get(name);
    if (list === undefined) {
      list = [];
      byName.set(name, list);
    }
    list.push(ms);
  };
  let started = 0;
  const began = performance.now();
  const deadline = began + seconds * 1000;
  const loop = async () => {
    while (started < maxUnits && performance.now() < deadline) {
      const i = started++;
      const t0 = performance.now();
      await unit(i, record);
      unitLatencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  for (const list of byName.values()) list.sort((a, b) => a - b);
  return {
    concurrency,
    units: unitLatencies.length,
    requests,
    seconds: (performance.now() - began) / 1000,
    byName,
    unitLatencies: [...unitLatencies].sort((a, b) => a - b),
  };
};

/** The p-th percentile of an ascending list (nearest rank). */
export const percentile = (sorted: ReadonlyArray<number>, p: number): number =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0);

export const fmtMs = (value: number): string =>
  Number.isNaN(value) ? "—" : value < 10 ? value.toFixed(2) : value.toFixed(1);

export const row = (cells: ReadonlyArray<string>, widths: ReadonlyArray<number>): string =>
  cells.map((c, i) => c.padStart(widths[i] ?? 10)).join("  ");

/**
 * A {@link Database} that counts what a request sends: statements (`query`, and each transaction's
 * BEGIN and COMMIT, statements of their own on both drivers) and round trips to a server. A
 * statement issued while an earlier one of the same transaction is still unanswered travels with it
 * (the `pg` driver's pipeline mode), and the driver sends BEGIN without waiting for it, so on
 * PostgreSQL it travels with the transaction's first statement. PGlite has no round trips (it runs in
 * this process): its figure is the statements. A deferred statement (`Tx.defer`) is never awaited: it
 * travels with the next statement or the COMMIT.
 */
export const countingDatabase = (db: Database) => {
  let statements = 0;
  let roundTrips = 0;
  let log: string[] | undefined;
  const note = (sql: string) => {
    statements++;
    log?.push(sql.replace(/\s+/g, " ").trim().split(" ").slice(0, 3).join(" "));
  };
  const counted: Database = {
    _tag: "Database",
    get dialect() {
      return db.dialect;
    },
    get schema() {
      return db.schema;
    },
    query: <Row>(sql: string, params?: ReadonlyArray<SqlValue>): Promise<QueryResult<Row>> => {
      note(sql);
      roundTrips++;
      return db.query<Row>(sql, params);
    },
    transaction: <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => {
      note("BEGIN");
      roundTrips++;
      // BEGIN is unanswered until the first statement is (postgres: pipelined with it).
      let pending = db.dialect === "postgres" ? 1 : 0;
      let beginPending = pending === 1;
      return db
        .transaction((tx) =>
          fn({
            _tag: "Tx",
            dialect: tx.dialect,
            query: <Row>(sql: string, params?: ReadonlyArray<SqlValue>) => {
              note(sql);
              if (pending === 0) roundTrips++;
              pending++;
              return tx.query<Row>(sql, params).finally(() => {
                pending--;
                if (beginPending) {
                  beginPending = false;
                  pending--;
                }
              });
            },
            // Never awaited: it travels with the next statement or the COMMIT (no round trip of its own).
            defer: (sql: string, params?: ReadonlyArray<SqlValue>) => {
              note(sql);
              tx.defer(sql, params);
            },
          }),
        )
        .finally(() => {
          note("COMMIT");
          // A COMMIT sent while BEGIN is still unanswered (only deferred statements between) travels with it.
          if (!beginPending) roundTrips++;
        });
    },
    close: () => db.close(),
  };
  return {
    db: counted,
    /**
     * Runs `fn` `times` times and answers the fewest statements and round trips one run sent, and
     * their first words (the background sweeper and dispatcher share the database: their statements
     * can only add to a run's count, so the fewest is the request's own).
     */
    count: async (
      fn: () => Promise<unknown>,
      times = 5,
    ): Promise<{ n: number; roundTrips: number; sql: ReadonlyArray<string> }> => {
      let best: { n: number; roundTrips: number; sql: ReadonlyArray<string> } | undefined;
      for (let i = 0; i < times; i++) {
        const [s0, r0] = [statements, roundTrips];
        log = [];
        try {
          await fn();
        } finally {
          const run = { n: statements - s0, roundTrips: roundTrips - r0, sql: log ?? [] };
          if (best === undefined || run.n < best.n) best = run;
          log = undefined;
        }
      }
      return best ?? { n: 0, roundTrips: 0, sql: [] };
    },
  };
};

/**
 * Bulk-seeds `count` sessions of `merchantId` in one `INSERT … SELECT generate_series` per 10,000 rows
 * (the server copies the template row's snapshot, setting each row's own id; no HTTP, no core):
 * `clientReferenceId` `seed-<batch>-<i>`, creation spread over the past day. With `overdueAt`, each
 * row's expiry (column and snapshot) is that instant, so a sweep at a later instant expires them all.
 */
export const bulkSeedSessions = async (
  db: Database,
  options: {
    readonly merchantId: string;
    readonly count: number;
    readonly templateId: string;
    readonly prefix: string;
    readonly now: number;
    readonly expiryAt?: number | undefined;
  },
): Promise<void> => {
  const step = 10_000;
  for (let from = 0; from < options.count; from += step) {
    const n = Math.min(step, options.count - from);
    await db.query(
      `INSERT INTO payment_sessions
         (id, merchant_id, client_reference_id, status, payment_type, expiry_at, snapshot, version, created_at, updated_at)
       SELECT s.id, t.merchant_id, $3 || '-' || ($4::int + g)::text, t.status, t.payment_type,
              COALESCE(to_timestamp($7::double precision / 1000), t.expiry_at),
              jsonb_set(
                jsonb_set(
                  jsonb_set(t.snapshot, '{snapshot,context,id}', to_jsonb(s.id::text)),
                  '{snapshot,context,settings,clientReferenceId}', to_jsonb($3 || '-' || ($4::int + g)::text)),
                '{snapshot,context,expiryAt}',
                COALESCE(to_jsonb($7::double precision), t.snapshot->'snapshot'->'context'->'expiryAt')),
              1,
              to_timestamp(($5::double precision - (g * 7919 % 86400000)) / 1000),
              to_timestamp($5::double precision / 1000)
         FROM payment_sessions t,
              generate_series(1, $6::int) g,
              LATERAL (SELECT gen_random_uuid() AS id, g AS n) s
        WHERE t.id = $1 AND t.merchant_id = $2`,
      [
        options.templateId,
        options.merchantId,
        options.prefix,
        from,
        options.now,
        n,
        options.expiryAt ?? null,
      ],
    );
  }
};
