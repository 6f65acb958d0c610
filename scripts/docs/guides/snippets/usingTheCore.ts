/**
 * Guide snippet (docs/guides/using-the-core.md): a Node backend that keeps payment sessions with the
 * core — create, persist, apply events, expire — over a stand-in store. `run()` plays one day of it;
 * the docs tests run it.
 */
// #region guide
import {
  applyEvent,
  chargeRequestFor,
  createSession,
  millisToInstant,
  type PaymentSession,
  persistSession,
  restoreSession,
  type SessionEvent,
  type SessionSnapshot,
  toPaymentSession,
} from "@payment-session/core";

/** One stored row: the persisted snapshot (plain JSON) and a version for compare-and-set. */
interface Row {
  readonly json: string;
  readonly version: number;
}

/** Stands in for your table `payment_sessions (id, snapshot jsonb, version int, status text)`. */
const table = new Map<string, Row>();

const load = (id: string): { snapshot: SessionSnapshot; version: number } => {
  const row = table.get(id);
  if (row === undefined) throw new Error(`no payment session ${id}`);
  const restored = restoreSession(JSON.parse(row.json));
  if (!restored.ok) throw new Error(`stored session ${id} is unreadable: ${restored.error.message}`);
  return { snapshot: restored.snapshot, version: row.version };
};

/** Writes only if nobody else wrote since we read (UPDATE … WHERE version = $expected). */
const store = (id: string, snapshot: SessionSnapshot, expected: number | null): void => {
  const current = table.get(id)?.version ?? null;
  if (current !== expected) throw new Error(`session ${id} changed meanwhile: reload and retry`);
  table.set(id, { json: JSON.stringify(persistSession(snapshot)), version: (expected ?? 0) + 1 });
};

/** POST /v2/payments: ask what charge the request opens, issue it, create, store. */
export const createPayment = (id: string, now: number): PaymentSession => {
  const request = {
    clientReferenceId: "INV-2025-0001",
    amount: { value: 20_000, currency: "IDR" },
    mode: "API" as const,
    paymentMethod: { type: "VIRTUAL_ACCOUNT" as const },
    paymentMethodOptions: {
      virtualAccount: { channel: "PERMATA" as const, virtualAccountName: "Toko Budi" },
    },
  };
  const plan = chargeRequestFor(request, now); // a VA charge is to be opened: ask your bank for a number
  const charge =
    plan === null
      ? undefined
      : {
          id: `charge-of-${id}`,
          instrument: {
            virtualAccount: {
              channel: "PERMATA" as const,
              virtualAccountNumber: "76630000123456",
              virtualAccountName: "Pivot - Toko Budi",
              expiryAt: millisToInstant(plan.expiryAt ?? now),
            },
          },
        };
  const created = createSession(request, { id, at: now, ...(charge === undefined ? {} : { charge }) });
  if (!created.ok) throw new Error(`400: ${created.refusal.message}`); // details: created.refusal.details
  store(id, created.snapshot, null);
  return toPaymentSession(created.snapshot);
};

/**
 * Every write: load → expire at `now` (decision L4) → apply the event → store, with the callbacks
 * to enqueue in the same transaction. A refusal stores nothing and becomes the HTTP answer.
 */
export const handle = (id: string, event: SessionEvent) => {
  const { snapshot, version } = load(id);
  const expired = applyEvent(snapshot, { type: "EXPIRE", at: event.at });
  const applied = applyEvent(expired.snapshot, event);
  if (applied.outcome._tag === "Refused") {
    if (expired.snapshot.value !== snapshot.value) store(id, expired.snapshot, version); // keep the expiry
    return { refused: applied.outcome, session: toPaymentSession(expired.snapshot) };
  }
  const callbacks = [
    ...(expired.outcome._tag === "Refused" ? [] : expired.outcome.webhooks),
    ...applied.outcome.webhooks,
  ];
  store(id, applied.snapshot, version);
  return { outcome: applied.outcome, callbacks, session: toPaymentSession(applied.snapshot) };
};

/** The sweeper: expire whatever is past `expiryAt` (a read would do the same, lazily). */
export const sweep = (now: number) =>
  [...table.keys()].flatMap((id) => {
    const { snapshot, version } = load(id);
    const expired = applyEvent(snapshot, { type: "EXPIRE", at: now });
    if (expired.outcome._tag === "Refused" || expired.snapshot.value === snapshot.value) return [];
    store(id, expired.snapshot, version);
    return expired.outcome.webhooks; // PAYMENT.CANCELLED with status EXPIRED: enqueue it
  });
// #endregion guide

/** Plays the guide's story and answers what a reader should see. */
export const run = () => {
  table.clear();
  const t0 = Date.UTC(2025, 2, 30, 5, 48, 17);
  const minute = 60_000;
  const paidSession = createPayment("session-1", t0);
  const paid = handle("session-1", {
    type: "PAYMENT_RECEIVED",
    at: t0 + 2 * minute,
    chargeId: "charge-of-session-1",
    amount: { value: 20_000, currency: "IDR" },
  });
  const lateConfirm = handle("session-1", {
    type: "CONFIRM",
    at: t0 + 3 * minute,
    paymentMethod: { type: "VIRTUAL_ACCOUNT" },
    charge: { id: "another-charge" },
  });
  createPayment("session-2", t0);
  const expiryCallbacks = sweep(t0 + 15 * minute);
  return {
    created: paidSession.status,
    paid: paid.session.status,
    paidCallbacks: "callbacks" in paid ? (paid.callbacks ?? []).map((c) => c.event) : [],
    lateConfirm: "refused" in lateConfirm ? lateConfirm.refused?.code : undefined,
    expiryCallbacks: expiryCallbacks.map((c) => [c.event, c.data.status, c.data.cancellationReason]),
    stored: [...table.values()].map((row) => row.version),
  };
};
