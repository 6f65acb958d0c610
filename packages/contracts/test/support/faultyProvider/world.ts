/**
 * The faulty provider's in-memory world: clock, merchants, tokens, sessions, idempotency records
 * and webhook outbox, and the core-driven write path every operation and every seeded session
 * shares. Defects that live here (time, rendering, webhooks) are marked with their names.
 */
import { createHash, randomUUID } from "node:crypto";
import {
  type Applied,
  type PaymentCallback as Callback,
  defaultPaymentMethodConfig,
  instantToMillis,
  PaymentCallback,
  type PaymentMethodConfig,
  type PaymentSession,
  requestIdentity,
  type SessionSnapshot,
  type SessionStatus,
  sessionAt,
  sessionStatus,
  toPaymentSession,
  type WebhookEvent,
} from "@payment-session/core";
import { Schema } from "effect";
import type { DefectName } from "./defects.js";
import { type InstrumentIssuer, makeIssuer } from "./issuers.js";

const MINUTE = 60_000;

/** A merchant of the provider: credentials and where its webhooks go. */
export interface Merchant {
  readonly id: string;
  readonly secret: string;
  readonly callbackApiKey: string;
  readonly callbackUrl: string | undefined;
}

/** Between a merchant's id and a sub-account's in the owner id of the sub-account's data (decision S5). */
const subAccountSeparator = "::sub::";

/** The merchant a call with `x-submerchant-id` acts as: the same merchant under the sub-account's owner id. */
export const actingFor = (merchant: Merchant, submerchantId: string | undefined): Merchant =>
  submerchantId === undefined
    ? merchant
    : { ...merchant, id: `${merchant.id}${subAccountSeparator}${submerchantId}` };

/** The merchant id of an owner id (a sub-account's data belongs to its merchant's callbacks). */
const merchantIdOf = (ownerId: string): string => {
  const at = ownerId.indexOf(subAccountSeparator);
  return at < 0 ? ownerId : ownerId.slice(0, at);
};

/** A stored session: its owner, its snapshot, and the status the list shows (see `listStatusStale`). */
export interface StoredSession {
  readonly id: string;
  readonly merchantId: string;
  snapshot: SessionSnapshot;
  listedStatus: SessionStatus;
}

/** A webhook the provider sent (or would have sent, for a merchant without a callback URL). */
export interface SentWebhook {
  readonly sessionId: string;
  readonly apiKey: string;
  readonly body: string;
}

/** A stored answer under an `X-REQUEST-ID` (decision C6). */
export interface IdempotencyRecord {
  readonly endpoint: string;
  readonly requestHash: string;
  readonly status: number;
  readonly body: unknown;
  readonly at: number;
}

const encodeCallback = Schema.encodeSync(PaymentCallback);

/** A stable hash of an endpoint and its (encoded) request, for idempotency records. */
export const requestHash = (endpoint: string, request: unknown): string =>
  createHash("sha256").update(requestIdentity(endpoint, request)).digest("hex");

/** Everything the provider holds, and the write path over it. */
export interface World {
  readonly has: (defect: DefectName) => boolean;
  readonly now: () => number;
  readonly setClock: (at: number) => void;
  readonly config: PaymentMethodConfig;
  readonly issuer: InstrumentIssuer;
  readonly merchants: Map<string, Merchant>;
  readonly tokens: Map<string, { readonly merchantId: string; readonly expiresAt: number }>;
  readonly sessions: Map<string, StoredSession>;
  readonly idempotency: Map<string, IdempotencyRecord>;
  readonly sent: Array<SentWebhook>;
  /** The session object a merchant sees (answers, lists, webhooks). */
  readonly render: (snapshot: SessionSnapshot) => PaymentSession;
  /** Brings a stored session to now (decision L4: lazy expiry), storing the expiry and its webhook. */
  readonly expireDue: (session: StoredSession) => void;
  /**
   * Stores an applied (not refused) outcome: the next snapshot (not for a duplicate), its webhooks;
   * `merchantRequest` updates the status the list shows.
   */
  readonly commit: (session: StoredSession, applied: Applied, merchantRequest: boolean) => void;
  /** Sends callbacks of a session (the outbox), with the webhook defects applied. */
  readonly notify: (
    session: StoredSession,
    events: ReadonlyArray<WebhookEvent>,
    after: SessionSnapshot,
    before: SessionSnapshot,
  ) => void;
  /**
   * Sends a callback body of one of `merchantId`'s sessions as the outbox does (kept in `sent`,
   * delivered to the callback URL with the callback key); for callbacks other than a session's own.
   */
  readonly send: (merchantId: string, sessionId: string, body: string) => void;
  readonly issueToken: (merchantId: string) => string;
  /** Waits until every webhook delivery in flight has ended (or given up). */
  readonly drain: () => Promise<void>;
  readonly close: () => void;
}

/** Makes the world of one provider instance with at most one defect switched on. */
export const makeWorld = (defect: DefectName | undefined, clockStart: string): World => {
  const has = (d: DefectName) => defect === d;
  let clock = instantToMillis(clockStart);
  // Defect ignoresClock: the wall clock, whatever `the clock reads` said.
  const now = () => (has("ignoresClock") ? Date.now() : clock);
  const merchants = new Map<string, Merchant>();
  const sessions = new Map<string, StoredSession>();
  const sent: Array<SentWebhook> = [];
  const tokens: World["tokens"] = new Map();
  let deliveries: Promise<void> = Promise.resolve();
  let closed = false;

  const render = (snapshot: SessionSnapshot): PaymentSession => {
    const session = toPaymentSession(snapshot);
    // Defect expiredReadsChargeFailed: expiry rendered as a failure.
    return has("expiredReadsChargeFailed") && session.status === "EXPIRED"
      ? { ...session, cancellationReason: "CHARGE_FAILED" }
      : session;
  };

  const deliver = async (url: string, apiKey: string, body: string): Promise<void> => {
    for (let attempt = 0; attempt < 5 && !closed; attempt++) {
      try {
        const res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", "x-api-key": apiKey },
          body,
          signal: AbortSignal.timeout(2000),
        });
        await res.arrayBuffer();
        if (res.status < 500 && res.status !== 408 && res.status !== 429) return;
      } catch {
        // retried below (at least once, decision W2)
      }
      await new Promise((resolve) => setTimeout(resolve, 20 * (attempt + 1)));
    }
  };

  const notify: World["notify"] = (session, events, after, before) => {
    const merchant = merchants.get(merchantIdOf(session.merchantId));
    if (merchant === undefined || has("noWebhooks")) return;
    for (const event of events) {
      // Defect noWebhookOnExpiry: an expiry is not announced.
      if (has("noWebhookOnExpiry") && event === "PAYMENT.CANCELLED" && sessionStatus(after) === "EXPIRED")
        continue;
      // Defect webhookWrongEventName: a SINGLE payment announced as a charge event.
      const name: WebhookEvent =
        has("webhookWrongEventName") && event === "PAYMENT.PAID" ? "CHARGE.SUCCESS" : event;
      // Defect webhookStaleBody: the body is built from the session before the change.
      const data = render(has("webhookStaleBody") ? before : after);
      const callback: Callback = { event: name, data };
      const body = JSON.stringify(encodeCallback(callback));
      // Defect webhookWrongApiKey: the API secret instead of the callback key.
      const apiKey = has("webhookWrongApiKey") ? merchant.secret : merchant.callbackApiKey;
      sent.push({ sessionId: session.id, apiKey, body });
      const url = merchant.callbackUrl;
      if (url !== undefined) deliveries = deliveries.then(() => deliver(url, apiKey, body));
    }
  };

  const send: World["send"] = (merchantId, sessionId, body) => {
    const merchant = merchants.get(merchantIdOf(merchantId));
    if (merchant === undefined || has("noWebhooks")) return;
    const apiKey = has("webhookWrongApiKey") ? merchant.secret : merchant.callbackApiKey;
    sent.push({ sessionId, apiKey, body });
    const url = merchant.callbackUrl;
    if (url !== undefined) deliveries = deliveries.then(() => deliver(url, apiKey, body));
  };

  const commit: World["commit"] = (session, applied, merchantRequest) => {
    const { outcome } = applied;
    if (outcome._tag === "Refused") return;
    const before = session.snapshot;
    if (outcome._tag !== "Duplicate") session.snapshot = applied.snapshot;
    if (merchantRequest) session.listedStatus = sessionStatus(session.snapshot);
    notify(
      session,
      outcome.webhooks.map((w) => w.event),
      applied.snapshot,
      before,
    );
  };

  const expireDue = (session: StoredSession): void => {
    // Defect expiryOffByOneMinute: reads and the sweeper give a grace minute.
    const at = has("expiryOffByOneMinute") ? now() - MINUTE : now();
    // The core says whether time changed anything (no status comparison here).
    const applied = sessionAt(session.snapshot, at);
    if (applied.expiry === null) return;
    commit(session, applied, false);
  };

  return {
    has,
    now,
    setClock: (at) => {
      clock = at;
    },
    // Defect defaultExpiryThirtyMinutes: the merchant's default expiry is 30 minutes.
    config: has("defaultExpiryThirtyMinutes")
      ? { ...defaultPaymentMethodConfig, defaultExpiryMs: 30 * MINUTE }
      : defaultPaymentMethodConfig,
    issuer: makeIssuer(),
    merchants,
    tokens,
    sessions,
    idempotency: new Map(),
    sent,
    render,
    expireDue,
    commit,
    notify,
    send,
    issueToken: (merchantId) => {
      const token = `fp_${randomUUID().replaceAll("-", "")}`;
      tokens.set(token, { merchantId, expiresAt: now() + 900_000 });
      return token;
    },
    drain: async () => {
      let current: Promise<void> | undefined;
      while (current !== deliveries) {
        current = deliveries;
        await current;
      }
    },
    close: () => {
      closed = true;
    },
  };
};
