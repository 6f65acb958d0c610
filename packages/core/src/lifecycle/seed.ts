/**
 * A path to a state: the create request and the shortest sequence of events that bring a new
 * session into a wanted status (and charge status, cancellation reason, number of payments), found
 * by a breadth-first search over what the machines accept — never by writing state. Provider states
 * ("a payment session exists {status, …}") and coverage replays seed sessions with it.
 *
 * @since 0.1.0
 */
import { instantToMillis } from "../schemas/Instant.js";
import type {
  CancellationReason,
  ChargeStatus,
  CreatePaymentSessionRequest,
  MerchantCancellationReason,
  Mode,
  PaymentMethod,
  PaymentMethodOptions,
  PaymentMethodType,
  PaymentType,
  SessionStatus,
} from "../schemas/index.js";
import { ewalletChannels, virtualAccountChannels } from "../schemas/index.js";
import { type Applied, applyEvent } from "./applyEvent.js";
import { type CreateSessionContext, chargeRequestFor, createSession } from "./createSession.js";
import { currentCharge } from "./sessionMachine.js";
import { simulationEvent } from "./simulation.js";
import { type SessionSnapshot, sessionStatus } from "./status.js";
import type { IssuedCharge, SessionEvent } from "./types.js";

const MINUTE = 60_000;

const statusOfPlainCreate = (): SessionStatus => {
  const created = createSession(
    { clientReferenceId: "status-of-a-plain-create", amount: { value: 20_000, currency: "IDR" } },
    { id: "status-of-a-plain-create", at: 0 },
  );
  if (!created.ok) throw new Error(`the machine refuses a plain create: ${created.refusal.code}`);
  return sessionStatus(created.snapshot);
};

/**
 * The status of a session created with nothing but a reference and an amount (no payment method,
 * decision C1), as the machine answers it: what a seed target or provider state means when it
 * names no status.
 *
 * @since 0.2.0
 * @category Seeding
 */
export const plainCreateStatus: SessionStatus = statusOfPlainCreate();

/**
 * What the seeded session must be. Only `status` is needed; the others narrow the search (and the
 * create request), as the provider-state catalogue's `a payment session exists` params do.
 *
 * @since 0.1.0
 * @category Seeding
 */
export interface SeedTarget {
  readonly status: SessionStatus;
  readonly chargeStatus?: ChargeStatus | undefined;
  readonly cancellationReason?: CancellationReason | undefined;
  /** The number of charges (a MULTIPLE session's payments). */
  readonly paymentsReceived?: number | undefined;
  readonly paymentMethodType?: PaymentMethodType | undefined;
  readonly paymentType?: PaymentType | undefined;
  readonly captureMethod?: "automatic" | "manual" | undefined;
  readonly autoConfirm?: boolean | undefined;
  readonly mode?: Mode | undefined;
  /** In IDR; default 20 000 (an open static VA has none unless given). */
  readonly amount?: number | undefined;
  readonly channel?: string | undefined;
  readonly clientReferenceId?: string | undefined;
  /** Epoch ms or an ISO instant. */
  readonly expiryAt?: number | string | undefined;
}

/**
 * A seeding: the create (request and issued data), the events after it with what each did, and the
 * session at the end. `endsAt` is the instant of the last step (events happen a minute apart after
 * the create; an expiry at `expiryAt`).
 *
 * @since 0.1.0
 * @category Seeding
 */
export interface SeedPath {
  readonly request: CreatePaymentSessionRequest;
  readonly create: CreateSessionContext;
  readonly created: SessionSnapshot;
  readonly steps: ReadonlyArray<{
    readonly event: SessionEvent;
    readonly before: SessionSnapshot;
    readonly applied: Applied;
  }>;
  readonly snapshot: SessionSnapshot;
  readonly endsAt: number;
}

/** Search depth: no status needs more events than this after its create. */
const MAX_DEPTH = 6;

const METHOD_ORDER: ReadonlyArray<PaymentMethodType | undefined> = [
  "VIRTUAL_ACCOUNT",
  undefined,
  "QR",
  "CARD",
  "EWALLET",
];

const VA_CHANNELS: ReadonlySet<string> = new Set(virtualAccountChannels);
const EWALLET_CHANNELS: ReadonlySet<string> = new Set(ewalletChannels);

const optionsFor = (
  method: PaymentMethodType,
  channel: string | undefined,
  captureMethod: "automatic" | "manual",
): PaymentMethodOptions | undefined => {
  switch (method) {
    case "VIRTUAL_ACCOUNT":
      return {
        virtualAccount: {
          channel: (channel !== undefined && VA_CHANNELS.has(channel) ? channel : "PERMATA") as never,
        },
      };
    case "EWALLET":
      return {
        ewallet: {
          channel: (channel !== undefined && EWALLET_CHANNELS.has(channel) ? channel : "DANA") as never,
        },
      };
    case "CARD":
      return { card: { captureMethod } };
    case "QR":
      return undefined;
  }
};

/**
 * A charge as a provider would issue it for `method` (placeholder instrument and URL; `id` is the
 * caller's). For replays that need a CONFIRM's or an autoConfirm create's charge.
 *
 * @since 0.1.0
 * @category Seeding
 */
export const placeholderIssue = (
  method: PaymentMethodType,
  id: string,
  at: number,
  expiryAt: number | null,
): IssuedCharge => {
  const until = new Date(expiryAt ?? at + 15 * MINUTE).toISOString();
  switch (method) {
    case "VIRTUAL_ACCOUNT":
      return {
        id,
        instrument: {
          virtualAccount: {
            channel: "PERMATA",
            virtualAccountNumber: "7663000000000001",
            virtualAccountName: "Pivot - Seed",
            expiryAt: until,
          },
        },
      };
    case "QR":
      return {
        id,
        instrument: {
          qr: { acquirer: "BRI", qrContent: "00020101021226-seed", qrType: "DYNAMIC", expiryAt: until },
        },
      };
    case "EWALLET":
      return { id, instrument: { ewallet: { channel: "DANA" } }, paymentUrl: "https://wallet.example/seed" };
    case "CARD":
      return { id, instrument: { card: {} }, paymentUrl: "https://card.example/3ds/seed" };
  }
};

/** The static instrument of a MULTIPLE session. */
const staticMethod = (method: PaymentMethodType): PaymentMethod | undefined =>
  method === "VIRTUAL_ACCOUNT"
    ? {
        type: "VIRTUAL_ACCOUNT",
        virtualAccount: {
          channel: "BCA",
          virtualAccountNumber: "000042",
          virtualAccountName: "Pivot - Seed",
          expiryAt: "0001-01-01T00:00:00Z",
        },
      }
    : method === "QR"
      ? { type: "QR", qr: { acquirer: "BRI", qrContent: "00020101021126-static-seed", qrType: "STATIC" } }
      : undefined;

interface Node {
  readonly created: SessionSnapshot;
  readonly request: CreatePaymentSessionRequest;
  readonly create: CreateSessionContext;
  readonly snapshot: SessionSnapshot;
  readonly at: number;
  readonly steps: SeedPath["steps"];
}

const matches = (target: SeedTarget, snapshot: SessionSnapshot): boolean => {
  const ctx = snapshot.context;
  if (sessionStatus(snapshot) !== target.status) return false;
  if (target.chargeStatus !== undefined && currentCharge(ctx)?.state !== target.chargeStatus) return false;
  if (target.cancellationReason !== undefined && ctx.cancellationReason !== target.cancellationReason)
    return false;
  if (target.paymentsReceived !== undefined && ctx.charges.length !== target.paymentsReceived) return false;
  return true;
};

const nodeKey = (snapshot: SessionSnapshot): string => {
  const ctx = snapshot.context;
  return [
    snapshot.value,
    currentCharge(ctx)?.state ?? "-",
    ctx.charges.length,
    ctx.paymentMethod?.type ?? "-",
    ctx.cancellationReason ?? "-",
    ctx.latePayments.length,
    ctx.expiryAt === null ? "no-expiry" : "expiry",
    ctx.paymentMethodOptions?.card?.captureMethod ?? "",
  ].join("|");
};

/** The events tried from a node, in order (the first shortest path in this order wins). */
const candidateEvents = (target: SeedTarget, node: Node, n: number): ReadonlyArray<SessionEvent> => {
  const ctx = node.snapshot.context;
  const at = node.at + MINUTE;
  const merchantReason: MerchantCancellationReason =
    target.cancellationReason === "DUPLICATED" || target.cancellationReason === "VOID_SESSION"
      ? target.cancellationReason
      : "REQUESTED_BY_CUSTOMER";
  const methods =
    target.paymentMethodType === undefined
      ? METHOD_ORDER.filter((m) => m !== undefined)
      : [target.paymentMethodType];
  const charge = currentCharge(ctx);
  const amount =
    charge?.context.amount ??
    (ctx.amount.value > 0 ? ctx.amount : { value: target.amount ?? 20_000, currency: "IDR" });
  const events: Array<SessionEvent> = [];
  for (const method of methods) {
    if (method === undefined) continue;
    for (const captureMethod of captureMethodsOf(target, method)) {
      const options = optionsFor(method, target.channel, captureMethod);
      events.push({
        type: "CONFIRM",
        at,
        paymentMethod: { type: method },
        ...(options === undefined ? {} : { paymentMethodOptions: options }),
        charge: placeholderIssue(method, `seed-charge-${n}`, at, ctx.expiryAt),
      });
    }
  }
  // What a merchant can do first (cancel, pay, let time pass, the channel's expiry), the channels' steps last.
  events.push({ type: "CANCEL", at, cancellationReason: merchantReason });
  const pay = simulationEvent(
    node.snapshot,
    { chargeStatus: "SUCCESS", amount },
    at,
    () => `seed-payment-${n}`,
  );
  if (pay._tag === "Event") events.push(pay.event);
  if (ctx.expiryAt !== null) events.push({ type: "EXPIRE", at: Math.max(at, ctx.expiryAt) });
  const expire = simulationEvent(node.snapshot, { chargeStatus: "EXPIRED" }, at, () => `seed-payment-${n}`);
  if (expire._tag === "Event") events.push(expire.event);
  events.push(
    { type: "CHARGE_PROCESSING", at },
    { type: "CUSTOMER_AUTHENTICATING", at },
    { type: "AUTHORIZED", at, authorizedAmount: amount },
    { type: "CHARGE_FAILED", at, failureCode: "DECLINED_BY_CHANNEL" },
  );
  return events;
};

/** A card may be captured automatically or manually (P6); other methods have no choice. */
const captureMethodsOf = (
  target: SeedTarget,
  method: PaymentMethodType | undefined,
): ReadonlyArray<"automatic" | "manual"> =>
  target.captureMethod !== undefined
    ? [target.captureMethod]
    : method === "CARD"
      ? ["automatic", "manual"]
      : ["automatic"];

/** The create shapes a target allows, in order of preference (the catalogue's defaults first). */
const starts = (target: SeedTarget, at: number): ReadonlyArray<Node> => {
  const givenExpiry =
    target.expiryAt === undefined
      ? undefined
      : typeof target.expiryAt === "number"
        ? target.expiryAt
        : instantToMillis(target.expiryAt);
  const createdAt = givenExpiry === undefined ? at - 2 * MINUTE : Math.min(at, givenExpiry) - 2 * MINUTE;
  const methods = target.paymentMethodType === undefined ? METHOD_ORDER : [target.paymentMethodType];
  const types: ReadonlyArray<PaymentType> =
    target.paymentType === undefined ? ["SINGLE", "MULTIPLE"] : [target.paymentType];
  const confirms = target.autoConfirm === undefined ? [true, false] : [target.autoConfirm];
  const nodes: Array<Node> = [];
  for (const paymentType of types) {
    const multiple = paymentType === "MULTIPLE";
    // A MULTIPLE session has no expiry unless given; try one 15 minutes out too (INACTIVE needs one).
    const expiries: ReadonlyArray<number | undefined> =
      givenExpiry !== undefined
        ? [givenExpiry]
        : multiple
          ? [undefined, createdAt + 15 * MINUTE]
          : [undefined];
    for (const method of methods) {
      for (const autoConfirm of confirms) {
        for (const expiryAt of expiries) {
          for (const captureMethod of captureMethodsOf(target, method)) {
            const options =
              method === undefined ? undefined : optionsFor(method, target.channel, captureMethod);
            const openQr = multiple && method === "QR";
            const request: CreatePaymentSessionRequest = {
              clientReferenceId: target.clientReferenceId ?? "seed-session",
              ...(openQr || (multiple && target.amount === undefined)
                ? {}
                : { amount: { value: target.amount ?? 20_000, currency: "IDR" } }),
              paymentType,
              mode: target.mode ?? "API",
              autoConfirm,
              ...(method === undefined ? {} : { paymentMethod: { type: method } }),
              ...(options === undefined ? {} : { paymentMethodOptions: options }),
              ...(expiryAt === undefined ? {} : { expiryAt: new Date(expiryAt).toISOString() }),
            };
            const issuedMethod = multiple && method !== undefined ? staticMethod(method) : undefined;
            const create: CreateSessionContext = {
              id: "seed-session",
              at: createdAt,
              ...(method === undefined || multiple
                ? {}
                : { charge: placeholderIssue(method, "seed-charge-0", createdAt, expiryAt ?? null) }),
              ...(issuedMethod === undefined ? {} : { paymentMethod: issuedMethod }),
            };
            const result = createSession(request, create);
            if (!result.ok) continue;
            // A create that opens no charge must not be given one (the issued charge would be unused).
            nodes.push({
              created: result.snapshot,
              request,
              create,
              snapshot: result.snapshot,
              at: createdAt,
              steps: [],
            });
          }
        }
      }
    }
  }
  return nodes;
};

/**
 * `createSession` with what a provider issues filled in: the charge an autoConfirm create opens,
 * the static VA / QR of a MULTIPLE session (placeholders, ids from `id`).
 *
 * @since 0.1.0
 * @category Seeding
 */
export const createWithIssued = (
  request: CreatePaymentSessionRequest,
  context: { readonly id: string; readonly at: number },
): ReturnType<typeof createSession> => {
  const multiple = request.paymentType === "MULTIPLE";
  const method = request.paymentMethod?.type;
  const expiryAt = request.expiryAt === undefined ? null : instantToMillis(request.expiryAt);
  const issuedMethod = multiple && method !== undefined ? staticMethod(method) : undefined;
  return createSession(request, {
    ...context,
    ...(method === undefined || multiple || chargeRequestFor(request, context.at) === null
      ? {}
      : { charge: placeholderIssue(method, `${context.id}-charge`, context.at, expiryAt) }),
    ...(issuedMethod === undefined ? {} : { paymentMethod: issuedMethod }),
  });
};

/**
 * The shortest way to `target`: the create shapes the target allows (method, payment type,
 * autoConfirm; the catalogue's defaults first: VIRTUAL_ACCOUNT, SINGLE, autoConfirm true), then
 * breadth first over the events the machines accept (confirm, cancel, a payment, the channel steps,
 * the charge's expiry, time passing `expiryAt`). `at` is "now": the session is created two minutes
 * before it (or before a given `expiryAt`). `null` when no path of at most six events exists.
 *
 * @example
 * const path = seedPath({ status: "PAID" }, Date.parse("2025-03-30T05:48:17Z"))
 * path?.steps.map((s) => s.event.type) // ["PAYMENT_RECEIVED"]
 * @since 0.1.0
 * @category Seeding
 */
export const seedPath = (target: SeedTarget, at: number): SeedPath | null => {
  let frontier: ReadonlyArray<Node> = starts(target, at);
  const seen = new Set<string>();
  for (let depth = 0; depth <= MAX_DEPTH && frontier.length > 0; depth++) {
    for (const node of frontier) {
      if (matches(target, node.snapshot)) {
        return {
          request: node.request,
          create: node.create,
          created: node.created,
          steps: node.steps,
          snapshot: node.snapshot,
          endsAt: node.at,
        };
      }
    }
    // Event-major: every node's first candidate, then every node's second, … so that a path that
    // starts with what a merchant does wins a tie over one that needs a channel.
    const next: Array<Node> = [];
    const candidates = frontier.map((node) => candidateEvents(target, node, depth + 1));
    const widest = Math.max(0, ...candidates.map((c) => c.length));
    for (let i = 0; i < widest; i++) {
      frontier.forEach((node, j) => {
        const event = candidates[j]?.[i];
        if (event === undefined) return;
        const applied = applyEvent(node.snapshot, event);
        if (applied.outcome._tag === "Refused" || applied.snapshot === node.snapshot) return;
        const key = `${node.request.paymentType}|${node.request.autoConfirm}|${nodeKey(applied.snapshot)}`;
        if (seen.has(key)) return;
        seen.add(key);
        next.push({
          ...node,
          snapshot: applied.snapshot,
          at: event.at,
          steps: [...node.steps, { event, before: node.snapshot, applied }],
        });
      });
    }
    frontier = next;
  }
  return null;
};

/**
 * {@link seedPath} with the provider-state catalogue's defaults, as of `now`: a card captured
 * automatically unless only a manual capture reaches the target; unless `expiryAt` is given, a
 * SINGLE session expires `now` + 15 min, a MULTIPLE one never, and a target only reachable once
 * its expiry has passed gets `now` − 1 min (every step of a seeding lies before `now`). `null`
 * when no path reaches the target.
 *
 * @example
 * catalogueSeedPath({ status: "EXPIRED" }, now)?.steps.at(-1)?.event.type // "EXPIRE"
 * @since 0.2.0
 * @category Seeding
 */
export const catalogueSeedPath = (target: SeedTarget, now: number): SeedPath | null => {
  const path =
    (target.captureMethod === undefined ? seedPath({ ...target, captureMethod: "automatic" }, now) : null) ??
    seedPath(target, now);
  if (path === null || target.expiryAt !== undefined) return path;
  const captureMethod = path.request.paymentMethodOptions?.card?.captureMethod ?? target.captureMethod;
  const same = { ...target, paymentType: path.request.paymentType, captureMethod };
  const soon =
    same.paymentType === "MULTIPLE" ? path : seedPath({ ...same, expiryAt: now + 15 * MINUTE }, now);
  if (soon !== null && soon.endsAt <= now) return soon;
  return seedPath({ ...same, expiryAt: now - MINUTE }, now);
};
