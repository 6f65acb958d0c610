/**
 * The sandbox's record of what happened (decision S4), through its API: the webhook ledger holds
 * every delivery attempt (URL, status code, latency, answer, the next retry on the W2 schedule);
 * a test event is `{ event: "PAYMENT.TEST", data: <payment session> }`; a session's timeline holds
 * every event applied — by a write, a lazy read and the sweeper — with transitions that are the
 * machines' own. Each check also runs against a defect it must catch (a ledger that drops retried
 * attempts, a test event without a session, a transition the machines do not have).
 */
import {
  formatTransitionKey,
  millisToInstant,
  PaymentSession,
  transitionUniverse,
} from "@payment-session/core";
import { Schema } from "effect";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createTestClock,
  demoMerchant,
  type RunningProvider,
  recordWebhookAttempt,
  type SandboxOptions,
  startProvider,
  storeTables,
  type TestClock,
  testEventPayload,
} from "../../src/index.js";
import { envelopeOf, httpClient, MINUTE, sessionOf, T0, vaCreateBody } from "../support/provider.js";
import { type Receiver, startReceiver } from "../support/receiver.js";

interface AttemptJson {
  readonly event: string;
  readonly kind: string;
  readonly url: string;
  readonly outcome: string;
  readonly statusCode: number | null;
  readonly latencyMs: number;
  readonly responseBody: string | null;
  readonly attemptedAt: string;
  readonly nextAttemptAt: string | null;
}

interface TimelineJson {
  readonly events: ReadonlyArray<{
    readonly event: string;
    readonly statusBefore: string | null;
    readonly statusAfter: string;
    readonly transitions: ReadonlyArray<string>;
  }>;
}

/** Every attempt of a delivery failed twice (503) then taken, oldest first, with the W2 retries. */
const checkLedger = (attempts: ReadonlyArray<AttemptJson>, url: string) => {
  expect(attempts.map((a) => [a.event, a.kind, a.statusCode, a.outcome])).toEqual([
    ["PAYMENT.PAID", "dispatch", 503, "retry"],
    ["PAYMENT.PAID", "dispatch", 503, "retry"],
    ["PAYMENT.PAID", "dispatch", 200, "delivered"],
  ]);
  expect(attempts.map((a) => a.nextAttemptAt)).toEqual([
    millisToInstant(T0 + 5 * MINUTE),
    millisToInstant(T0 + 5 * MINUTE + 15 * MINUTE),
    null,
  ]);
  for (const a of attempts) {
    expect(a.url).toBe(url);
    expect(a.latencyMs).toBeGreaterThanOrEqual(0);
    expect(a.responseBody).toBe("{}");
  }
};

/** The test event's body: the callbacks' envelope, `data` a payment session the core's schema reads. */
const checkTestEvent = (body: unknown) => {
  expect(body).toMatchObject({ event: "PAYMENT.TEST" });
  Schema.decodeUnknownSync(PaymentSession)((body as { data: unknown }).data);
};

const universe = new Set(transitionUniverse.map(formatTransitionKey));
/** Each transition of the timeline is one of the machines' (read from their definitions). */
const checkTransitions = (timeline: TimelineJson) => {
  for (const entry of timeline.events)
    for (const key of entry.transitions) expect(universe.has(key), `${entry.event}: ${key}`).toBe(true);
};

describe("sandbox dashboard API", () => {
  let receiver: Receiver;
  let clock: TestClock;
  let provider: RunningProvider;
  let defective: RunningProvider;
  const http = httpClient(() => provider);
  const sandboxGet = async (path: string, on = provider) => {
    const response = await fetch(`${on.url}${path}`);
    return { status: response.status, headers: response.headers, body: (await response.json()) as unknown };
  };
  const sandboxPost = async (path: string, on = provider) => {
    const response = await fetch(`${on.url}${path}`, { method: "POST" });
    return { status: response.status, headers: response.headers, body: (await response.json()) as unknown };
  };

  const start = (sandbox: SandboxOptions) =>
    startProvider({
      memory: true,
      clock,
      merchants: [{ ...demoMerchant, callbackUrl: receiver.url("/hooks") }],
      sandbox,
    });

  beforeAll(async () => {
    receiver = await startReceiver();
    clock = createTestClock(T0);
    provider = await start({});
    // The defect: a ledger that drops the dispatcher's failed attempts.
    defective = await start({
      ledger: {
        record: (db, attempt) =>
          attempt.kind === "dispatch" && attempt.outcome !== "delivered"
            ? Promise.resolve(0)
            : recordWebhookAttempt(db, attempt),
      },
    });
  });
  afterAll(async () => {
    await provider?.close();
    await defective?.close();
    await receiver?.close();
  });
  beforeEach(async () => {
    clock.set(T0);
    receiver.clear();
    receiver.behave("/hooks", { kind: "ok" });
    for (const p of [provider, defective])
      await p.services.db.query(`TRUNCATE ${storeTables.join(", ")} RESTART IDENTITY CASCADE`);
  });

  /** A paid VA session whose PAYMENT.PAID the receiver refuses twice (503), then takes. */
  const paidThenDelivered = async (on: RunningProvider) => {
    const client = httpClient(() => on);
    const session = sessionOf(
      await client.post("/v2/payments", vaCreateBody({ clientReferenceId: "ledger-1" })),
    );
    await client.post("/v2/payments/simulations", { paymentSessionId: session.id, chargeStatus: "SUCCESS" });
    receiver.behave("/hooks", { kind: "status", status: 503 });
    await on.dispatchDue(T0);
    await on.dispatchDue(T0 + 5 * MINUTE);
    receiver.behave("/hooks", { kind: "ok" });
    await on.dispatchDue(T0 + 20 * MINUTE);
    const ledger = await sandboxGet(`/_sandbox/webhooks?merchantId=${demoMerchant.id}`, on);
    return [...(ledger.body as { data: ReadonlyArray<AttemptJson> }).data].reverse();
  };

  it("holds every delivery attempt with URL, status code, latency, answer and the next retry (W2)", async () => {
    checkLedger(await paidThenDelivered(provider), receiver.url("/hooks"));
  });

  it("catches a ledger that drops failed attempts", async () => {
    const attempts = await paidThenDelivered(defective);
    expect(() => checkLedger(attempts, receiver.url("/hooks"))).toThrow();
  });

  it("sends PAYMENT.TEST as { event, data: <payment session> } and answers what the receiver said", async () => {
    receiver.behave("/hooks", { kind: "status", status: 418 });
    const sent = await sandboxPost(`/_sandbox/webhooks/test?merchantId=${demoMerchant.id}`);
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({
      event: "PAYMENT.TEST",
      kind: "test",
      statusCode: 418,
      outcome: "rejected",
    });
    expect(receiver.receipts).toHaveLength(1);
    checkTestEvent(receiver.receipts[0]?.body);
    // A test event is never retried: no outbox row.
    const { rows } = await provider.services.db.query("SELECT id FROM webhook_outbox");
    expect(rows).toHaveLength(0);
  });

  it("catches a test event whose data is not a payment session", () => {
    const { data, ...rest } = testEventPayload(T0);
    expect(() => checkTestEvent({ ...rest, data: { ...data, id: undefined } })).toThrow();
    expect(() => checkTestEvent({ event: "PAYMENT.PAID", data })).toThrow();
  });

  it("records every applied event with the machines' transitions: a write, a lazy read, the sweeper", async () => {
    const paid = sessionOf(await http.post("/v2/payments", vaCreateBody({ clientReferenceId: "t-paid" })));
    await http.post("/v2/payments/simulations", { paymentSessionId: paid.id, chargeStatus: "SUCCESS" });
    const lazy = sessionOf(await http.post("/v2/payments", vaCreateBody({ clientReferenceId: "t-lazy" })));
    const swept = sessionOf(await http.post("/v2/payments", vaCreateBody({ clientReferenceId: "t-swept" })));
    clock.advance(16 * MINUTE);
    expect(sessionOf(await http.get(`/v2/payments/${lazy.id}`)).status).toBe("EXPIRED");
    expect(await provider.sweepExpired()).toBe(1);
    const timeline = async (id: string) =>
      (
        (await sandboxGet(`/_sandbox/sessions/${id}/timeline?merchantId=${demoMerchant.id}`)).body as {
          data: TimelineJson;
        }
      ).data;
    const paidLine = await timeline(paid.id);
    expect(paidLine.events.map((e) => [e.event, e.statusBefore, e.statusAfter])).toEqual([
      ["CREATE", null, "REQUIRE_ACTION"],
      ["PAYMENT_RECEIVED", "REQUIRE_ACTION", "PAID"],
    ]);
    expect(paidLine.events[1]?.transitions).toContain("session REQUIRE_ACTION PAYMENT_RECEIVED →PAID");
    for (const id of [lazy.id, swept.id]) {
      const line = await timeline(id);
      expect(line.events.map((e) => e.event)).toEqual(["CREATE", "EXPIRE"]);
      expect(line.events[1]?.transitions).toContain("session REQUIRE_ACTION EXPIRE →EXPIRED");
      checkTransitions(line);
    }
    checkTransitions(paidLine);
    // The check knows the machines: a transition they do not have is caught.
    const forged = {
      events: [{ ...paidLine.events[1], transitions: ["session REQUIRE_ACTION PAYMENT_RECEIVED →EXPIRED"] }],
    };
    expect(() => checkTransitions(forged as TimelineJson)).toThrow();
  });

  it("filters sessions by status and reference; the status as of now", async () => {
    const a = sessionOf(await http.post("/v2/payments", vaCreateBody({ clientReferenceId: "f-1" })));
    await http.post("/v2/payments/simulations", { paymentSessionId: a.id, chargeStatus: "SUCCESS" });
    // b is created a second later: at one instant "newest first" ties and falls back to the id's
    // order (created_at DESC, id DESC), which is random with random UUIDs.
    clock.advance(1000);
    const b = sessionOf(await http.post("/v2/payments", vaCreateBody({ clientReferenceId: "f-2" })));
    clock.advance(16 * MINUTE);
    const ids = async (query: string) =>
      (
        (await sandboxGet(`/_sandbox/sessions?merchantId=${demoMerchant.id}${query}`)).body as {
          data: ReadonlyArray<{ id: string }>;
        }
      ).data.map((s) => s.id);
    expect(await ids("")).toEqual([b.id, a.id]);
    expect(await ids("&status=PAID")).toEqual([a.id]);
    expect(await ids("&status=EXPIRED")).toEqual([b.id]);
    expect(await ids("&clientReferenceId=f-2")).toEqual([b.id]);
    const page = await (await fetch(`${provider.url}/dashboard?status=EXPIRED`)).text();
    expect(page).toContain(b.id);
    expect(page).not.toContain(a.id);
  });

  it("answers bad input 400 with the field, an unknown event 404, and changes nothing", async () => {
    envelopeOf(await sandboxGet("/_sandbox/webhooks"), 400);
    expect(
      (envelopeOf(await sandboxGet("/_sandbox/webhooks?merchantId=nobody"), 400).error.details ?? [])[0]
        ?.field,
    ).toBe("merchantId");
    const status = envelopeOf(
      await sandboxGet(`/_sandbox/sessions?merchantId=${demoMerchant.id}&status=PAYED`),
      400,
    );
    expect(status.error.details?.[0]?.field).toBe("status");
    const id = envelopeOf(
      await sandboxPost(`/_sandbox/webhooks/abc/resend?merchantId=${demoMerchant.id}`),
      400,
    );
    expect(id.error.details?.[0]?.field).toBe("id");
    envelopeOf(await sandboxPost(`/_sandbox/webhooks/99/resend?merchantId=${demoMerchant.id}`), 404);
    expect(receiver.receipts).toHaveLength(0);
    expect((await fetch(`${provider.url}/dashboard?status=PAYED`)).status).toBe(400);
  });
});
