/**
 * Compiles an XState machine's definition (its states, their transition lists, guards, actions and
 * the machine's implementations) into a table and a step function, once, at load time. The step
 * does what XState's pure `transition()` does for the machines of this library — select the first
 * branch whose guard holds, run its actions in order (assigns update the context for the actions
 * after them), enter the target, settle eventless (`always`) transitions — without building a
 * throwaway actor per call.
 *
 * Nothing is written twice: the table is read from `machine.root` and `machine.implementations`,
 * and the guard / assign functions it calls are the machine's own. What the compiler does not
 * support (nested or parallel states, entry / exit actions, delayed transitions, invoked or spawned
 * actors, XState's built-in actions other than `assign`) makes it throw at load time instead of
 * stepping differently. The property "compiled step = XState's `transition()`" (core tests,
 * `compiledStep.test.ts`) checks the equivalence over random event sequences.
 *
 * The step is generated code (decision L7): from the table, once, one function per (state, event)
 * branch list and per settling state, and a `switch` dispatching to them — straight-line code that
 * calls the machine's own guards and assignments, so each call site sees one callee and the engine
 * can inline it. Generated code holds no name or value of the machine as text except the state and
 * event names of the `switch` (as JSON string literals); everything else is passed in. Where code
 * cannot be generated (a content security policy), the same table is interpreted, and the property
 * checks that path too.
 *
 * @since 0.2.0
 */
import { type AnyStateMachine, and, not, or } from "xstate";

/** An action the step does not execute but reports, as XState's `transition()` does: type and resolved params. @since 0.2.0 @category Machines */
export interface StepAction {
  readonly type: string;
  readonly params: unknown;
}

/** What a compiled guard or assign is called with (XState's guard / action arguments). */
interface Args {
  readonly context: unknown;
  readonly event: { readonly type: string };
}

/** A compiled guard: called with XState's guard arguments, holds when its answer is truthy. */
type Guard = (args: Args) => unknown;

type CompiledAction =
  | {
      readonly kind: "assign";
      readonly type: string;
      readonly assignment: (args: Args, params: unknown) => object;
      readonly params: unknown;
    }
  | { readonly kind: "report"; readonly type: string; readonly params: unknown };

/**
 * One branch of a (state, event) list: taken when its guard holds (`null` = always), runs its
 * actions, goes to `target` (`null` = stays).
 *
 * @since 0.2.0
 * @category Machines
 */
export interface CompiledBranch {
  readonly guard: Guard | null;
  readonly target: string | null;
  readonly actions: ReadonlyArray<CompiledAction>;
  /** XState's transition definition the branch was read from (for coverage and diagrams). */
  readonly definition: unknown;
}

/**
 * One state of the table: whether it is final, XState's snapshot of it (without a context) to
 * build snapshots from, and its branches per event type.
 *
 * @since 0.2.0
 * @category Machines
 */
export interface CompiledState {
  readonly name: string;
  readonly final: boolean;
  readonly template: Readonly<Record<string, unknown>>;
  readonly on: ReadonlyMap<string, ReadonlyArray<CompiledBranch>>;
  readonly always: ReadonlyArray<CompiledBranch>;
}

/**
 * A machine compiled to a table (plain data: a test can alter a copy) and the step over it.
 *
 * @since 0.2.0
 * @category Machines
 */
export interface CompiledMachine<TSnapshot extends { readonly value: unknown; readonly context: unknown }> {
  readonly states: ReadonlyMap<string, CompiledState>;
  /** The initial state's name (eventless transitions out of it are not settled: use `step`). */
  readonly initial: string;
  /**
   * One event on a snapshot: the next snapshot (the same object when nothing changed, as XState
   * returns it) and the reported actions in the order XState's `transition()` lists them.
   */
  readonly step: (
    snapshot: TSnapshot,
    event: { readonly type: string },
  ) => readonly [TSnapshot, ReadonlyArray<StepAction>];
  /**
   * The step on a state name and a context, without snapshots: the next state and context, or
   * `null` when nothing changed; the reported actions are pushed to `reported`.
   */
  readonly move: (
    value: string,
    context: unknown,
    event: { readonly type: string },
    reported: Array<StepAction>,
  ) => Moved | null;
  /** The snapshot `move` went to from `snapshot` (its status as `step` gives it). */
  readonly snapshotAfter: (snapshot: TSnapshot, moved: Moved) => TSnapshot;
  /**
   * The initial snapshot for `input` (XState's `initialTransition`): the machine's `context`
   * factory, the initial state, its eventless transitions settled.
   */
  readonly start: (input: unknown) => TSnapshot;
  /** The branch `event` takes in `snapshot`, or `null` when no branch's guard holds. */
  readonly select: (snapshot: TSnapshot, event: { readonly type: string }) => CompiledBranch | null;
  /** A snapshot of `state` with `context`, shaped as XState's (`machine.resolveState`). */
  readonly snapshotOf: (state: string, context: unknown) => TSnapshot;
}

/** Where {@link CompiledMachine.move} went: a state name and a context. @since 0.2.0 @category Machines */
export interface Moved {
  readonly value: string;
  readonly context: unknown;
}

interface GuardObject {
  readonly type?: unknown;
  readonly params?: unknown;
  readonly guards?: ReadonlyArray<unknown>;
  readonly check?: unknown;
  readonly name?: unknown;
}

interface TransitionDefinition {
  readonly guard?: unknown;
  readonly target?: ReadonlyArray<{ readonly key: string; readonly path: ReadonlyArray<string> }>;
  readonly actions: ReadonlyArray<unknown>;
  readonly reenter?: boolean;
}

interface StateNode {
  readonly key: string;
  readonly type: string;
  readonly states: Readonly<Record<string, StateNode>>;
  readonly transitions: ReadonlyMap<string, ReadonlyArray<TransitionDefinition>>;
  readonly always?: ReadonlyArray<TransitionDefinition>;
  readonly entry: ReadonlyArray<unknown>;
  readonly exit: ReadonlyArray<unknown>;
  readonly after: ReadonlyArray<unknown>;
  readonly invoke: ReadonlyArray<unknown>;
}

type Implementation = ((args: Args, params: unknown) => unknown) & {
  readonly type?: unknown;
  readonly assignment?: unknown;
  readonly resolve?: unknown;
  readonly check?: unknown;
  readonly guards?: ReadonlyArray<unknown>;
};

const unsupported = (machine: AnyStateMachine, what: string): Error =>
  new Error(`compileMachine(${machine.id}): ${what} is not supported; step it with XState's transition()`);

const isObject = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === "object" && u !== null;

/**
 * XState's guard combinators, recognised by their `check` function (their names do not survive a
 * bundler's renaming).
 */
const checkOf = (guard: unknown): unknown => (guard as { readonly check?: unknown }).check;
const AND_CHECK = checkOf(and([]));
const OR_CHECK = checkOf(or([]));
const NOT_CHECK = checkOf(not("unused"));

/**
 * How a compiled guard is made of others (`and` / `or` / `not`) or calls an implementation with
 * fixed params: what generated code (L7) writes out in place of the call of the guard's function.
 * Guards not listed here are called as they are.
 */
type GuardShape =
  | { readonly kind: "and" | "or"; readonly parts: ReadonlyArray<Guard> }
  | { readonly kind: "not"; readonly part: Guard }
  | {
      readonly kind: "call";
      readonly check: (args: Args, params: unknown) => unknown;
      readonly params: unknown;
    };

const guardShapes = new WeakMap<Guard, GuardShape>();

const shaped = (shape: GuardShape, guard: Guard): Guard => {
  guardShapes.set(guard, shape);
  return guard;
};

/** A guard reference (name, `{ type, params }`, inline function, `and` / `or` / `not`) as one function. */
const compileGuard = (machine: AnyStateMachine, guard: unknown): Guard => {
  if (typeof guard === "function" || isObject(guard)) {
    const g = guard as GuardObject;
    if (typeof g.check === "function" && Array.isArray(g.guards)) {
      const parts = g.guards.map((part) => compileGuard(machine, part));
      if (g.check === AND_CHECK) {
        return shaped({ kind: "and", parts }, (args) => {
          for (let i = 0; i < parts.length; i++) if (!(parts[i] as Guard)(args)) return false;
          return true;
        });
      }
      if (g.check === OR_CHECK) {
        return shaped({ kind: "or", parts }, (args) => {
          for (let i = 0; i < parts.length; i++) if ((parts[i] as Guard)(args)) return true;
          return false;
        });
      }
      if (g.check === NOT_CHECK) {
        const [only] = parts;
        if (only === undefined || parts.length !== 1) throw unsupported(machine, "not() of several guards");
        return shaped({ kind: "not", part: only }, (args) => !only(args));
      }
      throw unsupported(machine, `the built-in guard ${String(g.name)}`);
    }
    if (typeof guard === "function") {
      if ("check" in guard) throw unsupported(machine, `the built-in guard ${String(g.name)}`);
      // XState calls an inline guard with (args, undefined) and takes any truthy answer.
      return guard as Guard;
    }
  }
  const name = typeof guard === "string" ? guard : isObject(guard) ? guard.type : undefined;
  if (typeof name !== "string") throw unsupported(machine, "a guard without a type");
  const implementation = (machine.implementations.guards as Readonly<Record<string, unknown>>)[name];
  if (implementation === undefined)
    throw new Error(
      `compileMachine(${machine.id}): guard ${name} is named but has no implementation in the machine's setup()`,
    );
  if (typeof implementation !== "function" || "check" in implementation) {
    return compileGuard(machine, implementation);
  }
  const check = implementation as Implementation;
  const params = isObject(guard) && "params" in guard ? guard.params : undefined;
  if (typeof params === "function") {
    const paramsOf = params as (args: Args) => unknown;
    return (args) => Boolean(check(args, paramsOf({ context: args.context, event: args.event })));
  }
  // A guard without params is the implementation itself (XState calls it with params undefined);
  // its answer is taken for its truthiness, as XState does.
  if (params === undefined) return check as unknown as Guard;
  return shaped({ kind: "call", check, params }, (args) => Boolean(check(args, params)));
};

const compileAction = (machine: AnyStateMachine, action: unknown): CompiledAction => {
  if (typeof action === "function") {
    const inline = action as Implementation;
    if (inline.type === "xstate.assign" && typeof inline.assignment === "function") {
      return {
        kind: "assign",
        type: "xstate.assign",
        assignment: inline.assignment as (args: Args, params: unknown) => object,
        params: undefined,
      };
    }
    if ("resolve" in inline) throw unsupported(machine, `the built-in action ${String(inline.type)}`);
    return { kind: "report", type: inline.name === "" ? "(anonymous)" : inline.name, params: undefined };
  }
  const type = typeof action === "string" ? action : isObject(action) ? action.type : undefined;
  if (typeof type !== "string") throw unsupported(machine, "an action without a type");
  const params = isObject(action) && "params" in action ? action.params : undefined;
  const implementation = (machine.implementations.actions as Readonly<Record<string, unknown>>)[type] as
    | Implementation
    | undefined;
  if (implementation !== undefined && "resolve" in implementation) {
    if (implementation.type !== "xstate.assign" || typeof implementation.assignment !== "function") {
      throw unsupported(machine, `the built-in action ${String(implementation.type)} (as ${type})`);
    }
    return {
      kind: "assign",
      type,
      assignment: implementation.assignment as (args: Args, params: unknown) => object,
      params,
    };
  }
  return { kind: "report", type, params };
};

const compileBranch = (machine: AnyStateMachine, definition: TransitionDefinition): CompiledBranch => {
  const targets = definition.target ?? [];
  if (targets.length > 1) throw unsupported(machine, "a transition with several targets");
  const target = targets[0];
  if (target !== undefined && target.path.length !== 1) throw unsupported(machine, "a nested target");
  return {
    guard: definition.guard === undefined ? null : compileGuard(machine, definition.guard),
    target: target === undefined ? null : target.key,
    actions: definition.actions.map((action) => compileAction(machine, action)),
    definition,
  };
};

/**
 * Compiles a flat machine (atomic and final states under the root, no entry / exit / delayed /
 * invoked behaviour) into its table and step. Throws, at load time, on anything else.
 *
 * @example
 * const compiled = compileMachine(sessionMachine)
 * const [next, actions] = compiled.step(snapshot, { type: "EXPIRE", at })
 * @since 0.2.0
 * @category Machines
 */
export const compileMachine = <TSnapshot extends { readonly value: unknown; readonly context: unknown }>(
  machine: AnyStateMachine,
): CompiledMachine<TSnapshot> => {
  const root = machine.root as unknown as StateNode;
  if (root.transitions.size > 0 || (root.always?.length ?? 0) > 0) {
    throw unsupported(machine, "a transition on the root");
  }
  if (root.entry.length > 0 || root.exit.length > 0 || root.invoke.length > 0) {
    throw unsupported(machine, "entry / exit / invoke on the root");
  }
  const states = new Map<string, CompiledState>();
  for (const node of Object.values(root.states)) {
    if (node.type !== "atomic" && node.type !== "final") throw unsupported(machine, `a ${node.type} state`);
    if (node.entry.length > 0 || node.exit.length > 0) throw unsupported(machine, "entry / exit actions");
    if (node.after.length > 0) throw unsupported(machine, "delayed transitions");
    if (node.invoke.length > 0) throw unsupported(machine, "invoked actors");
    const on = new Map<string, ReadonlyArray<CompiledBranch>>();
    for (const [event, definitions] of node.transitions) {
      if (event.includes("*")) throw unsupported(machine, "wildcard events");
      on.set(
        event,
        definitions.map((d) => compileBranch(machine, d)),
      );
    }
    const template = machine.resolveState({ value: node.key, context: {} }) as unknown as Record<
      string,
      unknown
    >;
    const keys = Object.keys(template).sort().join(",");
    if (keys !== SNAPSHOT_KEYS) {
      throw unsupported(machine, `an XState snapshot with the keys ${keys} (expected ${SNAPSHOT_KEYS})`);
    }
    states.set(node.key, {
      name: node.key,
      final: node.type === "final",
      template,
      on,
      always: (node.always ?? []).map((d) => compileBranch(machine, d)),
    });
  }
  const initial = (root as unknown as { initial?: { target?: ReadonlyArray<{ key: string }> } }).initial
    ?.target?.[0]?.key;
  if (initial === undefined) throw unsupported(machine, "a machine without an initial state");
  return stepOver<TSnapshot>(machine.id, initial, states, {
    contextOf: (machine.config as { context?: unknown }).context,
  });
};

const EMPTY: ReadonlyArray<StepAction> = [];

/** The keys of an XState 5 machine snapshot (`createMachineSnapshot`), checked at compile time. */
const SNAPSHOT_KEYS = [
  "_nodes",
  "can",
  "children",
  "context",
  "error",
  "getMeta",
  "hasTag",
  "historyValue",
  "machine",
  "matches",
  "output",
  "status",
  "tags",
  "toJSON",
  "value",
]
  .sort()
  .join(",");

/**
 * A snapshot of a state with a context: XState's own fields and methods, in one object literal of
 * a fixed shape (a spread of the template would make a slow dictionary object on every step).
 */
const snapshotFrom = (t: Readonly<Record<string, unknown>>, context: unknown, status: unknown) => ({
  status,
  output: t.output,
  error: t.error,
  machine: t.machine,
  context,
  _nodes: t._nodes,
  value: t.value,
  tags: t.tags,
  children: t.children,
  historyValue: t.historyValue,
  matches: t.matches,
  hasTag: t.hasTag,
  can: t.can,
  getMeta: t.getMeta,
  toJSON: t.toJSON,
});

/**
 * A copy of a context (`{ ...context }`): what the first assign of a branch writes its update into.
 *
 * @since 0.2.0
 * @category Machines
 */
export type ContextCopy = (context: object) => Record<string, unknown>;

/** Key lists (context shapes) a {@link contextCopier} generates a copy function for; others are spread. */
const MAX_SHAPES = 8;

/** `context` has exactly `keys` (its enumerable string keys, own and inherited), in that order. */
const hasKeys = (context: object, keys: ReadonlyArray<string>): boolean => {
  let i = 0;
  for (const key in context) {
    if (key !== keys[i]) return false;
    i++;
  }
  return i === keys.length;
};

/**
 * A function returning `{ k1: c.k1, k2: c.k2, … }` for these keys: one object literal, so every copy
 * it makes has the same hidden class (a spread's result takes the class of its source, and the
 * contexts of a run come from several sources: created, restored from JSON, stepped). `null` where
 * code cannot be generated (a content security policy) or a key cannot be a literal's (`__proto__`).
 */
const literalCopy = (keys: ReadonlyArray<string>): ContextCopy | null => {
  if (keys.includes("__proto__")) return null;
  const fields = keys.map((key) => `${JSON.stringify(key)}: c[${JSON.stringify(key)}]`).join(", ");
  try {
    return new Function("c", `return { ${fields} };`) as ContextCopy;
  } catch {
    return null;
  }
};

/**
 * The context copy {@link stepOver} uses by default: the same object as `{ ...context }` (same keys in
 * the same order, same values, a plain object), made by a function generated for the context's key
 * list the first time the list is met (up to {@link MAX_SHAPES} lists per copier; others, and
 * contexts that are not plain objects, are spread). Where XState copies the context at every assign
 * this is most of a step's cost, and a spread of contexts of several hidden classes is several
 * times slower than this copy. Own symbol keys are not copied: a machine's context is data.
 *
 * @since 0.2.0
 * @category Machines
 */
export const contextCopier = (): ContextCopy => {
  const shapes: Array<{ readonly keys: ReadonlyArray<string>; readonly copy: ContextCopy }> = [];
  let generate = true;
  return (context) => {
    if (Object.getPrototypeOf(context) === Object.prototype) {
      for (let i = 0; i < shapes.length; i++) {
        const shape = shapes[i] as { readonly keys: ReadonlyArray<string>; readonly copy: ContextCopy };
        if (hasKeys(context, shape.keys)) return shape.copy(context);
      }
      if (generate && shapes.length < MAX_SHAPES) {
        const keys = Object.keys(context);
        const copy = literalCopy(keys);
        if (copy === null) generate = false;
        else {
          shapes.push({ keys, copy });
          return copy(context);
        }
      }
    }
    return { ...context };
  };
};

/** An action as the step runs it: an assign, or a report (its fixed report made once). */
interface PreparedAction {
  readonly type: string;
  readonly assignment: ((args: Args, params: unknown) => object) | null;
  readonly params: unknown;
  readonly paramsOf: ((args: Args) => unknown) | null;
  /** The report of an action with fixed params: one frozen object for every step. */
  readonly report: StepAction | null;
}

interface PreparedBranch {
  readonly branch: CompiledBranch;
  readonly guard: Guard | null;
  readonly target: string | null;
  /** The target's prepared state, once every state is prepared (`null`: stays, or not in the table). */
  targetState: PreparedState | null;
  readonly actions: ReadonlyArray<PreparedAction>;
  /** It runs an assign (so a branch taken always gives a new context). */
  readonly assigns: boolean;
}

/**
 * One event's branches in one state and their step: the next state and context (after the
 * eventless transitions settled), or `null` when nothing changed; reported actions are pushed.
 */
type ListStep = (
  context: unknown,
  event: { readonly type: string },
  reported: Array<StepAction>,
) => Moved | null;

/**
 * The eventless transitions of a state that has some, from `context` (`moved`'s, or the context
 * before the event when `moved` is `null`): `moved` when none is taken.
 */
type Settle = (
  moved: Moved | null,
  context: unknown,
  event: { readonly type: string },
  reported: Array<StepAction>,
  depth: number,
) => Moved | null;

interface PreparedList {
  readonly branches: ReadonlyArray<PreparedBranch>;
  step: ListStep;
}

interface PreparedState {
  readonly name: string;
  readonly final: boolean;
  readonly template: Readonly<Record<string, unknown>>;
  readonly on: ReadonlyMap<string, PreparedList>;
  readonly always: ReadonlyArray<PreparedBranch>;
  /** Eventless transitions settle it (not final, has some). */
  readonly settles: boolean;
  /** Its settle step (`null` when it does not settle). */
  settle: Settle | null;
  /** The step of an event without branches here: settles, else `null`. */
  idle: ListStep;
}

const prepareAction = (action: CompiledAction): PreparedAction => {
  const paramsOf = typeof action.params === "function" ? (action.params as (args: Args) => unknown) : null;
  const assign = action.kind === "assign";
  return {
    type: action.type,
    assignment: assign ? action.assignment : null,
    params: action.params,
    paramsOf,
    report: assign || paramsOf !== null ? null : Object.freeze({ type: action.type, params: action.params }),
  };
};

const prepareBranch = (branch: CompiledBranch): PreparedBranch => {
  const actions = branch.actions.map(prepareAction);
  return {
    branch,
    guard: branch.guard,
    target: branch.target,
    targetState: null,
    actions,
    assigns: actions.some((a) => a.assignment !== null),
  };
};

/** Options of {@link stepOver}. @since 0.2.0 @category Machines */
export interface StepOverOptions {
  /** The machine's `context` (a factory of the input, or a value) for `start`. */
  readonly contextOf?: unknown;
  /** How an assign copies the context (default: a {@link contextCopier} of this table). */
  readonly copyContext?: ContextCopy;
}

/** The longest chain of eventless transitions one step may take before it is taken for a loop. */
const MAX_SETTLE = 100;

/**
 * What generated code is built from: the body of a function of `(K, …names)`, where `K` holds the
 * table's values (guards, assignments, params, reports, states) the body refers to by index.
 */
interface Emitter {
  readonly constants: Array<unknown>;
  /** The name of a constant in the generated function (`k<index>`), adding it once. */
  readonly ref: (value: unknown) => string;
}

const emitter = (): Emitter => {
  const constants: Array<unknown> = [];
  const indices = new Map<unknown, number>();
  return {
    constants,
    ref: (value) => {
      let index = indices.get(value);
      if (index === undefined) {
        index = constants.length;
        constants.push(value);
        indices.set(value, index);
      }
      return `k${index}`;
    },
  };
};

/** The condition of a guard, as code: its shape written out (see {@link GuardShape}), else its call. */
const guardCode = (e: Emitter, guard: Guard): string => {
  const shape = guardShapes.get(guard);
  if (shape === undefined) return `${e.ref(guard)}(args)`;
  switch (shape.kind) {
    case "and":
      return shape.parts.length === 0 ? "true" : `(${shape.parts.map((g) => guardCode(e, g)).join(" && ")})`;
    case "or":
      return shape.parts.length === 0 ? "false" : `(${shape.parts.map((g) => guardCode(e, g)).join(" || ")})`;
    case "not":
      return `!${guardCode(e, shape.part)}`;
    case "call":
      return `${e.ref(shape.check)}(args, ${e.ref(shape.params)})`;
  }
};

/**
 * The code of one branch list (generated, L7): each branch as straight-line code — its guard
 * called, its actions run in order (reports pushed, assigns merged into one copy of the context),
 * then `tail(branch, nextContext, changed)` — and `none` when no guard holds. It does what
 * {@link interpretedList} does; only the dispatch differs (each call site here sees one guard or
 * assignment, where the interpreted loop's see them all).
 */
const emitBranches = (
  e: Emitter,
  branches: ReadonlyArray<PreparedBranch>,
  tail: (branch: PreparedBranch, context: string, changed: boolean) => string,
  none: string,
): string => {
  const lines: Array<string> = [];
  const needsArgs = branches.some((b) => b.guard !== null || b.actions.some((a) => a.report === null));
  if (needsArgs) lines.push("const args = { context: context, event: event };");
  for (const branch of branches) {
    const body: Array<string> = [];
    let current = "args";
    let draft = false;
    branch.actions.forEach((action, j) => {
      if (action.report !== null) {
        body.push(`reported.push(${e.ref(action.report)});`);
        return;
      }
      if (draft && current === "args") {
        // Later actions see the context the assigns before them made (one object, updated in place).
        body.push("const current = { context: draft, event: event };");
        current = "current";
      }
      const params =
        action.paramsOf === null ? e.ref(action.params) : `${e.ref(action.paramsOf)}(${current})`;
      if (action.assignment === null) {
        body.push(`reported.push({ type: ${e.ref(action.type)}, params: ${params} });`);
        return;
      }
      body.push(`const u${j} = ${e.ref(action.assignment)}(${current}, ${params});`);
      if (!draft) {
        body.push("const draft = copy(context);");
        draft = true;
      }
      body.push(`for (const key in u${j}) draft[key] = u${j}[key];`);
    });
    body.push(tail(branch, draft ? "draft" : "context", draft));
    if (branch.guard === null) {
      lines.push(`{ ${body.join(" ")} }`);
      // An unguarded branch is always taken: the ones after it are not reachable.
      return lines.join("\n");
    }
    lines.push(`if (${guardCode(e, branch.guard)}) { ${body.join(" ")} }`);
  }
  lines.push(none);
  return lines.join("\n");
};

/** A function made from generated code and its constants, or `null` where code cannot be made. */
const generated = <F>(e: Emitter, copy: ContextCopy, params: string, body: string): F | null => {
  const names = e.constants.map((_, i) => `k${i}`);
  try {
    const make = new Function(
      "K",
      "copy",
      `"use strict"; const [${names.join(", ")}] = K; return function (${params}) {\n${body}\n};`,
    ) as (constants: ReadonlyArray<unknown>, copy: ContextCopy) => F;
    return make(e.constants, copy);
  } catch {
    return null;
  }
};

/**
 * The step over a table (the compiled one, or a deliberately altered copy in a test). The table is
 * read once, here: each (state, event) branch list becomes one generated function (L7), each
 * branch in it straight-line code that calls the machine's own guards and assignments; a context
 * is copied by a {@link contextCopier} unless `options.copyContext` says how. Where code cannot be
 * generated (a content security policy), the same table is interpreted.
 *
 * @since 0.2.0
 * @category Machines
 */
export const stepOver = <TSnapshot extends { readonly value: unknown; readonly context: unknown }>(
  id: string,
  initial: string,
  states: ReadonlyMap<string, CompiledState>,
  options: StepOverOptions = {},
): CompiledMachine<TSnapshot> => stepOverWith<TSnapshot>(id, initial, states, options, true);

/**
 * {@link stepOver}, with `generate: false` the table interpreted (what it falls back to where code
 * cannot be generated). Internal: the property tests step both.
 *
 * @since 0.2.0
 * @category Machines
 */
export const stepOverWith = <TSnapshot extends { readonly value: unknown; readonly context: unknown }>(
  id: string,
  initial: string,
  states: ReadonlyMap<string, CompiledState>,
  options: StepOverOptions,
  generate: boolean,
): CompiledMachine<TSnapshot> => {
  const { contextOf } = options;
  const copyContext = options.copyContext ?? contextCopier();
  const prepared = new Map<string, PreparedState>();
  const unset: ListStep = () => {
    throw new Error(`${id}: the step is not prepared`);
  };
  for (const [name, state] of states) {
    const on = new Map<string, PreparedList>();
    for (const [event, branches] of state.on)
      on.set(event, { branches: branches.map(prepareBranch), step: unset });
    prepared.set(name, {
      name,
      final: state.final,
      template: state.template,
      on,
      always: state.always.map(prepareBranch),
      settles: !state.final && state.always.length > 0,
      settle: null,
      idle: unset,
    });
  }
  for (const state of prepared.values()) {
    for (const branches of [...[...state.on.values()].map((l) => l.branches), state.always]) {
      for (const branch of branches) {
        if (branch.target !== null) branch.targetState = prepared.get(branch.target) ?? null;
      }
    }
  }

  const stateOf = (name: unknown): PreparedState => {
    const state = prepared.get(name as string);
    if (state === undefined) throw new Error(`${id}: unknown state ${String(name)}`);
    return state;
  };
  const snapshotOf = (name: string, context: unknown): TSnapshot => {
    const template = stateOf(name).template;
    return snapshotFrom(template, context, template.status) as unknown as TSnapshot;
  };

  const first = (branches: ReadonlyArray<PreparedBranch>, args: Args): PreparedBranch | null => {
    for (let i = 0; i < branches.length; i++) {
      const branch = branches[i] as PreparedBranch;
      if (branch.guard === null || branch.guard(args)) return branch;
    }
    return null;
  };

  /**
   * Runs one branch's actions in order on the context (assigns see the ones before them). XState
   * copies the context at every assign (`Object.assign({}, context, update)`); here the first assign
   * of a branch copies it and later ones update that copy, which nothing else has seen yet: the
   * same result for assignments that, like every one in this library, do not keep the context
   * object they are given.
   */
  const run = (
    branch: PreparedBranch,
    context: unknown,
    args: Args,
    reported: Array<StepAction>,
  ): unknown => {
    const actions = branch.actions;
    let current = args;
    let draft: Record<string, unknown> | null = null;
    for (let i = 0; i < actions.length; i++) {
      const action = actions[i] as PreparedAction;
      if (action.report !== null) {
        reported.push(action.report);
        continue;
      }
      if (current.context !== context) current = { context: context, event: args.event };
      const params = action.paramsOf === null ? action.params : action.paramsOf(current);
      if (action.assignment === null) {
        reported.push({ type: action.type, params });
        continue;
      }
      const update = action.assignment(current, params) as Record<string, unknown>;
      if (draft === null) {
        draft = copyContext(context as object);
        context = draft;
      }
      for (const key in update) draft[key] = update[key];
    }
    return context;
  };

  /** The state a branch goes to (its own when it has no target); throws on a target not in the table. */
  const targetOf = (branch: PreparedBranch, from: PreparedState): PreparedState =>
    branch.target === null ? from : (branch.targetState ?? stateOf(branch.target));

  const tooLong = (): Error => new Error(`${id}: eventless transitions do not settle`);

  // --- the interpreted step (the fallback where code cannot be generated) -------------------------

  /** Eventless transitions settle the new state (XState's macrostep), while the machine is active. */
  const interpretedSettle =
    (state: PreparedState): Settle =>
    (moved, context, event, reported, depth) => {
      if (depth > MAX_SETTLE) throw tooLong();
      const args: Args = { context: context, event: event };
      const eventless = first(state.always, args);
      if (eventless === null) return moved;
      const nextContext = run(eventless, context, args, reported);
      const to = targetOf(eventless, state);
      if (to === state && nextContext === context) return moved;
      const next: Moved = { value: to.name, context: nextContext };
      return to.settle === null ? next : to.settle(next, nextContext, event, reported, depth + 1);
    };

  const interpretedList =
    (state: PreparedState, branches: ReadonlyArray<PreparedBranch>): ListStep =>
    (context, event, reported) => {
      const args: Args = { context: context, event: event };
      const branch = first(branches, args);
      if (branch !== null) {
        const nextContext = branch.actions.length === 0 ? context : run(branch, context, args, reported);
        const to = targetOf(branch, state);
        if (to !== state || nextContext !== context) {
          const moved: Moved = { value: to.name, context: nextContext };
          return to.settle === null ? moved : to.settle(moved, nextContext, event, reported, 0);
        }
      }
      return state.settle === null ? null : state.settle(null, context, event, reported, 0);
    };

  // --- the generated step (L7) ----------------------------------------------------------------------

  /** The code that goes on from a taken branch: to `to` with `context`, settling it if it settles. */
  const goOn = (e: Emitter, to: PreparedState, context: string, depth: string): string => {
    const moved = `{ value: ${e.ref(to.name)}, context: ${context} }`;
    return to.settles
      ? `return ${e.ref(to)}.settle(${moved}, ${context}, event, reported, ${depth});`
      : `return ${moved};`;
  };

  const generatedSettle = (state: PreparedState): Settle | null => {
    const e = emitter();
    const body = emitBranches(
      e,
      state.always,
      (branch, context, changed) => {
        if (branch.target !== null && branch.targetState === null) {
          return `return ${e.ref(stateOf)}(${e.ref(branch.target)});`;
        }
        const to = targetOf(branch, state);
        return to === state && !changed ? "return moved;" : goOn(e, to, context, "depth + 1");
      },
      "return moved;",
    );
    return generated<Settle>(
      e,
      copyContext,
      "moved, context, event, reported, depth",
      `if (depth > ${MAX_SETTLE}) throw ${e.ref(tooLong)}();\n${body}`,
    );
  };

  const generatedList = (state: PreparedState, branches: ReadonlyArray<PreparedBranch>): ListStep | null => {
    const e = emitter();
    const stays = state.settles
      ? `return ${e.ref(state)}.settle(null, context, event, reported, 0);`
      : "return null;";
    const body = emitBranches(
      e,
      branches,
      (branch, context, changed) => {
        if (branch.target !== null && branch.targetState === null) {
          return `return ${e.ref(stateOf)}(${e.ref(branch.target)});`;
        }
        const to = targetOf(branch, state);
        return to === state && !changed ? stays : goOn(e, to, context, "0");
      },
      stays,
    );
    return generated<ListStep>(e, copyContext, "context, event, reported", body);
  };

  let generating = generate;
  for (const state of prepared.values()) {
    if (!state.settles) continue;
    const settle = generating ? generatedSettle(state) : null;
    if (settle === null) generating = false;
    state.settle = settle ?? interpretedSettle(state);
  }
  for (const state of prepared.values()) {
    for (const list of state.on.values()) {
      const step = generating ? generatedList(state, list.branches) : null;
      if (step === null) generating = false;
      list.step = step ?? interpretedList(state, list.branches);
    }
    state.idle =
      state.settle === null
        ? () => null
        : (context, event, reported) => (state.settle as Settle)(null, context, event, reported, 0);
  }

  type Move = CompiledMachine<TSnapshot>["move"];

  const interpretedMove: Move = (value, context, event, reported) => {
    const state = stateOf(value);
    const list = state.on.get(event.type);
    return list === undefined ? state.idle(context, event, reported) : list.step(context, event, reported);
  };

  /**
   * The dispatch on (state, event) as code (L7): a `switch` on the state's name, in it one on the
   * event's type, each case calling that list's step (one callee per call site, so the engine can
   * inline it); an unknown state throws as {@link stateOf} does.
   */
  const generatedMove = (): Move | null => {
    const e = emitter();
    const cases = [...prepared.values()].map((state) => {
      const events = [...state.on].map(
        ([event, list]) =>
          `case ${JSON.stringify(event)}: return ${e.ref(list.step)}(context, event, reported);`,
      );
      const idle = `return ${e.ref(state.idle)}(context, event, reported);`;
      return `case ${JSON.stringify(state.name)}: switch (event.type) { ${events.join(" ")} default: ${idle} }`;
    });
    return generated<Move>(
      e,
      copyContext,
      "value, context, event, reported",
      `switch (value) {\n${cases.join("\n")}\ndefault: return ${e.ref(stateOf)}(value);\n}`,
    );
  };

  const move: Move = (generating ? generatedMove() : null) ?? interpretedMove;

  const snapshotAfter = (snapshot: TSnapshot, moved: Moved): TSnapshot => {
    const template = stateOf(moved.value).template;
    // A final state's snapshot is `done`; staying keeps the input's status (as XState's clone does).
    const status =
      moved.value === snapshot.value ? (snapshot as { status?: unknown }).status : template.status;
    return snapshotFrom(template, moved.context, status) as unknown as TSnapshot;
  };

  const step = (
    snapshot: TSnapshot,
    event: { readonly type: string },
  ): readonly [TSnapshot, ReadonlyArray<StepAction>] => {
    const reported: Array<StepAction> = [];
    const moved = move(snapshot.value as string, snapshot.context, event, reported);
    const actions = reported.length === 0 ? EMPTY : reported;
    return [moved === null ? snapshot : snapshotAfter(snapshot, moved), actions];
  };

  const select = (snapshot: TSnapshot, event: { readonly type: string }): CompiledBranch | null => {
    const list = stateOf(snapshot.value).on.get(event.type);
    return list === undefined
      ? null
      : (first(list.branches, { context: snapshot.context, event: event })?.branch ?? null);
  };

  const start = (input: unknown): TSnapshot => {
    const context =
      typeof contextOf === "function"
        ? (contextOf as (args: { input: unknown; self: undefined; spawn: () => never }) => unknown)({
            input,
            self: undefined,
            spawn: () => {
              throw new Error(`${id}: spawning actors is not supported by the compiled machine`);
            },
          })
        : (contextOf ?? {});
    const first = snapshotOf(initial, context);
    // XState's initial microstep: the initial state, then its eventless transitions settle.
    const moved = move(initial, context, { type: "xstate.init", input } as { type: string }, []);
    return moved === null ? first : snapshotAfter(first, moved);
  };

  return { states, initial, step, move, snapshotAfter, select, snapshotOf, start };
};
