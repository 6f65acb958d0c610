/**
 * Reads an XState machine definition (`machine.root`, its state nodes, their `transitions` and
 * `always` lists) into a plain model: the docs' diagrams and transition tables render it, and the
 * transition universe ({@link transitionUniverse}) is built from it. Nothing here is typed by hand:
 * a state, event, guard or action added to the machine shows up in the model.
 *
 * @since 0.1.0
 */
import type { AnyStateMachine } from "xstate";

/** The pseudo-event name of an eventless (`always`) transition. @since 0.1.0 @category Machines */
export const ALWAYS = "(always)";

/** One action of a transition branch, as the definition names it (params kept when static). @since 0.1.0 @category Machines */
export interface ActionRef {
  readonly type: string;
  /** Static params (e.g. `{ code: "invalid_state" }` of `refuse`); `null` when none or computed per event. */
  readonly params: Readonly<Record<string, unknown>> | null;
}

/** One branch of a (state, event) transition list: tried in order, the first whose guard holds is taken. @since 0.1.0 @category Machines */
export interface Branch {
  /** The guard as written (`isPastExpiry`, `not(isCard)`, `isPastExpiry and chargeFailsOnExpiry`); `null` = always taken. */
  readonly guard: string | null;
  /** Every guard name the branch's guard refers to. */
  readonly guardNames: ReadonlyArray<string>;
  /** The target state, or `null` when the branch stays where it is. */
  readonly target: string | null;
  readonly actions: ReadonlyArray<ActionRef>;
}

/** A state and what every event does in it. @since 0.1.0 @category Machines */
export interface StateModel {
  readonly name: string;
  readonly final: boolean;
  /** Event type → branches, in the definition's order; `(always)` for eventless transitions. */
  readonly transitions: ReadonlyArray<{ readonly event: string; readonly branches: ReadonlyArray<Branch> }>;
}

/** The readable model of one machine. @since 0.1.0 @category Machines */
export interface MachineModel {
  readonly id: string;
  readonly initial: string;
  readonly states: ReadonlyArray<StateModel>;
  /** Every event type any state handles, in order of first appearance (`(always)` excluded). */
  readonly events: ReadonlyArray<string>;
  /** Every guard name used by a transition, in order of first appearance. */
  readonly guards: ReadonlyArray<string>;
}

interface GuardLike {
  readonly type?: unknown;
  readonly params?: unknown;
  readonly guards?: ReadonlyArray<unknown>;
  readonly name?: unknown;
}

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === "object" && u !== null;

const describeParams = (params: unknown): string =>
  isRecord(params)
    ? Object.entries(params)
        .map(([key, value]) => `${key}=${String(value)}`)
        .join(", ")
    : "";

/** Renders a guard reference: a name, `{ type, params }`, or XState's `and` / `or` / `not` helpers. */
const describeGuard = (guard: unknown): { text: string; names: ReadonlyArray<string> } => {
  if (typeof guard === "string") return { text: guard, names: [guard] };
  if (typeof guard === "function" || isRecord(guard)) {
    const g = guard as GuardLike;
    const combinator = typeof guard === "function" ? String(g.name) : "";
    if ((combinator === "and" || combinator === "or" || combinator === "not") && Array.isArray(g.guards)) {
      const parts = g.guards.map(describeGuard);
      const names = parts.flatMap((p) => p.names);
      const text =
        combinator === "not"
          ? `not ${parts.map((p) => p.text).join("")}`
          : parts.map((p) => p.text).join(` ${combinator} `);
      return { text, names };
    }
    if (typeof g.type === "string") {
      const params = describeParams(g.params);
      return { text: params === "" ? g.type : `${g.type}(${params})`, names: [g.type] };
    }
  }
  return { text: "(inline guard)", names: [] };
};

const describeAction = (action: unknown): ActionRef => {
  if (typeof action === "string") return { type: action, params: null };
  if (isRecord(action) && typeof action.type === "string") {
    const params = isRecord(action.params) ? action.params : null;
    return { type: action.type, params };
  }
  if (typeof action === "function")
    return { type: action.name === "" ? "(inline action)" : action.name, params: null };
  return { type: "(inline action)", params: null };
};

/** What {@link branchOf} reads from an XState transition definition. @since 0.1.0 @category Machines */
export interface TransitionLike {
  readonly guard?: unknown;
  readonly target?: ReadonlyArray<{ readonly path: ReadonlyArray<string> }>;
  readonly actions: ReadonlyArray<unknown>;
}

interface StateNodeLike {
  readonly key: string;
  readonly path: ReadonlyArray<string>;
  readonly type: string;
  readonly states: Readonly<Record<string, StateNodeLike>>;
  readonly transitions: ReadonlyMap<string, ReadonlyArray<TransitionLike>>;
  readonly always?: ReadonlyArray<TransitionLike>;
}

/** The plain branch of one XState transition definition. @since 0.1.0 @category Machines */
export const branchOf = (definition: TransitionLike): Branch => {
  const guard = definition.guard === undefined ? null : describeGuard(definition.guard);
  const target = definition.target?.[0];
  return {
    guard: guard === null ? null : guard.text,
    guardNames: guard === null ? [] : guard.names,
    target: target === undefined ? null : target.path.join("."),
    actions: definition.actions.map(describeAction),
  };
};

/** Every leaf state node, depth first in definition order (the machines here are flat). */
const leaves = (node: StateNodeLike): ReadonlyArray<StateNodeLike> => {
  const children = Object.values(node.states);
  return children.length === 0 ? [node] : children.flatMap(leaves);
};

/**
 * The model of `machine`, read from its definition.
 *
 * @example
 * describeMachine(sessionMachine).states.map((s) => s.name) // ["REQUIRE_PAYMENT_METHOD", …]
 * @since 0.1.0
 * @category Machines
 */
export const describeMachine = (machine: AnyStateMachine): MachineModel => {
  const root = machine.root as unknown as StateNodeLike;
  const events: Array<string> = [];
  const guards: Array<string> = [];
  const remember = (list: Array<string>, name: string) => {
    if (!list.includes(name)) list.push(name);
  };
  const states = leaves(root).map((node): StateModel => {
    const transitions: Array<{ event: string; branches: ReadonlyArray<Branch> }> = [];
    if (node.always !== undefined && node.always.length > 0) {
      transitions.push({ event: ALWAYS, branches: node.always.map(branchOf) });
    }
    for (const [event, definitions] of node.transitions) {
      remember(events, event);
      transitions.push({ event, branches: definitions.map(branchOf) });
    }
    for (const t of transitions)
      for (const b of t.branches) for (const g of b.guardNames) remember(guards, g);
    return { name: node.path.join("."), final: node.type === "final", transitions };
  });
  const initialTarget = (root as unknown as { initial?: { target?: ReadonlyArray<{ path: string[] }> } })
    .initial?.target?.[0];
  return {
    id: machine.id,
    initial: initialTarget === undefined ? (states[0]?.name ?? "") : initialTarget.path.join("."),
    states,
    events,
    guards,
  };
};

/** The branches `state` has for `event` (empty when the state does not handle it). @since 0.1.0 @category Machines */
export const branchesFor = (model: MachineModel, state: string, event: string): ReadonlyArray<Branch> =>
  model.states.find((s) => s.name === state)?.transitions.find((t) => t.event === event)?.branches ?? [];
