/**
 * Two provider instances on one PostgreSQL database (a database of the test's own on the server of
 * `DATABASE_URL`), each with its own pool, HTTP server, expiry sweeper and webhook dispatcher running
 * every 50 ms: for each of a number of sessions, confirms, cancels, simulated payments and reads go
 * to both instances at once while the session's expiry passes (the sweepers of both, and explicit
 * sweeps, race them). Each session must end in exactly one outcome that both instances report alike,
 * every answer must agree with it, the outbox must hold exactly one event for the status change,
 * and the webhooks must be delivered at least once each, to a well-behaved receiver and to a slow one
 * (first answer after the delivery timeout: outcome unknown), by the invariants of
 * `support/deliveryInvariants.ts`, which hold at any load: a busy machine can make a prompt answer
 * miss the timeout too, and then that callback is rightly sent again ("once each" is not an invariant).
 *
 * The plan of every round comes from a seeded generator (`FC_SEED`, printed).
 */
import { PaymentSessionResponse } from "@payment-session/core";
import { Schema } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestClock,
  listWebhooks,
  type Merchant,
  type RunningProvider,
  type StartProviderOptions,
  startProvider,
} from "../src/index.js";
import { type CallbackRow, deliveryProblems, type RecordedAttempt } from "./support/deliveryInvariants.js";
import { T0, vaCreateBody } from "./support/provider.js";
import { type Receiver, startReceiver } from "./support/receiver.js";
import { createServerDatabase, type ServerDatabase, serverUrl } from "./support/serverDatabase.js";

const seed = Number(process.env.FC_SEED ?? 20261130);
const ROUNDS = 40;
const DELIVERY_TIMEOUT_MS = 300;
const SLOW_FIRST_ANSWER_MS = 800;
const LEASE_MS = 24 * 60 * 60_000;
/** How long the webhook phase may wait for the dispatchers (a cap against hanging, not a timing assertion). */
const DELIVERY_WAIT_CAP_MS = 60_000;

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

type Kind = "confirm" | "cancel" | "pay" | "get";

interface Reply {
  readonly kind: Kind;
  readonly instance: "a" | "b";
  readonly status: number | "no answer";
  readonly body: unknown;
}

const merchant = (id: string, receiver: Receiver): Merchant => ({
  id,
  secret: `${id}-secret`,
  name: id,
  callbackApiKey: `${id}-key`,
  callbackUrl: receiver.url(`/${id}`),
});

const statusOf = (body: unknown): string | undefined => {
  const decoded = Schema.decodeUnknownOption(PaymentSessionResponse)(body);
  return decoded._tag === "Some" ? decoded.value.data.status : undefined;
};

const simulationResult = (body: unknown): string | undefined => {
  if (typeof body !== "object" || body === null || !("data" in body)) return undefined;
  const data: unknown = body.data;
  return typeof data === "object" && data !== null && "result" in data ? String(data.result) : undefined;
};

const deliveryKey = (body: unknown): string => {
  if (typeof body !== "object" || body === null || !("event" in body) || !("data" in body)) return "?";
  const data: unknown = body.data;
  const id = typeof data === "object" && data !== null && "id" in data ? String(data.id) : "?";
  return `${id}:${String(body.event)}`;
};

/** The session statuses an answer may show when the session ends in `final`. */
const pathTo: Record<string, ReadonlyArray<string>> = {
  PAID: ["REQUIRE_CONFIRMATION", "REQUIRE_ACTION", "PAID"],
  CANCELLED: ["REQUIRE_CONFIRMATION", "REQUIRE_ACTION", "CANCELLED"],
  EXPIRED: ["REQUIRE_CONFIRMATION", "REQUIRE_ACTION", "EXPIRED"],
};

/** The one webhook event of each final status (decision W1). */
const eventOf: Record<string, string> = {
  PAID: "PAYMENT.PAID",
  CANCELLED: "PAYMENT.CANCELLED",
  EXPIRED: "PAYMENT.CANCELLED",
};

/** What is wrong with one round; empty when it is consistent. */
const roundProblems = (
  final: { readonly a: unknown; readonly b: unknown },
  replies: ReadonlyArray<Reply>,
  events: ReadonlyArray<string>,
): string[] => {
  const problems: string[] = [];
  const status = statusOf(final.a);
  if (JSON.stringify(final.a) !== JSON.stringify(final.b))
    problems.push("the instances disagree on the session");
  if (status === undefined || pathTo[status] === undefined) return [...problems, `final status ${status}`];
  const ok = (kind: Kind) => replies.filter((r) => r.kind === kind && r.status === 200);
  for (const reply of replies) {
    if (reply.status === "no answer" || reply.status >= 500)
      problems.push(`${reply.kind} on ${reply.instance}: ${reply.status} ${JSON.stringify(reply.body)}`);
    const shown = reply.status === 200 && reply.kind !== "pay" ? statusOf(reply.body) : undefined;
    if (shown !== undefined && !pathTo[status]?.includes(shown))
      problems.push(`${reply.kind} on ${reply.instance} answered ${shown}, the session ended ${status}`);
  }
  const confirmed = ok("confirm").length;
  const cancelled = ok("cancel").length;
  const applied = ok("pay").filter((r) => simulationResult(r.body) === "APPLIED").length;
  const late = ok("pay").filter((r) => simulationResult(r.body) === "RECORDED_LATE").length;
  if (confirmed > 1) problems.push(`${confirmed} confirms accepted`);
  if (cancelled !== (status === "CANCELLED" ? 1 : 0))
    problems.push(`${cancelled} cancels accepted, ended ${status}`);
  if (applied !== (status === "PAID" ? 1 : 0)) problems.push(`${applied} payments applied, ended ${status}`);
  if (late > 0 && status === "PAID") problems.push("a payment recorded late into a paid session");
  if (applied + late > 0 && confirmed === 0) problems.push("a payment accepted without a confirmed charge");
  const expected = [eventOf[status]];
  if (JSON.stringify(events) !== JSON.stringify(expected))
    problems.push(`outbox ${JSON.stringify(events)}, expected ${JSON.stringify(expected)}`);
  return problems;
};

describe.runIf(serverUrl !== undefined)("two provider instances on one PostgreSQL database", () => {
  const clock = createTestClock(T0);
  let database: ServerDatabase;
  let receiver: Receiver;
  let a: RunningProvider;
  let b: RunningProvider;
  /** Every delivery attempt either dispatcher reported, in order. */
  const recorded: RecordedAttempt[] = [];

  beforeAll(async () => {
    database = await createServerDatabase("provider_instances");
    receiver = await startReceiver();
    receiver.behave("/slow-merchant", { kind: "slow", delayMs: SLOW_FIRST_ANSWER_MS, firstOnly: true });
    const options: StartProviderOptions = {
      databaseUrl: database.url(),
      clock,
      merchants: [merchant("prompt-merchant", receiver), merchant("slow-merchant", receiver)],
      background: { intervalMs: 50 },
      // The test clock jumps 15 minutes per round in a few milliseconds; a lease of a day keeps a
      // delivery in flight across a jump claimed, as the wall clock's 60 s lease does in production.
      dispatch: {
        timeoutMs: DELIVERY_TIMEOUT_MS,
        leaseMs: LEASE_MS,
        onAttempt: async ({ row, result }) => {
          recorded.push({ outboxId: row.id, outcome: result._tag });
        },
      },
    };
    a = await startProvider(options);
    b = await startProvider(options);
  }, 30_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await receiver?.close();
    await database?.drop();
  });

  const call = async (
    instance: "a" | "b",
    merchantId: string,
    kind: Kind,
    method: "GET" | "POST",
    path: string,
    body?: unknown,
  ): Promise<Reply> => {
    const provider = instance === "a" ? a : b;
    try {
      const response = await fetch(`${provider.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${provider.issueAccessToken(merchantId)}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
      return { kind, instance, status: response.status, body: JSON.parse(await response.text()) };
    } catch (error) {
      return { kind, instance, status: "no answer", body: String(error) };
    }
  };

  it(`races confirm, cancel, pay and expiry on ${ROUNDS} sessions across both instances: one outcome each, every webhook delivered, re-sent only after an unknown outcome`, async () => {
    console.log(`[two instances] seed ${seed} (FC_SEED=${seed} to replay)`);
    const next = random(seed);
    const started = performance.now();
    const outcomes: Record<string, number> = {};
    const statuses: Record<string, number> = {};
    const problems: string[] = [];
    let requests = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const merchantId = round % 2 === 0 ? "prompt-merchant" : "slow-merchant";
      const pick = (): "a" | "b" => (next() < 0.5 ? "a" : "b");
      const created = await call(
        pick(),
        merchantId,
        "get",
        "POST",
        "/v2/payments",
        vaCreateBody({ autoConfirm: false, clientReferenceId: `race-${round}` }),
      );
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      const session = Schema.decodeUnknownSync(PaymentSessionResponse)(created.body).data;
      const expiry = Date.parse(session.expiryAt ?? "");
      clock.set(expiry - 5);
      const id = session.id;
      const plan: Array<() => Promise<Reply>> = [];
      const add = (count: number, make: () => Promise<Reply>) => {
        for (let i = 0; i < count; i++) plan.push(make);
      };
      add(1 + Math.floor(next() * 3), () =>
        call(pick(), merchantId, "confirm", "POST", `/v2/payments/${id}/confirm`, {
          paymentMethod: { type: "VIRTUAL_ACCOUNT" },
          paymentMethodOptions: { virtualAccount: { channel: "BRI" } },
        }),
      );
      add(Math.floor(next() * 3), () =>
        call(pick(), merchantId, "cancel", "POST", `/v2/payments/${id}/cancel`, {
          cancellationReason: "DUPLICATED",
        }),
      );
      add(1 + Math.floor(next() * 3), () =>
        call(pick(), merchantId, "pay", "POST", "/v2/payments/simulations", {
          paymentSessionId: id,
          chargeStatus: "SUCCESS",
        }),
      );
      add(2, () => call(pick(), merchantId, "get", "GET", `/v2/payments/${id}`));
      // Two waves, a gap between them; in some rounds the expiry passes in the gap (both sweepers
      // run, and both instances sweep explicitly while the second wave is under way).
      const waves = plan.map((make) => ({ make, wave: next() < 0.5 ? 1 : 2 }));
      const gapMs = Math.floor(next() * 30);
      const expireInGap = next() < 0.4;
      const first = waves.filter((w) => w.wave === 1).map((w) => w.make());
      await new Promise((resolve) => setTimeout(resolve, gapMs));
      if (expireInGap) clock.set(expiry);
      const second = waves.filter((w) => w.wave === 2).map((w) => w.make());
      const sweeps = expireInGap ? [a.sweepExpired(), b.sweepExpired()] : [];
      const replies = await Promise.all([...first, ...second]);
      await Promise.all(sweeps);
      clock.set(expiry + 1000);
      await Promise.all([a.sweepExpired(), b.sweepExpired()]);
      const [finalA, finalB] = await Promise.all([
        call("a", merchantId, "get", "GET", `/v2/payments/${id}`),
        call("b", merchantId, "get", "GET", `/v2/payments/${id}`),
      ]);
      requests += 3 + replies.length;
      for (const reply of replies) {
        const key = `${reply.kind} ${reply.status}`;
        statuses[key] = (statuses[key] ?? 0) + 1;
      }
      const events = (await listWebhooks(a.services.db, merchantId, id)).map((row) => row.event);
      const found = roundProblems({ a: finalA.body, b: finalB.body }, replies, events);
      const final = statusOf(finalA.body) ?? "?";
      outcomes[final] = (outcomes[final] ?? 0) + 1;
      problems.push(...found.map((p) => `round ${round} (${id}): ${p}`));
    }
    const racedMs = Math.round(performance.now() - started);

    // Every webhook: first attempts (the slow merchant's time out: outcome unknown), then the retries
    // (W2: 5 min, 15 min, … after a failed attempt): whenever no delivery is in flight and none is
    // due, the clock moves to the next retry; both dispatchers at work throughout. On a busy machine
    // a prompt delivery can time out too and take a retry more: the invariants below allow it.
    const outbox = async () => {
      const { rows } = await a.services.db.query<{
        id: number;
        session_id: string;
        event: string;
        status: string;
        attempts: number;
        next_attempt_at: unknown;
      }>(
        "SELECT id, session_id::text AS session_id, event, status, attempts, next_attempt_at FROM webhook_outbox ORDER BY id",
      );
      return rows.map((row) => ({
        id: Number(row.id),
        key: `${row.session_id}:${row.event}`,
        status: row.status,
        attempts: Number(row.attempts),
      }));
    };
    const pendingDue = async () => {
      const { rows } = await a.services.db.query<{ leased: string; due: string; next: unknown }>(
        `SELECT count(*) FILTER (WHERE next_attempt_at > $1::bigint) AS leased,
                count(*) FILTER (WHERE next_attempt_at <= $2::bigint) AS due,
                min(next_attempt_at) AS next
           FROM (SELECT (extract(epoch FROM next_attempt_at) * 1000)::bigint AS next_attempt_at
                   FROM webhook_outbox WHERE status = 'pending') AS p`,
        [clock.now() + LEASE_MS / 2, clock.now()],
      );
      const row = rows[0];
      return {
        leased: Number(row?.leased ?? 0),
        due: Number(row?.due ?? 0),
        next: row?.next === null || row?.next === undefined ? undefined : Number(row.next),
      };
    };
    const waitCap = performance.now() + DELIVERY_WAIT_CAP_MS;
    for (;;) {
      const state = await pendingDue();
      if (state.leased === 0 && state.due === 0) {
        if (state.next === undefined) break;
        clock.set(state.next + 1000);
      }
      if (performance.now() > waitCap) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const rows: ReadonlyArray<CallbackRow> = await outbox();
    const receipts = receiver.receipts.map((r) => deliveryKey(r.body));
    const slowKeys = new Set(
      receiver.receipts.filter((r) => r.path === "/slow-merchant").map((r) => deliveryKey(r.body)),
    );
    const counts = receiver.countBy(deliveryKey);
    const byMerchant = (path: string) => {
      const keys = new Set(receiver.receipts.filter((r) => r.path === path).map((r) => deliveryKey(r.body)));
      return [...keys].map((key) => counts.get(key) ?? 0);
    };
    const prompt = byMerchant("/prompt-merchant");
    const slow = byMerchant("/slow-merchant");
    const attemptsOf = (outcome: string) => recorded.filter((r) => r.outcome === outcome).length;
    const figures = {
      seed,
      rounds: ROUNDS,
      requests,
      statuses,
      outcomes,
      outbox: rows.length,
      attempts: {
        delivered: attemptsOf("delivered"),
        retry: attemptsOf("retry"),
        rejected: attemptsOf("rejected"),
      },
      promptDeliveries: prompt.reduce((n, c) => n + c, 0),
      promptEvents: prompt.length,
      slowDeliveries: slow.reduce((n, c) => n + c, 0),
      slowEvents: slow.length,
      racedMs,
      tookMs: Math.round(performance.now() - started),
    };
    console.log(`[two instances] ${JSON.stringify(figures)}`);
    expect(problems).toEqual([]);
    expect(rows.length, "one callback per round").toBe(ROUNDS);
    expect(
      deliveryProblems({
        rows,
        attempts: recorded,
        receipts,
        slowFirstAnswer: (key) => slowKeys.has(key),
      }),
    ).toEqual([]);
    expect(slow.length, "the slow merchant's callbacks").toBe(ROUNDS / 2);
    expect(Object.keys(outcomes).length).toBeGreaterThanOrEqual(2);
  }, 90_000);
});
