/**
 * Named prepared statements on PGlite (decision P20). `pglite.query(text, params)` sends Parse,
 * Describe, Bind, Describe, Execute and Sync for every call, each a separate trip into the WASM
 * backend, and the backend parses and plans the text every time. Here a parameterised text is
 * parsed once under a name (Parse + Describe + Sync: its parameter types and its row description
 * are kept), and every call after sends one message of Bind + Execute + Sync through
 * `execProtocol`, the wire-protocol entry PGlite offers for this; rows are parsed with PGlite's own
 * `parseResults` and type parsers, parameters serialised by its own serializers, as `query` does.
 */
import type { PGlite, Results } from "@electric-sql/pglite";
import type { SqlValue } from "../Database.js";

/**
 * The most statement texts named per database (as on the PostgreSQL server, decision P11). Texts
 * beyond it run through `pglite.query`: a caller that builds texts without end cannot grow the
 * backend's statement cache without bound.
 */
export const MAX_PREPARED = 1000;

type PgliteModule = typeof import("@electric-sql/pglite");
type BackendMessage = Awaited<ReturnType<PGlite["execProtocol"]>>["messages"][number];

interface Prepared {
  readonly name: string;
  readonly paramTypes: ReadonlyArray<number>;
  /** The statement's RowDescription (none for a statement that returns no rows). */
  readonly rowDescription: ReadonlyArray<BackendMessage>;
}

const concat = (parts: ReadonlyArray<Uint8Array>): Uint8Array => {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
};

/** What the driver runs a statement with: named when it has parameters and room is left. */
export interface PreparedStatements {
  /**
   * Runs `text` with `params` as a named statement, or returns `undefined` when it is not one (no
   * parameters, or {@link MAX_PREPARED} other texts named): the caller then runs it as before.
   * `inTransaction`: the caller holds PGlite's transaction (its transaction mutex), so only the
   * query mutex is taken and the file system is not synced.
   */
  query<Row>(
    text: string,
    params: ReadonlyArray<SqlValue>,
    inTransaction: boolean,
  ): Promise<Results<Row>> | undefined;
  /** How many texts are named (for tests). */
  readonly size: () => number;
}

export const preparedStatements = (db: PGlite, mod: PgliteModule, max = MAX_PREPARED): PreparedStatements => {
  const { serialize } = mod.protocol;
  const statements = new Map<string, Prepared>();

  const prepare = async (text: string): Promise<Prepared> => {
    const name = `ps${statements.size + 1}`;
    const { messages } = await db.execProtocol(
      concat([serialize.parse({ name, text }), serialize.describe({ type: "S", name }), serialize.sync()]),
      { syncToFs: false },
    );
    let paramTypes: ReadonlyArray<number> = [];
    const rowDescription: BackendMessage[] = [];
    for (const message of messages) {
      if (message instanceof mod.messages.ParameterDescriptionMessage) paramTypes = message.dataTypeIDs;
      if (message.name === "rowDescription") rowDescription.push(message);
    }
    // Kept only once the backend holds it: a Parse that failed named nothing.
    const prepared = { name, paramTypes, rowDescription };
    statements.set(text, prepared);
    return prepared;
  };

  const run = async <Row>(text: string, params: ReadonlyArray<SqlValue>, inTransaction: boolean) => {
    await db._checkReady();
    const prepared = statements.get(text) ?? (await prepare(text));
    const values = params.map((param, i) => {
      if (param === null) return null;
      const serializer = db.serializers[prepared.paramTypes[i] ?? 0];
      return serializer === undefined ? param.toString() : serializer(param);
    });
    const { messages } = await db.execProtocol(
      concat([serialize.bind({ statement: prepared.name, values }), serialize.execute({}), serialize.sync()]),
      { syncToFs: !inTransaction },
    );
    const [result] = mod.parse.parseResults([...prepared.rowDescription, ...messages], db.parsers);
    return result as Results<Row>;
  };

  return {
    query: <Row>(text: string, params: ReadonlyArray<SqlValue>, inTransaction: boolean) => {
      // Without parameters (BEGIN, DDL, a migration) a text stays unnamed, as on the server (P11).
      if (params.length === 0 || (!statements.has(text) && statements.size >= max)) return undefined;
      return inTransaction
        ? db._runExclusiveQuery(() => run<Row>(text, params, true))
        : db._runExclusiveTransaction(() => db._runExclusiveQuery(() => run<Row>(text, params, false)));
    },
    size: () => statements.size,
  };
};
