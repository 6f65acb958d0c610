/**
 * A linearizability checker for histories of concurrent calls, after Porcupine (Anish Athalye's Go
 * checker): Wing & Gong's search with Lowe's memoisation. A history is linearizable when some order
 * of its calls, consistent with real time (a call that returned before another was called comes
 * first), lets a sequential model give every observed answer.
 *
 * - The history is cut into independent partitions (one per payment session) and each is searched
 *   on its own: the cost is that of the largest partition, not of the whole history.
 * - The search walks the calls in time order, tries to linearize each call that could take effect
 *   now, and backtracks when a call's return is reached before it took effect. A (set of calls done,
 *   model state) pair already seen is never explored twice (Lowe's cache).
 * - A call with no answer (timeout, reset) may have taken effect or not: its return is at infinity,
 *   it may be linearized anywhere after its call, or never.
 *
 * @since 0.1.0
 */

/**
 * A sequential model of what is called: the state before anything happened, what a call does to a
 * state given the answer observed, and a key identifying a state (equal keys ⇔ equal states: the
 * cache relies on it).
 *
 * `step(state, input, output)` returns the next state when `output` is an answer the model can give
 * in `state`, and `undefined` when it cannot. `output` is `undefined` for a call that got no answer:
 * return the state as it is after the call took effect, whatever it answered.
 *
 * Gotcha: `step` must be pure and must not mutate `state` (the search returns to earlier states).
 *
 * @example
 * const register: LinearizabilityModel<number, { op: "write"; value: number } | { op: "read" }, number> = {
 *   init: () => 0,
 *   step: (state, input, output) =>
 *     input.op === "write" ? input.value : output === undefined || output === state ? state : undefined,
 *   key: (state) => String(state),
 * }
 * @since 0.1.0
 * @category Linearizability
 */
export interface LinearizabilityModel<S, I, O> {
  readonly init: () => S;
  readonly step: (state: S, input: I, output: O | undefined) => S | undefined;
  readonly key: (state: S) => string;
  /**
   * Whether a call with this answer leaves every state it is possible in unchanged (a read, a
   * refusal). Such a call is linearized as soon as it can be, with no other order tried: moving a
   * state-preserving call earlier never breaks an order. Optional; saying `true` for a call that can
   * change the state makes the checker reject linearizable histories.
   */
  readonly readOnly?: (input: I, output: O | undefined) => boolean;
  /** How failures print a call and a state; `JSON.stringify` when absent. */
  readonly describe?: {
    readonly input?: (input: I) => string;
    readonly output?: (output: O) => string;
    readonly state?: (state: S) => string;
  };
}

/**
 * One call of a history: who made it, what was asked, what was answered (`undefined`: no answer, it
 * may or may not have taken effect), and when it was called and returned (any monotonic clock, e.g.
 * `performance.now()`; `return` is `Infinity` when there was no answer).
 *
 * @since 0.1.0
 * @category Linearizability
 */
export interface HistoryCall<I, O> {
  readonly client: string | number;
  readonly input: I;
  readonly output: O | undefined;
  readonly call: number;
  readonly return: number;
}

/** What {@link checkLinearizable} is given. @since 0.1.0 @category Linearizability */
export interface CheckLinearizableOptions<S, I, O, C extends HistoryCall<I, O> = HistoryCall<I, O>> {
  /** The model, or the model of each partition (e.g. each session starts in its own state). */
  readonly model: LinearizabilityModel<S, I, O> | ((partition: string) => LinearizabilityModel<S, I, O>);
  readonly history: ReadonlyArray<C>;
  /** The independent part a call belongs to (a session id); everything is one part when absent. */
  readonly partition?: (call: C) => string;
  /**
   * Turns off Lowe's cache (every path is explored again): only for measuring what the cache buys,
   * and for showing that the tests notice a checker that does too much or too little.
   */
  readonly memoise?: boolean;
}

/**
 * Why a partition is not linearizable: the partition, the furthest any order of its calls got (the
 * calls it explains, in order), the calls whose answers no order explains from there, and a text
 * timeline with all of it.
 *
 * @since 0.1.0
 * @category Linearizability
 */
export interface LinearizabilityFailure<I, O> {
  readonly partition: string;
  readonly calls: ReadonlyArray<HistoryCall<I, O>>;
  /** Indexes into `calls` of the longest explained prefix found, in linearization order. */
  readonly longestPrefix: ReadonlyArray<number>;
  /**
   * Indexes into `calls` of the calls that could take effect after that prefix (called before the
   * first pending return) and whose observed answers the model refuses there.
   */
  readonly unexplained: ReadonlyArray<number>;
  readonly explanation: string;
}

/** {@link checkLinearizable}'s answer. @since 0.1.0 @category Linearizability */
export type LinearizabilityResult<I, O> =
  | { readonly ok: true; readonly partitions: number }
  | ({ readonly ok: false } & LinearizabilityFailure<I, O>);

// ---------------------------------------------------------------------------------------------
// The search over one partition
// ---------------------------------------------------------------------------------------------

/** A node of the doubly linked list of call and return events, sorted by time. */
interface Node {
  readonly id: number;
  readonly isCall: boolean;
  /** The call's return node (call nodes only). */
  match: Node | undefined;
  prev: Node | undefined;
  next: Node | undefined;
}

const lift = (call: Node): void => {
  // Remove the call and its return from the list.
  const ret = call.match as Node;
  (call.prev as Node).next = call.next;
  if (call.next !== undefined) call.next.prev = call.prev;
  (ret.prev as Node).next = ret.next;
  if (ret.next !== undefined) ret.next.prev = ret.prev;
};

const unlift = (call: Node): void => {
  // Put them back, return first (in reverse order of removal).
  const ret = call.match as Node;
  (ret.prev as Node).next = ret;
  if (ret.next !== undefined) ret.next.prev = ret;
  (call.prev as Node).next = call;
  if (call.next !== undefined) call.next.prev = call;
};

const buildList = <I, O>(calls: ReadonlyArray<HistoryCall<I, O>>): Node => {
  const events: Array<{ time: number; node: Node }> = [];
  calls.forEach((c, id) => {
    const callNode: Node = { id, isCall: true, match: undefined, prev: undefined, next: undefined };
    const returnNode: Node = { id, isCall: false, match: undefined, prev: undefined, next: undefined };
    callNode.match = returnNode;
    events.push({ time: c.call, node: callNode }, { time: c.return, node: returnNode });
  });
  // At equal times calls come first: calls whose intervals touch are treated as concurrent.
  events.sort(
    (a, b) => a.time - b.time || Number(b.node.isCall) - Number(a.node.isCall) || a.node.id - b.node.id,
  );
  const head: Node = { id: -1, isCall: false, match: undefined, prev: undefined, next: undefined };
  let last = head;
  for (const { node } of events) {
    last.next = node;
    node.prev = last;
    last = node;
  }
  return head;
};

/** A set of call indexes as 32-bit words, with a string form for the cache key. */
class Bits {
  readonly words: Uint32Array;
  constructor(size: number) {
    this.words = new Uint32Array(Math.ceil(size / 32) || 1);
  }
  set(i: number): void {
    this.words[i >>> 5] = (this.words[i >>> 5] ?? 0) | (1 << (i & 31));
  }
  clear(i: number): void {
    this.words[i >>> 5] = (this.words[i >>> 5] ?? 0) & ~(1 << (i & 31));
  }
  key(): string {
    return this.words.join(",");
  }
}

interface PartitionOutcome {
  readonly ok: boolean;
  readonly longestPrefix: ReadonlyArray<number>;
  readonly unexplained: ReadonlyArray<number>;
  readonly stateAfterPrefix: unknown;
}

const searchPartition = <S, I, O>(
  model: LinearizabilityModel<S, I, O>,
  calls: ReadonlyArray<HistoryCall<I, O>>,
  memoise: boolean,
): PartitionOutcome => {
  const head = buildList(calls);
  const done = new Bits(calls.length);
  const seen = new Set<string>();
  // States by small number: the cache key holds the number, not the (possibly long) state key.
  const stateIds = new Map<string, number>();
  const stateId = (s: S): number => {
    const k = model.key(s);
    let id = stateIds.get(k);
    if (id === undefined) {
      id = stateIds.size;
      stateIds.set(k, id);
    }
    return id;
  };
  const stack: Array<{ node: Node; state: S; forced: boolean }> = [];
  let state = model.init();
  let answeredLeft = calls.reduce((n, c) => n + (c.output === undefined ? 0 : 1), 0);
  let best: { prefix: Array<number>; state: S } = { prefix: [], state };
  /**
   * Undoes the last choice (and the read-only calls taken since, whose other places are no better);
   * returns the entry to try next, or `undefined` when there is no choice left.
   */
  const backtrack = (): Node | undefined => {
    let top = stack.pop();
    while (top !== undefined) {
      const c = calls[top.node.id] as HistoryCall<I, O>;
      if (c.output !== undefined) answeredLeft += 1;
      state = top.state;
      done.clear(top.node.id);
      unlift(top.node);
      // The call's own return follows it in the list, so `next` is never the end.
      if (!top.forced) return top.node.next;
      top = stack.pop();
    }
    return undefined;
  };
  let entry = head.next;
  while (answeredLeft > 0 && entry !== undefined) {
    let dead = !entry.isCall; // a return reached: its call must already have taken effect
    if (entry.isCall) {
      const c = calls[entry.id] as HistoryCall<I, O>;
      const next = model.step(state, c.input, c.output);
      if (next !== undefined) {
        const forced = model.readOnly?.(c.input, c.output) === true;
        done.set(entry.id);
        const key = memoise ? `${done.key()}|${stateId(next)}` : "";
        if (!memoise || !seen.has(key)) {
          if (memoise) seen.add(key);
          stack.push({ node: entry, state, forced });
          state = next;
          if (c.output !== undefined) answeredLeft -= 1;
          lift(entry);
          if (stack.length > best.prefix.length) {
            best = { prefix: stack.map((s) => s.node.id), state };
          }
          entry = head.next;
          continue;
        }
        done.clear(entry.id);
        // A read-only call that could go now leads to an explored dead end: so does everything here.
        dead = forced;
      }
    }
    if (!dead) {
      entry = entry.next;
      continue;
    }
    const resume = backtrack();
    if (resume === undefined) {
      return { ok: false, ...explainFrom(model, calls, best), stateAfterPrefix: best.state };
    }
    entry = resume;
  }
  return { ok: true, longestPrefix: best.prefix, unexplained: [], stateAfterPrefix: state };
};

/**
 * From the longest prefix found: the calls that could take effect next (called before the earliest
 * return among the calls not done, which must be done by then) and that the model refuses there.
 */
const explainFrom = <S, I, O>(
  model: LinearizabilityModel<S, I, O>,
  calls: ReadonlyArray<HistoryCall<I, O>>,
  best: { prefix: ReadonlyArray<number>; state: S },
): { longestPrefix: ReadonlyArray<number>; unexplained: ReadonlyArray<number> } => {
  const inPrefix = new Set(best.prefix);
  const rest = calls.map((c, i) => ({ c, i })).filter(({ i }) => !inPrefix.has(i));
  const deadline = Math.min(...rest.map(({ c }) => c.return));
  const unexplained = rest
    .filter(({ c }) => c.call <= deadline && c.output !== undefined)
    .filter(({ c }) => model.step(best.state, c.input, c.output) === undefined)
    .map(({ i }) => i);
  return { longestPrefix: best.prefix, unexplained };
};

// ---------------------------------------------------------------------------------------------
// Timeline
// ---------------------------------------------------------------------------------------------

const WIDTH = 40;

const describeWith = <T>(f: ((value: T) => string) | undefined, value: T): string =>
  f === undefined ? JSON.stringify(value) : f(value);

/**
 * The partition as text, one line per call in call order: its client, a bar over its interval on a
 * common time axis (`…` for a call with no answer), what was asked and answered, and a mark for the
 * calls whose answers cannot be explained.
 *
 * @example
 * //  #  client  timeline                                   call → answer
 * //  0  c0      [==========]                               pay → 200 PAID
 * //  1  c1          [==============]                       pay → 200 PAID   ✗ cannot be explained
 * @since 0.1.0
 * @category Linearizability
 */
export const formatTimeline = <S, I, O>(
  model: LinearizabilityModel<S, I, O>,
  calls: ReadonlyArray<HistoryCall<I, O>>,
  marks: ReadonlyMap<number, string> = new Map(),
): string => {
  const finite = calls.flatMap((c) => (Number.isFinite(c.return) ? [c.call, c.return] : [c.call]));
  const start = Math.min(...finite);
  const end = Math.max(...finite);
  const span = end - start || 1;
  const col = (t: number) => Math.min(WIDTH - 1, Math.round(((t - start) / span) * (WIDTH - 1)));
  const order = calls.map((_, i) => i).sort((a, b) => (calls[a]?.call ?? 0) - (calls[b]?.call ?? 0));
  const clientWidth = Math.max(6, ...calls.map((c) => String(c.client).length));
  const lines = [`  #  ${"client".padEnd(clientWidth)}  ${"timeline".padEnd(WIDTH + 1)}  call → answer`];
  for (const i of order) {
    const c = calls[i] as HistoryCall<I, O>;
    const from = col(c.call);
    const open = !Number.isFinite(c.return);
    const to = open ? WIDTH : Math.max(from + 1, col(c.return));
    const bar = `${" ".repeat(from)}[${"=".repeat(Math.max(0, to - from - 1))}${open ? "…" : "]"}`;
    const answer = c.output === undefined ? "(no answer)" : describeWith(model.describe?.output, c.output);
    const mark = marks.get(i);
    lines.push(
      `${String(i).padStart(3)}  ${String(c.client).padEnd(clientWidth)}  ${bar.padEnd(WIDTH + 1)}  ${describeWith(model.describe?.input, c.input)} → ${answer}${mark === undefined ? "" : `   ${mark}`}`,
    );
  }
  return lines.join("\n");
};

const explain = <S, I, O>(
  model: LinearizabilityModel<S, I, O>,
  partition: string,
  calls: ReadonlyArray<HistoryCall<I, O>>,
  outcome: PartitionOutcome,
): string => {
  const marks = new Map<number, string>();
  for (const i of outcome.unexplained) marks.set(i, "✗ cannot be explained");
  const prefix =
    outcome.longestPrefix.length === 0
      ? "no call can take effect first"
      : outcome.longestPrefix
          .map((i) => `#${i} ${describeWith(model.describe?.input, (calls[i] as HistoryCall<I, O>).input)}`)
          .join(", ");
  const state = describeWith(model.describe?.state, outcome.stateAfterPrefix as S);
  const unexplained =
    outcome.unexplained.length === 0
      ? "each remaining answer is possible on its own there, but no order gives them all"
      : outcome.unexplained
          .map((i) => {
            const c = calls[i] as HistoryCall<I, O>;
            return `#${i} ${describeWith(model.describe?.input, c.input)} answered ${describeWith(model.describe?.output, c.output as O)}`;
          })
          .join("; ");
  return [
    `Partition ${partition} is not linearizable: no order of its ${calls.length} calls consistent with real time gives every observed answer.`,
    formatTimeline(model, calls, marks),
    `Longest order explained: ${prefix}.`,
    `State after it: ${state}.`,
    `Answers the model cannot give next: ${unexplained}.`,
  ].join("\n");
};

/**
 * Checks that a history of concurrent calls is linearizable against a sequential model, partition by
 * partition. Returns `{ ok: true }` or the first partition (in order of first call) that is not, with
 * the longest order of its calls that the model explains, the answers it cannot explain after it, and
 * a text timeline.
 *
 * Gotcha: the search is exponential in the worst case (many overlapping calls whose order matters);
 * the cache keeps real histories of tens of concurrent calls per partition fast. Keep partitions
 * small: one per independent object.
 *
 * @example
 * const result = checkLinearizable({ model: register, history, partition: (c) => c.sessionId })
 * if (!result.ok) console.error(result.explanation)
 * @since 0.1.0
 * @category Linearizability
 */
export const checkLinearizable = <S, I, O, C extends HistoryCall<I, O> = HistoryCall<I, O>>(
  options: CheckLinearizableOptions<S, I, O, C>,
): LinearizabilityResult<I, O> => {
  const { model, history, partition, memoise = true } = options;
  for (const c of history) {
    if (!(c.call <= c.return) || Number.isNaN(c.call)) {
      throw new RangeError(
        `checkLinearizable: a call of client ${String(c.client)} returns (${c.return}) before it is called (${c.call})`,
      );
    }
    if (c.output === undefined && Number.isFinite(c.return)) {
      throw new RangeError(
        `checkLinearizable: a call of client ${String(c.client)} has no answer but returns at ${c.return}; a call with no answer returns at Infinity`,
      );
    }
  }
  const parts = new Map<string, Array<C>>();
  const ordered = [...history].sort((a, b) => a.call - b.call);
  for (const c of ordered) {
    const key = partition === undefined ? "(all)" : partition(c);
    const list = parts.get(key);
    if (list === undefined) parts.set(key, [c]);
    else list.push(c);
  }
  for (const [key, calls] of parts) {
    const partModel = typeof model === "function" ? model(key) : model;
    const outcome = searchPartition(partModel, calls, memoise);
    if (!outcome.ok) {
      return {
        ok: false,
        partition: key,
        calls,
        longestPrefix: outcome.longestPrefix,
        unexplained: outcome.unexplained,
        explanation: explain(partModel, key, calls, outcome),
      };
    }
  }
  return { ok: true, partitions: parts.size };
};
