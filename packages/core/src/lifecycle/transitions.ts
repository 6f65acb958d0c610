/**
 * The transition universe: every (state, event) → result of the session and charge machines, read
 * from their definitions (through {@link describeMachine}, as the docs' transition tables are), and
 * the key of the transition one applied event took. Coverage tools count keys: which of the
 * universe a contract exercises, which an exploration reaches.
 *
 * A key's `result` is what the branch taken does to the status:
 * - `→TARGET`: the status changes to TARGET;
 * - `refused:<code>`: the event is refused with that code and the event changes nothing (an expiry
 *   its instant applied first is its own `EXPIRE` key, L4);
 * - `stays`: accepted without a status change (a repeat, a late payment, data updated, time with no
 *   effect).
 *
 * @since 0.1.0
 */
import type { AnyStateMachine } from "xstate";
import { type Applied, compiledSessionMachine } from "./applyEvent.js";
import { chargeMachine, stepCharge } from "./chargeMachine.js";
import {
  ALWAYS,
  type Branch,
  branchOf,
  describeMachine,
  type MachineModel,
  type TransitionLike,
} from "./machineModel.js";
import { chargeForEvent, currentCharge, sessionMachine } from "./sessionMachine.js";
import { documentedStatusPairs, type SessionSnapshot, type StatusPair } from "./status.js";
import { chargeEventTypes, type SessionEvent } from "./types.js";

/**
 * Which machine a key belongs to (`refund`: the refund machine's keys, `refundTransitions.ts`).
 * @since 0.1.0 @category Transition tables
 */
export type MachineName = "session" | "charge" | "refund";

/**
 * One transition: in `state`, `event` has `result` (`→TARGET`, `refused:<code>` or `stays`).
 * `event` is `(always)` for the session machine's eventless transitions taken at creation (C1).
 *
 * @since 0.1.0
 * @category Transition tables
 */
export interface TransitionKey {
  readonly machine: MachineName;
  readonly state: string;
  readonly event: string;
  readonly result: string;
}

/**
 * A key as one string, `machine STATE EVENT result` (e.g. `session REQUIRE_ACTION PAYMENT_RECEIVED →PAID`):
 * the form the coverage JSON, allow-list and explorer reports use.
 *
 * @since 0.1.0
 * @category Transition tables
 */
export const formatTransitionKey = (key: TransitionKey): string =>
  `${key.machine} ${key.state} ${key.event} ${key.result}`;

/**
 * Reads {@link formatTransitionKey}'s form back (`->X` is read as `→X`); `null` when the text is not
 * four words with a known machine.
 *
 * @since 0.1.0
 * @category Transition tables
 */
export const parseTransitionKey = (text: string): TransitionKey | null => {
  const parts = text.trim().split(/\s+/u);
  if (parts.length !== 4) return null;
  const [machine, state, event, written] = parts as [string, string, string, string];
  if (machine !== "session" && machine !== "charge" && machine !== "refund") return null;
  // `->X` is accepted for `→X` (easier to type in an allow-list).
  const result = written.startsWith("->") ? `→${written.slice(2)}` : written;
  return { machine, state, event, result };
};

/** The action that relays the charge machine's refusal code (session machine). */
const RELAY = "relayChargeRefusal";
/** Session actions that apply the event to the charge (or append the charge a payment opens). */
const STEPS_CHARGE: ReadonlySet<string> = new Set(["stepCharge", "appendPaidCharge"]);
/** The session action that appends a new charge: its (state, event) steps a fresh charge. */
const APPENDS_CHARGE = "appendPaidCharge";
/** The session action that sends SESSION_EXPIRED to the charge. */
const EXPIRES_CHARGE = "expireCharge";
/** The session guard under which the charge saw a repeat. */
const CHARGE_REPEAT_GUARD = "chargeSeesDuplicate";

const staticRefusal = (branch: Branch): string | null => {
  for (const action of branch.actions) {
    if (action.type === "refuse") return String(action.params?.code ?? "");
  }
  return null;
};

const isRelay = (branch: Branch): boolean => branch.actions.some((a) => a.type === RELAY);

/** The result of a branch whose refusal (if any) is static. */
const branchResult = (state: string, branch: Branch): string => {
  const refusal = staticRefusal(branch);
  if (refusal !== null) return `refused:${refusal}`;
  return branch.target !== null && branch.target !== state ? `→${branch.target}` : "stays";
};

/** The refusal codes the charge machine answers `event` with in `chargeState`. */
const chargeRefusals = (charge: MachineModel, chargeState: string, event: string): ReadonlyArray<string> =>
  (
    charge.states.find((s) => s.name === chargeState)?.transitions.find((t) => t.event === event)?.branches ??
    []
  )
    .map(staticRefusal)
    .filter((code): code is string => code !== null);

/**
 * The machines a universe is read from. Defaults are the core's; tests pass altered copies.
 *
 * @since 0.1.0
 * @category Transition tables
 */
export interface UniverseSource {
  readonly session: AnyStateMachine;
  readonly charge: AnyStateMachine;
  /** Which charge statuses a session status goes with (facts table 9.3): where a relayed refusal comes from. */
  readonly pairs: ReadonlyArray<StatusPair>;
}

/** The session guard that holds when the event's instant is at or past `expiryAt` (L4). */
const PAST_EXPIRY_GUARD = "isPastExpiry";

interface UniverseEntry {
  readonly key: TransitionKey;
  /** Taken only by branches guarded by the expiry: the event itself noticed that the session expired. */
  readonly pastExpiryOnly: boolean;
}

const universeEntries = (source: UniverseSource): ReadonlyArray<UniverseEntry> => {
  const session = describeMachine(source.session);
  const charge = describeMachine(source.charge);
  const entries = new Map<string, { key: TransitionKey; pastExpiryOnly: boolean }>();
  const add = (key: TransitionKey, pastExpiry: boolean) => {
    const id = formatTransitionKey(key);
    const entry = entries.get(id);
    if (entry === undefined) entries.set(id, { key, pastExpiryOnly: pastExpiry });
    else entry.pastExpiryOnly = entry.pastExpiryOnly && pastExpiry;
  };
  for (const state of session.states) {
    const chargeStates = source.pairs
      .filter((p) => p.session === state.name && p.charge !== null)
      .map((p) => p.charge as string);
    for (const { event, branches } of state.transitions) {
      const appends = branches.some((b) => b.actions.some((a) => a.type === APPENDS_CHARGE));
      const relayFrom = appends ? [charge.initial] : chargeStates;
      for (const branch of branches) {
        const pastExpiry = branch.guardNames.includes(PAST_EXPIRY_GUARD);
        if (isRelay(branch)) {
          for (const from of relayFrom) {
            for (const code of chargeRefusals(charge, from, event)) {
              add({ machine: "session", state: state.name, event, result: `refused:${code}` }, pastExpiry);
            }
          }
        } else {
          add(
            { machine: "session", state: state.name, event, result: branchResult(state.name, branch) },
            pastExpiry,
          );
        }
      }
    }
  }
  for (const state of charge.states) {
    for (const { event, branches } of state.transitions) {
      if (event === ALWAYS) continue;
      for (const branch of branches) {
        add({ machine: "charge", state: state.name, event, result: branchResult(state.name, branch) }, false);
      }
    }
  }
  return [...entries.values()];
};

/**
 * Every transition of both machines, read from their definitions: one key per distinct result of
 * each (state, event), in definition order. A branch that relays the charge machine's refusal
 * yields one key per code the charge machine refuses that event with, in the charge statuses the
 * session status goes with (or in the charge machine's initial state when the same (state, event)
 * appends a new charge, as a MULTIPLE payment does).
 *
 * @since 0.1.0
 * @category Transition tables
 */
export const transitionUniverseOf = (source: UniverseSource): ReadonlyArray<TransitionKey> =>
  universeEntries(source).map((e) => e.key);

/**
 * The session transitions of events other than `EXPIRE` that only an event past `expiryAt` takes
 * (every branch giving that result is guarded by `isPastExpiry`): the event would notice the expiry
 * itself. Empty for the core's machines since time is applied once, by `EXPIRE` before every event
 * ({@link applyEvent}, L4); a machine that checks the clock in another event's branches lists them.
 *
 * @since 0.1.0
 * @category Transition tables
 */
export const pastExpiryOnlyKeysOf = (source: UniverseSource): ReadonlyArray<TransitionKey> =>
  universeEntries(source)
    .filter((e) => e.pastExpiryOnly && e.key.machine === "session" && e.key.event !== "EXPIRE")
    .map((e) => e.key);

/**
 * The universe of the core's machines ({@link transitionUniverseOf} with {@link sessionMachine},
 * {@link chargeMachine} and {@link documentedStatusPairs}).
 *
 * @since 0.1.0
 */
const coreMachines: UniverseSource = {
  session: sessionMachine,
  charge: chargeMachine,
  pairs: documentedStatusPairs,
};

/**
 * {@link transitionUniverseOf} the core's own machines: every transition the coverage report and
 * the explorer count as reachable.
 *
 * @since 0.1.0
 * @category Transition tables
 */
export const transitionUniverse: ReadonlyArray<TransitionKey> = transitionUniverseOf(coreMachines);

/** {@link pastExpiryOnlyKeysOf} the core's machines. @since 0.1.0 @category Transition tables */
export const pastExpiryOnlyKeys: ReadonlyArray<TransitionKey> = pastExpiryOnlyKeysOf(coreMachines);

/**
 * The keys a snapshot's creation took: the session machine's eventless transitions (C1) from the
 * initial state to the snapshot's state, found along the definition's `(always)` edges. Empty for a
 * session created in the initial state. Call it on the snapshot `createSession` returned.
 *
 * @since 0.1.0
 * @category Transition tables
 */
export const creationKeysOf = (snapshot: Pick<SessionSnapshot, "value">): ReadonlyArray<TransitionKey> =>
  creationPaths().get(String(snapshot.value)) ?? [];

let creationPathsMemo: ReadonlyMap<string, ReadonlyArray<TransitionKey>> | null = null;

/** Breadth first from the initial state along the `(always)` edges (a tree): each state's path. */
const creationPaths = (): ReadonlyMap<string, ReadonlyArray<TransitionKey>> => {
  if (creationPathsMemo !== null) return creationPathsMemo;
  const model = describeMachine(sessionMachine);
  const edges = model.states.flatMap((state) =>
    (state.transitions.find((t) => t.event === ALWAYS)?.branches ?? []).flatMap((b) =>
      b.target === null ? [] : [{ from: state.name, to: b.target }],
    ),
  );
  const paths = new Map<string, ReadonlyArray<TransitionKey>>([[model.initial, []]]);
  const queue = [model.initial];
  while (queue.length > 0) {
    const from = queue.shift() as string;
    for (const edge of edges.filter((e) => e.from === from && !paths.has(e.to))) {
      paths.set(edge.to, [
        ...(paths.get(from) ?? []),
        { machine: "session", state: from, event: ALWAYS, result: `→${edge.to}` },
      ]);
      queue.push(edge.to);
    }
  }
  creationPathsMemo = paths;
  return paths;
};

/**
 * The keys of one applied event, all derived from what happened.
 *
 * @since 0.1.0
 * @category Transition tables
 */
export interface AppliedKeys {
  /** The session machine's transition (from the session as the event's instant left it). */
  readonly session: TransitionKey;
  /** The charge machine's, when the event stepped a charge (or the session's expiry did); else `null`. */
  readonly charge: TransitionKey | null;
  /**
   * The `EXPIRE` the event's instant applied first (L4), when it changed the session: its session
   * and charge keys. `null` when time changed nothing (and always for an `EXPIRE` event).
   *
   * @since 0.2.0
   */
  readonly expiry?: { readonly session: TransitionKey; readonly charge: TransitionKey | null } | null;
}

const CHARGE_EVENTS: ReadonlySet<string> = new Set(chargeEventTypes);

/**
 * The transition keys of `event` applied to `before` with result `applied` (what {@link applyEvent}
 * answered). The session key comes from the outcome (refusal code, or the status before and after),
 * taken from the session as the event's instant left it (`applied.atInstant`); the expiry that
 * instant applied, if any, is `expiry`. The charge key comes from the branch the session machine
 * took: a branch that steps, appends or relays the charge gives the charge machine's key for the
 * event, one that expires the charge its key for `SESSION_EXPIRED`.
 *
 * @example
 * const applied = applyEvent(before, event)
 * transitionKeyOf(before, event, applied).session // { machine: "session", state: "REQUIRE_ACTION", event: "PAYMENT_RECEIVED", result: "→PAID" }
 * @since 0.1.0
 * @category Transition tables
 */
export const transitionKeyOf = (
  before: SessionSnapshot,
  event: SessionEvent,
  applied: Pick<Applied, "snapshot" | "outcome"> & Partial<Pick<Applied, "atInstant">>,
): AppliedKeys => {
  // An EXPIRE is itself the step that brings the session to its instant.
  const from = event.type === "EXPIRE" ? before : (applied.atInstant ?? before);
  const refused = applied.outcome._tag === "Refused";
  const session = sessionKeyOf(
    from,
    event,
    refused ? `refused:${(applied.outcome as { code: string }).code}` : null,
    applied.snapshot,
  );
  const charge = chargeKeyOf(from, event, refused);
  if (from === before) return { session, charge, expiry: null };
  const tick: SessionEvent = { type: "EXPIRE", at: event.at };
  return {
    session,
    charge,
    expiry: { session: sessionKeyOf(before, tick, null, from), charge: chargeKeyOf(before, tick, false) },
  };
};

const sessionKeyOf = (
  before: SessionSnapshot,
  event: SessionEvent,
  refusal: string | null,
  after: SessionSnapshot,
): TransitionKey => {
  const state = String(before.value);
  const to = String(after.value);
  const result = refusal ?? (to !== state ? `→${to}` : "stays");
  return { machine: "session", state, event: event.type, result };
};

const chargeKeyOf = (
  before: SessionSnapshot,
  event: SessionEvent,
  refused: boolean,
): TransitionKey | null => {
  const taken = compiledSessionMachine.select(before, event);
  if (taken === null) return null;
  const branch = branchOf(taken.definition as TransitionLike);
  const names = new Set(branch.actions.map((a) => a.type));
  if (!refused && names.has(EXPIRES_CHARGE)) {
    const charge = currentCharge(before.context);
    if (charge === null) return null;
    const step = stepCharge(charge, { type: "SESSION_EXPIRED", at: before.context.expiryAt ?? event.at });
    return {
      machine: "charge",
      state: charge.state,
      event: "SESSION_EXPIRED",
      result: stepResult(charge.state, step),
    };
  }
  const consults =
    names.has(RELAY) ||
    (!refused &&
      ([...names].some((n) => STEPS_CHARGE.has(n)) || branch.guardNames.includes(CHARGE_REPEAT_GUARD)));
  if (!consults || !CHARGE_EVENTS.has(event.type) || event.type === "EXPIRE") return null;
  const charge = chargeForEvent(before.context, event);
  if (charge === null) return null;
  const step = stepCharge(charge, event as Parameters<typeof stepCharge>[1]);
  return {
    machine: "charge",
    state: charge.state,
    event: event.type,
    result: stepResult(charge.state, step),
  };
};

const stepResult = (from: string, step: ReturnType<typeof stepCharge>): string =>
  step.refusal !== null
    ? `refused:${step.refusal.code}`
    : step.charge.state !== from
      ? `→${step.charge.state}`
      : "stays";
