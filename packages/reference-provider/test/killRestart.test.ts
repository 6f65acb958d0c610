/**
 * `kill -9` under load: the provider runs as `pnpm start` runs it (a child process, background
 * sweeper and dispatcher on), clients create, confirm, pay and cancel sessions at full speed, and
 * the process is killed with SIGKILL in the middle; restarted on the same data (a PGlite data
 * folder; a PostgreSQL database of the test's own), every write that was acknowledged (200) is there
 * with the state its answer reported, or a later one that a request in flight at the kill may have
 * made; an acknowledged create replays byte for byte under its X-REQUEST-ID. Each kill comes once at
 * least 15 writes of the round were acknowledged, with requests in flight; each restart checks the
 * writes of every round before it.
 *
 * The kill instants come from a seeded generator (`FC_SEED`, printed).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { demoMerchant } from "../src/index.js";
import { type ChildProvider, type ChildStorage, startChildProvider } from "./support/childProvider.js";
import { vaCreateBody } from "./support/provider.js";
import { createServerDatabase, type ServerDatabase, serverUrl } from "./support/serverDatabase.js";

const seed = Number(process.env.FC_SEED ?? 20261130);
const CLIENTS = 6;
/** Acknowledged writes of a round before its kill may come. */
const MIN_ACKS = 15;

/** A small seeded generator (mulberry32). */
const random = (start: number) => {
  let state = start >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** An acknowledged write: the session and the status its answer reported. */
interface Ack {
  readonly sessionId: string;
  readonly status: string;
  /** For a create: its X-REQUEST-ID, body and the answer's exact text. */
  readonly replay?: { readonly requestId: string; readonly body: unknown; readonly text: string };
}

/** A write whose answer never came (the kill): it may or may not have been applied. */
interface Unknown {
  readonly sessionId: string;
  /** The status it makes when it was applied. */
  readonly status: string;
}

interface Ledger {
  readonly acks: Ack[];
  readonly unknown: Unknown[];
  requests: number;
  answered: number;
}

const tokenOf = async (url: string): Promise<string> => {
  const response = await fetch(`${url}/v1/access-token`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-merchant-id": demoMerchant.id,
      "x-merchant-secret": demoMerchant.secret,
    },
    body: JSON.stringify({ grantType: "client_credentials" }),
  });
  const body = (await response.json()) as { data?: { accessToken?: string } };
  const token = body.data?.accessToken;
  if (token === undefined) throw new Error(`no token: ${JSON.stringify(body)}`);
  return token;
};

/** One request; `undefined` when no answer came (connection reset by the kill). */
const post = async (
  url: string,
  token: string,
  path: string,
  body: unknown,
  requestId?: string,
): Promise<{ readonly status: number; readonly text: string } | undefined> => {
  try {
    const response = await fetch(`${url}${path}`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        ...(requestId === undefined ? {} : { "x-request-id": requestId }),
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    return { status: response.status, text: await response.text() };
  } catch {
    return undefined;
  }
};

const sessionOfText = (text: string): { readonly id: string; readonly status: string } => {
  const body = JSON.parse(text) as { data: { id: string; status: string } };
  return { id: body.data.id, status: body.data.status };
};

/**
 * A client: session after session, each one of four lives (left waiting for payment, paid,
 * cancelled before confirmation, confirmed), every answer written down, until `stopped`.
 */
const client = async (url: string, token: string, ledger: Ledger, name: string, stopped: () => boolean) => {
  let n = 0;
  const ack = (a: Ack) => ledger.acks.push(a);
  while (!stopped()) {
    const life = n % 4;
    const requestId = `${name}-${n++}-${Math.random().toString(36).slice(2)}`;
    const autoConfirm = life === 0 || life === 1;
    ledger.requests++;
    const createBody = vaCreateBody({ autoConfirm, clientReferenceId: requestId });
    const created = await post(url, token, "/v2/payments", createBody, requestId);
    if (created === undefined) return; // killed: a create in flight names no session to check
    ledger.answered++;
    if (created.status !== 200) throw new Error(`create answered ${created.status}: ${created.text}`);
    const session = sessionOfText(created.text);
    ack({
      sessionId: session.id,
      status: session.status,
      replay: { requestId, body: createBody, text: created.text },
    });
    const next =
      life === 1
        ? {
            path: "/v2/payments/simulations",
            body: { paymentSessionId: session.id, chargeStatus: "SUCCESS" },
            makes: "PAID",
          }
        : life === 2
          ? {
              path: `/v2/payments/${session.id}/cancel`,
              body: { cancellationReason: "DUPLICATED" },
              makes: "CANCELLED",
            }
          : life === 3
            ? {
                path: `/v2/payments/${session.id}/confirm`,
                body: {
                  paymentMethod: { type: "VIRTUAL_ACCOUNT" },
                  paymentMethodOptions: { virtualAccount: { channel: "BRI" } },
                },
                makes: "REQUIRE_ACTION",
              }
            : undefined;
    if (next === undefined || stopped()) continue;
    ledger.requests++;
    const answer = await post(url, token, next.path, next.body);
    if (answer === undefined) {
      ledger.unknown.push({ sessionId: session.id, status: next.makes });
      return;
    }
    ledger.answered++;
    if (answer.status !== 200) throw new Error(`${next.path} answered ${answer.status}: ${answer.text}`);
    ack({ sessionId: session.id, status: next.makes });
  }
};

/** Checks every acknowledged write against a running provider; the problems found. */
const check = async (
  url: string,
  ledger: Ledger,
): Promise<{ problems: string[]; sessions: number; replays: number }> => {
  const token = await tokenOf(url);
  const last = new Map<string, Ack>();
  // A session's writes come from one client, one after another: the last ack is the latest state.
  for (const a of ledger.acks) last.set(a.sessionId, a);
  const problems: string[] = [];
  const ids = [...last.keys()];
  for (let i = 0; i < ids.length; i += 20) {
    await Promise.all(
      ids.slice(i, i + 20).map(async (id) => {
        const response = await fetch(`${url}/v2/payments/${id}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const text = await response.text();
        if (response.status !== 200) {
          problems.push(`${id}: acknowledged ${last.get(id)?.status}, now ${response.status} ${text}`);
          return;
        }
        const stored = sessionOfText(text).status;
        const allowed = new Set([
          last.get(id)?.status,
          ...ledger.unknown.filter((u) => u.sessionId === id).map((u) => u.status),
        ]);
        if (!allowed.has(stored))
          problems.push(`${id}: acknowledged ${last.get(id)?.status}, stored ${stored}`);
      }),
    );
  }
  const creates = ledger.acks.filter((a) => a.replay !== undefined);
  for (let i = 0; i < creates.length; i += 20) {
    await Promise.all(
      creates.slice(i, i + 20).map(async ({ replay }) => {
        if (replay === undefined) return;
        const again = await post(url, token, "/v2/payments", replay.body, replay.requestId);
        if (again?.text !== replay.text)
          problems.push(`replay of ${replay.requestId}: ${again?.status} ${again?.text.slice(0, 200)}`);
      }),
    );
  }
  return { problems, sessions: ids.length, replays: creates.length };
};

/**
 * Kills per driver. A start of `pnpm start` costs about 10 s of CPU (PGlite's first one, which
 * runs initdb, about 20 s): one kill on PGlite, two on the server keep the file within its share of
 * the CI budget.
 */
const storages: ReadonlyArray<{ readonly name: string; readonly runIf: boolean; readonly kills: number }> = [
  { name: "pglite", runIf: true, kills: 1 },
  { name: "postgres", runIf: serverUrl !== undefined, kills: 2 },
];

for (const storage of storages) {
  describe.runIf(storage.runIf)(`kill -9 under load, restart on the same data (${storage.name})`, () => {
    let dataDir: string | undefined;
    let database: ServerDatabase | undefined;
    let running: ChildProvider | undefined;
    afterAll(async () => {
      await running?.kill9();
      if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
      await database?.drop();
    });

    const KILLS = storage.kills;
    it(`keeps every acknowledged write through ${KILLS} kill(s)`, async () => {
      const next = random(seed + (storage.name === "pglite" ? 0 : 1));
      let where: ChildStorage;
      if (storage.name === "pglite") {
        dataDir = mkdtempSync(join(tmpdir(), "provider-kill-"));
        where = { dataDir };
      } else {
        database = await createServerDatabase("provider_kill");
        where = { databaseUrl: database.url() };
      }
      const ledger: Ledger = { acks: [], unknown: [], requests: 0, answered: 0 };
      const started = performance.now();
      const starts: number[] = [];
      const checks: string[] = [];
      for (let kill = 0; kill < KILLS; kill++) {
        running = await startChildProvider(where);
        starts.push(running.startMs);
        if (kill > 0) {
          // The writes of the rounds before are all there.
          const { problems, sessions, replays } = await check(running.url, ledger);
          checks.push(`after kill ${kill}: ${sessions} sessions, ${replays} replays`);
          expect(problems).toEqual([]);
        }
        const token = await tokenOf(running.url);
        let stopped = false;
        const clients = Array.from({ length: CLIENTS }, (_, i) =>
          client(running?.url ?? "", token, ledger, `k${kill}c${i}`, () => stopped),
        );
        // Under load: at least MIN_ACKS writes of this round acknowledged, then a seeded moment more.
        const before = ledger.acks.length;
        const until = performance.now() + 60_000;
        while (ledger.acks.length - before < MIN_ACKS && performance.now() < until)
          await new Promise((resolve) => setTimeout(resolve, 20));
        await new Promise((resolve) => setTimeout(resolve, Math.floor(next() * 800)));
        await running.kill9();
        running = undefined;
        stopped = true;
        await Promise.all(clients);
      }
      running = await startChildProvider(where);
      starts.push(running.startMs);
      const { problems, sessions, replays } = await check(running.url, ledger);
      checks.push(`after kill ${KILLS}: ${sessions} sessions, ${replays} replays`);
      await running.stop();
      running = undefined;
      console.log(
        `[kill -9 ${storage.name}] seed ${seed}: ${ledger.requests} requests, ${ledger.answered} answered (${ledger.acks.length} acknowledged writes), ${ledger.unknown.length} in flight at a kill, ${KILLS} kills; ${checks.join("; ")}; starts ${starts.join(", ")} ms; ${Math.round(performance.now() - started)} ms`,
      );
      expect(problems).toEqual([]);
      expect(ledger.acks.length).toBeGreaterThanOrEqual(KILLS * MIN_ACKS);
      expect(ledger.unknown.length + ledger.requests - ledger.answered).toBeGreaterThan(0);
    }, 300_000);
  });
}
