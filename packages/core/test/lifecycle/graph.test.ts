/**
 * Graph coverage with `xstate/graph`: shortest paths reach every state of both machines, and every
 * transition of the machine definitions (each guarded branch of each event of each state, and each
 * eventless branch) is taken by at least one generated path.
 *
 * Each vertex of the traversal is keyed by the edge that reached it (source key, event label,
 * target key), so every edge leads to its own vertex and the shortest paths to all vertices take
 * every edge.
 */

import { describe, expect, it } from "vitest";
import {
  type AnyStateMachine,
  type AnyTransitionDefinition,
  getInitialMicrosteps,
  type InputFrom,
  type SnapshotFrom,
} from "xstate";
import { getShortestPaths } from "xstate/graph";
import {
  type ChargeEvent,
  type ChargeInput,
  type ChargeState,
  chargeEventTypes,
  chargeMachine,
  chargeStatusOfState,
  compiledChargeMachine,
  compiledSessionMachine,
  compiledSessionStep,
  currentCharge,
  defaultPaymentMethodConfig,
  type SessionEvent,
  type SessionInput,
  type SessionSnapshot,
  sessionEventTypes,
  sessionMachine,
  sessionStatusOfState,
} from "../../src/lifecycle/index.js";
import { withCreateDefaults } from "../../src/schemas/index.js";
import {
  cardIssue,
  ewalletIssue,
  IDR,
  MINUTE,
  optionsFor,
  qrIssue,
  singleRequest,
  staticVa,
  T0,
  vaIssue,
} from "./fixtures.js";

/** Every transition of a machine definition, named `STATE:EVENT#branch` (eventless: `STATE:always#i`). */
const transitionsOf = (machine: AnyStateMachine): Map<AnyTransitionDefinition, string> => {
  const ids = new Map<AnyTransitionDefinition, string>();
  for (const [key, node] of Object.entries(machine.root.states)) {
    for (const [eventType, branches] of node.transitions) {
      branches.forEach((branch, i) => {
        ids.set(branch, `${key}:${eventType}#${i}`);
      });
    }
    (node.always ?? []).forEach((branch, i) => {
      ids.set(branch, `${key}:always#${i}`);
    });
  }
  return ids;
};

const labels = new WeakMap<object, string>();
const labelled = <E extends object>(label: string, event: E): E => {
  labels.set(event, label);
  return event;
};
const labelOf = (event: object): string => labels.get(event) ?? JSON.stringify(event);

interface Coverage {
  readonly covered: Set<string>;
  readonly reached: Set<string>;
}

/** Runs shortest paths from `input` and records the transitions every step takes. */
const cover = <M extends AnyStateMachine>(
  machine: M,
  input: InputFrom<M>,
  events: (snapshot: SnapshotFrom<M>) => ReadonlyArray<object>,
  key: (snapshot: SnapshotFrom<M>) => string,
  ids: Map<AnyTransitionDefinition, string>,
  coverage: Coverage,
  select: (snapshot: never, event: never) => { readonly definition: unknown } | null,
): number => {
  const paths = getShortestPaths(machine, {
    input,
    events: (snapshot) => events(snapshot as SnapshotFrom<M>) as never,
    serializeEvent: (event) => labelOf(event),
    serializeState: (state, event, prev) =>
      prev === undefined || event === undefined
        ? key(state as SnapshotFrom<M>)
        : `${key(prev as SnapshotFrom<M>)} --${labelOf(event)}--> ${key(state as SnapshotFrom<M>)}`,
  });
  for (const path of paths) {
    coverage.reached.add(String(path.state.value));
    path.steps.forEach((step, i) => {
      const previous = path.steps[i - 1];
      if (previous === undefined) return;
      // The branch the step took (the compiled table's selection: XState's own definition object).
      const taken = select(previous.state as never, step.event as never);
      const id = taken === null ? undefined : ids.get(taken.definition as AnyTransitionDefinition);
      if (id !== undefined) coverage.covered.add(id);
    });
  }
  // Eventless transitions taken while settling the initial state (decision C1).
  const settled = getInitialMicrosteps(machine, input as never).map(([s]) =>
    String((s as { value: unknown }).value),
  );
  settled.forEach((value, i) => {
    const from = settled[i - 1];
    if (from === undefined || from === value) return;
    const node = machine.root.states[from];
    (node?.always ?? []).forEach((t: AnyTransitionDefinition, j: number) => {
      if (t.target?.some((n) => n.key === value)) coverage.covered.add(`${from}:always#${j}`);
    });
  });
  return paths.length;
};

/** The machine with its `transition` replaced by a compiled step (everything else is XState's). */
const withCompiledStep = <M extends AnyStateMachine>(
  machine: M,
  step: (snapshot: never, event: never) => readonly [unknown, unknown],
): M =>
  Object.create(machine, {
    transition: { value: (snapshot: never, event: never) => step(snapshot, event)[0] },
  }) as M;

// --- the session machine ------------------------------------------------------------------------

const qrDisabled = {
  ...defaultPaymentMethodConfig,
  methods: {
    ...defaultPaymentMethodConfig.methods,
    QR: { ...defaultPaymentMethodConfig.methods.QR, enabled: false },
  },
};

/** Sample events at one instant; labels name them for the traversal. */
const sessionEventsAt = (s: SessionSnapshot, at: number, suffix: string): ReadonlyArray<SessionEvent> => {
  const ctx = s.context;
  const charge = currentCharge(ctx);
  const isMultiple = ctx.settings.paymentType === "MULTIPLE";
  const payId = isMultiple ? `payment-${ctx.charges.length + 1}` : (charge?.context.id ?? "no-charge");
  const knownId = ctx.charges[0]?.context.id ?? ctx.latePayments[0]?.chargeId ?? payId;
  const amount = ctx.amount.value === 0 ? IDR(12_345) : ctx.amount;
  const l = <E extends object>(label: string, event: E) => labelled(`${label}${suffix}`, event);
  return [
    l("confirm VA", {
      type: "CONFIRM",
      at,
      paymentMethod: { type: "VIRTUAL_ACCOUNT" },
      paymentMethodOptions: optionsFor("VIRTUAL_ACCOUNT"),
      charge: vaIssue("confirmed-va"),
    }),
    l("confirm card manual", {
      type: "CONFIRM",
      at,
      paymentMethod: { type: "CARD" },
      paymentMethodOptions: optionsFor("CARD", "manual"),
      charge: cardIssue("confirmed-card"),
    }),
    l("confirm e-wallet", {
      type: "CONFIRM",
      at,
      paymentMethod: { type: "EWALLET" },
      paymentMethodOptions: optionsFor("EWALLET"),
      charge: ewalletIssue("confirmed-ewallet"),
    }),
    l("confirm QR disabled", {
      type: "CONFIRM",
      at,
      paymentMethod: { type: "QR" },
      charge: qrIssue("confirmed-qr"),
      config: qrDisabled,
    }),
    l("cancel", { type: "CANCEL", at, cancellationReason: "VOID_SESSION" }),
    l("capture all", { type: "CAPTURE", at, captureId: "cap", releaseRemainingAmount: true }),
    l("capture too much", {
      type: "CAPTURE",
      at,
      captureId: "cap",
      amount: IDR(10 ** 12),
      releaseRemainingAmount: true,
    }),
    l("authenticating", { type: "CUSTOMER_AUTHENTICATING", at }),
    l("processing", { type: "CHARGE_PROCESSING", at }),
    l("authorized full", { type: "AUTHORIZED", at, authorizedAmount: amount }),
    l("authorized too much", { type: "AUTHORIZED", at, authorizedAmount: IDR(amount.value + 1) }),
    l("pay", { type: "PAYMENT_RECEIVED", at, chargeId: payId, amount }),
    l("pay known", { type: "PAYMENT_RECEIVED", at, chargeId: knownId, amount }),
    l("pay wrong amount", { type: "PAYMENT_RECEIVED", at, chargeId: payId, amount: IDR(amount.value + 1) }),
    l("pay other charge", { type: "PAYMENT_RECEIVED", at, chargeId: "intruder", amount }),
    l("charge failed", { type: "CHARGE_FAILED", at, failureCode: "DECLINED_BY_CHANNEL" }),
    l("charge expired", { type: "CHARGE_EXPIRED", at }),
    l("tick", { type: "EXPIRE", at }),
  ];
};

/**
 * Every sample event now (before `expiryAt`), and time reaching `expiryAt` when the session has one:
 * only `EXPIRE` looks at the clock (L4; `applyEvent` applies it before every event).
 */
const sessionEvents = (s: SessionSnapshot): ReadonlyArray<SessionEvent> => {
  const now = s.context.updatedAt + 1;
  const expiryAt = s.context.expiryAt;
  return expiryAt === null
    ? sessionEventsAt(s, now, "")
    : [
        ...sessionEventsAt(s, Math.min(now, expiryAt - 1), ""),
        labelled("tick late", { type: "EXPIRE", at: Math.max(now, expiryAt) }),
      ];
};

const sessionKey = (s: SessionSnapshot): string => {
  const ctx = s.context;
  const charge = currentCharge(ctx);
  return [
    s.value,
    charge?.state ?? "-",
    ctx.paymentMethod?.type ?? "-",
    ctx.paymentMethodOptions?.card?.captureMethod ?? "",
    ctx.settings.paymentType,
    ctx.amount.value === 0 ? "open" : "closed",
    ctx.expiryAt === null ? "no-expiry" : "expiry",
    ctx.latePayments.length > 0 ? "late" : "",
    Math.min(ctx.charges.length, 2),
  ].join("|");
};

const sessionInput = (
  request: Parameters<typeof withCreateDefaults>[0],
  extra: Partial<SessionInput> = {},
): SessionInput => ({ id: "session-graph", at: T0, request: withCreateDefaults(request), ...extra });

const sessionInputs: ReadonlyArray<SessionInput> = [
  sessionInput(singleRequest(null)),
  sessionInput(singleRequest("VIRTUAL_ACCOUNT", { autoConfirm: false })),
  sessionInput(singleRequest("VIRTUAL_ACCOUNT"), { charge: vaIssue() }),
  sessionInput(singleRequest("EWALLET"), { charge: ewalletIssue() }),
  sessionInput(singleRequest("CARD", {}, "manual"), { charge: cardIssue() }),
  sessionInput(singleRequest("CARD"), { charge: cardIssue() }),
  sessionInput(
    {
      clientReferenceId: "m",
      paymentType: "MULTIPLE",
      mode: "API",
      paymentMethod: { type: "VIRTUAL_ACCOUNT" },
    },
    { paymentMethod: staticVa },
  ),
  sessionInput(
    {
      clientReferenceId: "m",
      paymentType: "MULTIPLE",
      mode: "API",
      amount: IDR(50_000),
      paymentMethod: { type: "VIRTUAL_ACCOUNT" },
      expiryAt: "2025-03-30T06:48:17Z",
    },
    { paymentMethod: staticVa },
  ),
];

// --- the charge machine -------------------------------------------------------------------------

const chargeInput = (
  method: ChargeInput["method"],
  captureMethod: ChargeInput["captureMethod"] = "automatic",
): ChargeInput => ({
  id: "charge-graph",
  at: T0,
  method,
  amount: IDR(20_000),
  captureMethod,
  instrument: {},
});

const chargeEvents = (s: SnapshotFrom<typeof chargeMachine>): ReadonlyArray<ChargeEvent> => {
  const at = s.context.updatedAt + MINUTE;
  return [
    labelled("authenticating", { type: "CUSTOMER_AUTHENTICATING", at }),
    labelled("processing", { type: "CHARGE_PROCESSING", at }),
    labelled("authorized full", { type: "AUTHORIZED", at, authorizedAmount: IDR(20_000) }),
    labelled("authorized part", { type: "AUTHORIZED", at, authorizedAmount: IDR(15_000) }),
    labelled("authorized too much", { type: "AUTHORIZED", at, authorizedAmount: IDR(20_001) }),
    labelled("pay", { type: "PAYMENT_RECEIVED", at, chargeId: "charge-graph", amount: IDR(20_000) }),
    labelled("pay wrong amount", { type: "PAYMENT_RECEIVED", at, chargeId: "charge-graph", amount: IDR(1) }),
    labelled("pay other charge", { type: "PAYMENT_RECEIVED", at, chargeId: "intruder", amount: IDR(20_000) }),
    labelled("capture", { type: "CAPTURE", at, captureId: "cap", releaseRemainingAmount: false }),
    labelled("capture too much", {
      type: "CAPTURE",
      at,
      captureId: "cap",
      amount: IDR(20_001),
      releaseRemainingAmount: false,
    }),
    labelled("failed", { type: "CHARGE_FAILED", at, failureCode: "INSUFFICIENT_FUND" }),
    labelled("channel expired", { type: "CHARGE_EXPIRED", at }),
    labelled("session expired", { type: "SESSION_EXPIRED", at }),
  ];
};

const chargeKey = (s: SnapshotFrom<typeof chargeMachine>) =>
  `${s.value}|${s.context.method}|${s.context.captureMethod}`;

const chargeInputs: ReadonlyArray<ChargeInput> = [
  chargeInput("VIRTUAL_ACCOUNT"),
  chargeInput("QR"),
  chargeInput("EWALLET"),
  chargeInput("CARD"),
  chargeInput("CARD", "manual"),
];

describe("graph coverage (xstate/graph)", () => {
  it("defines a handler for every event in every state of both machines", () => {
    for (const node of Object.values(sessionMachine.root.states)) {
      expect([...node.transitions.keys()].sort(), node.key).toEqual([...sessionEventTypes].sort());
    }
    for (const node of Object.values(chargeMachine.root.states)) {
      expect([...node.transitions.keys()].sort(), node.key).toEqual([...chargeEventTypes].sort());
    }
  });

  it("session machine: shortest paths reach every state and take every transition", () => {
    const ids = transitionsOf(sessionMachine);
    const coverage: Coverage = { covered: new Set(), reached: new Set() };
    let paths = 0;
    // The traversal steps with the compiled machine (the same answers as XState's interpreter, by
    // compiledStep.test.ts, and about 100× faster); the branch a step took is the compiled table's
    // selection, which names XState's own transition definition.
    const compiled = withCompiledStep(sessionMachine, compiledSessionStep);
    for (const input of sessionInputs)
      paths += cover(
        compiled,
        input,
        sessionEvents,
        sessionKey,
        ids,
        coverage,
        compiledSessionMachine.select,
      );
    expect([...coverage.reached].sort()).toEqual(Object.keys(sessionStatusOfState).sort());
    const missing = [...ids.values()].filter((id) => !coverage.covered.has(id));
    expect(missing).toEqual([]);
    expect(paths).toBeGreaterThan(ids.size);
    // An explicit timeout, with its reason: the traversal (xstate/graph's shortest paths over every
    // input, each vertex serialised) takes 1.5–2 s alone on these 2-core machines and up to 5.5 s
    // when the machine is loaded (issue 12 saw it fail vitest's 5 s default). The test checks
    // coverage, not speed; the compiled step's speed is measured by `pnpm bench core`.
  }, 30_000);

  it("charge machine: shortest paths reach every state and take every transition", () => {
    const ids = transitionsOf(chargeMachine);
    const coverage: Coverage = { covered: new Set(), reached: new Set() };
    const compiled = withCompiledStep(chargeMachine, compiledChargeMachine.step);
    for (const input of chargeInputs) {
      cover(compiled, input, chargeEvents, chargeKey, ids, coverage, compiledChargeMachine.select);
    }
    expect([...coverage.reached].sort()).toEqual(Object.keys(chargeStatusOfState).sort() as ChargeState[]);
    const missing = [...ids.values()].filter((id) => !coverage.covered.has(id));
    expect(missing).toEqual([]);
  });
});
