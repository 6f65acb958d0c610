/**
 * Core lifecycle benchmark: events per second through the core step (`stepSession`: the compiled
 * session machine, time first, nothing rendered) and through `applyEvent` (the same step plus the
 * rendered outcome: messages and callback bodies) on seeded random valid event sequences, against a
 * hand-written `switch` reducer of the same session table fed the same events, and the size of a
 * persisted PAID snapshot. The three loops run in interleaved rounds (so a machine whose load
 * changes during the run slows all three alike); each figure is the median of its rounds, the ratio
 * the median of the rounds' ratios.
 */
import { performance } from "node:perf_hooks";
import type { CreatePaymentSessionRequest, PaymentMethodType, SessionStatus } from "@payment-session/core";
import {
  applyEvent,
  applyEventWith,
  type CreateSessionContext,
  createSession,
  currentCharge,
  interpretedSessionStep,
  persistSession,
  type SessionEvent,
  type SessionSnapshot,
  sessionStatus,
  stepSession,
} from "@payment-session/core";
import { idr, seedPageInstant } from "@payment-session/core/testing";

const MINUTE = 60_000;
const T0 = seedPageInstant;
const IDR = idr;

/** mulberry32: a small seeded PRNG, so every run benchmarks the same sequences. */
const prng = (seed: number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

/** One benchmark sequence: a created session and events that are all accepted. */
export interface Sequence {
  readonly start: SessionSnapshot;
  readonly events: ReadonlyArray<SessionEvent>;
}

const options = (method: PaymentMethodType, manual: boolean) => {
  switch (method) {
    case "VIRTUAL_ACCOUNT":
      return { virtualAccount: { channel: "PERMATA" as const } };
    case "QR":
      return { qr: {} };
    case "EWALLET":
      return { ewallet: { channel: "DANA" as const } };
    case "CARD":
      return { card: { captureMethod: manual ? ("manual" as const) : ("automatic" as const) } };
  }
};

const instrument = (method: PaymentMethodType) => {
  switch (method) {
    case "VIRTUAL_ACCOUNT":
      return {
        virtualAccount: {
          channel: "PERMATA" as const,
          virtualAccountNumber: "76630000123456",
          virtualAccountName: "Pivot - Bench",
          expiryAt: "2025-03-30T06:03:17Z",
        },
      };
    case "QR":
      return {
        qr: { acquirer: "BRI" as const, qrContent: "000201…", qrType: "DYNAMIC" as const, expiryAt: null },
      };
    case "EWALLET":
      return { ewallet: { channel: "DANA" as const } };
    case "CARD":
      return { card: {} };
  }
};

const create = (
  request: CreatePaymentSessionRequest,
  context: Omit<CreateSessionContext, "at">,
): SessionSnapshot => {
  const result = createSession(request, { ...context, at: T0 });
  if (!result.ok) throw new Error(`bench scenario refused: ${result.refusal.message}`);
  return result.snapshot;
};

const methods: ReadonlyArray<PaymentMethodType> = ["VIRTUAL_ACCOUNT", "QR", "EWALLET", "CARD"];

/** One random valid sequence: every event in it is accepted. */
const randomSequence = (random: () => number, i: number): Sequence => {
  const pick = <T>(xs: ReadonlyArray<T>): T => xs[Math.floor(random() * xs.length)] as T;
  let at = T0;
  const step = () => {
    at += 1 + Math.floor(random() * MINUTE);
    return at;
  };
  const events: Array<SessionEvent> = [];
  const tick = () => {
    if (random() < 0.3) events.push({ type: "EXPIRE", at: step() });
  };
  const id = `session-${i}`;
  const amount = IDR(20_000 + Math.floor(random() * 1_000_000));
  const method = pick(methods);
  const manual = method === "CARD" && random() < 0.5;
  const chargeId = `charge-${i}`;
  const flow = random();
  if (flow < 0.1) {
    const start = create(
      {
        clientReferenceId: id,
        paymentType: "MULTIPLE",
        mode: "API",
        paymentMethod: { type: "VIRTUAL_ACCOUNT" },
      },
      {
        id,
        paymentMethod: {
          type: "VIRTUAL_ACCOUNT",
          virtualAccount: { channel: "BCA", virtualAccountNumber: "000042" },
        },
      },
    );
    const payments = 3 + Math.floor(random() * 8);
    for (let p = 0; p < payments; p++) {
      tick();
      events.push({
        type: "PAYMENT_RECEIVED",
        at: step(),
        chargeId: `${chargeId}-${p}`,
        amount: IDR(10_000 + p),
      });
    }
    return { start, events };
  }
  const confirmFirst = flow < 0.35;
  const request: CreatePaymentSessionRequest = confirmFirst
    ? { clientReferenceId: id, amount, mode: "API" }
    : {
        clientReferenceId: id,
        amount,
        mode: "API",
        paymentMethod: { type: method },
        paymentMethodOptions: options(method, manual),
      };
  const start = create(
    request,
    confirmFirst ? { id } : { id, charge: { id: chargeId, instrument: instrument(method) } },
  );
  if (confirmFirst) {
    tick();
    if (random() < 0.15) {
      events.push({ type: "CANCEL", at: step(), cancellationReason: "REQUESTED_BY_CUSTOMER" });
      return { start, events };
    }
    events.push({
      type: "CONFIRM",
      at: step(),
      paymentMethod: { type: method },
      paymentMethodOptions: options(method, manual),
      charge: { id: chargeId, instrument: instrument(method) },
    });
  }
  const ending = random();
  if (ending < 0.1) {
    events.push({ type: "EXPIRE", at: T0 + 15 * MINUTE + Math.floor(random() * 60 * MINUTE) });
    return { start, events };
  }
  if (method === "CARD" || method === "EWALLET") {
    tick();
    events.push({ type: "CUSTOMER_AUTHENTICATING", at: step() });
    if (ending < 0.2) {
      events.push({ type: "CHARGE_FAILED", at: step(), failureCode: "AUTHENTICATION_FAILED" });
      return { start, events };
    }
    tick();
    events.push({ type: "CHARGE_PROCESSING", at: step() });
  }
  tick();
  if (manual) {
    const authorized = amount.value - Math.floor(random() * 1000);
    events.push({ type: "AUTHORIZED", at: step(), authorizedAmount: IDR(authorized) });
    tick();
    events.push({ type: "CAPTURE", at: step(), captureId: `capture-${i}`, releaseRemainingAmount: true });
  } else if (method === "CARD") {
    events.push({ type: "AUTHORIZED", at: step(), authorizedAmount: amount });
  } else {
    events.push({ type: "PAYMENT_RECEIVED", at: step(), chargeId, amount });
  }
  return { start, events };
};

/** The benchmark's seeded sequences (also for profiling the step alone). */
export const benchSequences = (seed: number, count: number): ReadonlyArray<Sequence> => {
  const random = prng(seed);
  return Array.from({ length: count }, (_, i) => randomSequence(random, i));
};

// --- the hand-written reducer of the session table ------------------------------------------------

interface Reduced {
  readonly status: SessionStatus;
  readonly charge: "WFUA" | "WFA" | "PROCESSING" | "WFC" | "SUCCESS" | "FAILED" | "EXPIRED" | null;
  readonly method: PaymentMethodType | null;
  readonly manual: boolean;
  readonly multiple: boolean;
  readonly amount: number;
  readonly expiryAt: number | null;
  readonly authorized: number | null;
  readonly captured: number | null;
  readonly paidAt: number | null;
  readonly updatedAt: number;
  readonly payments: number;
}

const reducedOf = (s: SessionSnapshot): Reduced => {
  const charge = currentCharge(s.context);
  return {
    status: sessionStatus(s),
    charge: charge === null ? null : "WFUA",
    method: s.context.paymentMethod?.type ?? null,
    manual: s.context.paymentMethodOptions?.card?.captureMethod === "manual",
    multiple: s.context.settings.paymentType === "MULTIPLE",
    amount: s.context.amount.value,
    expiryAt: s.context.expiryAt,
    authorized: null,
    captured: null,
    paidAt: null,
    updatedAt: s.context.updatedAt,
    payments: 0,
  };
};

const isPull = (m: PaymentMethodType | null) => m === "CARD" || m === "EWALLET";

/** The session table as one `switch`: statuses and the few numbers the table needs. */
const reduce = (s: Reduced, e: SessionEvent): Reduced => {
  if (
    s.expiryAt !== null &&
    e.at >= s.expiryAt &&
    s.status !== "PAID" &&
    s.status !== "CANCELLED" &&
    s.status !== "EXPIRED" &&
    s.status !== "INACTIVE"
  ) {
    if (s.multiple) return { ...s, status: "INACTIVE", updatedAt: s.expiryAt };
    if (s.charge === "WFC") return { ...s, status: "CANCELLED", charge: "FAILED", updatedAt: s.expiryAt };
    return { ...s, status: "EXPIRED", charge: s.charge === null ? null : "EXPIRED", updatedAt: s.expiryAt };
  }
  switch (e.type) {
    case "EXPIRE":
      return s;
    case "CONFIRM":
      return s.status === "REQUIRE_PAYMENT_METHOD" || s.status === "REQUIRE_CONFIRMATION"
        ? {
            ...s,
            status: "REQUIRE_ACTION",
            charge: "WFUA",
            method: e.paymentMethod.type,
            manual: e.paymentMethodOptions?.card?.captureMethod === "manual",
            updatedAt: e.at,
          }
        : s;
    case "CANCEL":
      return s.status === "REQUIRE_PAYMENT_METHOD" || s.status === "REQUIRE_CONFIRMATION"
        ? { ...s, status: "CANCELLED", expiryAt: e.at, updatedAt: e.at }
        : s;
    case "CUSTOMER_AUTHENTICATING":
      return s.charge === "WFUA" && isPull(s.method)
        ? { ...s, status: "PROCESSING", charge: "WFA", updatedAt: e.at }
        : s;
    case "CHARGE_PROCESSING":
      return (s.charge === "WFUA" && isPull(s.method)) || s.charge === "WFA"
        ? { ...s, status: "PROCESSING", charge: "PROCESSING", updatedAt: e.at }
        : s;
    case "AUTHORIZED": {
      if (s.method !== "CARD" || (s.charge !== "WFUA" && s.charge !== "WFA" && s.charge !== "PROCESSING"))
        return s;
      const v = e.authorizedAmount.value;
      if (s.manual && v >= 1 && v <= s.amount)
        return { ...s, status: "PROCESSING", charge: "WFC", authorized: v, updatedAt: e.at };
      return v === s.amount
        ? {
            ...s,
            status: "PAID",
            charge: "SUCCESS",
            authorized: v,
            captured: v,
            paidAt: e.at,
            updatedAt: e.at,
          }
        : s;
    }
    case "CAPTURE": {
      if (s.charge !== "WFC" || s.authorized === null) return s;
      const v = e.amount?.value ?? s.authorized;
      return v <= s.authorized
        ? { ...s, status: "PAID", charge: "SUCCESS", captured: v, paidAt: e.at, updatedAt: e.at }
        : s;
    }
    case "PAYMENT_RECEIVED":
      if (s.status === "ACTIVE") {
        return s.amount === 0 || e.amount.value === s.amount
          ? { ...s, charge: "SUCCESS", payments: s.payments + 1, updatedAt: e.at }
          : s;
      }
      if (
        (s.charge === "WFUA" || s.charge === "WFA" || s.charge === "PROCESSING") &&
        e.amount.value === s.amount
      ) {
        return s.manual
          ? { ...s, status: "PROCESSING", charge: "WFC", authorized: s.amount, updatedAt: e.at }
          : { ...s, status: "PAID", charge: "SUCCESS", paidAt: e.at, updatedAt: e.at };
      }
      return s;
    case "CHARGE_FAILED":
      return s.charge === "WFUA" || s.charge === "WFA" || s.charge === "PROCESSING" || s.charge === "WFC"
        ? { ...s, status: "CANCELLED", charge: "FAILED", updatedAt: e.at }
        : s;
    case "CHARGE_EXPIRED":
      return s.charge === "WFUA" ? { ...s, status: "EXPIRED", charge: "EXPIRED", updatedAt: e.at } : s;
  }
};

// --- measurement ----------------------------------------------------------------------------------

const timeLoop = (minMs: number, body: () => number): { perSecond: number; ms: number } => {
  let count = 0;
  const t0 = performance.now();
  let elapsed = 0;
  do {
    count += body();
    elapsed = performance.now() - t0;
  } while (elapsed < minMs);
  return { perSecond: (count / elapsed) * 1000, ms: elapsed };
};

const median = (xs: ReadonlyArray<number>): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

const format = (n: number) => Math.round(n).toLocaleString("en-US");

/** Options of {@link runCoreBench}. */
export interface CoreBenchOptions {
  readonly seed?: number;
  readonly sequences?: number;
  /** Measuring time per loop, split over the rounds. */
  readonly minMs?: number;
  readonly rounds?: number;
}

/** What {@link runCoreBench} measured. */
export interface CoreBenchResult {
  readonly events: number;
  /** The core step (`stepSession`: compiled machine, time first, nothing rendered). */
  readonly stepPerSecond: number;
  /** `applyEvent`: the core step plus the rendered outcome (messages, callback bodies). */
  readonly applyEventPerSecond: number;
  readonly reducerPerSecond: number;
  /** `applyEvent` over XState's interpreter (`transition()`), the reference the compiled step is checked against. */
  readonly interpretedPerSecond: number;
  /** Median over the rounds of reducer / core step. */
  readonly ratio: number;
  /** Median over the rounds of reducer / applyEvent. */
  readonly applyEventRatio: number;
  readonly paidSnapshotBytes: number;
  readonly disagreements: number;
}

/**
 * Runs the core benchmark in this process and prints its figures: events/s through the core step
 * and through `applyEvent`, events/s through the `switch` reducer, their ratios, and the median
 * persisted size of PAID sessions.
 */
export const runCoreBench = (options: CoreBenchOptions = {}): CoreBenchResult => {
  const seed = options.seed ?? Number(process.env.BENCH_SEED ?? 20261124);
  const count = options.sequences ?? 2_000;
  const minMs = options.minMs ?? 3_000;
  const rounds = options.rounds ?? 10;
  const sequences = benchSequences(seed, count);
  const events = sequences.reduce((n, s) => n + s.events.length, 0);

  // Check once that every event is accepted, that the core step and applyEvent agree, and that the
  // reducer agrees with the machine.
  let refused = 0;
  let disagreements = 0;
  const paidBytes: Array<number> = [];
  for (const { start, events: list } of sequences) {
    let snapshot = start;
    let stepped = start;
    let reduced = reducedOf(start);
    for (const event of list) {
      const applied = applyEvent(snapshot, event);
      if (applied.outcome._tag === "Refused") refused++;
      snapshot = applied.snapshot;
      stepped = stepSession(stepped, event).snapshot;
      reduced = reduce(reduced, event);
    }
    if (sessionStatus(snapshot) !== reduced.status) disagreements++;
    if (
      stepped.value !== snapshot.value ||
      JSON.stringify(stepped.context) !== JSON.stringify(snapshot.context)
    ) {
      throw new Error("stepSession and applyEvent disagree");
    }
    if (sessionStatus(snapshot) === "PAID") {
      paidBytes.push(Buffer.byteLength(JSON.stringify(persistSession(snapshot)), "utf8"));
    }
  }
  if (refused > 0) throw new Error(`${refused} benchmark events were refused: the sequences are not valid`);

  const runStep = () => {
    for (const { start, events: list } of sequences) {
      let snapshot = start;
      for (const event of list) snapshot = stepSession(snapshot, event).snapshot;
    }
    return events;
  };
  const runApplyEvent = () => {
    for (const { start, events: list } of sequences) {
      let snapshot = start;
      for (const event of list) snapshot = applyEvent(snapshot, event).snapshot;
    }
    return events;
  };
  const applyInterpreted = applyEventWith(interpretedSessionStep);
  const runInterpreted = () => {
    for (const { start, events: list } of sequences) {
      let snapshot = start;
      for (const event of list) snapshot = applyInterpreted(snapshot, event).snapshot;
    }
    return events;
  };
  const starts = sequences.map((s) => reducedOf(s.start));
  const runReducer = () => {
    sequences.forEach(({ events: list }, i) => {
      let reduced = starts[i] as Reduced;
      for (const event of list) reduced = reduce(reduced, event);
    });
    return events;
  };
  // Warm up, then interleaved rounds.
  for (const loop of [runStep, runApplyEvent, runReducer]) timeLoop(300, loop);
  const perRound = Math.max(50, minMs / rounds);
  const step: Array<number> = [];
  const apply: Array<number> = [];
  const reducer: Array<number> = [];
  const interpreted: Array<number> = [];
  for (let r = 0; r < rounds; r++) {
    // XState's interpreter: one pass per round (a pass takes longer than a round of the others).
    if (r % 3 === 0) interpreted.push(timeLoop(1, runInterpreted).perSecond);
    step.push(timeLoop(perRound, runStep).perSecond);
    apply.push(timeLoop(perRound, runApplyEvent).perSecond);
    reducer.push(timeLoop(perRound, runReducer).perSecond);
  }
  const result: CoreBenchResult = {
    events,
    stepPerSecond: median(step),
    applyEventPerSecond: median(apply),
    reducerPerSecond: median(reducer),
    interpretedPerSecond: median(interpreted),
    ratio: median(reducer.map((r, i) => r / (step[i] ?? r))),
    applyEventRatio: median(reducer.map((r, i) => r / (apply[i] ?? r))),
    paidSnapshotBytes: median(paidBytes),
    disagreements,
  };
  console.log("## core lifecycle");
  console.log(`command: pnpm bench core   (node -C @payment-session/source --import tsx bench/run.ts core)`);
  console.log(
    `node ${process.version}, seed ${seed}, ${count} sequences, ${events} events per pass, ${rounds} interleaved rounds of ${Math.round(perRound)} ms per loop`,
  );
  console.log(`core step (stepSession, compiled machines):  ${format(result.stepPerSecond)} events/s`);
  console.log(`applyEvent (core step + rendered outcome):   ${format(result.applyEventPerSecond)} events/s`);
  console.log(`switch reducer (session table):              ${format(result.reducerPerSecond)} events/s`);
  console.log(`applyEvent over XState's transition():       ${format(result.interpretedPerSecond)} events/s`);
  console.log(`ratio reducer / core step:                   ${result.ratio.toFixed(1)}x`);
  console.log(`ratio reducer / applyEvent:                  ${result.applyEventRatio.toFixed(1)}x`);
  console.log(
    `persisted PAID snapshot:                     ${format(result.paidSnapshotBytes)} bytes (median of ${paidBytes.length})`,
  );
  console.log(`final status disagreements machine vs reducer: ${disagreements}`);
  return result;
};
