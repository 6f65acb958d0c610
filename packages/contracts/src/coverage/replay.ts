/**
 * Replays a Pact interaction through the model (the core): its provider states become sessions
 * seeded by {@link seedPath}, its request becomes the core event the provider applies (after the
 * `EXPIRE` at the request's instant that every read and write applies first, decision L4), and the
 * transition keys of what happened are recorded. Pure: no provider, no network.
 *
 * @since 0.1.0
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  type Applied,
  applyEvent,
  applyRefundEvent,
  type CreatePaymentSessionRequest,
  CreateRefundRequest,
  createWithIssued,
  creationKeysOf,
  decodeBody,
  formatTransitionKey,
  instantToMillis,
  type OpenRefundResult,
  openRefund,
  placeholderIssue,
  type RefundEvent,
  type RefundOutcome,
  type RefundRecord,
  type RefundStatus,
  refundablePayment,
  refundSeedPath,
  refundTransitionKeyOf,
  refusalAnswer,
  type SeedTarget,
  type SessionEvent,
  type SessionSnapshot,
  sandboxRefundKeys,
  seedPath,
  sessionAt,
  simulationEvent,
  type TransitionKey,
  transitionKeyOf,
  withCreateDefaults,
} from "@payment-session/core";
import { Result } from "effect";
import { openEncryptedCard } from "../card/encryptCard.js";
import { testCardKeyPair } from "../card/testKey.js";

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json };
type JsonObject = { readonly [key: string]: Json };

/**
 * A provider state as a pact names it.
 *
 * @since 0.1.0
 * @category Coverage
 */
export interface PactState {
  readonly name: string;
  readonly params?: JsonObject;
}

/**
 * The parts of a Pact V4 interaction the replay reads.
 *
 * @since 0.1.0
 * @category Coverage
 */
export interface PactInteraction {
  readonly type: string;
  readonly description: string;
  readonly providerStates?: ReadonlyArray<PactState>;
  readonly request?: {
    readonly method: string;
    readonly path: string;
    readonly query?: Readonly<Record<string, ReadonlyArray<string>>>;
    readonly headers?: Readonly<Record<string, ReadonlyArray<string>>>;
    readonly body?: { readonly content?: Json };
    readonly generators?: { readonly header?: Readonly<Record<string, { readonly expression?: string }>> };
  };
  readonly response?: { readonly status: number };
  readonly contents?: { readonly content?: Json };
}

/**
 * One pact file's interactions.
 *
 * @since 0.1.0
 * @category Coverage
 */
export interface PactFile {
  readonly file: string;
  readonly interactions: ReadonlyArray<PactInteraction>;
}

/**
 * Reads every `*.json` pact file of `dir`, sorted by name.
 *
 * @since 0.1.0
 * @category Coverage
 */
export const loadPactFiles = (dir: string): ReadonlyArray<PactFile> =>
  readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => {
      const json = JSON.parse(readFileSync(join(dir, name), "utf8")) as {
        interactions?: Array<PactInteraction>;
      };
      return { file: name, interactions: json.interactions ?? [] };
    });

/**
 * What one interaction exercises: the transition keys (session and charge machines), notes on what
 * the model did, and a problem when the model cannot replay it or answers another HTTP status than
 * the contract expects.
 *
 * @since 0.1.0
 * @category Coverage
 */
export interface InteractionReplay {
  readonly file: string;
  readonly description: string;
  readonly keys: ReadonlyArray<TransitionKey>;
  readonly notes: ReadonlyArray<string>;
  readonly problem: string | null;
}

interface Seeded {
  /** The merchant it belongs to: the latest `a merchant with credentials exists` before it. */
  readonly merchant?: string;
  readonly snapshot: SessionSnapshot;
  readonly endsAt: number;
  readonly steps: ReadonlyArray<{
    readonly before: SessionSnapshot;
    readonly event: SessionEvent;
    readonly applied: Applied;
  }>;
  readonly requestId?: string;
  readonly request?: CreatePaymentSessionRequest;
}

/** A refund a state set up (decision R1), with each seeding step's key and the callbacks it sent. */
interface SeededRefund {
  readonly merchant?: string;
  readonly refund: RefundRecord;
  readonly steps: ReadonlyArray<{ readonly key: TransitionKey; readonly callbacks: ReadonlyArray<string> }>;
}

/** What `openRefund` answered, as the outcome of the refund machine's SUBMIT. */
const submitOutcome = (opened: OpenRefundResult): RefundOutcome =>
  opened.ok ? { _tag: "Accepted", status: opened.refund.state, webhooks: opened.webhooks } : opened.refusal;

/** The key of the SUBMIT a `POST /v1/refunds` is. */
const submitKey = (opened: OpenRefundResult): TransitionKey =>
  refundTransitionKeyOf(null, { type: "SUBMIT" }, submitOutcome(opened));

class ReplayProblem extends Error {}

/** `a refund exists`: the core's openRefund on the session set up last, then its seed path (R1). */
const seedRefund = (
  session: Seeded,
  refunds: ReadonlyArray<SeededRefund>,
  params: JsonObject,
  at: number,
): SeededRefund => {
  const status = str(params.status) as RefundStatus | undefined;
  if (status === undefined) throw new ReplayProblem("state 'a refund exists' has no status");
  const method = str(params.method) === "TRANSFER_ONLY" ? "TRANSFER_ONLY" : "AUTO";
  const payment = refundablePayment(
    session.snapshot,
    refunds.map((r) => r.refund),
  );
  if ("_tag" in payment) throw new ReplayProblem("the refund state names no refundable charge");
  const opened = openRefund(
    {
      id: `replay-refund-${refunds.length}`,
      at,
      request: {
        clientReferenceId: str(params.clientReferenceId) ?? "REFUND-replay",
        paymentSessionId: session.snapshot.context.id,
        reason: "REQUESTED_BY_CUSTOMER",
        method,
        transferDestination: {
          channelCode: "BCA",
          channelInformation: { accountNumber: "999966660001", accountName: "Replay" },
        },
        ...(params.isFullAmount === true
          ? { isFullAmount: true }
          : { amount: { value: num(params.amount) ?? 10_000, currency: "IDR" } }),
      },
    },
    payment,
  );
  if (!opened.ok) throw new ReplayProblem(`the refund state is refused: ${opened.refusal.code}`);
  let refund = opened.refund;
  const steps = [{ key: submitKey(opened), callbacks: opened.webhooks.map((w) => w.event as string) }];
  for (const step of refundSeedPath(status, method)) {
    const event = (
      step.type === "REFUND_FAILED" ? { ...step, at, failureReason: "replay" } : { ...step, at }
    ) as RefundEvent;
    const applied = applyRefundEvent(refund, event);
    if (applied.outcome._tag === "Refused") throw new ReplayProblem(`the refund cannot reach ${status}`);
    steps.push({
      key: refundTransitionKeyOf(refund.state, event, applied.outcome),
      callbacks: applied.outcome.webhooks.map((w) => w.event as string),
    });
    refund = applied.refund;
  }
  return { refund, steps };
};

/**
 * The model's answer to a refund request (`/v1/refunds…`): the core decides (decisions R2, R3). A
 * create is the refund machine's SUBMIT (its key); a read first applies the sandbox's steps due by
 * the request's instant (decision R1, as a session read applies `EXPIRE`), whose keys it reaches.
 */
const refundAnswer = (
  method: string,
  path: string,
  body: JsonObject,
  sessions: ReadonlyArray<Seeded>,
  refunds: ReadonlyArray<SeededRefund>,
  at: number,
): Answer | null => {
  if (!path.startsWith("/v1/refunds")) return null;
  const due = (list: ReadonlyArray<SeededRefund>) => list.flatMap((r) => sandboxRefundKeys(r.refund, at));
  if (method === "GET") {
    if (path === "/v1/refunds") return { keys: due(refunds), status: 200, notes: ["a list of refunds"] };
    const last = refunds[refunds.length - 1];
    return last === undefined
      ? { keys: [], status: 404, notes: ["no such refund for this merchant"] }
      : { keys: due([last]), status: 200, notes: [`a refund in ${last.refund.state}`] };
  }
  const decoded = decodeBody(CreateRefundRequest)(body);
  if (Result.isFailure(decoded)) return { keys: [], status: 400, notes: ["the refund body is refused"] };
  const session = sessions[sessions.length - 1];
  if (session === undefined) return { keys: [], status: 404, notes: ["no such session for this merchant"] };
  const { expired } = expireAt(session.snapshot, at);
  const payment = refundablePayment(
    expired.snapshot,
    refunds.map((r) => r.refund),
    decoded.success.chargeId,
  );
  if ("_tag" in payment) return { keys: [], status: 400, notes: ["the refund names no charge"] };
  const opened = openRefund({ id: "replay-refund", at, request: decoded.success }, payment);
  const keys = [submitKey(opened)];
  if (opened.ok) return { keys, status: 200, notes: ["refund → PENDING"] };
  const status = opened.refusal.code === "validation" ? 400 : 422;
  return { keys, status, notes: [`refund → ${opened.refusal.code}`] };
};

const isObject = (u: Json | undefined): u is JsonObject =>
  typeof u === "object" && u !== null && !Array.isArray(u);
const str = (u: Json | undefined): string | undefined => (typeof u === "string" ? u : undefined);
const num = (u: Json | undefined): number | undefined => (typeof u === "number" ? u : undefined);

/** The seeding target of `a payment session exists` params (the catalogue's names are SeedTarget's). */
const targetOf = (params: JsonObject): SeedTarget => {
  const status = str(params.status);
  if (status === undefined) throw new ReplayProblem("state 'a payment session exists' has no status");
  const target: Record<string, unknown> = { status };
  for (const key of [
    "chargeStatus",
    "cancellationReason",
    "paymentMethodType",
    "paymentType",
    "captureMethod",
    "mode",
    "channel",
    "clientReferenceId",
    "expiryAt",
  ] as const) {
    if (str(params[key]) !== undefined) target[key] = str(params[key]);
  }
  for (const key of ["amount", "paymentsReceived"] as const) {
    if (num(params[key]) !== undefined) target[key] = num(params[key]);
  }
  if (typeof params.autoConfirm === "boolean") target.autoConfirm = params.autoConfirm;
  return target as unknown as SeedTarget;
};

const seed = (target: SeedTarget, now: number): Seeded => {
  const path = seedPath(target, now);
  if (path === null) throw new ReplayProblem(`no event path reaches ${JSON.stringify(target)}`);
  return { snapshot: path.snapshot, endsAt: path.endsAt, steps: path.steps };
};

const keysOf = (before: SessionSnapshot, event: SessionEvent, applied: Applied): Array<TransitionKey> => {
  const keys = transitionKeyOf(before, event, applied);
  return [keys.expiry?.session, keys.expiry?.charge, keys.session, keys.charge].filter(
    (key): key is TransitionKey => key !== null && key !== undefined,
  );
};

/** The owner id of a sub-account's data (decision S5): the merchant's id and the sub-account's. */
const ownerOf = (merchant: string, submerchantId: string): string => `${merchant}::sub::${submerchantId}`;

const header = (interaction: PactInteraction, name: string): string | undefined => {
  const headers = interaction.request?.headers ?? {};
  const found = Object.entries(headers).find(([key]) => key.toLowerCase() === name.toLowerCase());
  return found?.[1][0];
};

/** The request carries the token the provider state issued (`Bearer ${accessToken}`), not a literal. */
const isAuthenticated = (interaction: PactInteraction): boolean => {
  const generated = Object.entries(interaction.request?.generators?.header ?? {}).find(
    ([key]) => key.toLowerCase() === "authorization",
  );
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Pact provider-state expression, not a template
  return generated?.[1].expression?.includes("${accessToken}") === true;
};

interface Answer {
  readonly keys: ReadonlyArray<TransitionKey>;
  readonly status: number;
  readonly notes: ReadonlyArray<string>;
}

/**
 * The session brought to `at` (decision L4: every read and write applies `EXPIRE` at its instant
 * first; the core's `sessionAt`), with the `EXPIRE` event whose keys a read or write reaches.
 */
const expireAt = (snapshot: SessionSnapshot, at: number) => {
  const expire: SessionEvent = { type: "EXPIRE", at };
  return { expire, expired: sessionAt(snapshot, at) };
};

/** The provider's write path: EXPIRE at `at`, then the event. */
const write = (session: Seeded, at: number, event: (s: SessionSnapshot) => SessionEvent | null): Answer => {
  const { expire, expired } = expireAt(session.snapshot, at);
  const keys = keysOf(session.snapshot, expire, expired);
  const next = event(expired.snapshot);
  if (next === null) return { keys, status: 400, notes: ["the request is refused before the lifecycle"] };
  const applied = applyEvent(expired.snapshot, next);
  keys.push(...keysOf(expired.snapshot, next, applied));
  const status = applied.outcome._tag === "Refused" ? refusalAnswer(applied.outcome.code).status : 200;
  return { keys, status, notes: [`${next.type} → ${applied.outcome._tag}`] };
};

const read = (sessions: ReadonlyArray<Seeded>, at: number): Answer => ({
  keys: sessions.flatMap((session) => {
    const { expire, expired } = expireAt(session.snapshot, at);
    return keysOf(session.snapshot, expire, expired);
  }),
  status: 200,
  notes: [],
});

const bodyOf = (interaction: PactInteraction): JsonObject => {
  const content = interaction.request?.body?.content;
  return isObject(content) ? content : {};
};

/** The model's answer to the interaction's request, given the sessions its states set up. */
const answer = (
  interaction: PactInteraction,
  sessions: ReadonlyArray<Seeded>,
  clock: number,
  cardKey?: string,
): Answer => {
  const request = interaction.request;
  if (request === undefined) throw new ReplayProblem("no request");
  const method = request.method.toUpperCase();
  const path = request.path.replace(/\/+$/u, "");
  const session = sessions[sessions.length - 1];
  const at = Math.max(clock, ...sessions.map((s) => s.endsAt));
  const missing: Answer = { keys: [], status: 404, notes: ["no such session for this merchant"] };
  const body = bodyOf(interaction);
  if (method === "POST" && path === "/v1/access-token")
    return { keys: [], status: 200, notes: ["no lifecycle event"] };
  if (method === "POST" && path === "/v2/payments") {
    const requestId = header(interaction, "X-REQUEST-ID");
    const earlier = sessions.find((s) => s.requestId !== undefined && s.requestId === requestId);
    if (earlier !== undefined) {
      const same = JSON.stringify(earlier.request) === JSON.stringify(body);
      return {
        keys: [],
        status: same ? 200 : 409,
        notes: [same ? "an idempotent replay" : "the request id is reused with another body"],
      };
    }
    const created = createWithIssued(withCreateDefaults(body as unknown as CreatePaymentSessionRequest), {
      id: "replay-session",
      at,
    });
    if (!created.ok) {
      return {
        keys: [],
        status: refusalAnswer(created.refusal.code).status,
        notes: [`create → ${created.refusal.code}`],
      };
    }
    return {
      keys: creationKeysOf(created.snapshot),
      status: 200,
      notes: [`created in ${created.snapshot.value}`],
    };
  }
  if (method === "POST" && path === "/v2/payments/simulations") {
    if (session === undefined) return missing;
    return write(session, at, (snapshot) => {
      const amount = isObject(body.amount)
        ? (body.amount as unknown as { value: number; currency: string })
        : undefined;
      const chargeStatus = str(body.chargeStatus) === "EXPIRED" ? "EXPIRED" : "SUCCESS";
      const plan = simulationEvent(
        snapshot,
        { chargeStatus, ...(amount === undefined ? {} : { amount }) },
        at,
        () => "replay-payment",
      );
      return plan._tag === "Event" ? plan.event : null;
    });
  }
  const action = /^\/v2\/payments\/[^/]+\/(confirm|cancel|capture)$/u.exec(path)?.[1];
  if (method === "POST" && action !== undefined) {
    if (session === undefined) return missing;
    const target = session;
    // Decision S3: an encryptedCard is opened with the session's key before a confirm that would
    // open a charge; one that does not open (or holds no card) is 400, nothing changes.
    const sealed =
      isObject(body.paymentMethod) && isObject(body.paymentMethod.card)
        ? body.paymentMethod.card.encryptedCard
        : undefined;
    if (action === "confirm" && typeof sealed === "string") {
      const card = cardKey === undefined ? undefined : openEncryptedCard(cardKey, sealed)?.card;
      if (typeof card?.number !== "string") {
        return { keys: [], status: 400, notes: ["encryptedCard does not open with the session's key"] };
      }
    }
    return write(target, at, (): SessionEvent => {
      switch (action) {
        case "confirm": {
          const paymentMethod = body.paymentMethod as unknown as {
            type: "VIRTUAL_ACCOUNT" | "QR" | "EWALLET" | "CARD";
          };
          return {
            type: "CONFIRM",
            at,
            paymentMethod,
            ...(isObject(body.paymentMethodOptions)
              ? { paymentMethodOptions: body.paymentMethodOptions as never }
              : {}),
            charge: placeholderIssue(
              paymentMethod.type,
              "replay-charge",
              at,
              target.snapshot.context.expiryAt,
            ),
          };
        }
        case "cancel":
          return { type: "CANCEL", at, cancellationReason: str(body.cancellationReason) as never };
        default:
          return {
            type: "CAPTURE",
            at,
            captureId: "replay-capture",
            releaseRemainingAmount: body.releaseRemainingAmount === true,
            ...(isObject(body.amount) ? { amount: body.amount as never } : {}),
          };
      }
    });
  }
  if (method === "GET" && /^\/v2\/payments\/[^/]+$/u.test(path)) {
    return session === undefined
      ? { keys: [], status: 404, notes: ["no such session"] }
      : read([session], at);
  }
  if (method === "GET" && (path === "/v2/payments" || path === "/v2/charges")) {
    const reference = request.query?.clientReferenceId?.[0];
    return read(
      sessions.filter(
        (s) => reference === undefined || s.snapshot.context.settings.clientReferenceId === reference,
      ),
      at,
    );
  }
  throw new ReplayProblem(`the model has no operation for ${method} ${path}`);
};

/** The webhook event a message interaction describes (its body's `event`). */
const messageEvent = (interaction: PactInteraction): string | undefined => {
  const content = interaction.contents?.content;
  return isObject(content) ? str(content.event) : undefined;
};

/**
 * Replays one interaction: provider states in order (`the clock reads` sets the model's clock;
 * `a payment session exists`, `payment sessions exist with clientReferenceId` and `a payment session
 * was created with request id` seed sessions; the others set nothing up in the model), then the
 * request. A request that does not carry the merchant's issued token is refused before the
 * lifecycle (no keys). A message interaction exercises the seeding step whose callback it is.
 *
 * @since 0.1.0
 * @category Coverage
 */
export const replayInteraction = (file: string, interaction: PactInteraction): InteractionReplay => {
  const base = { file, description: interaction.description };
  try {
    let clock = 0;
    let merchant: string | undefined;
    /** The private key of the card sessions set up (state `card sessions use the published test key`). */
    let cardKey: string | undefined;
    const seeded: Array<Seeded> = [];
    const refunds: Array<SeededRefund> = [];
    const sessions = {
      push: (session: Seeded) => seeded.push(merchant === undefined ? session : { ...session, merchant }),
    };
    for (const state of interaction.providerStates ?? []) {
      const params = state.params ?? {};
      switch (state.name) {
        case "the clock reads": {
          const now = str(params.now);
          if (now === undefined) throw new ReplayProblem("'the clock reads' has no now");
          clock = instantToMillis(now);
          break;
        }
        case "a payment session exists": {
          // Decision S5: a sub-account's session belongs to the sub-account alone.
          const made = seed(targetOf(params), clock);
          const sub = str(params.submerchantId);
          if (sub === undefined || merchant === undefined) sessions.push(made);
          else seeded.push({ ...made, merchant: ownerOf(merchant, sub) });
          break;
        }
        case "payment sessions exist with clientReferenceId": {
          const count = num(params.count) ?? 1;
          for (let i = 0; i < count; i++) {
            sessions.push(
              seed(
                targetOf({
                  status: params.status ?? "REQUIRE_PAYMENT_METHOD",
                  clientReferenceId: params.clientReferenceId ?? null,
                  ...(params.amount === undefined ? {} : { amount: params.amount }),
                }),
                clock + i * 1000,
              ),
            );
          }
          break;
        }
        case "a payment session was created with request id": {
          const request = (isObject(params.request)
            ? params.request
            : {}) as unknown as CreatePaymentSessionRequest;
          const created = createWithIssued(withCreateDefaults(request), { id: "replay-first", at: clock });
          if (!created.ok) throw new ReplayProblem(`the first create is refused: ${created.refusal.message}`);
          sessions.push({
            snapshot: created.snapshot,
            endsAt: clock,
            steps: [],
            request,
            ...(str(params.requestId) === undefined ? {} : { requestId: str(params.requestId) }),
          });
          break;
        }
        case "the clock moves on": {
          // Time passes within the interaction: what was set up stays, read as of the new instant.
          const now = str(params.now);
          if (now === undefined) throw new ReplayProblem("'the clock moves on' has no now");
          clock = Math.max(clock, instantToMillis(now));
          break;
        }
        case "a simulation was accepted": {
          // The provider runs the simulation on the session set up last, as its endpoint does.
          const last = seeded[seeded.length - 1];
          if (last === undefined)
            throw new ReplayProblem("'a simulation was accepted' needs a session first");
          const at = Math.max(clock, last.endsAt);
          const { expire, expired } = expireAt(last.snapshot, at);
          const chargeStatus = str(params.chargeStatus) === "EXPIRED" ? "EXPIRED" : "SUCCESS";
          const plan = simulationEvent(expired.snapshot, { chargeStatus }, at, () => "replay-payment");
          if (plan._tag !== "Event") throw new ReplayProblem(`the simulation of ${chargeStatus} is refused`);
          const applied = applyEvent(expired.snapshot, plan.event);
          if (applied.outcome._tag === "Refused") {
            throw new ReplayProblem(`the simulation of ${chargeStatus} is refused: ${applied.outcome.code}`);
          }
          seeded[seeded.length - 1] = {
            ...last,
            snapshot: applied.snapshot,
            endsAt: at,
            steps: [
              ...last.steps,
              { before: last.snapshot, event: expire, applied: expired },
              { before: expired.snapshot, event: plan.event, applied },
            ],
          };
          break;
        }
        case "a merchant with credentials exists":
          merchant = str(params.merchantId) ?? `merchant-${seeded.length}`;
          break;
        case "no payment session exists":
        case "no refund exists":
          break;
        case "card sessions use the published test key":
          cardKey = testCardKeyPair.privateKeyPem;
          break;
        case "a refund exists": {
          const last = seeded[seeded.length - 1];
          if (last === undefined) throw new ReplayProblem("'a refund exists' needs a session first");
          const made = seedRefund(last, refunds, params, Math.max(clock, last.endsAt));
          refunds.push(merchant === undefined ? made : { ...made, merchant });
          break;
        }
        default:
          throw new ReplayProblem(`the model does not know provider state '${state.name}'`);
      }
    }
    if (interaction.request === undefined && messageEvent(interaction)?.startsWith("REFUND.") === true) {
      const event = messageEvent(interaction) ?? "";
      const step = [...refunds.flatMap((r) => r.steps)].reverse().find((s) => s.callbacks.includes(event));
      return step !== undefined
        ? {
            ...base,
            keys: [step.key],
            notes: [`the ${event} callback of the refund's ${step.key.event}`],
            problem: null,
          }
        : { ...base, keys: [], notes: [], problem: `no seeded refund sends the ${event} callback` };
    }
    if (interaction.request === undefined) {
      const event = messageEvent(interaction);
      const steps = seeded.flatMap((s) => s.steps);
      const step = [...steps]
        .reverse()
        .find(
          (s) =>
            s.applied.outcome._tag !== "Refused" && s.applied.outcome.webhooks.some((w) => w.event === event),
        );
      if (step === undefined) {
        return {
          ...base,
          keys: [],
          notes: [],
          problem: `no seeding step sends the ${event ?? "(unnamed)"} callback`,
        };
      }
      return {
        ...base,
        keys: keysOf(step.before, step.event, step.applied),
        notes: [`the ${event} callback of ${step.event.type}`],
        problem: null,
      };
    }
    if (interaction.request.path.startsWith("/v1/access-token")) {
      return { ...base, keys: [], notes: ["an access token: no lifecycle event"], problem: null };
    }
    if (!isAuthenticated(interaction)) {
      return {
        ...base,
        keys: [],
        notes: ["refused before the lifecycle: not the merchant's issued token"],
        problem: null,
      };
    }
    // Decision S5: x-submerchant-id is 1–255 visible ASCII characters, else a 400 before anything.
    const sub = header(interaction, "x-submerchant-id");
    if (sub !== undefined && !/^[\x21-\x7E]{1,255}$/u.test(sub)) {
      return {
        ...base,
        keys: [],
        notes: ["refused before the lifecycle: a malformed x-submerchant-id"],
        problem:
          interaction.response?.status === 400
            ? null
            : `the model answers 400 (a malformed x-submerchant-id), the contract expects ${interaction.response?.status}`,
      };
    }
    // The token is the latest merchant's: another merchant's sessions do not exist for it (404), nor
    // (decision S5) its sub-accounts' for the merchant or for another sub-account.
    const acting = sub === undefined || merchant === undefined ? merchant : ownerOf(merchant, sub);
    const own = seeded.filter((s) => s.merchant === acting);
    const result =
      refundAnswer(
        interaction.request.method.toUpperCase(),
        interaction.request.path.replace(/\/+$/u, ""),
        bodyOf(interaction),
        own,
        refunds.filter((r) => r.merchant === acting),
        Math.max(clock, ...own.map((s) => s.endsAt)),
      ) ?? answer(interaction, own, clock, cardKey);
    const expected = interaction.response?.status;
    const problem =
      expected !== undefined && expected !== result.status
        ? `the model answers ${result.status} (${result.notes.join("; ")}), the contract expects ${expected}`
        : null;
    return { ...base, keys: result.keys, notes: result.notes, problem };
  } catch (error) {
    if (error instanceof ReplayProblem) return { ...base, keys: [], notes: [], problem: error.message };
    throw error;
  }
};

/**
 * Replays every interaction of every pact file.
 *
 * @since 0.1.0
 * @category Coverage
 */
export const replayPacts = (pacts: ReadonlyArray<PactFile>): ReadonlyArray<InteractionReplay> =>
  pacts.flatMap((pact) => pact.interactions.map((interaction) => replayInteraction(pact.file, interaction)));

/**
 * The distinct keys, as strings, a set of replays exercised.
 *
 * @since 0.1.0
 * @category Coverage
 */
export const exercisedKeys = (replays: ReadonlyArray<InteractionReplay>): ReadonlySet<string> =>
  new Set(replays.flatMap((r) => r.keys.map(formatTransitionKey)));
