/**
 * The payment flows the documentation shows (VA, QR, e-wallet, card, card with manual capture,
 * MULTIPLE), driven through the core's pure API. Only the inputs are written here (a create
 * request and the events that follow, as a gateway would see them); every status, pair, callback
 * and snapshot the pages show comes from running them through `createSession` / `applyEvent`.
 * A step the machine refuses, or a (session, charge) pair outside `documentedStatusPairs`, stops the
 * generation: the flows and the machine have drifted apart.
 */
import {
  applyEvent,
  type ChargeRecord,
  type ChargeStatus,
  type CreatePaymentSessionRequest,
  type CreateSessionContext,
  chargeStatus,
  createSession,
  currentCharge,
  documentedStatusPairs,
  type SessionEvent,
  type SessionSnapshot,
  type SessionStatus,
  sessionStatus,
  toPaymentSession,
} from "@payment-session/core";
import {
  cardIssue as exampleCardIssue,
  ewalletIssue as exampleEwalletIssue,
  qrIssue as exampleQrIssue,
  vaIssue as exampleVaIssue,
  idr,
  seedPageInstant,
} from "@payment-session/core/testing";

/** 2025-03-30T05:48:17Z, the instant of the seed page (and of the contracts' `the clock reads`). */
export const T0 = seedPageInstant;
const MINUTE = 60_000;
const IDR = idr;
/** The default session life (decision C2): the flows' EXPIRE events happen then. */
const EXPIRY = T0 + 15 * MINUTE;

const vaIssue = exampleVaIssue();
const qrIssue = exampleQrIssue();
const ewalletIssue = exampleEwalletIssue("charge-ewallet-1");
const cardIssue = exampleCardIssue();

const single = (overrides: Partial<CreatePaymentSessionRequest>): CreatePaymentSessionRequest => ({
  clientReferenceId: "INV-2025-0001",
  amount: IDR(20_000),
  mode: "API",
  ...overrides,
});

const vaRequest = (autoConfirm: boolean) =>
  single({
    autoConfirm,
    paymentMethod: { type: "VIRTUAL_ACCOUNT" },
    paymentMethodOptions: { virtualAccount: { channel: "PERMATA", virtualAccountName: "Reforza Harsya" } },
  });
const noMethodRequest = single({});
const qrRequest = single({ paymentMethod: { type: "QR" }, paymentMethodOptions: { qr: {} } });
const ewalletRequest = single({
  paymentMethod: { type: "EWALLET" },
  paymentMethodOptions: { ewallet: { channel: "SHOPEEPAY" } },
});
const cardRequest = (captureMethod: "automatic" | "manual") =>
  single({ paymentMethod: { type: "CARD" }, paymentMethodOptions: { card: { captureMethod } } });
const multipleRequest: CreatePaymentSessionRequest = {
  clientReferenceId: "STATIC-VA-1",
  paymentType: "MULTIPLE",
  mode: "API",
  expiryAt: "2025-04-29T05:48:17Z",
  paymentMethod: { type: "VIRTUAL_ACCOUNT" },
  paymentMethodOptions: { virtualAccount: { channel: "BCA" } },
};
const MULTIPLE_EXPIRY = Date.UTC(2025, 3, 29, 5, 48, 17);
const staticVa = {
  type: "VIRTUAL_ACCOUNT" as const,
  virtualAccount: {
    channel: "BCA" as const,
    virtualAccountNumber: "000042",
    virtualAccountName: "Pivot - Toko",
    expiryAt: "0001-01-01T00:00:00Z",
  },
};

const at = (minutes: number) => T0 + minutes * MINUTE;

/** One path through a flow: how the session is created, then the events, in order. */
export interface FlowPath {
  readonly title: string;
  readonly create: string;
  readonly request: CreatePaymentSessionRequest;
  readonly context: Omit<CreateSessionContext, "id" | "at">;
  readonly events: ReadonlyArray<SessionEvent>;
}

/** A flow: a payment method (or payment type) and the paths the pages draw for it. */
export interface Flow {
  readonly key: string;
  readonly title: string;
  readonly paths: ReadonlyArray<FlowPath>;
}

const vaCreate = {
  create: "create VA, autoConfirm true",
  request: vaRequest(true),
  context: { charge: vaIssue },
};
const paid = (chargeId: string, minutes = 2): SessionEvent => ({
  type: "PAYMENT_RECEIVED",
  at: at(minutes),
  chargeId,
  amount: IDR(20_000),
});
const expire: SessionEvent = { type: "EXPIRE", at: EXPIRY };
const authenticating: SessionEvent = { type: "CUSTOMER_AUTHENTICATING", at: at(1) };

/** The flows, in the order the pages show them. */
export const flows: ReadonlyArray<Flow> = [
  {
    key: "va",
    title: "Virtual account (VA)",
    paths: [
      { title: "the customer transfers", ...vaCreate, events: [paid("charge-va-1")] },
      { title: "nobody pays before expiryAt", ...vaCreate, events: [expire] },
      {
        title: "the VA's own time runs out (simulation EXPIRED)",
        ...vaCreate,
        events: [{ type: "CHARGE_EXPIRED", at: at(3) }],
      },
      {
        title: "created without a payment method, then confirmed",
        create: "create without paymentMethod",
        request: noMethodRequest,
        context: {},
        events: [
          {
            type: "CONFIRM",
            at: at(1),
            paymentMethod: { type: "VIRTUAL_ACCOUNT" },
            paymentMethodOptions: { virtualAccount: { channel: "PERMATA" } },
            charge: vaIssue,
          },
          paid("charge-va-1"),
        ],
      },
      {
        title: "created with autoConfirm false, then confirmed",
        create: "create VA, autoConfirm false",
        request: vaRequest(false),
        context: {},
        events: [
          {
            type: "CONFIRM",
            at: at(1),
            paymentMethod: { type: "VIRTUAL_ACCOUNT" },
            paymentMethodOptions: { virtualAccount: { channel: "PERMATA" } },
            charge: vaIssue,
          },
        ],
      },
      {
        title: "the merchant cancels before choosing a method",
        create: "create without paymentMethod",
        request: noMethodRequest,
        context: {},
        events: [{ type: "CANCEL", at: at(1), cancellationReason: "REQUESTED_BY_CUSTOMER" }],
      },
      {
        title: "no method chosen before expiryAt",
        create: "create without paymentMethod",
        request: noMethodRequest,
        context: {},
        events: [expire],
      },
    ],
  },
  {
    key: "qr",
    title: "QRIS (QR)",
    paths: [
      {
        title: "the customer scans and pays",
        create: "create QR, autoConfirm true",
        request: qrRequest,
        context: { charge: qrIssue },
        events: [paid("charge-qr-1")],
      },
      {
        title: "nobody pays before expiryAt",
        create: "create QR, autoConfirm true",
        request: qrRequest,
        context: { charge: qrIssue },
        events: [expire],
      },
    ],
  },
  {
    key: "ewallet",
    title: "E-wallet",
    paths: [
      {
        title: "the customer approves in the wallet",
        create: "create EWALLET, autoConfirm true",
        request: ewalletRequest,
        context: { charge: ewalletIssue },
        events: [authenticating, { type: "CHARGE_PROCESSING", at: at(2) }, paid("charge-ewallet-1", 3)],
      },
      {
        title: "the customer cancels in the wallet",
        create: "create EWALLET, autoConfirm true",
        request: ewalletRequest,
        context: { charge: ewalletIssue },
        events: [authenticating, { type: "CHARGE_FAILED", at: at(2), failureCode: "CANCELLED_BY_USER" }],
      },
      {
        title: "the customer never opens the wallet",
        create: "create EWALLET, autoConfirm true",
        request: ewalletRequest,
        context: { charge: ewalletIssue },
        events: [expire],
      },
    ],
  },
  {
    key: "card",
    title: "Card",
    paths: [
      {
        title: "3-D Secure passes, the issuer authorises the full amount",
        create: "create CARD, autoConfirm true",
        request: cardRequest("automatic"),
        context: { charge: cardIssue },
        events: [authenticating, { type: "AUTHORIZED", at: at(2), authorizedAmount: IDR(20_000) }],
      },
      {
        title: "3-D Secure fails",
        create: "create CARD, autoConfirm true",
        request: cardRequest("automatic"),
        context: { charge: cardIssue },
        events: [authenticating, { type: "CHARGE_FAILED", at: at(2), failureCode: "AUTHENTICATION_FAILED" }],
      },
    ],
  },
  {
    key: "card-manual-capture",
    title: "Card with manual capture",
    paths: [
      {
        title: "authorised, then captured",
        create: "create CARD, captureMethod manual",
        request: cardRequest("manual"),
        context: { charge: cardIssue },
        events: [
          authenticating,
          { type: "AUTHORIZED", at: at(2), authorizedAmount: IDR(20_000) },
          { type: "CAPTURE", at: at(3), captureId: "capture-1", releaseRemainingAmount: false },
        ],
      },
      {
        title: "authorised, never captured before expiryAt",
        create: "create CARD, captureMethod manual",
        request: cardRequest("manual"),
        context: { charge: cardIssue },
        events: [authenticating, { type: "AUTHORIZED", at: at(2), authorizedAmount: IDR(20_000) }, expire],
      },
    ],
  },
  {
    key: "multiple",
    title: "MULTIPLE (open static VA)",
    paths: [
      {
        title: "two payments, then expiryAt passes",
        create: "create MULTIPLE static VA",
        request: multipleRequest,
        context: { paymentMethod: staticVa },
        events: [
          { type: "PAYMENT_RECEIVED", at: at(10), chargeId: "charge-static-1", amount: IDR(50_000) },
          { type: "PAYMENT_RECEIVED", at: at(20), chargeId: "charge-static-2", amount: IDR(75_000) },
          { type: "EXPIRE", at: MULTIPLE_EXPIRY },
        ],
      },
      {
        title: "nobody pays before expiryAt",
        create: "create MULTIPLE static VA",
        request: multipleRequest,
        context: { paymentMethod: staticVa },
        events: [{ type: "EXPIRE", at: MULTIPLE_EXPIRY }],
      },
    ],
  },
];

/** A (session status, latest charge status) pair; `charge: null` = no charge yet. */
export interface Pair {
  readonly session: SessionStatus;
  readonly charge: ChargeStatus | null;
}

export const pairKey = (pair: Pair): string => `${pair.session}/${pair.charge ?? "none"}`;

/** What the merchant receives with one step: the callback's event and the session it carries. */
export interface CallbackSeen {
  readonly event: string;
  readonly status: SessionStatus;
  readonly cancellationReason: string | null;
  readonly chargeStatus: ChargeStatus | null;
  readonly failureCode: string | null;
}

/** One accepted step of a path: from pair, event, to pair, and the callbacks it sends (W1). */
export interface Step {
  readonly from: Pair;
  readonly event: string;
  readonly to: Pair;
  readonly callbacks: ReadonlyArray<CallbackSeen>;
}

/** A path after running: the pair right after create, then each step. */
export interface PathRun {
  readonly path: FlowPath;
  readonly created: Pair;
  readonly steps: ReadonlyArray<Step>;
  /** Every snapshot the path passed through, create first. */
  readonly snapshots: ReadonlyArray<SessionSnapshot>;
}

/** A flow after running all its paths. */
export interface FlowRun {
  readonly flow: Flow;
  readonly paths: ReadonlyArray<PathRun>;
}

const pairOf = (snapshot: SessionSnapshot): Pair => {
  const charge = currentCharge(snapshot.context);
  return { session: sessionStatus(snapshot), charge: charge === null ? null : chargeStatus(charge) };
};

const isDocumented = (pair: Pair): boolean =>
  documentedStatusPairs.some((d) => d.session === pair.session && d.charge === pair.charge);

/** Runs one path through the pure API; throws (naming flow, path and step) when the machine disagrees. */
export const runPath = (flow: Flow, path: FlowPath): PathRun => {
  const where = `flow "${flow.title}", path "${path.title}"`;
  const result = createSession(path.request, { id: `session-${flow.key}`, at: T0, ...path.context });
  if (!result.ok) throw new Error(`${where}: create refused: ${result.refusal.message}`);
  let snapshot = result.snapshot;
  const snapshots: Array<SessionSnapshot> = [snapshot];
  const created = pairOf(snapshot);
  const steps: Array<Step> = [];
  for (const [index, event] of path.events.entries()) {
    const from = pairOf(snapshot);
    const applied = applyEvent(snapshot, event);
    if (applied.outcome._tag !== "Accepted") {
      throw new Error(
        `${where}: step ${index + 1} (${event.type}) was ${applied.outcome._tag}${
          applied.outcome._tag === "Refused" ? ` (${applied.outcome.code}: ${applied.outcome.message})` : ""
        }, not accepted`,
      );
    }
    snapshot = applied.snapshot;
    snapshots.push(snapshot);
    const callbacks = applied.outcome.webhooks.map((w): CallbackSeen => {
      const latest = w.data.chargeDetails?.[w.data.chargeDetails.length - 1];
      return {
        event: w.event,
        status: w.data.status,
        cancellationReason: w.data.cancellationReason ?? null,
        chargeStatus: latest?.status ?? null,
        failureCode: latest?.failureCode ?? null,
      };
    });
    steps.push({ from, event: event.type, to: pairOf(snapshot), callbacks });
  }
  for (const pair of [created, ...steps.map((s) => s.to)]) {
    if (!isDocumented(pair)) {
      throw new Error(`${where}: reaches ${pairKey(pair)}, which documentedStatusPairs does not list`);
    }
  }
  return { path, created, steps, snapshots };
};

/** Runs every flow. */
export const runFlows = (list: ReadonlyArray<Flow> = flows): ReadonlyArray<FlowRun> =>
  list.map((flow) => ({ flow, paths: flow.paths.map((path) => runPath(flow, path)) }));

/** A snapshot in a given state, with the flow it came from (the first one met, in flow order). */
export interface SampleSnapshot {
  readonly snapshot: SessionSnapshot;
  readonly where: string;
}

/** The first snapshot met in each session state, across the flows. */
export const sessionSamples = (runs: ReadonlyArray<FlowRun>): ReadonlyMap<string, SampleSnapshot> => {
  const samples = new Map<string, SampleSnapshot>();
  for (const run of runs) {
    for (const path of run.paths) {
      for (const snapshot of path.snapshots) {
        const state = String(snapshot.value);
        if (!samples.has(state)) {
          samples.set(state, { snapshot, where: `${run.flow.title}: ${path.path.title}` });
        }
      }
    }
  }
  return samples;
};

/** A charge record in a given state, with the flow it came from. */
export interface SampleCharge {
  readonly charge: ChargeRecord;
  readonly where: string;
}

/** The first charge met in each charge state, across the flows. */
export const chargeSamples = (runs: ReadonlyArray<FlowRun>): ReadonlyMap<string, SampleCharge> => {
  const samples = new Map<string, SampleCharge>();
  for (const run of runs) {
    for (const path of run.paths) {
      for (const snapshot of path.snapshots) {
        for (const charge of snapshot.context.charges) {
          if (!samples.has(charge.state)) {
            samples.set(charge.state, {
              charge,
              where: `${run.flow.title} (${charge.context.method}): ${path.path.title}`,
            });
          }
        }
      }
    }
  }
  return samples;
};

/** The session as the merchant sees it after a path's last step (for guides and examples). */
export const lastSession = (run: PathRun) => {
  const last = run.snapshots[run.snapshots.length - 1];
  return last === undefined ? null : toPaymentSession(last);
};
