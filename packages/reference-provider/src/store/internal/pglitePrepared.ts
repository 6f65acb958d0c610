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
  /**
   * Runs `fn` in a transaction whose statements are sent in batches (decision P22); the first
   * failure is thrown as `fail` makes it (nothing is committed after it).
   */
  transaction<T>(fn: (tx: BatchedTx) => Promise<T>, fail: (sql: string, error: unknown) => Error): Promise<T>;
  /** How many texts are named (for tests). */
  readonly size: () => number;
}

/** A statement of a batched transaction, encoded: its messages (ending with Sync) and its answer's prefix. */
interface Item {
  readonly sql: string;
  readonly message: Uint8Array;
  /** The named statement's RowDescription, which its answer (Bind + Execute) does not repeat. */
  readonly rowDescription: ReadonlyArray<BackendMessage>;
}

/** A statement's answer in a batch: its messages, or the backend's error (a `DatabaseError`). */
type Answer = { readonly messages: ReadonlyArray<BackendMessage> } | { readonly error: unknown };

/**
 * What a batched transaction's callback is given (decision P22): `query` sends what is held and
 * answers; `defer` holds the statement for the next `query` or the end.
 */
export interface BatchedTx {
  query<Row>(sql: string, params: ReadonlyArray<SqlValue>): Promise<Results<Row>>;
  defer(sql: string, params: ReadonlyArray<SqlValue>): void;
}

export const preparedStatements = (db: PGlite, mod: PgliteModule, max = MAX_PREPARED): PreparedStatements => {
  const { serialize } = mod.protocol;
  const statements = new Map<string, Prepared>();
  const execute = serialize.execute({});
  const sync = serialize.sync();

  /** Parses `text` under `name` ("" : the unnamed statement, not kept) and keeps what Describe says. */
  const describe = async (text: string, name: string): Promise<Prepared> => {
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
    return { name, paramTypes, rowDescription };
  };

  const prepare = async (text: string): Promise<Prepared> => {
    const prepared = await describe(text, `ps${statements.size + 1}`);
    // Kept only once the backend holds it: a Parse that failed named nothing.
    statements.set(text, prepared);
    return prepared;
  };

  /** Bind + Execute + Sync of a described statement, the parameters serialised as `query` does. */
  const bound = (sql: string, prepared: Prepared, params: ReadonlyArray<SqlValue>): Item => {
    const values = params.map((param, i) => {
      if (param === null) return null;
      const serializer = db.serializers[prepared.paramTypes[i] ?? 0];
      return serializer === undefined ? param.toString() : serializer(param);
    });
    return {
      sql,
      message: concat([serialize.bind({ statement: prepared.name, values }), execute, sync]),
      rowDescription: prepared.rowDescription,
    };
  };

  const parse = <Row>(item: Item, messages: ReadonlyArray<BackendMessage>): Results<Row> =>
    mod.parse.parseResults([...item.rowDescription, ...messages], db.parsers)[0] as Results<Row>;

  const run = async <Row>(text: string, params: ReadonlyArray<SqlValue>, inTransaction: boolean) => {
    await db._checkReady();
    const item = bound(text, statements.get(text) ?? (await prepare(text)), params);
    const { messages } = await db.execProtocol(item.message, { syncToFs: !inTransaction });
    return parse<Row>(item, messages);
  };

  /** The simple Query of a statement without parameters (BEGIN, COMMIT, ROLLBACK). */
  const simple = (sql: string): Item => ({ sql, message: serialize.query(sql), rowDescription: [] });
  const begin = simple("BEGIN");

  /**
   * Sends `items` in one `execProtocol` call (one crossing into the backend) and splits the answer
   * at each ReadyForQuery (every item ends with Sync or is a simple Query: one each). An error in
   * one item is its answer; the backend goes on with the next (in an aborted transaction: 25P02).
   */
  const send = async (items: ReadonlyArray<Item>, syncToFs: boolean): Promise<Answer[]> => {
    await db._checkReady();
    const message =
      items.length === 1 ? (items[0] as Item).message : concat(items.map((item) => item.message));
    const { messages } = await db._runExclusiveQuery(() =>
      db.execProtocol(message, { syncToFs, throwOnError: false }),
    );
    const answers: Answer[] = [];
    let from = 0;
    for (let at = 0; at < messages.length; at++) {
      if ((messages[at] as BackendMessage).name !== "readyForQuery") continue;
      const part = messages.slice(from, at);
      const error = part.find((m) => m instanceof mod.messages.DatabaseError);
      answers.push(error === undefined ? { messages: part } : { error });
      from = at + 1;
    }
    if (answers.length !== items.length)
      throw new Error(`PGlite answered ${answers.length} of ${items.length} statements sent together`);
    return answers;
  };

  /**
   * A transaction whose statements are held and sent together (decision P22): BEGIN with the first
   * statement, each deferred statement with the next `query`, the last ones with COMMIT (a create,
   * deferred statements only: BEGIN, its statements and COMMIT in one call into the backend). Each
   * statement keeps its own Sync, so a failure is its own statement's error, every later one fails
   * as 25P02 and COMMIT answers ROLLBACK: nothing is committed after a failure. `fail` maps a
   * failure (the statement's text and the backend's error) to what is thrown.
   */
  const transaction = <T>(
    fn: (tx: BatchedTx) => Promise<T>,
    fail: (sql: string, error: unknown) => Error,
  ): Promise<T> =>
    db._runExclusiveTransaction(async () => {
      await db._checkReady();
      let begun = false;
      const held: Item[] = [];
      /** The first failure of BEGIN, a deferred statement or a send: the transaction's cause. */
      let failure: Error | undefined;
      // Statements are encoded in the order they were issued (a new text is parsed after what is
      // held is sent: it may need a table a held statement creates).
      let order: Promise<unknown> = Promise.resolve();
      const inOrder = <A>(step: () => Promise<A>): Promise<A> => {
        const next = order.then(step);
        order = next.catch(() => undefined);
        return next;
      };
      /** Sends BEGIN (the first time), what is held and `last`; returns `last`'s answer. */
      const flush = async (last: Item | undefined, syncToFs = false): Promise<Answer | undefined> => {
        const items = begun ? [...held] : [begin, ...held];
        held.length = 0;
        if (last !== undefined) items.push(last);
        if (items.length === 0) return undefined;
        begun = true;
        let answers: Answer[];
        try {
          answers = await send(items, syncToFs);
        } catch (error) {
          // No answer at all (PGlite closed, …): the state is unknown, the transaction failed.
          failure ??= fail((items[0] as Item).sql, error);
          throw failure;
        }
        const deferred = last === undefined ? items.length : items.length - 1;
        for (let i = 0; i < deferred && failure === undefined; i++) {
          const answer = answers[i] as Answer;
          if ("error" in answer) failure = fail((items[i] as Item).sql, answer.error);
        }
        return last === undefined ? undefined : answers[answers.length - 1];
      };
      const encode = async (sql: string, params: ReadonlyArray<SqlValue>): Promise<Item> => {
        if (params.length === 0) {
          // Unnamed, as `pglite.query` runs it (Parse, Bind, Describe, Execute, Sync), in one message.
          const message = concat([
            serialize.parse({ text: sql }),
            serialize.bind({}),
            serialize.describe({ type: "P" }),
            execute,
            sync,
          ]);
          return { sql, message, rowDescription: [] };
        }
        const known = statements.get(sql);
        if (known !== undefined) return bound(sql, known, params);
        // A new text: what is held is sent first.
        await flush(undefined);
        const described = await db._runExclusiveQuery(() =>
          statements.size < max ? prepare(sql) : describe(sql, ""),
        );
        return bound(sql, described, params);
      };
      const tx: BatchedTx = {
        query: <Row>(sql: string, params: ReadonlyArray<SqlValue>) =>
          inOrder(async () => {
            if (failure !== undefined) throw failure;
            const item = await encode(sql, params);
            if (failure !== undefined) throw failure;
            const answer = await flush(item);
            // A deferred statement sent before it failed: that is the cause of this one's 25P02.
            if (failure !== undefined) throw failure;
            if (answer === undefined) throw new Error("unreachable: a statement sent has an answer");
            if ("error" in answer) throw fail(sql, answer.error);
            return parse<Row>(item, answer.messages);
          }),
        defer: (sql: string, params: ReadonlyArray<SqlValue>) => {
          void inOrder(async () => {
            if (failure !== undefined) return;
            try {
              const item = await encode(sql, params);
              if (failure === undefined) held.push(item);
            } catch (error) {
              failure ??= fail(sql, error);
            }
          });
        },
      };
      const end = async (sql: "COMMIT" | "ROLLBACK"): Promise<Answer | undefined> =>
        begun || held.length > 0 ? flush(simple(sql), true) : undefined;
      let result: T;
      try {
        result = await fn(tx);
        await order;
        if (failure !== undefined) throw failure;
      } catch (error) {
        await order;
        // What is held still runs before the ROLLBACK: its failure is the cause of what fn threw.
        await end("ROLLBACK").catch(() => undefined);
        throw failure ?? error;
      }
      const committed = await end("COMMIT");
      if (failure !== undefined) throw failure;
      if (committed === undefined) return result;
      if ("error" in committed) throw fail("COMMIT", committed.error);
      // COMMIT of a transaction aborted by a failure fn caught answers ROLLBACK (as `transaction`).
      const [answer] = mod.parse.parseResults([...committed.messages], db.parsers);
      if (answer?.command === "ROLLBACK") throw fail("COMMIT", new mod.TransactionAbortedError());
      return result;
    });

  return {
    query: <Row>(text: string, params: ReadonlyArray<SqlValue>, inTransaction: boolean) => {
      // Without parameters (BEGIN, DDL, a migration) a text stays unnamed, as on the server (P11).
      if (params.length === 0 || (!statements.has(text) && statements.size >= max)) return undefined;
      return inTransaction
        ? db._runExclusiveQuery(() => run<Row>(text, params, true))
        : db._runExclusiveTransaction(() => db._runExclusiveQuery(() => run<Row>(text, params, false)));
    },
    transaction,
    size: () => statements.size,
  };
};
