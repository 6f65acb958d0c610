/**
 * Provider load benchmark: the reference provider started in-process as `pnpm start` runs it (PGlite
 * in a data folder — a temporary one here, removed afterwards — background sweeper and dispatcher
 * on, the wall clock), driven over loopback HTTP by a small keep-alive client loop (Node's fetch):
 * create + confirm + get per second with p50/p99 latency at 1, 16 and 64 concurrent clients. Then,
 * in the same run and on the same database, the raw store loop (the store's `insertSession` +
 * `loadSession`, no HTTP, no core) at the same concurrency, and the ratio between the two: what the
 * server adds on top of the database.
 *
 * Every level is bounded by a count and a time; a default run takes well under a minute. Set
 * `BENCH_PROVIDER_SECONDS` to change the time per server level (default 6; the raw loop gets half).
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import {
  demoMerchant,
  insertSession,
  loadSession,
  type RunningProvider,
  startProvider,
} from "@payment-session/reference-provider";

const LEVELS = [1, 16, 64] as const;
const SERVER_SECONDS = Number(process.env.BENCH_PROVIDER_SECONDS ?? "6");
const SERVER_MAX_FLOWS = 5_000;
const RAW_SECONDS = SERVER_SECONDS / 2;
const RAW_MAX_OPS = 20_000;
const WARMUP_FLOWS = 30;

/** Latencies in ms of one level, and how many units of work finished in how long. */
interface LevelResult {
  readonly concurrency: number;
  readonly completed: number;
  readonly seconds: number;
  readonly latencies: ReadonlyArray<number>;
  readonly requestLatencies: ReadonlyArray<number>;
}

const percentile = (sorted: ReadonlyArray<number>, p: number): number =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0);

const sortedCopy = (values: ReadonlyArray<number>): ReadonlyArray<number> =>
  [...values].sort((a, b) => a - b);

/**
 * Runs `concurrency` loops of `unit` until `maxUnits` finished or `seconds` passed; `unit` resolves
 * the latencies of the requests it made (the unit's own latency is measured here).
 */
const runLevel = async (
  concurrency: number,
  seconds: number,
  maxUnits: number,
  unit: () => Promise<ReadonlyArray<number>>,
): Promise<LevelResult> => {
  const latencies: Array<number> = [];
  const requestLatencies: Array<number> = [];
  let started = 0;
  const began = performance.now();
  const deadline = began + seconds * 1000;
  const loop = async () => {
    while (started < maxUnits && performance.now() < deadline) {
      started++;
      const t0 = performance.now();
      const requests = await unit();
      latencies.push(performance.now() - t0);
      requestLatencies.push(...requests);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return {
    concurrency,
    completed: latencies.length,
    seconds: (performance.now() - began) / 1000,
    latencies,
    requestLatencies,
  };
};

const timed = async (
  request: () => Promise<Response>,
  expectStatus: number,
): Promise<{ ms: number; body: unknown }> => {
  const t0 = performance.now();
  const response = await request();
  const body: unknown = await response.json();
  const ms = performance.now() - t0;
  if (response.status !== expectStatus) {
    throw new Error(`bench request answered ${response.status}: ${JSON.stringify(body).slice(0, 300)}`);
  }
  return { ms, body };
};

const idOf = (body: unknown): string => {
  if (typeof body === "object" && body !== null && "data" in body) {
    const data: unknown = body.data;
    if (typeof data === "object" && data !== null && "id" in data && typeof data.id === "string")
      return data.id;
  }
  throw new Error(`no session id in ${JSON.stringify(body).slice(0, 300)}`);
};

const tokenOf = (body: unknown): string => {
  if (typeof body === "object" && body !== null && "data" in body) {
    const data: unknown = body.data;
    if (
      typeof data === "object" &&
      data !== null &&
      "accessToken" in data &&
      typeof data.accessToken === "string"
    ) {
      return data.accessToken;
    }
  }
  throw new Error(`no access token in ${JSON.stringify(body).slice(0, 300)}`);
};

/** One merchant flow over HTTP: create (VA, autoConfirm false) → confirm (issues the VA number) → get. */
const httpFlow = (baseUrl: string, token: string) => {
  let n = 0;
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  return async (): Promise<ReadonlyArray<number>> => {
    n++;
    const created = await timed(
      () =>
        fetch(`${baseUrl}/v2/payments`, {
          method: "POST",
          headers,
          body: JSON.stringify({
            clientReferenceId: `bench-${n}`,
            amount: { value: 20000, currency: "IDR" },
            paymentMethod: { type: "VIRTUAL_ACCOUNT" },
            paymentMethodOptions: { virtualAccount: { channel: "PERMATA", virtualAccountName: "Bench" } },
            mode: "API",
            autoConfirm: false,
          }),
        }),
      200,
    );
    const id = idOf(created.body);
    const confirmed = await timed(
      () =>
        fetch(`${baseUrl}/v2/payments/${id}/confirm`, {
          method: "POST",
          headers,
          body: JSON.stringify({
            paymentMethod: { type: "VIRTUAL_ACCOUNT" },
            paymentMethodOptions: { virtualAccount: { channel: "PERMATA", virtualAccountName: "Bench" } },
          }),
        }),
      200,
    );
    const read = await timed(() => fetch(`${baseUrl}/v2/payments/${id}`, { headers }), 200);
    return [created.ms, confirmed.ms, read.ms];
  };
};

/** One raw store round: insert a session row (a real snapshot) and select it back. */
const rawRound = (provider: RunningProvider, template: { snapshot: unknown; expiryAt: number | null }) => {
  return async (): Promise<ReadonlyArray<number>> => {
    const at = Date.now();
    const id = randomUUID();
    await insertSession(provider.db, {
      id,
      merchantId: demoMerchant.id,
      clientReferenceId: `raw-${id.slice(0, 8)}`,
      status: "REQUIRE_ACTION",
      paymentType: "SINGLE",
      expiryAt: template.expiryAt,
      snapshot: template.snapshot,
      createdAt: at,
    });
    if ((await loadSession(provider.db, demoMerchant.id, id)) === null)
      throw new Error(`raw row ${id} not found`);
    return [];
  };
};

const ms = (value: number): string =>
  Number.isNaN(value) ? "—" : value < 10 ? value.toFixed(2) : value.toFixed(1);

const row = (cells: ReadonlyArray<string>, widths: ReadonlyArray<number>): string =>
  cells.map((c, i) => c.padStart(widths[i] ?? 10)).join("  ");

/**
 * Runs the load benchmark and prints its table. Resolves when the provider and its temporary data
 * folder are gone.
 */
export const runProviderBench = async (): Promise<void> => {
  const dataDir = mkdtempSync(join(tmpdir(), "bench-provider-"));
  const provider = await startProvider({
    port: 0,
    host: "127.0.0.1",
    dataDir,
    merchants: [demoMerchant],
    background: true,
  });
  try {
    const tokenAnswer = await timed(
      () =>
        fetch(`${provider.url}/v1/access-token`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-merchant-id": demoMerchant.id,
            "x-merchant-secret": demoMerchant.secret,
          },
          body: JSON.stringify({ grantType: "client_credentials" }),
        }),
      200,
    );
    const flow = httpFlow(provider.url, tokenOf(tokenAnswer.body));
    for (let i = 0; i < WARMUP_FLOWS; i++) await flow();

    const server: Array<LevelResult> = [];
    for (const concurrency of LEVELS)
      server.push(await runLevel(concurrency, SERVER_SECONDS, SERVER_MAX_FLOWS, flow));

    const sample = await provider.db.query<{ id: string }>(
      "SELECT id::text AS id FROM payment_sessions WHERE status = 'REQUIRE_ACTION' LIMIT 1",
    );
    const sampleId = sample.rows[0]?.id;
    const stored = sampleId === undefined ? null : await loadSession(provider.db, demoMerchant.id, sampleId);
    if (stored === null) throw new Error("no session was stored by the HTTP runs");
    const round = rawRound(provider, { snapshot: stored.row.snapshot, expiryAt: stored.row.expiryAt });
    for (let i = 0; i < WARMUP_FLOWS; i++) await round();
    const raw: Array<LevelResult> = [];
    for (const concurrency of LEVELS) raw.push(await runLevel(concurrency, RAW_SECONDS, RAW_MAX_OPS, round));

    const widths = [8, 10, 9, 11, 11, 10, 10, 11, 10, 10, 9];
    console.log(
      "provider load: HTTP flow = create (VA, autoConfirm false) + confirm + get; raw = store insertSession + loadSession",
    );
    console.log(
      row(
        [
          "clients",
          "flows/s",
          "req/s",
          "flow p50",
          "flow p99",
          "req p50",
          "req p99",
          "raw ops/s",
          "raw p50",
          "raw p99",
          "overhead",
        ],
        widths,
      ),
    );
    for (const [i, s] of server.entries()) {
      const r = raw[i];
      if (r === undefined) continue;
      const flows = s.completed / s.seconds;
      const rawOps = r.completed / r.seconds;
      const flowSorted = sortedCopy(s.latencies);
      const reqSorted = sortedCopy(s.requestLatencies);
      const rawSorted = sortedCopy(r.latencies);
      console.log(
        row(
          [
            String(s.concurrency),
            flows.toFixed(1),
            (s.requestLatencies.length / s.seconds).toFixed(1),
            `${ms(percentile(flowSorted, 50))} ms`,
            `${ms(percentile(flowSorted, 99))} ms`,
            `${ms(percentile(reqSorted, 50))} ms`,
            `${ms(percentile(reqSorted, 99))} ms`,
            rawOps.toFixed(1),
            `${ms(percentile(rawSorted, 50))} ms`,
            `${ms(percentile(rawSorted, 99))} ms`,
            `${(rawOps / flows).toFixed(1)}×`,
          ],
          widths,
        ),
      );
    }
    const counts = server.map((s) => `${s.completed} flows / ${s.seconds.toFixed(1)} s`).join(", ");
    console.log(
      `overhead = raw insert+select rounds per second ÷ HTTP flows per second (same database, same process). Runs: ${counts}.`,
    );
    console.log(
      `figures from: pnpm bench provider (BENCH_PROVIDER_SECONDS=${SERVER_SECONDS}); Node ${process.version}, ${availableParallelism()} cores, PGlite in a temporary data folder, client and server in one process over loopback keep-alive.`,
    );
  } finally {
    await provider.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
};
