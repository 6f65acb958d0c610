/**
 * One run of the explorer: a fresh merchant (and a second one for tenant isolation), a sequence of
 * steps sent to the provider one after the other, each answer checked against the model, then a
 * final read of every session and the webhooks the run must have caused.
 *
 * @since 0.1.0
 */
import {
  decodeBody,
  type PaymentCallback,
  PaymentCallback as PaymentCallbackSchema,
  type PaymentSession,
  type RefundCallback,
  RefundCallback as RefundCallbackSchema,
  type RefundRecord,
  refundablePayment,
  refundCallbackDedupeKey,
  type SessionSnapshot,
  toPaymentSession,
  toRefund,
} from "@payment-session/core";
import { Result } from "effect";
import {
  advanceSession,
  checkAnswer,
  compareSession,
  type Expectation,
  type HttpAnswer,
  idempotencyConflictExpectation,
  learnSession,
  type Mismatch,
  missingExpectation,
  type Prediction,
  predictCreate,
  predictOperation,
  type ReachedTransition,
  type SessionOperation,
  unauthorizedExpectation,
} from "./model.js";
import type { WebhookReceiver } from "./receiver.js";
import { advanceRefund, callbacksOf, compareRefund, learnRefund, predictRefund } from "./refundModel.js";
import { createBody, methodBody, referenceOf, refundBody, type Step } from "./steps.js";
import { ExploreSetupError, type FailureStep, type SentRequest } from "./types.js";

const MINUTE = 60_000;
const TOKEN_LIFETIME_MS = 900_000;
const IDEMPOTENCY_WINDOW_MS = 24 * 60 * MINUTE;

/** What every run shares: the provider, the receiver, the forward-only clock, the counters. @since 0.1.0 */
export interface Explorer {
  readonly baseUrl: string;
  readonly statesUrl: string;
  readonly receiver: WebhookReceiver;
  readonly nonce: string;
  clock: number;
  runCount: number;
  stepCount: number;
  sessionCount: number;
  webhookCount: number;
  duplicateCount: number;
  readonly reached: Map<string, { transition: ReachedTransition; count: number }>;
  webhookTimeoutMs: number;
  quietMs: number;
  /** The webhook checks of finished runs, run again at the end (a delivery that came late). */
  readonly lateChecks: Array<{
    readonly steps: ReadonlyArray<Step>;
    /** Webhooks so far, with the run's sessions brought to the clock's `now` first (a sweeper may expire them). */
    readonly check: (now: number) => Mismatch | undefined;
  }>;
}

interface Merchant {
  readonly id: string;
  readonly secret: string;
  readonly callbackApiKey: string;
  token: string;
  tokenAt: number;
  /** A token the provider's clock has expired (the one replaced by the last refresh). */
  expiredToken: string | undefined;
}

interface SessionEntry {
  readonly id: string;
  snapshot: SessionSnapshot;
  readonly ref: number;
  /** The callbacks the model says this session must cause, in order. */
  readonly callbacks: Array<PaymentCallback>;
}

/** A refund of the run: the core's record, its session, and the callbacks the model says it must cause. */
interface RefundEntry {
  record: RefundRecord;
  readonly session: SessionEntry;
  /** The position of the refunded charge among the session's charges (its id is the session's). */
  readonly charge: number;
  readonly callbacks: Array<RefundCallback>;
}

interface PostRecord {
  readonly path: string;
  readonly body: unknown;
  readonly key: string;
  readonly answer: HttpAnswer;
  readonly at: number;
  readonly otherBody: unknown;
}

/** What a run did: its executed steps (skipped ones are not listed) and the first mismatch. @since 0.1.0 */
export interface RunResult {
  readonly executed: ReadonlyArray<Step>;
  readonly records: ReadonlyArray<FailureStep>;
  readonly mismatch: Mismatch | undefined;
}

/** A mismatch found inside a run (thrown to stop it; fast-check then shrinks). @since 0.1.0 */
export class RunMismatch extends Error {
  constructor(readonly result: RunResult) {
    super(
      `${result.mismatch?.path ?? "?"}: expected ${JSON.stringify(result.mismatch?.expected)}, got ${JSON.stringify(result.mismatch?.actual)}`,
    );
    this.name = "RunMismatch";
  }
}

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === "object" && u !== null && !Array.isArray(u);

const iso = (ms: number): string => new Date(ms).toISOString();

const send = async (explorer: Explorer, request: SentRequest): Promise<HttpAnswer> => {
  let response: Response;
  try {
    response = await fetch(`${explorer.baseUrl}${request.path}`, {
      method: request.method,
      headers: {
        accept: "application/json",
        ...(request.body === undefined ? {} : { "content-type": "application/json" }),
        ...request.headers,
      },
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
    });
  } catch (error) {
    throw new ExploreSetupError(
      `${request.method} ${explorer.baseUrl}${request.path}: the provider did not answer (${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)})`,
    );
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body };
};

/** POSTs a provider state; throws {@link ExploreSetupError} unless it answers 200. @since 0.1.0 */
export const setUpState = async (
  explorer: Explorer,
  state: string,
  params: Readonly<Record<string, unknown>>,
): Promise<Readonly<Record<string, unknown>>> => {
  let response: Response;
  try {
    response = await fetch(explorer.statesUrl, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ state, params, action: "setup" }),
    });
  } catch (error) {
    throw new ExploreSetupError(
      `provider state "${state}": ${explorer.statesUrl} did not answer (${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)})`,
    );
  }
  const text = await response.text();
  if (response.status !== 200) {
    throw new ExploreSetupError(
      `provider state "${state}" ${JSON.stringify(params)}: ${explorer.statesUrl} answered ${response.status} ${text.slice(0, 300)}`,
    );
  }
  try {
    const json: unknown = text === "" ? {} : JSON.parse(text);
    return isRecord(json) ? json : {};
  } catch {
    throw new ExploreSetupError(`provider state "${state}": the answer is not JSON: ${text.slice(0, 300)}`);
  }
};

/** Moves the provider's clock to `at` (never backwards). */
const setClock = async (explorer: Explorer, at: number): Promise<void> => {
  explorer.clock = Math.max(explorer.clock, at);
  await setUpState(explorer, "the clock reads", { now: iso(explorer.clock) });
};

const transitionKey = (t: ReachedTransition): string => `${t.machine} ${t.state} ${t.event} ${t.result}`;

/**
 * The identity of a callback for counting distinct events (decision W2): session id, event, how
 * many charges, the newest charge's status. Charge ids are not part of it: the model learns them
 * after the fact.
 */
const callbackKey = (callback: { readonly event: string; readonly data: PaymentSession }): string => {
  const charges = callback.data.chargeDetails ?? [];
  return [callback.data.id, callback.event, charges.length, charges[charges.length - 1]?.status ?? ""].join(
    "|",
  );
};

const decodeCallback = decodeBody(PaymentCallbackSchema);
const decodeRefundCallback = decodeBody(RefundCallbackSchema);

/** Whether a delivery's body is a refund callback (its event starts `REFUND.`): checked as one. */
const isRefundBody = (body: unknown): boolean =>
  isRecord(body) && typeof body.event === "string" && body.event.startsWith("REFUND.");

/** The key a delivery counts under: the core's dedupe key of a refund callback, the session one's otherwise. */
const deliveryKey = (body: unknown): string | undefined => {
  if (isRefundBody(body)) {
    const decoded = decodeRefundCallback(body);
    return Result.isSuccess(decoded) ? refundCallbackDedupeKey(decoded.success) : undefined;
  }
  if (!isRecord(body) || !isRecord(body.data)) return undefined;
  const decoded = decodeCallback(body);
  return Result.isSuccess(decoded) ? callbackKey(decoded.success) : undefined;
};

/**
 * Executes `steps` as one run and checks every answer. Resolves with what ran; a mismatch is in
 * `mismatch` (the run stops at it).
 *
 * @since 0.1.0
 */
export const executeRun = async (explorer: Explorer, steps: ReadonlyArray<Step>): Promise<RunResult> => {
  explorer.runCount++;
  const runNumber = explorer.runCount;
  const tag = `x${explorer.nonce}r${runNumber}`;
  await setClock(explorer, explorer.clock + 24 * 60 * MINUTE);
  const makeMerchant = async (suffix: string): Promise<Merchant> => {
    const id = `${tag}${suffix}`;
    const secret = `${id}-secret`;
    const callbackApiKey = `${id}-callback-key`;
    const values = await setUpState(explorer, "a merchant with credentials exists", {
      merchantId: id,
      merchantSecret: secret,
      callbackApiKey,
      callbackUrl: `${explorer.receiver.url}/${encodeURIComponent(id)}`,
    });
    if (typeof values.accessToken !== "string" || values.accessToken === "") {
      throw new ExploreSetupError(
        `provider state "a merchant with credentials exists" answered no accessToken: ${JSON.stringify(values).slice(0, 200)}`,
      );
    }
    return {
      id,
      secret,
      callbackApiKey,
      token: values.accessToken,
      tokenAt: explorer.clock,
      expiredToken: undefined,
    };
  };
  const main = await makeMerchant("a");
  const other = await makeMerchant("b");

  const sessions: Array<SessionEntry> = [];
  const refunds: Array<RefundEntry> = [];
  const posts: Array<PostRecord> = [];
  const executed: Array<Step> = [];
  const records: Array<FailureStep> = [];
  let keyCounter = 0;
  let delivered = 0;

  const record = (
    step: FailureStep["step"],
    request: SentRequest | undefined,
    expected: unknown,
    actual: unknown,
    mismatch?: Mismatch,
  ): Mismatch | undefined => {
    records.push({ number: records.length + 1, step, request, expected, actual, mismatch });
    return mismatch;
  };

  const reach = (reached: ReadonlyArray<ReachedTransition>) => {
    for (const transition of reached) {
      const key = transitionKey(transition);
      const entry = explorer.reached.get(key);
      if (entry === undefined) explorer.reached.set(key, { transition, count: 1 });
      else entry.count++;
    }
  };

  const auth = (merchant: Merchant): Record<string, string> => ({
    authorization: `Bearer ${merchant.token}`,
  });

  /** Re-issues a token through `POST /v1/access-token` when the provider's clock has used it up. */
  const refreshToken = async (merchant: Merchant): Promise<Mismatch | undefined> => {
    if (explorer.clock < merchant.tokenAt + TOKEN_LIFETIME_MS - 1_000) return undefined;
    const request: SentRequest = {
      method: "POST",
      path: "/v1/access-token",
      headers: { "x-merchant-id": merchant.id, "x-merchant-secret": merchant.secret },
      body: { grantType: "client_credentials" },
    };
    const answer = await send(explorer, request);
    const expected: Expectation = { kind: "token", status: 200 };
    const mismatch = checkAnswer(expected, answer);
    if (mismatch !== undefined) return record({ kind: "token" }, request, expected, answer, mismatch);
    const data = isRecord(answer.body) ? answer.body.data : undefined;
    merchant.expiredToken = merchant.token;
    merchant.token = String(isRecord(data) ? data.accessToken : "");
    merchant.tokenAt = explorer.clock;
    return undefined;
  };

  /** Sends a request whose prediction is `prediction` on session `entry` (or a create). */
  const checked = async (
    step: FailureStep["step"],
    request: SentRequest,
    expectation: Expectation,
  ): Promise<{ answer: HttpAnswer; mismatch: Mismatch | undefined }> => {
    const answer = await send(explorer, request);
    explorer.stepCount++;
    const mismatch = checkAnswer(expectation, answer);
    record(step, request, expectation, answer, mismatch);
    return { answer, mismatch };
  };

  const nextKey = () => `${tag}-k${++keyCounter}`;

  const adopt = (entry: SessionEntry, prediction: Prediction, answer: HttpAnswer) => {
    if (prediction.next === null) return;
    const data = isRecord(answer.body) ? answer.body.data : undefined;
    entry.snapshot =
      prediction.expectation.kind === "session" ? learnSession(prediction.next, data) : prediction.next;
    entry.callbacks.push(...prediction.webhooks);
    reach(prediction.reached);
  };

  const sessionAt = (index: number): SessionEntry | undefined =>
    sessions.length === 0 ? undefined : sessions[index % sessions.length];

  /** Every refund as of now: the sandbox's steps due by then (decision R1), with their callbacks. */
  const advanceRefunds = () => {
    for (const entry of refunds) {
      // The charge id the model knows now (a placeholder until the session is read, then the provider's).
      const chargeId = entry.session.snapshot.context.charges[entry.charge]?.context.id;
      if (chargeId !== undefined && chargeId !== entry.record.context.chargeId) {
        entry.record = { ...entry.record, context: { ...entry.record.context, chargeId } };
      }
      const moved = advanceRefund(entry.record, explorer.clock);
      if (moved.refund === entry.record) continue;
      entry.record = moved.refund;
      entry.callbacks.push(...moved.webhooks);
      reach(moved.reached);
    }
  };

  /** After a clock move: every session as of the new time (expiry), as a sweeper would; every refund too. */
  const advanceAll = () => {
    for (const entry of sessions) {
      const advanced = advanceSession(entry.snapshot, explorer.clock);
      if (advanced.snapshot !== entry.snapshot) {
        entry.snapshot = advanced.snapshot;
        entry.callbacks.push(...advanced.webhooks);
        reach(advanced.reached);
      }
    }
    advanceRefunds();
  };

  /** The refund callbacks the model expects, by the core's dedupe key. */
  const expectedRefundCallbacks = (): Map<string, RefundCallback> => {
    const expected = new Map<string, RefundCallback>();
    for (const entry of refunds)
      for (const cb of entry.callbacks) {
        const key = refundCallbackDedupeKey(cb);
        if (!expected.has(key)) expected.set(key, cb);
      }
    return expected;
  };

  /** Checks the deliveries so far; `final`: every expected callback must have arrived. */
  const checkWebhooks = (final: boolean, count = final): Mismatch | undefined => {
    const expected = new Map<string, PaymentCallback>();
    for (const entry of sessions)
      for (const cb of entry.callbacks) if (!expected.has(callbackKey(cb))) expected.set(callbackKey(cb), cb);
    const expectedRefunds = expectedRefundCallbacks();
    const seen = new Set<string>();
    const deliveries = explorer.receiver.deliveries(main.id);
    for (const [index, delivery] of deliveries.entries()) {
      const where = `webhook #${index + 1}`;
      if (delivery.apiKey !== main.callbackApiKey) {
        return {
          path: `${where} X-API-Key`,
          expected: main.callbackApiKey,
          actual: delivery.apiKey ?? "(missing)",
        };
      }
      if (isRefundBody(delivery.body)) {
        const refundDecoded = decodeRefundCallback(delivery.body);
        if (Result.isFailure(refundDecoded)) {
          const detail = refundDecoded.failure.details[0];
          return {
            path: `${where} body.${detail?.field ?? ""}`,
            expected: "a RefundCallback body",
            actual: delivery.body,
            message: detail?.message ?? "the body does not decode with the core's RefundCallback schema",
          };
        }
        const key = refundCallbackDedupeKey(refundDecoded.success);
        const wantRefund = expectedRefunds.get(key);
        if (wantRefund === undefined) {
          return {
            path: `${where} event`,
            expected: [...expectedRefunds.values()].map((cb) => `${cb.event} (refund ${cb.data.id})`),
            actual: `${refundDecoded.success.event} (refund ${refundDecoded.success.data.id}, ${refundDecoded.success.data.status})`,
            message: "a refund webhook the model does not predict",
          };
        }
        const mismatch = compareRefund(
          `${where} (${wantRefund.event}) data`,
          wantRefund.data,
          isRecord(delivery.body) ? delivery.body.data : undefined,
        );
        if (mismatch !== undefined) return mismatch;
        if (count && seen.has(key)) explorer.duplicateCount++;
        seen.add(key);
        continue;
      }
      const decoded = decodeCallback(delivery.body);
      if (Result.isFailure(decoded)) {
        const detail = decoded.failure.details[0];
        return {
          path: `${where} body.${detail?.field ?? ""}`,
          expected: "a PaymentCallback body",
          actual: delivery.body,
          message: detail?.message ?? "the body does not decode with the core's PaymentCallback schema",
        };
      }
      const key = callbackKey(decoded.success);
      const want = expected.get(key);
      if (want === undefined) {
        return {
          path: `${where} event`,
          expected: [...expected.values()].map((cb) => `${cb.event} (${cb.data.status})`),
          actual: `${decoded.success.event} (session ${decoded.success.data.id}, ${decoded.success.data.status})`,
          message: "a webhook the model does not predict",
        };
      }
      const mismatch = compareSession(
        `${where} (${want.event}) data`,
        want.data,
        delivery.body && isRecord(delivery.body) ? delivery.body.data : undefined,
      );
      if (mismatch !== undefined) return mismatch;
      if (count && seen.has(key)) explorer.duplicateCount++;
      seen.add(key);
    }
    if (count && delivered < deliveries.length) {
      explorer.webhookCount += deliveries.length - delivered;
      delivered = deliveries.length;
    }
    const strays = explorer.receiver.deliveries(other.id);
    if (strays.length > 0) {
      return { path: "webhook to the other merchant", expected: "none", actual: strays[0]?.body };
    }
    if (final) {
      for (const [key, cb] of expected) {
        if (!seen.has(key)) {
          return {
            path: `webhook ${cb.event}`,
            expected: `${cb.event} for session ${cb.data.id} (${cb.data.status})`,
            actual: "(missing)",
            message: `no ${cb.event} delivery arrived within ${explorer.webhookTimeoutMs} ms`,
          };
        }
      }
      for (const [key, cb] of expectedRefunds) {
        if (!seen.has(key)) {
          return {
            path: `webhook ${cb.event}`,
            expected: `${cb.event} for refund ${cb.data.id} (${cb.data.status})`,
            actual: "(missing)",
            message: `no ${cb.event} delivery arrived within ${explorer.webhookTimeoutMs} ms`,
          };
        }
      }
    }
    return undefined;
  };

  const waitForWebhooks = async (): Promise<void> => {
    const expected = new Set<string>();
    for (const entry of sessions) for (const cb of entry.callbacks) expected.add(callbackKey(cb));
    for (const key of expectedRefundCallbacks().keys()) expected.add(key);
    const started = performance.now();
    for (;;) {
      const got = new Set<string>();
      for (const d of explorer.receiver.deliveries(main.id)) {
        const key = deliveryKey(d.body);
        if (key !== undefined) got.add(key);
      }
      const complete = [...expected].every((k) => got.has(k));
      const now = performance.now();
      if (complete && now - Math.max(explorer.receiver.lastAt(), started) >= explorer.quietMs) return;
      if (now - started > explorer.webhookTimeoutMs) return;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  };

  const webhookStep = (final: boolean): Mismatch | undefined => {
    const mismatch = checkWebhooks(final);
    if (mismatch === undefined) return undefined;
    return record(
      { kind: "webhooks" },
      undefined,
      [
        ...sessions.flatMap((s) => s.callbacks.map((cb) => `${cb.event} ${cb.data.id}`)),
        ...refunds.flatMap((r) => r.callbacks.map((cb) => `${cb.event} refund ${cb.data.id}`)),
      ],
      explorer.receiver
        .deliveries(main.id)
        .map((d) =>
          isRecord(d.body)
            ? `${String(d.body.event)} ${String(isRecord(d.body.data) ? d.body.data.id : "")}`
            : d.body,
        ),
      mismatch,
    );
  };

  const sessionOperation = async (
    step: Step,
    entry: SessionEntry,
    operation: SessionOperation,
    request: SentRequest,
  ): Promise<Mismatch | undefined> => {
    const prediction = predictOperation(entry.snapshot, operation, explorer.clock);
    const { answer, mismatch } = await checked(step, request, prediction.expectation);
    if (mismatch !== undefined) return mismatch;
    adopt(entry, prediction, answer);
    if (
      request.method === "POST" &&
      request.headers?.["x-request-id"] !== undefined &&
      answer.status === 200
    ) {
      posts.push({
        path: request.path,
        body: request.body,
        key: request.headers["x-request-id"],
        answer,
        at: explorer.clock,
        otherBody: otherBodyOf(operation, request.body),
      });
    }
    return undefined;
  };

  /** Whether the refund machine would refund 1 IDR of `snapshot` now (a probe, never sent). */
  const refundable = (entry: SessionEntry, snapshot: SessionSnapshot): boolean => {
    const own = refunds.filter((r) => r.session === entry).map((r) => r.record);
    const probe = {
      clientReferenceId: "probe",
      paymentSessionId: entry.id,
      reason: "OTHERS",
      amount: { value: "1.00", currency: snapshot.context.amount.currency },
    };
    return predictRefund(snapshot, own, probe, explorer.clock).refund !== null;
  };

  /** The SUCCESS simulation that pays `entry` in full (the body a `simulate` step with the right amount sends). */
  const paymentOf = (entry: SessionEntry) => {
    const amount = entry.snapshot.context.amount.value;
    const body = {
      paymentSessionId: entry.id,
      chargeStatus: "SUCCESS",
      amount: { value: amount > 0 ? amount : 25_000, currency: "IDR" },
    };
    const operation: SessionOperation = { kind: "simulate", body };
    return { operation, request: { method: "POST" as const, path: "/v2/payments/simulations", body } };
  };

  /**
   * The session a refund step names: with `target` refundable, number `session` among the sessions
   * the refund machine would refund 1 IDR of now; when there is none, among those a SUCCESS
   * simulation would make so, which is sent first (checked as a `simulate` step); else, and with
   * `target` any, number `session` among all of them.
   */
  const refundTarget = async (
    step: Extract<Step, { kind: "refund" }>,
    keyed: () => Record<string, string>,
  ): Promise<SessionEntry | Mismatch | undefined> => {
    if (step.target !== "refundable") return sessionAt(step.session);
    const ready = sessions.filter((entry) => refundable(entry, entry.snapshot));
    if (ready.length > 0) return ready[step.session % ready.length];
    const payable = sessions.filter((entry) => {
      const next = predictOperation(entry.snapshot, paymentOf(entry).operation, explorer.clock).next;
      return next !== null && refundable(entry, next);
    });
    const entry = payable.length === 0 ? undefined : payable[step.session % payable.length];
    if (entry === undefined) return sessionAt(step.session);
    const { operation, request } = paymentOf(entry);
    const mismatch = await sessionOperation(
      { kind: "simulate", session: sessions.indexOf(entry), status: "SUCCESS", amount: "right" },
      entry,
      operation,
      { ...request, headers: keyed() },
    );
    return mismatch ?? entry;
  };

  /** `GET /v1/refunds/{id}` of a refund of the run: the refund as of now (the sandbox's due steps taken). */
  const readRefund = async (step: FailureStep["step"], entry: RefundEntry): Promise<Mismatch | undefined> => {
    advanceRefunds();
    const request: SentRequest = {
      method: "GET",
      path: `/v1/refunds/${encodeURIComponent(entry.record.context.id)}`,
      headers: auth(main),
    };
    const expectation: Expectation = { kind: "refund", status: 200, refund: toRefund(entry.record) };
    const { mismatch } = await checked(step, request, expectation);
    return mismatch;
  };

  const runStep = async (step: Step): Promise<Mismatch | undefined | "skipped"> => {
    for (const merchant of [main, other]) {
      const m = await refreshToken(merchant);
      if (m !== undefined) return m;
    }
    const keyed = (extra: Record<string, string> = {}) => ({
      ...auth(main),
      "x-request-id": nextKey(),
      ...extra,
    });
    switch (step.kind) {
      case "create": {
        const body = createBody(step, tag, explorer.clock);
        const prediction = predictCreate(body, explorer.clock);
        const request: SentRequest = { method: "POST", path: "/v2/payments", headers: keyed(), body };
        const { answer, mismatch } = await checked(step, request, prediction.expectation);
        if (mismatch !== undefined) return mismatch;
        if (prediction.next !== null) {
          const data = isRecord(answer.body) ? answer.body.data : undefined;
          const snapshot = learnSession(prediction.next, data);
          sessions.push({ id: snapshot.context.id, snapshot, ref: step.ref, callbacks: [] });
          explorer.sessionCount++;
          reach(prediction.reached);
          posts.push({
            path: request.path,
            body,
            key: request.headers?.["x-request-id"] ?? "",
            answer,
            at: explorer.clock,
            otherBody: { ...(body as object), clientReferenceId: `${referenceOf(tag, step.ref)}-other` },
          });
        }
        return undefined;
      }
      case "confirm":
      case "cancel":
      case "capture":
      case "simulate":
      case "get": {
        const entry = sessionAt(step.session);
        if (entry === undefined) return "skipped";
        const { operation, request } = requestOf(step, entry, keyed);
        return sessionOperation(step, entry, operation, request);
      }
      case "list":
      case "charges": {
        const reference = referenceOf(tag, step.ref);
        const matching = sessions.filter((s) => s.ref === step.ref);
        // Reads happen as of now: expire what has to be, then render.
        for (const entry of matching) {
          const advanced = advanceSession(entry.snapshot, explorer.clock);
          entry.snapshot = advanced.snapshot;
          entry.callbacks.push(...advanced.webhooks);
        }
        const expectation: Expectation = {
          kind: step.kind === "list" ? "sessionList" : "chargeList",
          status: 200,
          sessions: matching.map((s) => toPaymentSession(s.snapshot)),
          page: step.page,
          perPage: step.perPage,
        };
        const path = `/v2/${step.kind === "list" ? "payments" : "charges"}?clientReferenceId=${encodeURIComponent(reference)}&page=${step.page}&perPage=${step.perPage}`;
        const request: SentRequest = { method: "GET", path, headers: auth(main) };
        const { mismatch } = await checked(step, request, expectation);
        return mismatch;
      }
      case "advance": {
        let to = explorer.clock + (step.ms ?? MINUTE);
        if (step.to !== undefined) {
          const entry = sessionAt(step.session ?? 0);
          const expiryAt = entry?.snapshot.context.expiryAt ?? null;
          if (expiryAt === null) return "skipped";
          to =
            step.to === "pastExpiry" ? Math.max(expiryAt + 1_000, explorer.clock + 1_000) : expiryAt - MINUTE;
          if (to <= explorer.clock) return "skipped";
        }
        await setClock(explorer, to);
        advanceAll();
        record(step, undefined, `the clock reads ${iso(explorer.clock)}`, "(set)");
        return webhookStep(false);
      }
      case "repeat": {
        const live = posts.filter((p) => explorer.clock - p.at < IDEMPOTENCY_WINDOW_MS - MINUTE);
        const post = live.length === 0 ? undefined : live[step.post % live.length];
        if (post === undefined) return "skipped";
        const body = step.sameBody ? post.body : post.otherBody;
        const request: SentRequest = {
          method: "POST",
          path: post.path,
          headers: { ...auth(main), "x-request-id": post.key },
          body,
        };
        const expectation: Expectation = step.sameBody
          ? { kind: "replay", status: post.answer.status, body: post.answer.body }
          : idempotencyConflictExpectation;
        const { mismatch } = await checked(step, request, expectation);
        return mismatch;
      }
      case "expiredToken": {
        const entry = sessionAt(step.session);
        if (entry === undefined || main.expiredToken === undefined) return "skipped";
        const request: SentRequest = {
          method: "GET",
          path: `/v2/payments/${encodeURIComponent(entry.id)}`,
          headers: { authorization: `Bearer ${main.expiredToken}` },
        };
        const { mismatch } = await checked(step, request, unauthorizedExpectation);
        return mismatch;
      }
      case "refund": {
        advanceRefunds();
        const target = await refundTarget(step, keyed);
        if (target === undefined) return "skipped";
        if (!("snapshot" in target)) return target;
        const entry = target;
        const own = refunds.filter((r) => r.session === entry).map((r) => r.record);
        const payment = refundablePayment(entry.snapshot, own);
        const ledger =
          "_tag" in payment
            ? { captured: entry.snapshot.context.amount.value, held: 0 }
            : { captured: payment.captured.value, held: payment.held };
        const body = refundBody(step, tag, refunds.length + 1, entry.id, ledger);
        const prediction = predictRefund(entry.snapshot, own, body, explorer.clock);
        const request: SentRequest = { method: "POST", path: "/v1/refunds", headers: auth(main), body };
        const { answer, mismatch } = await checked(step, request, prediction.expectation);
        if (mismatch !== undefined) return mismatch;
        reach(prediction.reached);
        if (prediction.refund !== null) {
          const record = learnRefund(prediction.refund, isRecord(answer.body) ? answer.body.data : undefined);
          refunds.push({
            record,
            session: entry,
            charge: entry.snapshot.context.charges.findIndex((c) => c.context.id === record.context.chargeId),
            callbacks: callbacksOf(record, prediction.webhooks),
          });
        }
        return undefined;
      }
      case "getRefund": {
        const entry = refunds.length === 0 ? undefined : refunds[step.refund % refunds.length];
        if (entry === undefined) return "skipped";
        return readRefund(step, entry);
      }
      case "listRefunds": {
        const entry = sessionAt(step.session);
        if (entry === undefined) return "skipped";
        advanceRefunds();
        const expectation: Expectation = {
          kind: "refundList",
          status: 200,
          refunds: refunds.filter((r) => r.session === entry).map((r) => toRefund(r.record)),
          page: step.page,
          perPage: step.perPage,
        };
        const path = `/v1/refunds?paymentSessionId=${encodeURIComponent(entry.id)}&page=${step.page}&perPage=${step.perPage}`;
        const { mismatch } = await checked(step, { method: "GET", path, headers: auth(main) }, expectation);
        return mismatch;
      }
      case "otherMerchantRefund": {
        const headers = { authorization: `Bearer ${other.token}` };
        if (step.op === "get") {
          const entry = refunds.length === 0 ? undefined : refunds[step.refund % refunds.length];
          if (entry === undefined) return "skipped";
          const path = `/v1/refunds/${encodeURIComponent(entry.record.context.id)}`;
          const { mismatch } = await checked(step, { method: "GET", path, headers }, missingExpectation);
          return mismatch;
        }
        const entry = sessionAt(step.refund);
        if (entry === undefined) return "skipped";
        const body = refundBody(
          { kind: "refund", session: 0, amount: "half", method: "AUTO", sandbox: "plain" },
          tag,
          0,
          entry.id,
          { captured: entry.snapshot.context.amount.value, held: 0 },
        );
        const request: SentRequest = { method: "POST", path: "/v1/refunds", headers, body };
        const { mismatch } = await checked(step, request, missingExpectation);
        return mismatch;
      }
      case "otherMerchant": {
        const entry = sessionAt(step.session);
        if (entry === undefined) return "skipped";
        const path = `/v2/payments/${encodeURIComponent(entry.id)}`;
        const headers = { authorization: `Bearer ${other.token}` };
        const request: SentRequest =
          step.op === "get"
            ? { method: "GET", path, headers }
            : step.op === "cancel"
              ? {
                  method: "POST",
                  path: `${path}/cancel`,
                  headers,
                  body: { cancellationReason: "DUPLICATED" },
                }
              : {
                  method: "POST",
                  path: `${path}/confirm`,
                  headers,
                  body: methodBody({ type: "VIRTUAL_ACCOUNT", channel: "BNI" }),
                };
        const { mismatch } = await checked(step, request, missingExpectation);
        if (mismatch !== undefined) return mismatch;
        // Decision S5: the run's sessions are the merchant's own; a sub-account of the same merchant
        // (its token, with x-submerchant-id) must not find them either.
        const subAccountRead: SentRequest = {
          method: "GET",
          path,
          headers: { ...auth(main), "x-submerchant-id": "explorer-other-sub-account" },
        };
        return (await checked(step, subAccountRead, missingExpectation)).mismatch;
      }
    }
  };

  let mismatch: Mismatch | undefined;
  for (const step of steps) {
    const result = await runStep(step);
    if (result === "skipped") continue;
    executed.push(step);
    if (result !== undefined) {
      mismatch = result;
      break;
    }
  }
  if (mismatch === undefined) {
    // The end of the run: read every session as of now, then the webhooks they must have caused.
    for (const [index, entry] of sessions.entries()) {
      const m = await refreshToken(main);
      if (m !== undefined) {
        mismatch = m;
        break;
      }
      const request: SentRequest = {
        method: "GET",
        path: `/v2/payments/${encodeURIComponent(entry.id)}`,
        headers: auth(main),
      };
      mismatch = await sessionOperation({ kind: "get", session: index }, entry, { kind: "get" }, request);
      if (mismatch !== undefined) {
        const last = records[records.length - 1];
        if (last !== undefined)
          records[records.length - 1] = { ...last, step: { kind: "finalRead", session: index } };
        break;
      }
    }
  }
  if (mismatch === undefined) {
    // Every refund read as of now: the provider stores the sandbox's due steps (and their callbacks).
    for (const [index, entry] of refunds.entries()) {
      const m = await refreshToken(main);
      if (m !== undefined) {
        mismatch = m;
        break;
      }
      mismatch = await readRefund({ kind: "finalRead", refund: index }, entry);
      if (mismatch !== undefined) break;
    }
  }
  if (mismatch === undefined) {
    await waitForWebhooks();
    mismatch = webhookStep(true);
  }
  if (mismatch === undefined)
    explorer.lateChecks.push({
      steps: executed,
      check: (now) => {
        for (const entry of sessions) entry.callbacks.push(...advanceSession(entry.snapshot, now).webhooks);
        for (const entry of refunds) entry.callbacks.push(...advanceRefund(entry.record, now).webhooks);
        return checkWebhooks(false, false);
      },
    });
  return { executed, records, mismatch };
};

const requestOf = (
  step: Extract<Step, { kind: "confirm" | "cancel" | "capture" | "simulate" | "get" }>,
  entry: SessionEntry,
  keyed: () => Record<string, string>,
): { operation: SessionOperation; request: SentRequest } => {
  const path = `/v2/payments/${encodeURIComponent(entry.id)}`;
  switch (step.kind) {
    case "get":
      return {
        operation: { kind: "get" },
        request: { method: "GET", path, headers: { authorization: keyed().authorization ?? "" } },
      };
    case "confirm": {
      const body = methodBody(step.method);
      return {
        operation: { kind: "confirm", body },
        request: { method: "POST", path: `${path}/confirm`, headers: keyed(), body },
      };
    }
    case "cancel": {
      const body = { cancellationReason: step.reason };
      return {
        operation: { kind: "cancel", body },
        request: { method: "POST", path: `${path}/cancel`, headers: keyed(), body },
      };
    }
    case "capture": {
      const amount = entry.snapshot.context.amount.value;
      const value =
        step.amount === "partial"
          ? Math.max(1, Math.floor(amount / 2))
          : step.amount === "over"
            ? amount + 1
            : amount;
      const body = {
        releaseRemainingAmount: step.release,
        ...(step.amount === "none" ? {} : { amount: { value, currency: "IDR" } }),
      };
      return {
        operation: { kind: "capture", body },
        request: { method: "POST", path: `${path}/capture`, headers: keyed(), body },
      };
    }
    case "simulate": {
      const amount = entry.snapshot.context.amount.value;
      const value = step.amount === "wrong" ? amount + 1_000 : amount > 0 ? amount : 25_000;
      const body = {
        paymentSessionId: entry.id,
        chargeStatus: step.status,
        ...(step.amount === "none" ? {} : { amount: { value, currency: "IDR" } }),
      };
      return {
        operation: { kind: "simulate", body },
        request: { method: "POST", path: "/v2/payments/simulations", headers: keyed(), body },
      };
    }
  }
};

/** A valid body that differs from `body` in a field the provider must compare (for a 409). */
const otherBodyOf = (operation: SessionOperation, body: unknown): unknown => {
  switch (operation.kind) {
    case "confirm":
      return {
        ...methodBody({ type: "VIRTUAL_ACCOUNT", channel: "BRI" }),
        ...(isRecord(body) &&
        isRecord(body.paymentMethodOptions) &&
        isRecord(body.paymentMethodOptions.virtualAccount) &&
        body.paymentMethodOptions.virtualAccount.channel === "BRI"
          ? methodBody({ type: "VIRTUAL_ACCOUNT", channel: "BNI" })
          : {}),
      };
    case "cancel":
      return {
        cancellationReason:
          isRecord(body) && body.cancellationReason === "DUPLICATED" ? "VOID_SESSION" : "DUPLICATED",
      };
    case "capture":
    case "simulate": {
      const record = isRecord(body) ? body : {};
      const amount =
        isRecord(record.amount) && typeof record.amount.value === "number" ? record.amount.value : 20_000;
      return { ...record, amount: { value: amount + 1, currency: "IDR" } };
    }
    case "get":
    case "expire":
      return body;
  }
};
