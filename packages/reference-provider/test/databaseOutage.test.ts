/**
 * A PostgreSQL outage (decision H7), played by a TCP proxy between the provider and the server of `DATABASE_URL`
 * (never the server itself), on a database the test creates and drops: while the proxy refuses
 * connections (server down) or swallows every byte (network partition), every request that needs
 * the database answers 503 `service_unavailable` in the envelope within a bounded time instead of
 * hanging or answering 500; once the proxy carries bytes again, the provider serves again by
 * itself, with the data written before the outage intact. The sweeper and the dispatcher run in
 * the background throughout.
 *
 * The database handle is opened with the connect and query timeouts lowered (1.5 s, 2 s; by
 * default 5 s, 10 s), as the webhook tests lower the delivery timeout.
 */
import { PaymentSessionResponse } from "@payment-session/core";
import { Schema } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Database,
  demoMerchant,
  openDatabase,
  type RunningProvider,
  startProvider,
} from "../src/index.js";
import { vaCreateBody } from "./support/provider.js";
import {
  createServerDatabase,
  type ServerDatabase,
  serverAddress,
  serverUrl,
} from "./support/serverDatabase.js";
import { type CutMode, startTcpProxy, type TcpProxy } from "./support/tcpProxy.js";

/** The longest a request may take to answer while the database is cut. */
const BOUND_MS = 6000;

interface Timed {
  readonly label: string;
  readonly status: number | "no answer";
  readonly body: unknown;
  readonly ms: number;
}

describe.runIf(serverUrl !== undefined)("a PostgreSQL outage through a proxy the test cuts", () => {
  let database: ServerDatabase;
  let proxy: TcpProxy;
  let db: Database;
  let provider: RunningProvider;

  beforeAll(async () => {
    database = await createServerDatabase("provider_outage");
    proxy = await startTcpProxy(serverAddress());
    db = await openDatabase({
      url: database.url({ host: "127.0.0.1", port: proxy.port }),
      connectTimeoutMs: 1500,
      queryTimeoutMs: 2000,
      poolSize: 4,
    });
    provider = await startProvider({ db, background: { intervalMs: 200 } });
  }, 30_000);
  afterAll(async () => {
    await provider?.close();
    await db?.close();
    await proxy?.close();
    await database?.drop();
  });

  const call = async (
    label: string,
    method: "GET" | "POST",
    path: string,
    body?: unknown,
    requestId?: string,
  ) => {
    const started = performance.now();
    try {
      const response = await fetch(`${provider.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${provider.issueAccessToken(demoMerchant.id)}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...(requestId === undefined ? {} : { "x-request-id": requestId }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
      const text = await response.text();
      return {
        label,
        status: response.status,
        body: JSON.parse(text),
        ms: performance.now() - started,
      } as Timed;
    } catch (error) {
      return { label, status: "no answer", body: String(error), ms: performance.now() - started } as Timed;
    }
  };

  const create = (n: number) =>
    call(
      `create ${n}`,
      "POST",
      "/v2/payments",
      vaCreateBody({ clientReferenceId: `outage-${n}` }),
      `outage-${n}-${Math.random()}`,
    );
  const sessionId = (reply: Timed): string =>
    Schema.decodeUnknownSync(PaymentSessionResponse)(reply.body).data.id;

  /** A mix of reads and writes, all at once. */
  const burst = (id: string, round: string): Promise<Timed[]> =>
    Promise.all([
      ...Array.from({ length: 4 }, (_, i) => create(i)),
      ...Array.from({ length: 3 }, (_, i) => call(`get ${i}`, "GET", `/v2/payments/${id}`)),
      call("list", "GET", "/v2/payments?perPage=10"),
      call(
        "cancel",
        "POST",
        `/v2/payments/${id}/cancel`,
        { cancellationReason: "DUPLICATED" },
        `cancel-${round}`,
      ),
      ...Array.from({ length: 3 }, (_, i) =>
        call(`pay ${i}`, "POST", "/v2/payments/simulations", {
          paymentSessionId: id,
          chargeStatus: "SUCCESS",
        }),
      ),
    ]);

  it.each<CutMode>(["refuse", "blackhole"])(
    "cut (%s): 503 in the envelope within the bound, then back to serving by itself",
    async (mode) => {
      const before = await create(100);
      expect(before.status).toBe(200);
      const id = sessionId(before);

      await proxy.cut(mode);
      const cutAt = performance.now();
      let during: Timed[];
      try {
        during = await burst(id, mode);
      } finally {
        await proxy.restore();
      }
      const restoredAt = performance.now();
      const summary = during.map((r) => `${r.label}: ${r.status} in ${Math.round(r.ms)} ms`);
      console.log(`[outage ${mode}] while cut: ${summary.join("; ")}`);
      for (const reply of during) {
        expect(reply.status, `${reply.label}: ${JSON.stringify(reply.body)}`).toBe(503);
        expect(reply.body).toMatchObject({
          code: "service_unavailable",
          error: { type: "GATEWAY_ERROR", traceId: expect.any(String) },
        });
        expect(reply.ms).toBeLessThan(BOUND_MS);
      }

      let first: Timed | undefined;
      while (performance.now() - restoredAt < 15_000) {
        first = await call("get", "GET", `/v2/payments/${id}`);
        if (first.status === 200) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const recoveredMs = Math.round(performance.now() - restoredAt);
      expect(first?.status).toBe(200);
      const after = await burst(id, `${mode}-after`);
      // Reads and creates succeed; the cancel and the payments race each other (200 or 422).
      for (const reply of after) {
        const expected = /^(create|get|list)/.test(reply.label) ? [200] : [200, 422];
        expect(expected, `${reply.label}: ${JSON.stringify(reply.body)}`).toContain(reply.status);
      }
      console.log(
        `[outage ${mode}] ${during.length} requests while cut for ${Math.round(restoredAt - cutAt)} ms: all 503, slowest ${Math.round(
          Math.max(...during.map((r) => r.ms)),
        )} ms; served again ${recoveredMs} ms after the restore; ${after.length} requests after: ${after.map((r) => r.status).join(",")}`,
      );
    },
    60_000,
  );
});
