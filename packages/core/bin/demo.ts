/**
 * The core's demo: one payment session walked through its lifecycle with the pure API, on a fixed
 * clock. Run with `pnpm demo`. Every status printed is derived from the machine's snapshot.
 */
import {
  type Applied,
  applyEvent,
  type CreatePaymentSessionRequest,
  chargeRequestFor,
  createSession,
  millisToInstant,
  type SessionEvent,
  type SessionSnapshot,
  sessionStatus,
  toPaymentSession,
} from "@payment-session/core";
import { seedCreateRequest } from "@payment-session/core/testing";

const T0 = Date.UTC(2025, 2, 30, 5, 48, 17);
const MINUTE = 60_000;

/** The seed page's create request (decision C1: VA, autoConfirm true → REQUIRE_ACTION). */
const request: CreatePaymentSessionRequest = seedCreateRequest;
const line = (at: number, what: string, snapshot: SessionSnapshot, extra = "") => {
  const session = toPaymentSession(snapshot);
  const charge = session.chargeDetails?.[0];
  const chargeText = charge ? `charge ${charge.status}` : "no charge";
  console.log(
    `${millisToInstant(at).padEnd(22)} ${what.padEnd(34)} → ${sessionStatus(snapshot).padEnd(16)} ${chargeText}${extra}`,
  );
};

const describeOutcome = (applied: Applied): string => {
  const { outcome } = applied;
  if (outcome._tag === "Refused") return `  (refused: ${outcome.code} — ${outcome.message})`;
  const events = outcome.webhooks.map((w) => w.event);
  return events.length > 0 ? `  webhooks: ${events.join(", ")}` : "";
};

// The provider asks the core whether a charge opens, then issues the VA number (here: fixed).
const toOpen = chargeRequestFor(request, T0);
const created = createSession(request, {
  id: "7f65c757-355f-4645-ac14-028b34ab51b1",
  at: T0,
  ...(toOpen === null
    ? {}
    : {
        charge: {
          id: "b4db4aa5-4ee4-4722-b414-050c745c93cd",
          instrument: {
            virtualAccount: {
              channel: "PERMATA",
              virtualAccountNumber: "76630000123456",
              virtualAccountName: "Demo Merchant - Reforza Harsya",
              expiryAt: millisToInstant(T0 + 15 * MINUTE),
            },
          },
        },
      }),
});
if (!created.ok) {
  console.error(`create refused: ${created.refusal.code}: ${created.refusal.message}`);
  process.exit(1);
}

console.log("payment-session core demo: a VIRTUAL_ACCOUNT session, from the seed page's request\n");
line(T0, "POST /v2/payments (autoConfirm)", created.snapshot);

const steps: ReadonlyArray<[string, SessionEvent]> = [
  [
    "cancel (refused in REQUIRE_ACTION)",
    { type: "CANCEL", at: T0 + MINUTE, cancellationReason: "VOID_SESSION" },
  ],
  [
    "bank notifies 19 999 IDR (wrong)",
    {
      type: "PAYMENT_RECEIVED",
      at: T0 + 4 * MINUTE,
      chargeId: "b4db4aa5-4ee4-4722-b414-050c745c93cd",
      amount: { value: 19999, currency: "IDR" },
    },
  ],
  [
    "bank notifies 20 000 IDR",
    {
      type: "PAYMENT_RECEIVED",
      at: T0 + 5 * MINUTE,
      chargeId: "b4db4aa5-4ee4-4722-b414-050c745c93cd",
      amount: { value: 20000, currency: "IDR" },
    },
  ],
  ["the session's expiry passes", { type: "EXPIRE", at: T0 + 20 * MINUTE }],
];

let snapshot = created.snapshot;
for (const [what, event] of steps) {
  const applied = applyEvent(snapshot, event);
  snapshot = applied.snapshot;
  line(event.at, what, snapshot, describeOutcome(applied));
}

const final = toPaymentSession(snapshot);
console.log(
  `\nfinal session ${final.id}: ${final.status}, paidAt ${final.chargeDetails?.[0]?.paidAt ?? "—"}`,
);
