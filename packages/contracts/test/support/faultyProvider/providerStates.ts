/**
 * The faulty provider's provider states (the catalogue of `@payment-session/contracts`) and its
 * messages endpoint. Sessions are seeded the way real data is made — a create and the lifecycle's
 * own events through the core — and always faithfully: a defect shows in what merchants see and
 * in webhooks, never in a state that cannot be set up.
 */
import { randomUUID } from "node:crypto";
import {
  applyEvent,
  type CreatePaymentSessionRequest,
  currentCharge,
  instantToMillis,
  millisToInstant,
  type PaymentMethodOptions,
  type PaymentMethodType,
  plainCreateStatus,
  type SessionEvent,
  sessionAt,
  sessionStatus,
} from "@payment-session/core";
import { Result } from "effect";
import { testCardKeyPair } from "../../../src/card/testKey.js";
import {
  type DecodedProviderStateParams,
  decodeProviderStateParams,
} from "../../../src/providerStates/index.js";
import { type Answer, confirmEvent, create, simulate, storeNewSession } from "./api.js";
import { refundsOf, seedRefund } from "./refunds.js";
import { actingFor, type Merchant, type StoredSession, type World } from "./world.js";

const MINUTE = 60_000;

type SeedParams = DecodedProviderStateParams<"a payment session exists">;

/** A provider state that could not be set up (`status` 400: a wrong request; 500: a refused step). */
class StateError extends Error {
  constructor(
    readonly status: 400 | 500,
    message: string,
  ) {
    super(message);
  }
}

const optionsFor = (method: PaymentMethodType, p: SeedParams): PaymentMethodOptions | undefined => {
  const channel = p.channel;
  switch (method) {
    case "VIRTUAL_ACCOUNT":
      return {
        virtualAccount: {
          channel:
            channel !== undefined && !["DANA", "SHOPEEPAY", "OVO"].includes(channel)
              ? (channel as "PERMATA")
              : "PERMATA",
        },
      };
    case "EWALLET":
      return { ewallet: { channel: channel === "SHOPEEPAY" || channel === "OVO" ? channel : "DANA" } };
    case "CARD":
      return {
        card: {
          captureMethod:
            p.captureMethod ?? (p.chargeStatus === "WAITING_FOR_CAPTURE" ? "manual" : "automatic"),
        },
      };
    case "QR":
      return undefined;
  }
};

/**
 * `a payment session exists`: the catalogue's defaults (as the reference provider's `seedSession`):
 * created two minutes before now (or before its expiry), its events a minute later, then read as of
 * now. Throws when a step is refused or the session does not end in `status`.
 */
const seed = (world: World, merchant: Merchant, p: SeedParams, now: number): StoredSession => {
  const { status } = p;
  const multiple = p.paymentType === "MULTIPLE" || status === "ACTIVE" || status === "INACTIVE";
  const expiryAt =
    p.expiryAt !== undefined
      ? instantToMillis(p.expiryAt)
      : status === "EXPIRED" || status === "INACTIVE"
        ? now - MINUTE
        : multiple
          ? null
          : now + 15 * MINUTE;
  const createdAt = (expiryAt === null ? now : Math.min(now, expiryAt)) - 2 * MINUTE;
  const stepAt = createdAt + MINUTE;
  const cancelledByMerchant = status === "CANCELLED" && p.cancellationReason !== "CHARGE_FAILED";
  const method: PaymentMethodType | undefined =
    status === "REQUIRE_PAYMENT_METHOD"
      ? undefined
      : (p.paymentMethodType ?? (status === "PROCESSING" ? "CARD" : "VIRTUAL_ACCOUNT"));
  const autoConfirm =
    status === "REQUIRE_CONFIRMATION" || cancelledByMerchant ? false : (p.autoConfirm ?? true);
  const amount = { value: p.amount ?? 20_000, currency: "IDR" };
  const paymentMethodOptions = method === undefined ? undefined : optionsFor(method, p);
  const request: CreatePaymentSessionRequest = {
    clientReferenceId: p.clientReferenceId ?? `seed-${randomUUID().slice(0, 8)}`,
    ...(multiple && method === "QR" ? {} : { amount }),
    paymentType: multiple ? "MULTIPLE" : "SINGLE",
    mode: p.mode ?? "API",
    autoConfirm,
    ...(method === undefined ? {} : { paymentMethod: { type: method } }),
    ...(paymentMethodOptions === undefined ? {} : { paymentMethodOptions }),
    ...(expiryAt === null ? {} : { expiryAt: millisToInstant(expiryAt) }),
  };
  const { session, answer } = storeNewSession(world, merchant, request, createdAt);
  if (session === undefined)
    throw new StateError(500, `the create was refused: ${JSON.stringify(answer.body)}`);
  const step = (event: SessionEvent, merchantRequest = false) => {
    const applied = applyEvent(session.snapshot, event);
    if (applied.outcome._tag === "Refused") {
      throw new StateError(500, `seeding ${status}: ${event.type} was refused: ${applied.outcome.message}`);
    }
    world.commit(session, applied, merchantRequest);
  };
  const needsCharge =
    ["REQUIRE_ACTION", "PROCESSING", "PAID"].includes(status) ||
    (status === "CANCELLED" && !cancelledByMerchant);
  if (needsCharge && !autoConfirm && method !== undefined) {
    const body = {
      paymentMethod: { type: method },
      ...(paymentMethodOptions === undefined ? {} : { paymentMethodOptions }),
    };
    step(confirmEvent(world, merchant, session.snapshot, body, stepAt), true);
  }
  const chargeId = () => currentCharge(session.snapshot.context)?.context.id ?? randomUUID();
  switch (status) {
    case "PROCESSING": {
      const chargeStatus =
        p.chargeStatus ?? (p.captureMethod === "manual" ? "WAITING_FOR_CAPTURE" : "PROCESSING");
      if (chargeStatus === "WAITING_FOR_AUTHENTICATION")
        step({ type: "CUSTOMER_AUTHENTICATING", at: stepAt });
      else if (chargeStatus === "WAITING_FOR_CAPTURE")
        step({ type: "AUTHORIZED", at: stepAt, authorizedAmount: amount });
      else step({ type: "CHARGE_PROCESSING", at: stepAt });
      break;
    }
    case "PAID":
      step({ type: "PAYMENT_RECEIVED", at: stepAt, chargeId: chargeId(), amount });
      break;
    case "CANCELLED":
      if (cancelledByMerchant) {
        const reason =
          p.cancellationReason === "DUPLICATED" || p.cancellationReason === "VOID_SESSION"
            ? p.cancellationReason
            : "REQUESTED_BY_CUSTOMER";
        step({ type: "CANCEL", at: stepAt, cancellationReason: reason }, true);
      } else {
        const failureCode =
          currentCharge(session.snapshot.context) === null ? "UNKNOWN" : "DECLINED_BY_CHANNEL";
        step({ type: "CHARGE_FAILED", at: stepAt, failureCode });
      }
      break;
    case "ACTIVE":
      for (let i = 0; i < (p.paymentsReceived ?? 0); i++) {
        step({ type: "PAYMENT_RECEIVED", at: stepAt + i, chargeId: randomUUID(), amount });
      }
      break;
    default:
      break;
  }
  // Read as of now, faithfully (an expiry that is due is stored, with its webhook).
  const expired = sessionAt(session.snapshot, now);
  if (expired.expiry !== null) world.commit(session, expired, false);
  if (sessionStatus(session.snapshot) !== status) {
    throw new StateError(
      500,
      `seeding ${status} ended in ${sessionStatus(session.snapshot)}; check the params`,
    );
  }
  return session;
};

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === "object" && u !== null && !Array.isArray(u);

/** The provider-states endpoint and the messages endpoint of a faulty provider. */
export interface ProviderStates {
  readonly handle: (body: unknown) => Answer;
  readonly message: (body: unknown) => { readonly body: string; readonly apiKey: string } | string;
}

/** Makes the state handlers over a world. */
export const makeProviderStates = (world: World): ProviderStates => {
  let merchant: Merchant | undefined;
  let seeded: Array<string> = [];

  const merchantOf = (state: string): Merchant => {
    if (merchant === undefined)
      throw new StateError(400, `"${state}" needs "a merchant with credentials exists" first`);
    return merchant;
  };

  const setUp = (state: string, params: unknown): Record<string, string> => {
    const decoded = decodeProviderStateParams(state, params);
    if (Result.isFailure(decoded)) throw new StateError(400, decoded.failure.message);
    const d = decoded.success;
    switch (d.name) {
      case "the clock reads": {
        world.setClock(instantToMillis(d.params.now));
        merchant = undefined;
        seeded = [];
        // The sweeper runs when time moves (decision L4): every expiry that is now due is stored and announced.
        for (const session of world.sessions.values()) world.expireDue(session);
        return {};
      }
      case "a merchant with credentials exists": {
        const raw = isRecord(params) ? params : {};
        const callbackUrl = typeof raw.callbackUrl === "string" ? raw.callbackUrl : undefined;
        const m: Merchant = {
          id: d.params.merchantId,
          secret: d.params.merchantSecret,
          callbackApiKey: d.params.callbackApiKey ?? `${d.params.merchantId}-callback-key`,
          callbackUrl,
        };
        world.merchants.set(m.id, m);
        for (const [id, s] of world.sessions) if (s.merchantId === m.id) world.sessions.delete(id);
        for (const key of world.idempotency.keys())
          if (key.startsWith(`${m.id}\n`)) world.idempotency.delete(key);
        merchant = m;
        seeded = [];
        return { accessToken: world.issueToken(m.id) };
      }
      case "a payment session exists": {
        // Decision S5: a sub-account's session belongs to the sub-account's owner id. Defect
        // subAccountIgnored: a provider without sub-accounts stores it as the merchant's.
        const sub = world.has("subAccountIgnored") ? undefined : d.params.submerchantId;
        const owner = actingFor(merchantOf(d.name), sub);
        const session = seed(world, owner, d.params, world.now());
        seeded.push(session.id);
        return { id: session.id };
      }
      case "no payment session exists":
        if (world.sessions.has(d.params.id)) throw new StateError(500, `a session ${d.params.id} exists`);
        return {};
      case "payment sessions exist with clientReferenceId": {
        const m = merchantOf(d.name);
        const { clientReferenceId, count, status, amount } = d.params;
        const now = world.now();
        for (let i = 0; i < count; i++) {
          const params = {
            status: status ?? plainCreateStatus,
            clientReferenceId,
            ...(amount === undefined ? {} : { amount }),
          } as SeedParams;
          seeded.push(seed(world, m, params, now - (count - 1 - i) * 1000).id);
        }
        return {};
      }
      case "card sessions use the published test key": {
        world.issuer.useCardKey(testCardKeyPair);
        return {};
      }
      case "the clock moves on": {
        // Time passes within the interaction: what was set up stays, and is read as of the new instant.
        world.setClock(instantToMillis(d.params.now));
        for (const session of world.sessions.values()) world.expireDue(session);
        return {};
      }
      case "a simulation was accepted": {
        const sessionId = seeded[seeded.length - 1];
        if (sessionId === undefined) throw new StateError(400, `"${d.name}" needs a session state first`);
        const answer = simulate(
          world,
          { merchant: merchantOf(d.name), requestId: undefined },
          { paymentSessionId: sessionId, chargeStatus: d.params.chargeStatus },
        );
        if (answer.status !== 200) {
          throw new StateError(
            500,
            `the simulation was refused: ${answer.status} ${JSON.stringify(answer.body)}`,
          );
        }
        return {};
      }
      case "a refund exists": {
        const sessionId = seeded[seeded.length - 1];
        if (sessionId === undefined) throw new StateError(400, `"${d.name}" needs a session state first`);
        try {
          return {
            refundId: seedRefund(
              world,
              { merchant: merchantOf(d.name), requestId: undefined },
              sessionId,
              d.params,
            ),
          };
        } catch (error) {
          throw new StateError(500, error instanceof Error ? error.message : String(error));
        }
      }
      case "no refund exists":
        if (refundsOf(world).has(d.params.id)) throw new StateError(500, `a refund ${d.params.id} exists`);
        return {};
      case "a payment session was created with request id": {
        const m = merchantOf(d.name);
        const answer = create(world, { merchant: m, requestId: d.params.requestId }, d.params.request);
        const data = isRecord(answer.body) && isRecord(answer.body.data) ? answer.body.data : {};
        if (answer.status !== 200 || typeof data.id !== "string") {
          throw new StateError(
            500,
            `the create was refused: ${answer.status} ${JSON.stringify(answer.body)}`,
          );
        }
        seeded.push(data.id);
        return { id: data.id };
      }
    }
  };

  return {
    handle: (body) => {
      const request = isRecord(body) ? body : {};
      const state = typeof request.state === "string" ? request.state : "";
      if (request.action === "teardown") return { status: 200, body: {} };
      try {
        return { status: 200, body: setUp(state, request.params ?? {}) };
      } catch (error) {
        const status = error instanceof StateError ? error.status : 500;
        const message = `provider state "${state}": ${error instanceof Error ? error.message : String(error)}`;
        return {
          status,
          body: {
            code: status === 400 ? "api_validation_error" : "internal_error",
            message,
            error: { type: "API_ERROR" },
          },
        };
      }
    },
    // The newest webhook of the session the message's states set up last (as the dispatcher sent it).
    message: (body) => {
      const description = isRecord(body) && typeof body.description === "string" ? body.description : "";
      const sessionId = seeded[seeded.length - 1];
      if (sessionId === undefined)
        return `message "${description}": its provider states set up no payment session`;
      const sent = world.sent.filter((w) => w.sessionId === sessionId);
      const last = sent[sent.length - 1];
      return last === undefined
        ? `message "${description}": no webhook was sent for session ${sessionId}`
        : last;
    },
  };
};
