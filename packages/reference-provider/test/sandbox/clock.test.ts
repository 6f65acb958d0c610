/**
 * The sandbox test clock (decision S1): `POST /_sandbox/clock` moves the time of every instance on
 * the database, and expiry, webhook retries and the idempotency window follow it through the same
 * code as real time. Two providers share one PGlite database, each on its own test clock at T0.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createTestClock,
  type Database,
  type DeliveryResult,
  demoMerchant,
  openDatabase,
  type RunningProvider,
  startProvider,
  storeTables,
  type TestClock,
} from "../../src/index.js";
import { envelopeOf, HOUR, httpClient, MINUTE, sessionOf, T0, vaCreateBody } from "../support/provider.js";

interface Sent {
  readonly event: string;
}

describe("sandbox test clock", () => {
  let db: Database;
  let a: RunningProvider;
  let b: RunningProvider;
  let plain: RunningProvider;
  let clockA: TestClock;
  let clockB: TestClock;
  const sent: Sent[] = [];
  const answers: Array<DeliveryResult["_tag"]> = [];
  const send = async ({ payload }: { readonly payload: unknown }): Promise<DeliveryResult> => {
    sent.push({ event: String((payload as { event?: unknown }).event) });
    const next = answers.shift() ?? "delivered";
    return next === "delivered" ? { _tag: "delivered" } : { _tag: "retry", error: "HTTP 503" };
  };

  beforeAll(async () => {
    db = await openDatabase({ memory: true });
    const merchants = [{ ...demoMerchant, callbackUrl: "http://receiver.invalid/callbacks" }];
    clockA = createTestClock(T0);
    clockB = createTestClock(T0);
    a = await startProvider({ db, clock: clockA, merchants, sandbox: {}, dispatch: { send } });
    b = await startProvider({ db, clock: clockB, merchants, sandbox: {}, dispatch: { send } });
    plain = await startProvider({ db, clock: createTestClock(T0), merchants });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await plain.close();
    await db.close();
  });
  beforeEach(async () => {
    await db.query(`TRUNCATE ${storeTables.join(", ")} RESTART IDENTITY CASCADE`);
    sent.length = 0;
    answers.length = 0;
  });

  const httpA = httpClient(() => a);
  const httpB = httpClient(() => b);
  const moveA = (body: unknown) => httpA.post("/_sandbox/clock", body, { merchant: null });

  it("moves every instance: a session expires, PAYMENT.CANCELLED is sent, the other instance reads the same time", async () => {
    // Each provider's own test clock restarts at T0 plus the offset it has applied (monotonic).
    const before = (await httpA.get("/_sandbox/clock", { merchant: null })).body as { now: string };
    const created = sessionOf(await httpA.post("/v2/payments", vaCreateBody()));
    expect(created.status).toBe("REQUIRE_ACTION");

    const moved = await moveA({ advanceSeconds: 3600 });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const state = moved.body as { now: string; offsetSeconds: number; expiredSessions: number };
    expect(Date.parse(state.now) - Date.parse(before.now)).toBe(HOUR);
    expect(state.expiredSessions).toBe(1);
    expect(sent.map((s) => s.event)).toEqual(["PAYMENT.CANCELLED"]);

    // B has not loaded the offset yet: its GET of the clock loads it, then its API reads it.
    const bClock = (await httpB.get("/_sandbox/clock", { merchant: null })).body as { now: string };
    expect(bClock.now).toBe(state.now);
    const onB = sessionOf(await httpB.get(`/v2/payments/${created.id}`));
    expect(onB.status).toBe("EXPIRED");
  });

  it("a failed webhook is retried when the clock reaches the W2 delay, not before", async () => {
    answers.push("retry");
    const created = sessionOf(await httpA.post("/v2/payments", vaCreateBody()));
    await httpA.post("/v2/payments/simulations", {
      paymentSessionId: created.id,
      chargeStatus: "SUCCESS",
      amount: { value: 20000, currency: "IDR" },
    });
    await a.dispatchDue();
    expect(sent.map((s) => s.event)).toEqual(["PAYMENT.PAID"]);
    await moveA({ advanceSeconds: 4 * 60 });
    expect(sent).toHaveLength(1);
    const moved = await moveA({ advanceSeconds: 60 });
    expect((moved.body as { webhooks: unknown }).webhooks).toEqual({ delivered: 1, retried: 0, manual: 0 });
    expect(sent.map((s) => s.event)).toEqual(["PAYMENT.PAID", "PAYMENT.PAID"]);
  });

  it("the 24 h idempotency window follows the clock", async () => {
    const first = sessionOf(await httpA.post("/v2/payments", vaCreateBody(), { requestId: "r-1" }));
    const replay = sessionOf(await httpA.post("/v2/payments", vaCreateBody(), { requestId: "r-1" }));
    expect(replay.id).toBe(first.id);
    await moveA({ advanceSeconds: 25 * 3600 });
    const later = sessionOf(await httpA.post("/v2/payments", vaCreateBody(), { requestId: "r-1" }));
    expect(later.id).not.toBe(first.id);
  });

  it("refuses a move backwards or a malformed body with 400 and the field path", async () => {
    const now = (await httpA.get("/_sandbox/clock", { merchant: null })).body as { now: string };
    const cases: ReadonlyArray<readonly [unknown, string]> = [
      [{ advanceSeconds: -60 }, "advanceSeconds"],
      [{ advanceSeconds: 1.5 }, "advanceSeconds"],
      [{ advanceSeconds: "60" }, "advanceSeconds"],
      [{ to: new Date(Date.parse(now.now) - MINUTE).toISOString() }, "to"],
      [{ to: "tomorrow" }, "to"],
      [{ advanceSeconds: 60, to: now.now }, ""],
      [{ advanceBy: 60 }, "advanceBy"],
      [[], ""],
    ];
    for (const [body, field] of cases) {
      const envelope = envelopeOf(await moveA(body), 400);
      expect(envelope.error.details?.[0]?.field, JSON.stringify(body)).toBe(field);
    }
    const after = (await httpA.get("/_sandbox/clock", { merchant: null })).body as { now: string };
    expect(after.now).toBe(now.now);
  });

  it("moves to an instant", async () => {
    const now = (await httpA.get("/_sandbox/clock", { merchant: null })).body as { now: string };
    const to = new Date(Date.parse(now.now) + 2 * HOUR).toISOString();
    const moved = await moveA({ to });
    expect((moved.body as { now: string }).now).toBe(to.replace(".000Z", "Z"));
  });

  it("is not mounted without the sandbox (contract-test mode)", async () => {
    const reply = await httpClient(() => plain).post(
      "/_sandbox/clock",
      { advanceSeconds: 60 },
      { merchant: null },
    );
    expect(reply.status).toBe(404);
  });
});
