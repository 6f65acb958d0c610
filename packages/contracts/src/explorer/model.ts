/**
 * The explorer's model: what the core's machines predict for one request, and how an answer is
 * checked against that prediction.
 *
 * The model keeps, per payment session, the core's own snapshot. A request is turned into the
 * core event the provider must apply (the session is first brought to the request's instant, as the
 * write path does: decision L4), `applyEvent` answers, and the outcome becomes an {@link Expectation}:
 * the HTTP status, the error `code` / `error.type` of a refusal (core `refusalAnswer`), or the
 * session the merchant must read (core `toPaymentSession`). No lifecycle rule is restated here.
 *
 * Provider-chosen values (session and charge ids, VA numbers, QR content, payment URLs, the
 * formatting of instants) are never predicted: a new id is a placeholder ({@link placeholderId})
 * that the check skips, and {@link learnSession} adopts the provider's value from its answer.
 *
 * @since 0.1.0
 */
import {
  type Amount,
  type Applied,
  applyEvent,
  CancelPaymentSessionRequest,
  CapturePaymentSessionRequest,
  type Charge,
  ConfirmPaymentSessionRequest,
  CreatePaymentSessionRequest,
  chargeRequestFor,
  createSession,
  creationIssues,
  creationKeysOf,
  decodeBody,
  defaultPaymentMethodConfig,
  type ErrorType,
  type PaymentCallback,
  type PaymentMethodConfig,
  type PaymentSession,
  parseInstantMillis,
  persistSession,
  type Refused,
  refusalAnswer,
  restoreSession,
  type SessionEvent,
  type SessionSnapshot,
  SimulationRequest,
  sessionAt,
  simulationEvent,
  type TransitionKey,
  toPaymentSession,
  transitionKeyOf,
  withCreateDefaults,
} from "@payment-session/core";
import { Result } from "effect";
import { checkRefundBody, type RefundExpectation } from "./refundModel.js";

// ---------------------------------------------------------------------------------------------
// Placeholders for provider-chosen values
// ---------------------------------------------------------------------------------------------

const PLACEHOLDER = "provider-chosen:";
let placeholderCounter = 0;

/**
 * A fresh placeholder for a value the provider chooses (a new session, charge or capture id). The
 * check skips a field whose expected value is a placeholder; {@link learnSession} replaces it.
 *
 * @since 0.1.0
 * @category Explorer
 */
export const placeholderId = (what: string): string => `${PLACEHOLDER}${what}:${++placeholderCounter}`;

/**
 * Whether `value` is a {@link placeholderId}.
 *
 * @since 0.1.0
 * @category Explorer
 */
export const isPlaceholder = (value: unknown): boolean =>
  typeof value === "string" && value.startsWith(PLACEHOLDER);

// ---------------------------------------------------------------------------------------------
// Transition keys (the coverage vocabulary agreed with the coverage tool)
// ---------------------------------------------------------------------------------------------

/**
 * One transition a step took: in `state`, `event` had `result` (`→TARGET`, `refused:<code>` or
 * `stays`), of the session or the charge machine — the core's `TransitionKey`, the vocabulary of
 * the coverage report.
 *
 * @since 0.1.0
 * @category Explorer
 */
export type ReachedTransition = TransitionKey;

/** The transitions of `event` applied to `before`: the session machine's and the charge's (core `transitionKeyOf`). */
const transitionsOf = (
  before: SessionSnapshot,
  event: SessionEvent,
  applied: Applied,
): ReadonlyArray<ReachedTransition> => {
  const keys = transitionKeyOf(before, event, applied);
  return [keys.expiry?.session, keys.expiry?.charge, keys.session, keys.charge].filter(
    (key): key is TransitionKey => key !== null && key !== undefined,
  );
};

// ---------------------------------------------------------------------------------------------
// Expectations
// ---------------------------------------------------------------------------------------------

/**
 * What the model expects of one HTTP answer.
 *
 * - `session`: 200 with `data` = this session (provider-chosen fields skipped);
 * - `sessionList`: 200, `data` = page `page` of `sessions` (in creation order or newest first, the
 *   same on every page), `pagination` consistent;
 * - `chargeList`: 200, `data` = the charges of `sessions`, paged likewise;
 * - `simulation`: 200 with `data.updated` true (`"true"` or `true`);
 * - `capture`: 200, a capture object of `amount` for `paymentSessionId`;
 * - `token`: 200 with a string `data.accessToken`;
 * - `refund`, `refundList`: 200 with the refund(s) the refund machine predicts (`refundModel.ts`);
 * - `replay`: exactly `body` again (status and JSON), decision C6;
 * - `error`: `status`, `code`, one of `types` for `error.type`, and a `details[]` entry for each
 *   of `fields`.
 *
 * @since 0.1.0
 * @category Explorer
 */
export type Expectation =
  | { readonly kind: "session"; readonly status: 200; readonly session: PaymentSession }
  | Extract<RefundExpectation, { kind: "refund" | "refundList" }>
  | {
      readonly kind: "sessionList";
      readonly status: 200;
      readonly sessions: ReadonlyArray<PaymentSession>;
      readonly page: number;
      readonly perPage: number;
    }
  | {
      readonly kind: "chargeList";
      readonly status: 200;
      readonly sessions: ReadonlyArray<PaymentSession>;
      readonly page: number;
      readonly perPage: number;
    }
  | { readonly kind: "simulation"; readonly status: 200 }
  | {
      readonly kind: "capture";
      readonly status: 200;
      readonly amount: number;
      readonly paymentSessionId: string;
    }
  | { readonly kind: "token"; readonly status: 200 }
  | { readonly kind: "replay"; readonly status: number; readonly body: unknown }
  | {
      readonly kind: "error";
      readonly status: number;
      readonly code: string;
      readonly types: ReadonlyArray<ErrorType>;
      readonly fields?: ReadonlyArray<string>;
    };

/**
 * An HTTP answer: status and parsed JSON body (`undefined` when the body was not JSON).
 *
 * @since 0.1.0
 * @category Explorer
 */
export interface HttpAnswer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * Where an answer differs from the model: the field path (`status`, `data.chargeDetails[0].status`,
 * …), the expected and the actual value (`undefined` = missing).
 *
 * @since 0.1.0
 * @category Explorer
 */
export interface Mismatch {
  readonly path: string;
  readonly expected: unknown;
  readonly actual: unknown;
  readonly message?: string;
}

/** The error expectation of a body the core's schema refuses (400 with the schema's field paths). */
const invalidBody = (): Expectation => ({
  kind: "error",
  status: 400,
  code: "api_validation_error",
  types: ["API_ERROR"],
});

/**
 * The 404 of a session the merchant does not have. `error.type` matched loosely (issue 9).
 *
 * @since 0.1.0
 * @category Explorer
 */
export const missingExpectation: Expectation = {
  kind: "error",
  status: 404,
  code: "resource_missing",
  types: ["GATEWAY_ERROR", "API_ERROR"],
};

/**
 * The 401 of a missing, wrong or expired token.
 *
 * @since 0.1.0
 * @category Explorer
 */
export const unauthorizedExpectation: Expectation = {
  kind: "error",
  status: 401,
  code: "credentials_invalid",
  types: ["API_ERROR", "GATEWAY_ERROR"],
};

/**
 * The 409 of an `X-REQUEST-ID` reused with another body (decision C6).
 *
 * @since 0.1.0
 * @category Explorer
 */
export const idempotencyConflictExpectation: Expectation = {
  kind: "error",
  status: 409,
  code: "idempotency_error",
  types: ["API_ERROR"],
};

const refusalExpectation = (outcome: Refused): Expectation => {
  const answer = refusalAnswer(outcome.code);
  return {
    kind: "error",
    status: answer.status,
    code: answer.code,
    types: answer.status === 404 ? ["GATEWAY_ERROR", "API_ERROR"] : [answer.type],
    ...(outcome.details === undefined ? {} : { fields: outcome.details.map((d) => d.field) }),
  };
};

// ---------------------------------------------------------------------------------------------
// Predictions
// ---------------------------------------------------------------------------------------------

/**
 * What the model predicts for one request: the expectation, the session's next snapshot (the
 * input when nothing changes; `null` for a refused create), the webhooks the step must cause, and
 * the transitions it takes.
 *
 * @since 0.1.0
 * @category Explorer
 */
export interface Prediction {
  readonly expectation: Expectation;
  readonly next: SessionSnapshot | null;
  readonly webhooks: ReadonlyArray<PaymentCallback>;
  readonly reached: ReadonlyArray<ReachedTransition>;
}

/**
 * A request on one session, as the model takes it. Bodies are the JSON the explorer sends (they are
 * decoded with the core's schemas: a body they refuse is a 400).
 *
 * - `confirm`, `cancel`, `capture`: `POST /v2/payments/{id}/<kind>` with `body`;
 * - `simulate`: `POST /v2/payments/simulations` with `body` (`paymentSessionId` filled in);
 * - `get`: `GET /v2/payments/{id}`;
 * - `expire`: time reaching `at` with no request (a sweeper); never refused.
 *
 * @since 0.1.0
 * @category Explorer
 */
export type SessionOperation =
  | { readonly kind: "confirm"; readonly body: unknown }
  | { readonly kind: "cancel"; readonly body: unknown }
  | { readonly kind: "capture"; readonly body: unknown }
  | { readonly kind: "simulate"; readonly body: unknown }
  | { readonly kind: "get" }
  | { readonly kind: "expire" };

const decodeConfirm = decodeBody(ConfirmPaymentSessionRequest);
const decodeCancel = decodeBody(CancelPaymentSessionRequest);
const decodeCapture = decodeBody(CapturePaymentSessionRequest);
const decodeSimulation = decodeBody(SimulationRequest);
const decodeCreate = decodeBody(CreatePaymentSessionRequest);

/**
 * The session as of `at` (decision L4: a session past its `expiryAt` is expired before anything
 * else happens), with the webhooks and transitions that expiry caused.
 *
 * @since 0.1.0
 * @category Explorer
 */
export const advanceSession = (
  snapshot: SessionSnapshot,
  at: number,
): {
  readonly snapshot: SessionSnapshot;
  readonly webhooks: ReadonlyArray<PaymentCallback>;
  readonly reached: ReadonlyArray<ReachedTransition>;
} => {
  const applied = sessionAt(snapshot, at);
  if (applied.expiry === null) return { snapshot, webhooks: [], reached: [] };
  return {
    snapshot: applied.snapshot,
    webhooks: applied.expiry.webhooks,
    reached: transitionsOf(snapshot, { type: "EXPIRE", at }, applied),
  };
};

const sessionExpectation = (snapshot: SessionSnapshot): Expectation => ({
  kind: "session",
  status: 200,
  session: toPaymentSession(snapshot),
});

/**
 * Predicts `operation` on a session at instant `at` (epoch ms), from the session's snapshot.
 * `config` is the merchant's payment-method config (default: the documented example, which the
 * provider state `a merchant with credentials exists` promises).
 *
 * @example
 * const p = predictOperation(snapshot, { kind: "cancel", body: { cancellationReason: "DUPLICATED" } }, at)
 * p.expectation // { kind: "session", status: 200, session: { status: "CANCELLED", … } }
 * @since 0.1.0
 * @category Explorer
 */
export const predictOperation = (
  snapshot: SessionSnapshot,
  operation: SessionOperation,
  at: number,
  config: PaymentMethodConfig = defaultPaymentMethodConfig,
): Prediction => {
  const event = eventOf(snapshot, operation, at, config);
  if (event._tag === "Expectation") {
    return { expectation: event.expectation, next: snapshot, webhooks: [], reached: [] };
  }
  const current = advanceSession(snapshot, at);
  if (event._tag === "Read") {
    return {
      expectation: sessionExpectation(current.snapshot),
      next: current.snapshot,
      webhooks: current.webhooks,
      reached: current.reached,
    };
  }
  // Rebuild the event on the session as of `at` (a simulation's charge depends on it); when time
  // changed nothing (the same snapshot object), the event already built is that event.
  const rebuilt = current.snapshot === snapshot ? event : eventOf(current.snapshot, operation, at, config);
  if (rebuilt._tag === "Expectation") {
    return {
      expectation: rebuilt.expectation,
      next: current.snapshot,
      webhooks: current.webhooks,
      reached: current.reached,
    };
  }
  if (rebuilt._tag === "Read") throw new Error("unreachable: a read became an event");
  // The core brings the session to `at` itself (L4): its answer carries the expiry's keys and callbacks.
  const applied = applyEvent(snapshot, rebuilt.event);
  const reached = transitionsOf(snapshot, rebuilt.event, applied);
  const outcome = applied.outcome;
  if (outcome._tag === "Refused") {
    return {
      expectation: refusalExpectation(outcome),
      next: applied.atInstant,
      webhooks: applied.expiry?.webhooks ?? [],
      reached,
    };
  }
  const webhooks = outcome.webhooks;
  const expectation: Expectation =
    operation.kind === "simulate"
      ? { kind: "simulation", status: 200 }
      : operation.kind === "capture"
        ? {
            kind: "capture",
            status: 200,
            amount: capturedBy(applied.snapshot, rebuilt.event),
            paymentSessionId: applied.snapshot.context.id,
          }
        : operation.kind === "expire"
          ? sessionExpectation(applied.snapshot)
          : sessionExpectation(applied.snapshot);
  return { expectation, next: applied.snapshot, webhooks, reached };
};

const capturedBy = (snapshot: SessionSnapshot, event: SessionEvent): number => {
  if (event.type !== "CAPTURE") return 0;
  for (const charge of snapshot.context.charges) {
    const record = charge.context.captures.find((c) => c.captureId === event.captureId);
    if (record !== undefined) return record.amount;
  }
  return 0;
};

type EventOf =
  | { readonly _tag: "Event"; readonly event: SessionEvent }
  | { readonly _tag: "Read" }
  | { readonly _tag: "Expectation"; readonly expectation: Expectation };

const eventOf = (
  snapshot: SessionSnapshot,
  operation: SessionOperation,
  at: number,
  config: PaymentMethodConfig,
): EventOf => {
  switch (operation.kind) {
    case "get":
      return { _tag: "Read" };
    case "expire":
      return { _tag: "Event", event: { type: "EXPIRE", at } };
    case "confirm": {
      const body = decodeConfirm(operation.body);
      if (Result.isFailure(body)) return { _tag: "Expectation", expectation: invalidBody() };
      const intent = {
        type: "CONFIRM" as const,
        at,
        paymentMethod: body.success.paymentMethod,
        paymentMethodOptions: body.success.paymentMethodOptions,
        config,
      };
      const opens = chargeRequestFor(snapshot, intent) !== null;
      return {
        _tag: "Event",
        event: { ...intent, charge: { id: opens ? placeholderId("charge") : placeholderId("unused") } },
      };
    }
    case "cancel": {
      const body = decodeCancel(operation.body);
      if (Result.isFailure(body)) return { _tag: "Expectation", expectation: invalidBody() };
      return {
        _tag: "Event",
        event: { type: "CANCEL", at, cancellationReason: body.success.cancellationReason },
      };
    }
    case "capture": {
      const body = decodeCapture(operation.body);
      if (Result.isFailure(body)) return { _tag: "Expectation", expectation: invalidBody() };
      return {
        _tag: "Event",
        event: {
          type: "CAPTURE",
          at,
          captureId: placeholderId("capture"),
          releaseRemainingAmount: body.success.releaseRemainingAmount,
          amount: body.success.amount,
        },
      };
    }
    case "simulate": {
      const body = decodeSimulation(operation.body);
      if (Result.isFailure(body)) return { _tag: "Expectation", expectation: invalidBody() };
      const plan = simulationEvent(snapshot, body.success, at, () => placeholderId("charge"));
      if (plan._tag === "AmountRequired") {
        return {
          _tag: "Expectation",
          expectation: {
            kind: "error",
            status: 400,
            code: "api_validation_error",
            types: ["API_ERROR"],
            fields: plan.details.map((d) => d.field),
          },
        };
      }
      return { _tag: "Event", event: plan.event };
    }
  }
};

/**
 * What the model predicts for `POST /v2/payments` with JSON `body` at `at`: a refusal (400 with the
 * fields the core names), or the created session with placeholder ids (`next`).
 *
 * @since 0.1.0
 * @category Explorer
 */
export const predictCreate = (
  body: unknown,
  at: number,
  config: PaymentMethodConfig = defaultPaymentMethodConfig,
): Prediction => {
  const decoded = decodeCreate(body);
  if (Result.isFailure(decoded)) return { expectation: invalidBody(), next: null, webhooks: [], reached: [] };
  const request = decoded.success;
  const issues = creationIssues(withCreateDefaults(request), at, config);
  if (issues.length > 0) {
    return {
      expectation: {
        kind: "error",
        status: 400,
        code: "api_validation_error",
        types: ["API_ERROR"],
        fields: issues.map((i) => i.field),
      },
      next: null,
      webhooks: [],
      reached: [],
    };
  }
  const opens = chargeRequestFor(request, at) !== null;
  const created = createSession(request, {
    id: placeholderId("session"),
    at,
    config,
    ...(opens ? { charge: { id: placeholderId("charge") } } : {}),
  });
  if (!created.ok) {
    return { expectation: refusalExpectation(created.refusal), next: null, webhooks: [], reached: [] };
  }
  return {
    expectation: sessionExpectation(created.snapshot),
    next: created.snapshot,
    webhooks: [],
    reached: creationKeysOf(created.snapshot),
  };
};

// ---------------------------------------------------------------------------------------------
// Learning provider-chosen values
// ---------------------------------------------------------------------------------------------

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === "object" && u !== null && !Array.isArray(u);

/**
 * The snapshot with the provider's choices adopted from `actual` (a session object it answered):
 * placeholder session and charge ids become the provider's ids (charges matched by position).
 * Returns the input when there is nothing to learn.
 *
 * @since 0.1.0
 * @category Explorer
 */
export const learnSession = (snapshot: SessionSnapshot, actual: unknown): SessionSnapshot => {
  if (!isRecord(actual)) return snapshot;
  const context = snapshot.context;
  const charges = Array.isArray(actual.chargeDetails) ? actual.chargeDetails : [];
  const learnId = isPlaceholder(context.id) && typeof actual.id === "string";
  const learnCharges = context.charges.some(
    (c, i) => isPlaceholder(c.context.id) && isRecord(charges[i]) && typeof charges[i].id === "string",
  );
  if (!learnId && !learnCharges) return snapshot;
  const persisted = persistSession(snapshot);
  const json = JSON.parse(JSON.stringify(persisted)) as {
    snapshot: { context: { id: string; charges: Array<{ context: { id: string } }> } };
  };
  if (learnId) json.snapshot.context.id = actual.id as string;
  json.snapshot.context.charges.forEach((charge, i) => {
    const seen = charges[i];
    if (isPlaceholder(charge.context.id) && isRecord(seen) && typeof seen.id === "string") {
      charge.context.id = seen.id;
    }
  });
  const restored = restoreSession(json);
  return restored.ok ? restored.snapshot : snapshot;
};

// ---------------------------------------------------------------------------------------------
// Checking answers
// ---------------------------------------------------------------------------------------------

/**
 * How far an instant the provider stamps with its clock may lie from the model's (a provider whose
 * clock ticks on from `the clock reads` is allowed this much).
 *
 * @since 0.1.0
 * @category Explorer
 */
export const instantToleranceMs = 2_000;

const show = (u: unknown): string => (u === undefined ? "(missing)" : JSON.stringify(u));

const get = (u: unknown, key: string | number): unknown =>
  isRecord(u) ? u[key as string] : Array.isArray(u) ? u[key as number] : undefined;

const orNull = (u: unknown): unknown => (u === undefined ? null : u);

const compareInstant = (path: string, expected: string | null, actual: unknown): Mismatch | undefined => {
  if (expected === null) {
    return orNull(actual) === null ? undefined : { path, expected: null, actual };
  }
  const want = parseInstantMillis(expected);
  const got = typeof actual === "string" ? parseInstantMillis(actual) : undefined;
  if (want === undefined) return undefined;
  if (got === undefined || Math.abs(got - want) > instantToleranceMs) return { path, expected, actual };
  return undefined;
};

const compareValue = (path: string, expected: unknown, actual: unknown): Mismatch | undefined => {
  if (isPlaceholder(expected)) return undefined;
  return orNull(expected) === orNull(actual) ? undefined : { path, expected, actual };
};

const compareAmount = (path: string, expected: Amount | null, actual: unknown): Mismatch | undefined => {
  if (expected === null) return orNull(actual) === null ? undefined : { path, expected, actual };
  return (
    compareValue(`${path}.value`, expected.value, get(actual, "value")) ??
    compareValue(`${path}.currency`, expected.currency, get(actual, "currency"))
  );
};

const compareCharge = (path: string, expected: Charge, actual: unknown): Mismatch | undefined => {
  if (!isRecord(actual)) return { path, expected: "a charge object", actual };
  return (
    compareValue(`${path}.id`, expected.id, actual.id) ??
    compareValue(`${path}.status`, expected.status, actual.status) ??
    compareAmount(`${path}.amount`, expected.amount, actual.amount) ??
    compareInstant(`${path}.paidAt`, expected.paidAt ?? null, actual.paidAt) ??
    compareAmount(`${path}.authorizedAmount`, expected.authorizedAmount ?? null, actual.authorizedAmount) ??
    compareAmount(`${path}.capturedAmount`, expected.capturedAmount ?? null, actual.capturedAmount) ??
    compareValue(`${path}.paymentSessionId`, expected.paymentSessionId, actual.paymentSessionId)
  );
};

/**
 * The first field where `actual` (a session object) differs from the model's `expected`, or
 * `undefined`. Compared: ids (unless provider-chosen), `clientReferenceId`, amount, `paymentType`,
 * `mode`, `autoConfirm`, `status`, `paymentMethod.type`, instants (`createdAt`, `expiryAt`,
 * `cancelledAt`, charges' `paidAt`, within {@link instantToleranceMs}), `cancellationReason`, and
 * each charge's id, status, amounts and session id. A `null` and a missing field are the same.
 *
 * @since 0.1.0
 * @category Explorer
 */
export const compareSession = (
  path: string,
  expected: PaymentSession,
  actual: unknown,
): Mismatch | undefined => {
  if (!isRecord(actual)) return { path, expected: "a payment session object", actual };
  const mismatch =
    compareValue(`${path}.id`, expected.id, actual.id) ??
    compareValue(`${path}.status`, expected.status, actual.status) ??
    compareValue(`${path}.clientReferenceId`, expected.clientReferenceId, actual.clientReferenceId) ??
    compareAmount(`${path}.amount`, expected.amount, actual.amount) ??
    compareValue(`${path}.paymentType`, expected.paymentType, actual.paymentType) ??
    compareValue(`${path}.mode`, expected.mode, actual.mode) ??
    compareValue(`${path}.autoConfirm`, expected.autoConfirm, actual.autoConfirm) ??
    (expected.paymentMethod === null
      ? undefined
      : compareValue(
          `${path}.paymentMethod.type`,
          expected.paymentMethod.type,
          get(actual.paymentMethod, "type"),
        )) ??
    compareInstant(`${path}.createdAt`, expected.createdAt, actual.createdAt) ??
    compareInstant(`${path}.expiryAt`, expected.expiryAt ?? null, actual.expiryAt) ??
    compareInstant(`${path}.cancelledAt`, expected.cancelledAt ?? null, actual.cancelledAt) ??
    compareValue(`${path}.cancellationReason`, expected.cancellationReason, actual.cancellationReason);
  if (mismatch !== undefined) return mismatch;
  const want = expected.chargeDetails ?? [];
  const got = orNull(actual.chargeDetails);
  const gotList = got === null ? [] : got;
  if (!Array.isArray(gotList)) return { path: `${path}.chargeDetails`, expected: "a list", actual: got };
  if (gotList.length !== want.length) {
    return {
      path: `${path}.chargeDetails.length`,
      expected: want.length,
      actual: gotList.length,
      message: `expected ${want.length} charge(s), got ${gotList.length}`,
    };
  }
  for (let i = 0; i < want.length; i++) {
    const m = compareCharge(`${path}.chargeDetails[${i}]`, want[i] as Charge, gotList[i]);
    if (m !== undefined) return m;
  }
  return undefined;
};

/** JSON equality: objects compare by their keys, whatever the order. */
const deepEqual = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (!isRecord(a) || !isRecord(b) || Array.isArray(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => k in b && deepEqual(a[k], b[k]));
};

const pageOf = <T>(items: ReadonlyArray<T>, page: number, perPage: number): ReadonlyArray<T> =>
  items.slice((page - 1) * perPage, page * perPage);

const comparePagination = (
  total: number,
  page: number,
  perPage: number,
  actual: unknown,
): Mismatch | undefined => {
  const expected = { page, perPage, totalItems: total, totalPages: Math.ceil(total / perPage) };
  for (const [key, value] of Object.entries(expected)) {
    const m = compareValue(`pagination.${key}`, value, get(actual, key));
    if (m !== undefined) return m;
  }
  return undefined;
};

/**
 * A page of sessions compared in either order (oldest first or newest first, decision C4's
 * catalogue: the same order on every page). Sessions created at the same instant may come in any
 * order among themselves: the page must hold, per creation instant, as many sessions as the
 * order's window holds, in the order's instants, each one of the model's sessions and equal to it.
 */
const comparePageOfSessions = (
  all: ReadonlyArray<PaymentSession>,
  page: number,
  perPage: number,
  actual: ReadonlyArray<unknown>,
): Mismatch | undefined => {
  const byId = new Map(all.map((s) => [s.id, s]));
  const instant = (s: PaymentSession) => parseInstantMillis(s.createdAt) ?? 0;
  let first: Mismatch | undefined;
  for (const order of [[...all].reverse(), [...all]]) {
    const want = pageOf(order, page, perPage);
    const check = (): Mismatch | undefined => {
      if (want.length !== actual.length) {
        return { path: "data.length", expected: want.length, actual: actual.length };
      }
      for (let i = 0; i < want.length; i++) {
        const expected = want[i] as PaymentSession;
        const got = actual[i];
        const id = get(got, "id");
        const same = typeof id === "string" ? byId.get(id) : undefined;
        // The same instant: any of the tied sessions may stand here.
        const candidate = same !== undefined && instant(same) === instant(expected) ? same : expected;
        const m = compareSession(`data[${i}]`, candidate, got);
        if (m !== undefined) return m;
      }
      const ids = actual.map((a) => get(a, "id"));
      if (new Set(ids).size !== ids.length) {
        return { path: "data[].id", expected: "distinct sessions", actual: ids };
      }
      return undefined;
    };
    const mismatch = check();
    if (mismatch === undefined) return undefined;
    first ??= mismatch;
  }
  return first;
};

const permutations = <T>(items: ReadonlyArray<T>): Array<Array<T>> =>
  items.length <= 1
    ? [[...items]]
    : items.flatMap((item, i) =>
        permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
      );

/**
 * The orders a list may give `sessions` in: newest first or oldest first, sessions created at the
 * same instant in any order among themselves (at most 720 orders are tried).
 */
const sessionOrders = (sessions: ReadonlyArray<PaymentSession>): Array<ReadonlyArray<PaymentSession>> => {
  const orders: Array<ReadonlyArray<PaymentSession>> = [];
  for (const base of [[...sessions].reverse(), [...sessions]]) {
    let partial: Array<Array<PaymentSession>> = [[]];
    let i = 0;
    while (i < base.length) {
      let j = i;
      while (j < base.length && base[j]?.createdAt === base[i]?.createdAt) j++;
      const group = permutations(base.slice(i, j));
      partial = partial.flatMap((p) => group.map((g) => [...p, ...g])).slice(0, 720);
      i = j;
    }
    orders.push(...partial);
  }
  return orders;
};

/**
 * Checks one answer against the model's expectation: the first {@link Mismatch}, or `undefined`
 * when the answer is what the machines predict.
 *
 * @example
 * checkAnswer(prediction.expectation, { status: 422, body }) // undefined, or { path: "code", … }
 * @since 0.1.0
 * @category Explorer
 */
export const checkAnswer = (expectation: Expectation, answer: HttpAnswer): Mismatch | undefined => {
  if (expectation.kind === "replay") {
    if (answer.status !== expectation.status) {
      return {
        path: "status",
        expected: expectation.status,
        actual: answer.status,
        message: "a replay (same X-REQUEST-ID, same body) must answer as the first time",
      };
    }
    return deepEqual(answer.body, expectation.body)
      ? undefined
      : {
          path: "body",
          expected: expectation.body,
          actual: answer.body,
          message: "a replay (same X-REQUEST-ID, same body) must answer the first answer again",
        };
  }
  if (answer.status !== expectation.status) {
    return {
      path: "status",
      expected: expectation.status,
      actual: answer.status,
      ...(expectation.kind === "error"
        ? { message: `expected ${expectation.status} ${expectation.code}` }
        : {}),
    };
  }
  const body = answer.body;
  const data = get(body, "data");
  switch (expectation.kind) {
    case "error": {
      const code = get(body, "code");
      if (code !== expectation.code) return { path: "code", expected: expectation.code, actual: code };
      const type = get(get(body, "error"), "type");
      if (!expectation.types.includes(type as ErrorType)) {
        return { path: "error.type", expected: expectation.types.join(" or "), actual: type };
      }
      const details = get(get(body, "error"), "details");
      const fields = Array.isArray(details) ? details.map((d) => get(d, "field")) : [];
      for (const field of expectation.fields ?? []) {
        if (!fields.includes(field)) {
          return {
            path: "error.details[].field",
            expected: field,
            actual: fields,
            message: `error.details must name the field ${show(field)}`,
          };
        }
      }
      return undefined;
    }
    case "session":
      return compareSession("data", expectation.session, data);
    case "sessionList": {
      if (!Array.isArray(data)) return { path: "data", expected: "a list", actual: data };
      return (
        comparePageOfSessions(expectation.sessions, expectation.page, expectation.perPage, data) ??
        comparePagination(
          expectation.sessions.length,
          expectation.page,
          expectation.perPage,
          get(body, "pagination"),
        )
      );
    }
    case "chargeList": {
      if (!Array.isArray(data)) return { path: "data", expected: "a list", actual: data };
      const chargesOf = (sessions: ReadonlyArray<PaymentSession>) =>
        sessions.flatMap((s) => s.chargeDetails ?? []);
      let first: Mismatch | undefined;
      for (const order of sessionOrders(
        expectation.sessions.filter((s) => (s.chargeDetails ?? []).length > 0),
      )) {
        const all = chargesOf(order);
        const want = pageOf(all, expectation.page, expectation.perPage);
        let mismatch: Mismatch | undefined =
          want.length === data.length
            ? undefined
            : { path: "data.length", expected: want.length, actual: data.length };
        for (let i = 0; mismatch === undefined && i < want.length; i++) {
          mismatch = compareCharge(`data[${i}]`, want[i] as Charge, data[i]);
        }
        mismatch ??= comparePagination(
          all.length,
          expectation.page,
          expectation.perPage,
          get(body, "pagination"),
        );
        if (mismatch === undefined) return undefined;
        first ??= mismatch;
      }
      return first;
    }
    case "simulation": {
      const updated = get(data, "updated");
      return updated === true || updated === "true"
        ? undefined
        : { path: "data.updated", expected: "true", actual: updated };
    }
    case "capture":
      return (
        compareValue("data.amount.value", expectation.amount, get(get(data, "amount"), "value")) ??
        compareValue("data.paymentSessionId", expectation.paymentSessionId, get(data, "paymentSessionId"))
      );
    case "refund":
    case "refundList":
      return checkRefundBody(expectation, body);
    case "token": {
      const token = get(data, "accessToken");
      return typeof token === "string" && token.length > 0
        ? undefined
        : { path: "data.accessToken", expected: "a token", actual: token };
    }
  }
};

/**
 * Formats a value for a report: `null` as `null`, a missing value as `(missing)`.
 *
 * @since 0.1.0
 * @category Explorer
 */
export const formatValue = show;
