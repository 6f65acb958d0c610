/**
 * `pnpm bench pglite-prepared`: CPU per statement on PGlite with named prepared statements
 * (decision P20: parsed once per text, then Bind + Execute + Sync in one message) against the
 * baseline of every statement through `pglite.query` (Parse, Describe, Bind, Describe, Execute,
 * Sync: parsed and planned anew), on two in-memory PGlite databases of this process, alternating
 * rounds. The statements are the store's own: a create's transaction (BEGIN, the deferred session
 * INSERT, COMMIT: `deferInsertSession`) and a read by id (`loadSession`). CPU is
 * `process.cpuUsage()` (user + system) around each phase: PGlite runs in this process.
 *
 * Knobs: `BENCH_PREPARED_LOOPS` (statements per phase, default 2000), `BENCH_PREPARED_ROUNDS`
 * (default 4; the first warms the JIT and is not in the medians).
 */
import { randomUUID } from "node:crypto";
import {
  type Database,
  deferInsertSession,
  loadSession,
  runMigrations,
} from "../packages/reference-provider/src/store/index.js";
import { openPglite } from "../packages/reference-provider/src/store/internal/pglite.js";

const LOOPS = Number(process.env.BENCH_PREPARED_LOOPS ?? "2000");
const ROUNDS = Math.max(2, Number(process.env.BENCH_PREPARED_ROUNDS ?? "4"));
const COMMAND = "pnpm bench pglite-prepared";
const MERCHANT = "merchant-bench";

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

const median = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/** CPU ms per call of `step` over LOOPS calls. */
const perCall = async (step: (i: number) => Promise<void>): Promise<number> => {
  const started = cpuMs();
  for (let i = 0; i < LOOPS; i++) await step(i);
  return (cpuMs() - started) / LOOPS;
};

const phases = (db: Database, ids: string[]) => ({
  create: () =>
    perCall(async (i) => {
      const id = randomUUID();
      ids.push(id);
      await db.transaction(async (tx) => {
        deferInsertSession(tx, {
          id,
          merchantId: MERCHANT,
          clientReferenceId: `ref-${i}`,
          status: "created",
          paymentType: "card",
          expiryAt: 1_900_000_000_000,
          snapshot: { status: "created", amount: { value: 1000, currency: "EUR" } },
          createdAt: 1_800_000_000_000,
        });
      });
    }),
  load: () =>
    perCall(async (i) => {
      const found = await loadSession(db, MERCHANT, ids[i % ids.length] ?? "");
      if (found === null) throw new Error("bench: a created session was not found");
    }),
});

export const runPglitePreparedBench = async (): Promise<void> => {
  const open = async (prepared: boolean, batched: boolean) => {
    const db = await openPglite({ dataDir: undefined, schema: undefined, prepared, batched });
    await runMigrations(db);
    return db;
  };
  const kinds = ["plain", "prepared", "batched"] as const;
  type Kind = (typeof kinds)[number];
  const dbs: Record<Kind, Database> = {
    plain: await open(false, false),
    prepared: await open(true, false),
    batched: await open(true, true),
  };
  try {
    const runs = {
      plain: phases(dbs.plain, []),
      prepared: phases(dbs.prepared, []),
      batched: phases(dbs.batched, []),
    };
    const figures = Object.fromEntries(
      kinds.map((kind) => [kind, { create: [] as number[], load: [] as number[] }]),
    ) as Record<Kind, { create: number[]; load: number[] }>;
    for (let round = 0; round < ROUNDS; round++) {
      // Each round in another order (rotated), so no kind always runs first.
      const order = kinds.map((_, i) => kinds[(i + round) % kinds.length] as Kind);
      for (const kind of order) {
        const create = await runs[kind].create();
        const load = await runs[kind].load();
        if (round > 0) {
          figures[kind].create.push(create);
          figures[kind].load.push(load);
        }
      }
    }
    console.log(
      `PGlite named prepared statements (P20) and batched transactions (P22) vs pglite.query (${COMMAND}; ${LOOPS} calls per phase, median of ${ROUNDS - 1} rounds after one warm-up)`,
    );
    for (const phase of ["create", "load"] as const) {
      const base = median(figures.plain[phase]);
      const label =
        phase === "create" ? "create tx (BEGIN, deferred INSERT, COMMIT)" : "loadSession (SELECT by id)";
      const of = (kind: Kind) => {
        const now = median(figures[kind][phase]);
        return `${kind} ${now.toFixed(3)} ms CPU (${(base / now).toFixed(2)}× less)`;
      };
      console.log(
        `  ${label.padEnd(44)} baseline pglite.query ${base.toFixed(3)} ms CPU   ${of("prepared")}   ${of("batched")}`,
      );
    }
  } finally {
    for (const kind of kinds) await dbs[kind].close();
  }
};
