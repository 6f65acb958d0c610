/**
 * Races (`explore --concurrency N`): one payment session set up in a generated starting status
 * through the public API, then N clients firing a generated mix of confirm, cancel, pay (simulation
 * SUCCESS), expire (simulation EXPIRED), capture and reads at it at once; every call's start, end
 * and answer is recorded, and the history must be linearizable against the core's machines (some
 * order of the calls, consistent with real time, in which every answer is the one the model gives).
 *
 * The model is the explorer's ({@link predictOperation} and {@link checkAnswer} of `model.ts`): the
 * core decides, nothing about the lifecycle is restated here.
 *
 * `exploreProvider` (and so `explore --concurrency N`) calls it after the sequences, with a merchant
 * of its own (`setup`); called directly:
 *
 * ```ts
 * import { runRaces } from "./races.js"
 * const races = await runRaces({
 *   providerBaseUrl, providerStatesUrl,        // the same two URLs as the sequences
 *   concurrency: options.concurrency,          // N ≥ 2; the issue's default depth: 8
 *   histories: 20,                             // race histories (one session each)
 *   seed,                                      // the run's seed; histories are reproducible from it
 * })
 * if (!races.ok) { print(races.failure.report); exit 1 }  // report: the timeline and the unexplained answers
 * ```
 *
 * `runRaces` sets the clock (`the clock reads`, `now` default {@link defaultRaceInstant}) and a
 * merchant of its own (`a merchant with credentials exists`, id `explorer-races`) through the
 * provider-states URL, unless `setup` gives a token and the clock's instant. It never moves the
 * clock, so every call of a history is served at the same instant.
 *
 * @since 0.1.0
 */
import {
  type PaymentMethodConfig,
  persistSession,
  restoreSession,
  type SessionSnapshot,
} from "@payment-session/core";
import {
  checkLinearizable,
  type HistoryCall,
  type LinearizabilityFailure,
  type LinearizabilityModel,
} from "./linearizability.js";
import {
  advanceSession,
  checkAnswer,
  formatValue,
  type HttpAnswer,
  learnSession,
  type Mismatch,
  type Prediction,
  predictCreate,
  predictOperation,
  type SessionOperation,
} from "./model.js";

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

/**
 * One call of a race on a session: `POST …/confirm`, `…/cancel`, `…/capture` with `body`;
 * `pay` / `expire` = `POST /v2/payments/simulations` with `chargeStatus` `SUCCESS` / `EXPIRED`;
 * `get` = `GET /v2/payments/{id}`.
 *
 * @since 0.1.0
 * @category Explorer
 */
export type RaceOperation =
  | { readonly kind: "confirm"; readonly body: unknown }
  | { readonly kind: "cancel"; readonly body: unknown }
  | { readonly kind: "capture"; readonly body: unknown }
  | { readonly kind: "pay" }
  | { readonly kind: "expire" }
  | { readonly kind: "get" };

/** The model's operation of a race call on session `sessionId`. @since 0.1.0 */
export const sessionOperationOf = (operation: RaceOperation, sessionId: string): SessionOperation => {
  switch (operation.kind) {
    case "pay":
      return { kind: "simulate", body: { paymentSessionId: sessionId, chargeStatus: "SUCCESS" } };
    case "expire":
      return { kind: "simulate", body: { paymentSessionId: sessionId, chargeStatus: "EXPIRED" } };
    case "get":
      return { kind: "get" };
    default:
      return operation;
  }
};

/** The HTTP request of a race call: method, path and JSON body. @since 0.1.0 */
export const requestOf = (
  operation: RaceOperation,
  sessionId: string,
): { readonly method: "GET" | "POST"; readonly path: string; readonly body?: unknown } => {
  const id = encodeURIComponent(sessionId);
  switch (operation.kind) {
    case "get":
      return { method: "GET", path: `/v2/payments/${id}` };
    case "pay":
    case "expire": {
      const simulate = sessionOperationOf(operation, sessionId) as { readonly body: unknown };
      return { method: "POST", path: "/v2/payments/simulations", body: simulate.body };
    }
    default:
      return { method: "POST", path: `/v2/payments/${id}/${operation.kind}`, body: operation.body };
  }
};

/** A race call in a word or two, for timelines: `pay`, `cancel(DUPLICATED)`, `confirm(VA BCA)`. @since 0.1.0 */
export const describeOperation = (operation: RaceOperation): string => {
  const body = "body" in operation ? (operation.body as Record<string, unknown> | undefined) : undefined;
  switch (operation.kind) {
    case "cancel":
      return `cancel(${String(body?.cancellationReason)})`;
    case "confirm": {
      const method = (body?.paymentMethod as { type?: unknown } | undefined)?.type;
      const options = body?.paymentMethodOptions as { virtualAccount?: { channel?: unknown } } | undefined;
      const channel = options?.virtualAccount?.channel;
      return `confirm(${String(method)}${channel === undefined ? "" : ` ${String(channel)}`})`;
    }
    case "capture": {
      const amount = (body?.amount as { value?: unknown } | undefined)?.value;
      return `capture(${amount === undefined ? "all" : String(amount)})`;
    }
    default:
      return operation.kind;
  }
};

/**
 * An answer in a few words: the HTTP status, then the error code, or the session's status with its
 * charges' statuses, or the simulation's `updated`.
 *
 * @example
 * describeAnswer({ status: 200, body: { data: { status: "PAID", chargeDetails: [{ status: "SUCCESS" }] } } })
 * // "200 PAID [SUCCESS]"
 * @since 0.1.0
 */
export const describeAnswer = (answer: HttpAnswer): string => {
  const body = answer.body as { code?: unknown; data?: unknown } | undefined;
  const data = body?.data as
    | { status?: unknown; chargeDetails?: ReadonlyArray<{ status?: unknown }>; updated?: unknown }
    | undefined;
  if (typeof body?.code === "string" && answer.status >= 400) return `${answer.status} ${body.code}`;
  if (typeof data?.status === "string") {
    const charges = (data.chargeDetails ?? []).map((c) => String(c?.status)).join(", ");
    return `${answer.status} ${data.status} [${charges}]`;
  }
  if (data?.updated !== undefined) return `${answer.status} updated=${String(data.updated)}`;
  return `${answer.status} ${answer.body === undefined ? "" : JSON.stringify(answer.body).slice(0, 60)}`;
};

// ---------------------------------------------------------------------------------------------
// The session model for the checker
// ---------------------------------------------------------------------------------------------

const PLACEHOLDER_NUMBER = /(provider-chosen:[a-z-]+):\d+/g;

/**
 * The state key of a snapshot: its state and context as JSON, with the numbers of placeholder ids
 * dropped (two snapshots that differ only in how their unknown provider-chosen ids are numbered
 * answer every request alike: the check skips placeholders).
 */
const snapshotKey = (snapshot: SessionSnapshot): string =>
  JSON.stringify([snapshot.value, snapshot.context]).replace(PLACEHOLDER_NUMBER, "$1");

/** The canonical session id, client reference and known charge ids of a race model's states. */
const CANONICAL_SESSION = "provider-chosen:session:0";
const CANONICAL_REFERENCE = "provider-chosen:reference:0";
const canonicalCharge = (i: number) => `provider-chosen:known-charge:${i}`;

/**
 * Predictions shared by the race models of a run: keyed by canonical state and operation, so that
 * sessions in the same state (each race starts a fresh one) share them. `predictions` counts asked
 * ones, `computed` those the core had to compute.
 *
 * @since 0.1.0
 */
export interface RacePredictions {
  readonly byKey: Map<string, Prediction>;
  /** Canonical state keys by number, and each snapshot's number (keys are long JSON strings). */
  readonly states: Map<string, number>;
  readonly stateKeys: WeakMap<SessionSnapshot, string>;
  readonly operations: Map<string, number>;
  readonly operationKeys: WeakMap<RaceOperation, string>;
  predictions: number;
  computed: number;
  /** Milliseconds spent in the core computing predictions (`performance.now()`). */
  coreMs: number;
  /** Answers checked against a prediction (by object identity), per prediction. */
  readonly checked: WeakMap<Prediction, WeakMap<HttpAnswer, boolean>>;
}

/** A fresh {@link RacePredictions}. @since 0.1.0 */
export const racePredictions = (): RacePredictions => ({
  byKey: new Map(),
  states: new Map(),
  stateKeys: new WeakMap(),
  operations: new Map(),
  operationKeys: new WeakMap(),
  predictions: 0,
  computed: 0,
  coreMs: 0,
  checked: new WeakMap(),
});

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === "object" && u !== null && !Array.isArray(u);

/** Replaces every JSON string equal to a key of `names` by its value. */
const renameStrings = <T>(value: T, names: ReadonlyMap<string, string>): T => {
  const walk = (u: unknown): unknown => {
    if (typeof u === "string") return names.get(u) ?? u;
    if (Array.isArray(u)) return u.map(walk);
    if (isRecord(u)) return Object.fromEntries(Object.entries(u).map(([k, v]) => [k, walk(v)]));
    return u;
  };
  return walk(value) as T;
};

/** The race model of one session: see {@link sessionRaceModel}. @since 0.1.0 */
export interface SessionRaceModel extends LinearizabilityModel<SessionSnapshot, RaceOperation, HttpAnswer> {
  readonly memo: RacePredictions;
  /** The core's prediction for `operation` in (canonical) `state`. */
  readonly predict: (state: SessionSnapshot, operation: RaceOperation) => Prediction;
  /** Where `answer` differs from what the model expects of `operation` in `state`, if anywhere. */
  readonly mismatch: (
    state: SessionSnapshot,
    operation: RaceOperation,
    answer: HttpAnswer,
  ) => Mismatch | undefined;
  /** `value` with the canonical ids of this session's states replaced by the session's own. */
  readonly identify: <T>(value: T) => T;
}

/** Options of {@link sessionRaceModel}. @since 0.1.0 */
export interface SessionRaceModelOptions {
  /** The session before the race, with the provider's ids learned (as `runRaces` reads it). */
  readonly initial: SessionSnapshot;
  /** The instant every call is served at (the provider's clock, not moved during a race). */
  readonly at: number;
  readonly config?: PaymentMethodConfig;
  /** Predictions to share with the other sessions of a run (default: this model's own). */
  readonly memo?: RacePredictions;
  /** `false` computes every prediction again (only to measure what the memo buys). */
  readonly memoisePredictions?: boolean;
}

/**
 * The session model of a race for {@link checkLinearizable}: the state is the core's snapshot; a
 * call's answer is possible when it is the one {@link predictOperation} expects at instant `at`
 * (checked by {@link checkAnswer}); a call without answer takes the predicted step.
 *
 * - States are canonical: the session's id, `clientReferenceId` and the ids of the charges it had
 *   before the race are replaced by placeholders, so that every session in the same state shares the
 *   same predictions (`memo`, one per run: a core step costs tens of microseconds and the search
 *   asks the same questions again and again). What the placeholders hide is checked on its own:
 *   a session answer must carry the session's id, `clientReferenceId`, and its known charges' ids
 *   and `paymentSessionId`; a capture answer the session's id.
 * - The search starts from the session as of `at` (decision L4), so reads and refusals never change
 *   the state: they are declared `readOnly` (and the step throws if the core ever disagrees).
 *
 * @example
 * const model = sessionRaceModel({ initial: snapshot, at })
 * checkLinearizable({ model, history })
 * @since 0.1.0
 */
export const sessionRaceModel = (options: SessionRaceModelOptions): SessionRaceModel => {
  const { at, config } = options;
  const memo = options.memo ?? racePredictions();
  const memoise = options.memoisePredictions ?? true;
  const initial = advanceSession(options.initial, at).snapshot;
  const sessionId = initial.context.id;
  const reference = initial.context.settings.clientReferenceId;
  const knownCharges = initial.context.charges.map((c) => c.context.id);
  const toCanonical = new Map<string, string>([
    [sessionId, CANONICAL_SESSION],
    ...(typeof reference === "string" ? ([[reference, CANONICAL_REFERENCE]] as const) : []),
    ...knownCharges.map((id, i) => [id, canonicalCharge(i)] as const),
  ]);
  const fromCanonical = new Map([...toCanonical].map(([k, v]) => [v, k] as const));
  const persisted = renameStrings(persistSession(initial), toCanonical);
  const restored = restoreSession(persisted);
  if (!restored.ok) {
    throw new Error(`sessionRaceModel: the canonical form of session ${sessionId} does not restore`);
  }
  const start = restored.snapshot;

  /**
   * A short key (`<prefix><n>`) per distinct value, computed once per object: `long` is the value's
   * full key, `numbers` numbers the distinct full keys, `byObject` remembers the short key per object.
   */
  const shortKey = <A extends object>(
    value: A,
    prefix: string,
    long: (a: A) => string,
    numbers: Map<string, number>,
    byObject: WeakMap<A, string>,
  ): string => {
    let k = byObject.get(value);
    if (k === undefined) {
      const full = long(value);
      let n = numbers.get(full);
      if (n === undefined) {
        n = numbers.size;
        numbers.set(full, n);
      }
      k = `${prefix}${n}`;
      byObject.set(value, k);
    }
    return k;
  };
  /** A short key per distinct canonical state (`s<n>`). */
  const key = (snapshot: SessionSnapshot): string =>
    shortKey(snapshot, "s", snapshotKey, memo.states, memo.stateKeys);
  /** A short key per distinct operation (`o<n>`). */
  const operationKey = (operation: RaceOperation): string =>
    shortKey(operation, "o", (o) => JSON.stringify(o), memo.operations, memo.operationKeys);
  const predict = (state: SessionSnapshot, operation: RaceOperation): Prediction => {
    memo.predictions += 1;
    const k = memoise ? `${key(state)} ${operationKey(operation)}` : "";
    let p = memoise ? memo.byKey.get(k) : undefined;
    if (p === undefined) {
      memo.computed += 1;
      const started = performance.now();
      p = predictOperation(state, sessionOperationOf(operation, CANONICAL_SESSION), at, config);
      memo.coreMs += performance.now() - started;
      if (memoise) memo.byKey.set(k, p);
    }
    return p;
  };

  /** What the canonical expectation does not see: the session's own ids in the answer. */
  const identityMismatch = (p: Prediction, answer: HttpAnswer): Mismatch | undefined => {
    const data = isRecord(answer.body) ? answer.body.data : undefined;
    if (p.expectation.kind === "capture") {
      const id = isRecord(data) ? data.paymentSessionId : undefined;
      return id === sessionId
        ? undefined
        : { path: "data.paymentSessionId", expected: sessionId, actual: id };
    }
    if (p.expectation.kind !== "session" || !isRecord(data)) return undefined;
    if (data.id !== sessionId) return { path: "data.id", expected: sessionId, actual: data.id };
    if (reference !== undefined && data.clientReferenceId !== reference) {
      return { path: "data.clientReferenceId", expected: reference, actual: data.clientReferenceId };
    }
    const charges = Array.isArray(data.chargeDetails) ? data.chargeDetails : [];
    for (const [i, charge] of charges.entries()) {
      const c = isRecord(charge) ? charge : {};
      const known = knownCharges[i];
      if (known !== undefined && c.id !== known) {
        return { path: `data.chargeDetails[${i}].id`, expected: known, actual: c.id };
      }
      if (c.paymentSessionId !== undefined && c.paymentSessionId !== sessionId) {
        return {
          path: `data.chargeDetails[${i}].paymentSessionId`,
          expected: sessionId,
          actual: c.paymentSessionId,
        };
      }
    }
    return undefined;
  };
  const mismatch = (state: SessionSnapshot, operation: RaceOperation, answer: HttpAnswer) => {
    const p = predict(state, operation);
    return checkAnswer(p.expectation, answer) ?? identityMismatch(p, answer);
  };
  const fits = (p: Prediction, answer: HttpAnswer): boolean => {
    let answers = memo.checked.get(p);
    if (answers === undefined) {
      answers = new WeakMap();
      memo.checked.set(p, answers);
    }
    let ok = answers.get(answer);
    if (ok === undefined) {
      ok = checkAnswer(p.expectation, answer) === undefined && identityMismatch(p, answer) === undefined;
      answers.set(answer, ok);
    }
    return ok;
  };
  const readOnly = (operation: RaceOperation, answer: HttpAnswer | undefined): boolean =>
    operation.kind === "get" || (answer !== undefined && answer.status >= 400);
  return {
    init: () => start,
    step: (state, operation, answer) => {
      const p = predict(state, operation);
      if (answer !== undefined && !fits(p, answer)) return undefined;
      const next = p.next ?? state;
      if (next !== state && readOnly(operation, answer) && key(next) !== key(state)) {
        throw new Error(
          `sessionRaceModel: ${describeOperation(operation)} answered ${answer === undefined ? "nothing" : describeAnswer(answer)} changed the session (${String(state.value)} → ${String(next.value)}), but reads and refusals are declared read-only`,
        );
      }
      return next;
    },
    key,
    readOnly,
    describe: {
      input: describeOperation,
      output: describeAnswer,
      state: (s) => {
        const charges = s.context.charges.map((c) => c.state).join(", ");
        return `${String(s.value)} [${charges}]`;
      },
    },
    memo,
    predict,
    mismatch,
    identify: (value) => renameStrings(value, fromCanonical),
  };
};

// ---------------------------------------------------------------------------------------------
// Starting statuses
// ---------------------------------------------------------------------------------------------

/**
 * The statuses a race starts from, each reached through the public API: a create body, then
 * operations.
 *
 * @since 0.1.0
 * @category Explorer
 */
export const raceStartingStatuses = [
  "REQUIRE_PAYMENT_METHOD",
  "REQUIRE_CONFIRMATION",
  "REQUIRE_ACTION",
  "PAID",
  "CANCELLED",
  "EXPIRED",
  "ACTIVE",
] as const;

/** @since 0.1.0 */
export type RaceStartingStatus = (typeof raceStartingStatuses)[number];

const AMOUNT = { value: 20000, currency: "IDR" } as const;
const VA_OPTIONS = { virtualAccount: { channel: "PERMATA", virtualAccountName: "Race Customer" } } as const;

/** The create body and the operations that bring a new session to `status`. @since 0.1.0 */
export const raceSetup = (
  status: RaceStartingStatus,
  clientReferenceId: string,
): { readonly create: Record<string, unknown>; readonly steps: ReadonlyArray<RaceOperation> } => {
  const base = { clientReferenceId, amount: AMOUNT, mode: "API" };
  const va = { ...base, paymentMethod: { type: "VIRTUAL_ACCOUNT" }, paymentMethodOptions: VA_OPTIONS };
  switch (status) {
    case "REQUIRE_PAYMENT_METHOD":
      return { create: base, steps: [] };
    case "REQUIRE_CONFIRMATION":
      return { create: { ...va, autoConfirm: false }, steps: [] };
    case "REQUIRE_ACTION":
      return { create: { ...va, autoConfirm: true }, steps: [] };
    case "PAID":
      return { create: { ...va, autoConfirm: true }, steps: [{ kind: "pay" }] };
    case "CANCELLED":
      return { create: base, steps: [{ kind: "cancel", body: { cancellationReason: "VOID_SESSION" } }] };
    case "EXPIRED":
      return { create: { ...va, autoConfirm: true }, steps: [{ kind: "expire" }] };
    case "ACTIVE":
      return { create: { ...va, autoConfirm: true, paymentType: "MULTIPLE" }, steps: [] };
  }
};

// ---------------------------------------------------------------------------------------------
// Generated mixes
// ---------------------------------------------------------------------------------------------

/** A small seeded generator (mulberry32): the same seed gives the same races. @since 0.1.0 */
export const seededRandom = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const pick = <T>(random: () => number, items: ReadonlyArray<T>): T =>
  items[Math.floor(random() * items.length)] as T;

const confirmBodies: ReadonlyArray<unknown> = [
  {
    paymentMethod: { type: "VIRTUAL_ACCOUNT" },
    paymentMethodOptions: { virtualAccount: { channel: "BCA" } },
  },
  {
    paymentMethod: { type: "VIRTUAL_ACCOUNT" },
    paymentMethodOptions: { virtualAccount: { channel: "PERMATA", virtualAccountName: "Race Customer" } },
  },
  { paymentMethod: { type: "QR" }, paymentMethodOptions: { qr: {} } },
];

const cancellationReasons = ["REQUESTED_BY_CUSTOMER", "DUPLICATED", "VOID_SESSION"] as const;

/**
 * One generated race call: writes more often than reads, so that calls contend.
 *
 * @since 0.1.0
 */
export const generateRaceOperation = (random: () => number): RaceOperation => {
  const r = random();
  if (r < 0.2) return { kind: "confirm", body: pick(random, confirmBodies) };
  if (r < 0.35) return { kind: "cancel", body: { cancellationReason: pick(random, cancellationReasons) } };
  if (r < 0.55) return { kind: "pay" };
  if (r < 0.67) return { kind: "expire" };
  if (r < 0.75) {
    return random() < 0.5 ? { kind: "capture", body: {} } : { kind: "capture", body: { amount: AMOUNT } };
  }
  return { kind: "get" };
};

// ---------------------------------------------------------------------------------------------
// Running races against a provider
// ---------------------------------------------------------------------------------------------

/** 2026-03-01T10:00:00Z: the instant `runRaces` sets the provider's clock to by default. @since 0.1.0 */
export const defaultRaceInstant = "2026-03-01T10:00:00Z";

/**
 * A recorded race call: its operation, the session it hit, and its answer and times.
 *
 * @since 0.1.0
 * @category Explorer
 */
export interface RaceCall extends HistoryCall<RaceOperation, HttpAnswer> {
  readonly sessionId: string;
  /** Why there was no answer (timeout, connection reset), when there was none. */
  readonly error?: string;
}

/**
 * One race: the starting status, the session's starting snapshot, its calls.
 *
 * @since 0.1.0
 * @category Explorer
 */
export interface RaceHistory {
  readonly index: number;
  readonly startingStatus: RaceStartingStatus;
  readonly sessionId: string;
  readonly initial: SessionSnapshot;
  readonly calls: ReadonlyArray<RaceCall>;
}

/**
 * Why `runRaces` failed: a history that is not linearizable (with the checker's failure), or a
 * setup step whose answer the model did not expect (with the mismatch). `report` says it all in
 * text.
 *
 * @since 0.1.0
 * @category Explorer
 */
export type RaceFailure =
  | {
      readonly _tag: "NotLinearizable";
      readonly history: RaceHistory;
      readonly linearizability: LinearizabilityFailure<RaceOperation, HttpAnswer>;
      readonly report: string;
    }
  | {
      readonly _tag: "SetupMismatch";
      readonly history: number;
      readonly startingStatus: RaceStartingStatus;
      readonly step: string;
      readonly mismatch: Mismatch;
      readonly report: string;
    };

/**
 * What {@link runRaces} answers.
 *
 * @since 0.1.0
 * @category Explorer
 */
export interface RunRacesResult {
  readonly ok: boolean;
  readonly seed: number;
  readonly histories: ReadonlyArray<RaceHistory>;
  readonly failure?: RaceFailure;
  /** Calls made in the races (setup excluded) and calls that got no answer. */
  readonly calls: number;
  readonly unanswered: number;
}

/**
 * Options of {@link runRaces}.
 *
 * - `histories` (default 20): races, one fresh session each, starting statuses in turn;
 * - `concurrency` (default 8): clients firing at the session at once; `callsPerClient` (default 2)
 *   calls each, one after the other, so histories also hold real-time order;
 * - `seed`: reproduces the starting statuses and mixes; `now`: the clock's instant;
 * - `setup`: gives the access token and the clock's instant yourself (E1's explorer passes the
 *   merchant it set up); default: `the clock reads` + `a merchant with credentials exists`;
 * - `timeoutMs` (default 10 000): a call not answered by then counts as a call without answer;
 * - `fetch`: the fetch to use (tests).
 *
 * @since 0.1.0
 * @category Explorer
 */
export interface RunRacesOptions {
  readonly providerBaseUrl: string;
  readonly providerStatesUrl?: string;
  readonly histories?: number;
  readonly concurrency?: number;
  readonly callsPerClient?: number;
  readonly seed?: number;
  readonly now?: string;
  readonly setup?: () => Promise<{ readonly accessToken: string; readonly at: number }>;
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
  readonly config?: PaymentMethodConfig;
  /** Called after each history (progress lines). */
  readonly onHistory?: (history: RaceHistory) => void;
}

const trimSlash = (url: string) => url.replace(/\/+$/, "");

const readAnswer = async (response: Response): Promise<HttpAnswer> => {
  const text = await response.text();
  let body: unknown;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body };
};

/** Sets a provider state through the provider-states URL (Pact's protocol) and returns its values. */
const setProviderState = async (
  doFetch: typeof fetch,
  url: string,
  state: string,
  params: Record<string, unknown>,
): Promise<Record<string, unknown>> => {
  const response = await doFetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ state, params, action: "setup" }),
  });
  const answer = await readAnswer(response);
  if (answer.status !== 200) {
    throw new Error(
      `runRaces: the provider-states URL ${url} answered ${answer.status} to "${state}": ${JSON.stringify(answer.body)}`,
    );
  }
  return typeof answer.body === "object" && answer.body !== null
    ? (answer.body as Record<string, unknown>)
    : {};
};

const defaultSetup = async (
  doFetch: typeof fetch,
  statesUrl: string | undefined,
  now: string,
): Promise<{ accessToken: string; at: number }> => {
  if (statesUrl === undefined) {
    throw new Error("runRaces: give providerStatesUrl (to set the clock and a merchant) or setup");
  }
  await setProviderState(doFetch, statesUrl, "the clock reads", { now });
  const values = await setProviderState(doFetch, statesUrl, "a merchant with credentials exists", {
    merchantId: "explorer-races",
    merchantSecret: "explorer-races-secret",
  });
  const token = values.accessToken;
  if (typeof token !== "string") {
    throw new Error(
      `runRaces: "a merchant with credentials exists" returned no accessToken (got ${JSON.stringify(values)})`,
    );
  }
  return { accessToken: token, at: Date.parse(now) };
};

/**
 * Runs race histories against a live provider and checks each for linearizability against the core
 * (see the module comment for how to call it). Stops at the first failure.
 *
 * @since 0.1.0
 * @category Explorer
 */
export const runRaces = async (options: RunRacesOptions): Promise<RunRacesResult> => {
  const doFetch = options.fetch ?? fetch;
  const base = trimSlash(options.providerBaseUrl);
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const historyCount = options.histories ?? 20;
  const concurrency = options.concurrency ?? 8;
  const callsPerClient = options.callsPerClient ?? 2;
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`runRaces: concurrency must be a whole number ≥ 1, got ${concurrency}`);
  }
  const { accessToken, at } = await (options.setup?.() ??
    defaultSetup(doFetch, options.providerStatesUrl, options.now ?? defaultRaceInstant));
  const random = seededRandom(seed);
  const predictionsOfRun = racePredictions();

  const send = async (
    method: "GET" | "POST",
    path: string,
    body: unknown,
    signal?: AbortSignal,
  ): Promise<HttpAnswer> => {
    const response = await doFetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${accessToken}`,
        ...(method === "POST" ? { "content-type": "application/json" } : {}),
      },
      ...(method === "POST" ? { body: JSON.stringify(body ?? {}) } : {}),
      ...(signal === undefined ? {} : { signal }),
    });
    return readAnswer(response);
  };

  /** A setup request; no answer (connection refused or reset) reads as status 0 with the reason. */
  const sendSetup = async (method: "GET" | "POST", path: string, body: unknown): Promise<HttpAnswer> => {
    try {
      return await send(method, path, body);
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
      return {
        status: 0,
        body: `no answer to ${method} ${path} (${error instanceof Error ? error.message : String(error)}${cause})`,
      };
    }
  };

  const histories: Array<RaceHistory> = [];
  let calls = 0;
  let unanswered = 0;
  for (let index = 0; index < historyCount; index++) {
    const startingStatus = raceStartingStatuses[
      (index + Math.floor(random() * raceStartingStatuses.length)) % raceStartingStatuses.length
    ] as RaceStartingStatus;
    const setup = raceSetup(startingStatus, `race-${seed}-${index}`);

    // Set the session up through the public API, each answer checked against the model.
    const created = predictCreate(setup.create, at, options.config);
    const createAnswer = await sendSetup("POST", "/v2/payments", setup.create);
    const createMismatch = noAnswer(createAnswer) ?? checkAnswer(created.expectation, createAnswer);
    if (createMismatch !== undefined || created.next === null) {
      return setupFailure(
        seed,
        histories,
        index,
        startingStatus,
        "create",
        createMismatch,
        calls,
        unanswered,
      );
    }
    let snapshot = learnSession(created.next, (createAnswer.body as { data?: unknown } | undefined)?.data);
    const sessionId = snapshot.context.id;
    for (const operation of setup.steps) {
      const p = predictOperation(snapshot, sessionOperationOf(operation, sessionId), at, options.config);
      const request = requestOf(operation, sessionId);
      const answer = await sendSetup(request.method, request.path, request.body);
      const mismatch = noAnswer(answer) ?? checkAnswer(p.expectation, answer);
      if (mismatch !== undefined || p.next === null) {
        return setupFailure(
          seed,
          histories,
          index,
          startingStatus,
          describeOperation(operation),
          mismatch,
          calls,
          unanswered,
        );
      }
      snapshot = p.next;
    }
    // Read the session once, to learn what the provider chose (charge ids) before the race.
    const read = await sendSetup("GET", `/v2/payments/${encodeURIComponent(sessionId)}`, undefined);
    const readPrediction = predictOperation(snapshot, { kind: "get" }, at, options.config);
    const readMismatch = noAnswer(read) ?? checkAnswer(readPrediction.expectation, read);
    if (readMismatch !== undefined) {
      return setupFailure(seed, histories, index, startingStatus, "get", readMismatch, calls, unanswered);
    }
    snapshot = learnSession(snapshot, (read.body as { data?: unknown } | undefined)?.data);

    // The race: every client starts at once, each makes its calls one after the other.
    const plans = Array.from({ length: concurrency }, () =>
      Array.from({ length: callsPerClient }, () => generateRaceOperation(random)),
    );
    const recorded: Array<RaceCall> = [];
    await Promise.all(
      plans.map(async (plan, client) => {
        for (const operation of plan) {
          const request = requestOf(operation, sessionId);
          const controller = new AbortController();
          const timer = setTimeout(() => controller.abort(), timeoutMs);
          const call = performance.now();
          try {
            const answer = await send(request.method, request.path, request.body, controller.signal);
            recorded.push({
              client: `c${client}`,
              sessionId,
              input: operation,
              output: answer,
              call,
              return: performance.now(),
            });
          } catch (error) {
            recorded.push({
              client: `c${client}`,
              sessionId,
              input: operation,
              output: undefined,
              call,
              return: Number.POSITIVE_INFINITY,
              error: error instanceof Error ? error.message : String(error),
            });
          } finally {
            clearTimeout(timer);
          }
        }
      }),
    );
    calls += recorded.length;
    unanswered += recorded.filter((c) => c.output === undefined).length;
    const history: RaceHistory = { index, startingStatus, sessionId, initial: snapshot, calls: recorded };
    histories.push(history);
    options.onHistory?.(history);
    const model = sessionRaceModel({
      initial: snapshot,
      at,
      memo: predictionsOfRun,
      ...(options.config === undefined ? {} : { config: options.config }),
    });
    const result = checkLinearizable({ model, history: recorded, partition: (c) => c.sessionId });
    if (!result.ok) {
      const report = [
        `Race ${index + 1} of ${historyCount} (seed ${seed}): ${concurrency} clients × ${callsPerClient} calls on one session that started ${startingStatus}.`,
        result.explanation,
        ...unexplainedDetails(model, result, at),
        `Rerun: --seed ${seed} --concurrency ${concurrency}`,
      ].join("\n");
      return {
        ok: false,
        seed,
        histories,
        calls,
        unanswered,
        failure: { _tag: "NotLinearizable", history, linearizability: result, report },
      };
    }
  }
  return { ok: true, seed, histories, calls, unanswered };
};

/** For each unexplained answer: where it differs from what the model expects after the longest order. */
const unexplainedDetails = (
  model: SessionRaceModel,
  failure: LinearizabilityFailure<RaceOperation, HttpAnswer>,
  _at: number,
): ReadonlyArray<string> => {
  let state = model.init();
  for (const i of failure.longestPrefix) {
    const c = failure.calls[i];
    if (c === undefined) break;
    state = model.step(state, c.input, c.output) ?? state;
  }
  return failure.unexplained.flatMap((i) => {
    const c = failure.calls[i];
    if (c === undefined || c.output === undefined) return [];
    const m = model.mismatch(state, c.input, c.output);
    return m === undefined
      ? []
      : [
          `  #${i} ${describeOperation(c.input)}: at ${m.path} the model expects ${formatValue(m.expected)}, the provider answered ${formatValue(m.actual)}${m.message === undefined ? "" : ` (${m.message})`}`,
        ];
  });
};

/** The mismatch of a setup request that got no answer (see `sendSetup`). */
const noAnswer = (answer: HttpAnswer): Mismatch | undefined =>
  answer.status === 0 ? { path: "(connection)", expected: "an answer", actual: answer.body } : undefined;

const setupFailure = (
  seed: number,
  histories: ReadonlyArray<RaceHistory>,
  index: number,
  startingStatus: RaceStartingStatus,
  step: string,
  mismatch: Mismatch | undefined,
  calls: number,
  unanswered: number,
): RunRacesResult => {
  const m: Mismatch = mismatch ?? { path: "(create)", expected: "a session", actual: "a refusal" };
  return {
    ok: false,
    seed,
    histories,
    calls,
    unanswered,
    failure: {
      _tag: "SetupMismatch",
      history: index,
      startingStatus,
      step,
      mismatch: m,
      report: `Race ${index + 1} (seed ${seed}): setting a session up in ${startingStatus}, the ${step} answer differs at ${m.path}: expected ${formatValue(m.expected)}, got ${formatValue(m.actual)}${m.message === undefined ? "" : ` (${m.message})`}`,
    },
  };
};
