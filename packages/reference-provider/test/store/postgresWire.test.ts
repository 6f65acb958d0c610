/**
 * What the `pg` driver puts on the wire (decisions P10, P11): a transaction's statements issued in
 * one turn of the event loop leave in one write, and parameterised statements are prepared once
 * per connection (named), statements without parameters are not. The write batching is checked on
 * a socket stand-in (counting its writes); the naming on the server itself when one is configured
 * (`DATABASE_URL`), from `pg_prepared_statements` of the transaction's connection.
 */
import { Socket } from "node:net";
import { Writable } from "node:stream";
import type pg from "pg";
import { describe, expect, it, vi } from "vitest";
import { deferIdempotencyRecord, deferInsertSession, type Tx } from "../../src/store/index.js";
import { statementNamer, writeBatcher } from "../../src/store/internal/postgres.js";
import { drivers, MERCHANT, newSession, T0, useStore } from "./harness.js";

/** A client stand-in whose socket counts the writes that reach it and the chunks in each. */
const countingClient = () => {
  const writes: number[] = [];
  const stream = new Writable({
    writev(chunks, done) {
      writes.push(chunks.length);
      done();
    },
    write(_chunk, _encoding, done) {
      writes.push(1);
      done();
    },
  });
  return { client: { connection: { stream } } as unknown as pg.PoolClient, stream, writes };
};

const nextTurn = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));

describe("write batching (P10)", () => {
  it("statements issued in one turn leave in one write, after the turn", async () => {
    const { client, stream, writes } = countingClient();
    const batch = writeBatcher(client);
    for (const statement of ["BEGIN", "INSERT", "INSERT", "COMMIT"]) {
      batch.hold();
      // pg corks and uncorks around each statement's messages itself.
      stream.cork();
      stream.write(statement);
      stream.uncork();
    }
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual([4]);
    batch.hold();
    stream.write("SELECT");
    batch.flush();
    expect(writes).toEqual([4, 1]);
  });

  it("a client without a socket it can cork is left as it is", () => {
    const batch = writeBatcher({} as pg.PoolClient);
    expect(() => {
      batch.hold();
      batch.flush();
    }).not.toThrow();
  });
});

describe("statement names (P11)", () => {
  it("a parameterised text gets one name, a text without parameters none", () => {
    const named = statementNamer();
    const a = named("SELECT $1::int", [1]);
    expect(a).toMatchObject({ name: expect.any(String), text: "SELECT $1::int", values: [1] });
    expect(named("SELECT $1::int", [2])).toMatchObject({ name: a.name, values: [2] });
    expect(named("SELECT $1::text", ["x"]).name).not.toBe(a.name);
    expect(named("BEGIN", undefined)).toEqual({ text: "BEGIN", values: [] });
  });
});

describe.each(drivers.filter((d) => d.name === "postgres"))("prepared statements on $name", (driver) => {
  const store = useStore(driver);

  it("a parameterised statement is prepared on the connection, one without parameters is not", async () => {
    const prepared = await store.db.transaction(async (tx) => {
      await tx.query("SELECT $1::int + 1 AS n", [41]);
      await tx.query("SELECT 2 AS unnamed_statement");
      const { rows } = await tx.query<{ statement: string }>(
        "SELECT statement FROM pg_prepared_statements WHERE NOT from_sql",
      );
      return rows.map((r) => r.statement);
    });
    expect(prepared).toContain("SELECT $1::int + 1 AS n");
    expect(prepared).not.toContain("SELECT 2 AS unnamed_statement");
  });
});

describe.each(drivers.filter((d) => d.name === "postgres"))("a transaction's writes on $name", (driver) => {
  const store = useStore(driver);

  /** What a create sends: its row and its idempotency record, both deferred. */
  const create = (tx: Tx) => {
    const session = newSession();
    deferInsertSession(tx, session);
    deferIdempotencyRecord(tx, {
      merchantId: MERCHANT,
      requestKey: session.id,
      endpoint: "POST /v2/payments",
      requestHash: "sha256:aaaa",
      responseStatus: 200,
      responseBody: { data: { id: session.id } },
      createdAt: T0,
    });
  };

  /** The socket writes (system calls: `write` or `writev`) `run` makes, every socket of the process. */
  const socketWrites = async (run: () => Promise<unknown>): Promise<number> => {
    // Node's Socket sends both through `_writeGeneric` (not in its types).
    const spy = vi.spyOn(Socket.prototype as unknown as { _writeGeneric: () => void }, "_writeGeneric");
    try {
      await run();
      return spy.mock.calls.length;
    } finally {
      spy.mockRestore();
    }
  };

  it("of deferred statements only leave with BEGIN and the COMMIT in one write (P18)", async () => {
    // The pool's connection is open and the texts are prepared: what is left is the transaction.
    await store.db.transaction(async (tx) => create(tx));
    expect(await socketWrites(() => store.db.transaction(async (tx) => create(tx)))).toBe(1);
    expect((await store.db.query("SELECT 1 FROM payment_sessions")).rowCount).toBe(2);
  });
});
