/**
 * Shared builders for the lifecycle tests: requests per flow, issued charges, instants, and
 * helpers that fail loudly when a step is refused.
 */
import { expect } from "vitest";
import {
  type Applied,
  applyEvent,
  type CreateSessionContext,
  createSession,
  currentCharge,
  type Outcome,
  type SessionEvent,
  type SessionSnapshot,
} from "../../src/lifecycle/index.js";
import type { CreatePaymentSessionRequest, PaymentMethodType } from "../../src/schemas/index.js";
import {
  cardIssue,
  ewalletIssue,
  idr,
  issueFor,
  qrIssue,
  seedPageInstant,
  vaIssue,
} from "../../src/testing/index.js";

/** 2025-03-30T05:48:17Z, the seed page's charge instant. */
export const T0 = seedPageInstant;
export const MINUTE = 60_000;
export const IDR = idr;
export { cardIssue, ewalletIssue, issueFor, qrIssue, vaIssue };

/** The options a confirmed / created method needs. */
export const optionsFor = (
  method: PaymentMethodType,
  captureMethod: "automatic" | "manual" = "automatic",
) => {
  switch (method) {
    case "VIRTUAL_ACCOUNT":
      return { virtualAccount: { channel: "PERMATA" as const, virtualAccountName: "Reforza Harsya" } };
    case "QR":
      return { qr: {} };
    case "EWALLET":
      return { ewallet: { channel: "SHOPEEPAY" as const } };
    case "CARD":
      return { card: { captureMethod } };
  }
};

/** A SINGLE request paying `amount` with `method` (autoConfirm true, mode API) unless overridden. */
export const singleRequest = (
  method: PaymentMethodType | null,
  overrides: Partial<CreatePaymentSessionRequest> = {},
  captureMethod: "automatic" | "manual" = "automatic",
): CreatePaymentSessionRequest => ({
  clientReferenceId: "INV-2025-0001",
  amount: IDR(20_000),
  mode: "API",
  ...(method === null
    ? {}
    : { paymentMethod: { type: method }, paymentMethodOptions: optionsFor(method, captureMethod) }),
  ...overrides,
});

/** A MULTIPLE static VA request (open amount unless `amount` is given). */
export const multipleVaRequest = (
  overrides: Partial<CreatePaymentSessionRequest> = {},
): CreatePaymentSessionRequest => ({
  clientReferenceId: "STATIC-VA-1",
  paymentType: "MULTIPLE",
  mode: "API",
  paymentMethod: { type: "VIRTUAL_ACCOUNT" },
  paymentMethodOptions: { virtualAccount: { channel: "BCA" } },
  ...overrides,
});

export const staticVa = {
  type: "VIRTUAL_ACCOUNT" as const,
  virtualAccount: {
    channel: "BCA" as const,
    virtualAccountNumber: "000042",
    virtualAccountName: "Pivot - Toko",
    expiryAt: "0001-01-01T00:00:00Z",
  },
};

/** Creates a session, failing the test if it is refused. */
export const created = (
  request: CreatePaymentSessionRequest,
  context: Partial<CreateSessionContext> = {},
) => {
  const result = createSession(request, { id: "session-1", at: T0, ...context });
  if (!result.ok) throw new Error(`create refused: ${JSON.stringify(result.refusal)}`);
  return result.snapshot;
};

/** Applies an event and expects it accepted (not refused, not a duplicate). */
export const accept = (snapshot: SessionSnapshot, event: SessionEvent): Applied & { outcome: Outcome } => {
  const applied = applyEvent(snapshot, event);
  expect(applied.outcome._tag, JSON.stringify(applied.outcome)).toBe("Accepted");
  return applied;
};

/** Applies an event and expects a refusal with `code`; the snapshot must come back unchanged. */
export const refuse = (snapshot: SessionSnapshot, event: SessionEvent, code: string) => {
  const applied = applyEvent(snapshot, event);
  expect(applied.outcome._tag).toBe("Refused");
  if (applied.outcome._tag !== "Refused") throw new Error("not refused");
  expect(applied.outcome.code).toBe(code);
  expect(applied.snapshot).toBe(snapshot);
  return applied.outcome;
};

/** The webhook event names of an outcome. */
export const webhookNames = (outcome: Outcome): ReadonlyArray<string> =>
  outcome._tag === "Refused" ? [] : outcome.webhooks.map((w) => w.event);

/** The current charge, failing the test if there is none. */
export const theCharge = (snapshot: SessionSnapshot) => {
  const charge = currentCharge(snapshot.context);
  if (charge === null) throw new Error("no charge");
  return charge;
};
