/**
 * A session's timeline entries (decision S4): every event the provider applies and stores —
 * the creation, each API call or channel notification, the expiry — with the statuses before and
 * after and the machines' transition keys, all derived by the core (`transitionKeyOf`,
 * `creationKeysOf`, `sessionStatus`): the provider names no status or transition itself.
 *
 * @since 0.1.0
 */
import {
  type Applied,
  creationKeysOf,
  formatTransitionKey,
  type SessionEvent,
  type SessionSnapshot,
  sessionAt,
  sessionStatus,
  type TransitionKey,
  transitionKeyOf,
} from "@payment-session/core";
import type { NewSessionEvent } from "./store/index.js";

/**
 * The timeline's name of a session's creation (not a machine event).
 *
 * @since 0.1.0
 * @category Sandbox
 */
export const creationEventName = "CREATE";

const keys = (list: ReadonlyArray<TransitionKey | null | undefined>): ReadonlyArray<string> =>
  list.filter((key): key is TransitionKey => key !== null && key !== undefined).map(formatTransitionKey);

/**
 * The few scalar fields of an event worth showing (ids, amounts, codes, the method's type); never
 * card or customer data.
 *
 * @since 0.1.0
 * @category Sandbox
 */
export const eventDetail = (event: SessionEvent): Readonly<Record<string, string | number | boolean>> => {
  const detail: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(event)) {
    if (name === "type" || name === "at") continue;
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
      detail[name] = value;
  }
  const record = event as unknown as Record<string, unknown>;
  const amount = (record.amount ?? record.authorizedAmount ?? record.captureAmount) as
    | { readonly value?: unknown; readonly currency?: unknown }
    | undefined;
  if (typeof amount === "object" && amount !== null && amount.value !== undefined)
    detail.amount = `${String(amount.currency ?? "")} ${String(amount.value)}`.trim();
  if (event.type === "CONFIRM") {
    detail.chargeId = event.charge.id;
    const method = (event.paymentMethod as { readonly type?: unknown } | undefined)?.type;
    if (typeof method === "string") detail.paymentMethod = method;
  }
  return detail;
};

/**
 * The entry of `event` applied to `before` with result `applied` (accepted: the caller stores it).
 *
 * @since 0.1.0
 * @category Sandbox
 */
export const eventEntry = (
  merchantId: string,
  before: SessionSnapshot,
  event: SessionEvent,
  applied: Pick<Applied, "snapshot" | "outcome"> & Partial<Pick<Applied, "atInstant">>,
): NewSessionEvent => {
  const taken = transitionKeyOf(before, event, applied);
  return {
    merchantId,
    sessionId: before.context.id,
    event: event.type,
    at: event.at,
    statusBefore: sessionStatus(before),
    statusAfter: sessionStatus(applied.snapshot),
    transitions: keys([taken.session, taken.charge]),
    detail: eventDetail(event),
  };
};

/**
 * The entry of the expiry that instant `at` applies to `before` (L4), or none when time changes
 * nothing.
 *
 * @since 0.1.0
 * @category Sandbox
 */
export const expiryEntries = (
  merchantId: string,
  before: SessionSnapshot,
  at: number,
): ReadonlyArray<NewSessionEvent> => {
  const applied = sessionAt(before, at);
  return applied.expiry === null ? [] : [eventEntry(merchantId, before, { type: "EXPIRE", at }, applied)];
};

/**
 * The entry of a session's creation: the eventless transitions it took (C1).
 *
 * @since 0.1.0
 * @category Sandbox
 */
export const creationEntry = (merchantId: string, snapshot: SessionSnapshot): NewSessionEvent => ({
  merchantId,
  sessionId: snapshot.context.id,
  event: creationEventName,
  at: snapshot.context.createdAt,
  statusBefore: null,
  statusAfter: sessionStatus(snapshot),
  transitions: keys(creationKeysOf(snapshot)),
  detail: {
    amount: `${snapshot.context.amount.currency} ${snapshot.context.amount.value}`,
    mode: snapshot.context.settings.mode,
  },
});
