/**
 * Lifecycle pages generated from a machine definition: a Mermaid `stateDiagram-v2` (states, events,
 * guards on the edges, final states) and a transition table (every state × event, each branch in
 * order, plus the concrete answer of the pure API to a representative event).
 */
import type { AnyStateMachine } from "xstate";
import { describeExampleEvent, type ExampleOutcome, exampleEvent, exampleOutcome } from "./examples.ts";
import { ALWAYS, type Branch, describeMachine, type MachineModel } from "./machineModel.ts";
import { anchor, anchorId, cell, code } from "./markdown.ts";

/** Actions that only bookkeep (shown in the table, not on diagram edges). */
const QUIET_ACTIONS: ReadonlySet<string> = new Set(["touch"]);

/** What a branch does, read from its actions. */
export interface BranchEffect {
  /** `null`: not refused; `""`: refused with the charge machine's code; else the refusal code. */
  readonly refusal: string | null;
  readonly duplicate: boolean;
  readonly webhooks: ReadonlyArray<string>;
  /** Every other action, by name. */
  readonly effects: ReadonlyArray<string>;
}

export const branchEffect = (branch: Branch): BranchEffect => {
  let refusal: string | null = null;
  let duplicate = false;
  const webhooks: Array<string> = [];
  const effects: Array<string> = [];
  for (const action of branch.actions) {
    if (action.type === "refuse") refusal = String(action.params?.code ?? "");
    else if (action.type === "relayChargeRefusal") refusal = "";
    else if (action.type === "ignoreDuplicate") duplicate = true;
    else if (action.type === "emitWebhook") webhooks.push(String(action.params?.event ?? "?"));
    else if (!QUIET_ACTIONS.has(action.type)) effects.push(action.type);
  }
  return { refusal, duplicate, webhooks, effects };
};

/** The anchor of a (state, event) row in a machine's transition table. */
export const transitionAnchor = (machineKey: string, state: string, event: string): string =>
  anchorId(machineKey, state, event === ALWAYS ? "always" : event);

/** The anchor of a state's section in a machine's transition table. */
export const stateAnchor = (machineKey: string, state: string): string =>
  anchorId(machineKey, "state", state);

/** The anchor of a guard's row in a machine's transition table. */
export const guardAnchor = (machineKey: string, guard: string): string =>
  anchorId(machineKey, "guard", guard);

// ---------------------------------------------------------------------------------------------
// Diagram
// ---------------------------------------------------------------------------------------------

/** Mermaid state ids: letters, digits and underscores. */
const stateId = (name: string): string => name.replace(/[^A-Za-z0-9_]/gu, "_");

/** Label text Mermaid reads literally on a transition (no `:` `;` `#` `{` `}`). */
const labelText = (text: string): string => text.replace(/[:;#{}]/gu, " ");

/**
 * The machine as a Mermaid `stateDiagram-v2`: `[*]` to the initial state, one edge per state change
 * (events that share source, target, guard and callbacks are merged), labelled
 * `EVENT [guard] / CALLBACK` (`[else]`: the unguarded branch after guarded ones), self-loops for events that change data without changing state, and
 * `[*]` after every final state. Refusals and repeats change nothing and are left to the table.
 */
export const stateDiagram = (model: MachineModel): string => {
  const lines: Array<string> = ["stateDiagram-v2", `  [*] --> ${stateId(model.initial)}`];
  for (const state of model.states) {
    const edges = new Map<
      string,
      { target: string; guard: string | null; webhooks: string; events: string[] }
    >();
    for (const { event, branches } of state.transitions) {
      for (const [index, branch] of branches.entries()) {
        const effect = branchEffect(branch);
        if (effect.refusal !== null) continue;
        const target = branch.target ?? (effect.effects.length > 0 ? state.name : null);
        if (target === null) continue;
        const webhooks = effect.webhooks.join(", ");
        // An unguarded branch after others is taken only when none of them was: say so.
        const guard = branch.guard ?? (index > 0 ? "else" : null);
        const key = `${target}|${guard ?? ""}|${webhooks}`;
        const edge = edges.get(key) ?? { target, guard, webhooks, events: [] };
        if (!edge.events.includes(event)) edge.events.push(event);
        edges.set(key, edge);
      }
    }
    for (const edge of edges.values()) {
      const guard = edge.guard === null ? "" : ` [${edge.guard}]`;
      const webhooks = edge.webhooks === "" ? "" : ` / ${edge.webhooks}`;
      lines.push(
        `  ${stateId(state.name)} --> ${stateId(edge.target)}: ${labelText(`${edge.events.join(", ")}${guard}${webhooks}`)}`,
      );
    }
  }
  for (const state of model.states) if (state.final) lines.push(`  ${stateId(state.name)} --> [*]`);
  return `${lines.join("\n")}\n`;
};

// ---------------------------------------------------------------------------------------------
// Transition table
// ---------------------------------------------------------------------------------------------

/** A sample of a state: the machine's `context` there and where it comes from. */
export interface StateSample {
  readonly context: unknown;
  readonly where: string;
}

/** How to render one machine's pages. */
export interface MachinePageOptions {
  /** `session` or `charge`: prefixes anchors and file names. */
  readonly key: string;
  readonly title: string;
  readonly machine: AnyStateMachine;
  /** The source file the machine is defined in (named in the pages). */
  readonly source: string;
  /** A sample context per state (states without one get no example). */
  readonly samples: ReadonlyMap<string, StateSample>;
  /** Render the API's refusal messages (the session machine's refusals are the API's). */
  readonly messages: boolean;
  /** Lines that say what a refusal of this machine becomes (in the table's introduction). */
  readonly refusals: ReadonlyArray<string>;
}

/** One branch in words: `N. if guard: → TARGET; actions; callback X` (or the refusal). */
export const branchText = (branch: Branch, index: number, count: number): string => {
  const effect = branchEffect(branch);
  const when =
    branch.guard !== null
      ? `if ${code(branch.guard)}`
      : index === 0
        ? "always"
        : count > 1
          ? "otherwise"
          : "always";
  const parts: Array<string> = [];
  if (effect.refusal !== null) {
    const what =
      effect.refusal === "" ? "refused with the charge machine's code" : `refused ${code(effect.refusal)}`;
    parts.push(
      branch.target === null ? what : `${what} in status **${branch.target}** (the expiry comes first: L4)`,
    );
  } else {
    if (branch.target !== null) parts.push(`→ **${branch.target}**`);
    if (effect.duplicate) parts.push("repeat: nothing changes (P2)");
    if (effect.effects.length > 0) parts.push(effect.effects.map(code).join(", "));
    if (effect.webhooks.length > 0) parts.push(`callback ${effect.webhooks.map(code).join(", ")}`);
    if (parts.length === 0) parts.push("nothing changes");
  }
  return `${index + 1}. ${when}: ${parts.join("; ")}`;
};

const outcomeShort = (outcome: ExampleOutcome, from: string): string => {
  switch (outcome._tag) {
    case "Refused":
      return `✗ ${code(outcome.code)}`;
    case "Duplicate":
      return outcome.status === from ? "repeat" : `repeat, → ${outcome.status}`;
    case "LatePaymentRecorded":
      return outcome.status === from ? "late payment" : `late payment, → ${outcome.status}`;
    case "Accepted": {
      const webhooks = outcome.webhooks.length === 0 ? "" : ` + ${outcome.webhooks.join(", ")}`;
      if (outcome.status !== from) return `→ ${outcome.status}${webhooks}`;
      return outcome.changed ? `updated${webhooks}` : "no change";
    }
  }
};

const outcomeLong = (outcome: ExampleOutcome, from: string): string => {
  switch (outcome._tag) {
    case "Refused":
      return `refused ${code(outcome.code)}${outcome.message === null ? "" : `: “${outcome.message}”`}`;
    case "Duplicate":
      return `repeat (nothing changes)${outcome.status === from ? "" : `, status ${outcome.status}`}`;
    case "LatePaymentRecorded":
      return `late payment recorded (P3), status ${outcome.status}`;
    case "Accepted": {
      const webhooks =
        outcome.webhooks.length === 0 ? "no callback" : `callback ${outcome.webhooks.map(code).join(", ")}`;
      if (outcome.status !== from) return `→ **${outcome.status}**, ${webhooks}`;
      return `${outcome.changed ? "stays, data updated" : "no change"}, ${webhooks}`;
    }
  }
};

const examplesOf = (options: MachinePageOptions, model: MachineModel) => {
  const results = new Map<string, { outcome: ExampleOutcome; payload: string }>();
  for (const state of model.states) {
    const sample = options.samples.get(state.name);
    if (sample === undefined) continue;
    for (const { event } of state.transitions) {
      if (event === ALWAYS) continue;
      const e = exampleEvent(event, sample.context as Parameters<typeof exampleEvent>[1]);
      results.set(`${state.name}|${event}`, {
        outcome: exampleOutcome(options.machine, state.name, sample.context, e, {
          messages: options.messages,
        }),
        payload: describeExampleEvent(e),
      });
    }
  }
  return results;
};

/**
 * The transition-table page of a machine: an overview matrix (state × event → the example's
 * outcome), the guards and where they are used, then one section per state with every event's
 * branches in order and the example's full answer. Each row has an anchor
 * ({@link transitionAnchor}) that decision records link to.
 */
export const transitionTable = (options: MachinePageOptions): string => {
  const model = describeMachine(options.machine);
  const examples = examplesOf(options, model);
  const events = [
    ...(model.states.some((s) => s.transitions.some((t) => t.event === ALWAYS)) ? [ALWAYS] : []),
    ...model.events,
  ];
  const out: Array<string> = [
    `# ${options.title}: transition table`,
    "",
    `<!-- Generated by scripts/docs from ${options.source} (machine \`${model.id}\`): do not edit by hand. -->`,
    "",
    `Every state of the ${options.key} machine and what every event does there, read from the machine`,
    "definition itself. Branches are tried in order; the first whose guard holds is taken.",
    ...options.refusals,
    "",
    `The **example** column is what the code answers: a representative event applied, with XState's pure`,
    "`transition()` (as `applyEvent` does), to a sample snapshot in that state, taken from the",
    "[payment flows](status-pairs.md), one minute after the snapshot's last change.",
    "",
    `Diagram: [${options.key}-machine.md](${options.key}-machine.md).`,
    "",
    "## Overview",
    "",
    `| State \\ event | ${events.map(code).join(" | ")} |`,
    `|---|${events.map(() => "---").join("|")}|`,
  ];
  for (const state of model.states) {
    const cells = events.map((event) => {
      const handled = state.transitions.some((t) => t.event === event);
      if (!handled) return "";
      const example = examples.get(`${state.name}|${event}`);
      const text =
        event === ALWAYS
          ? "on entry"
          : example === undefined
            ? "see rules"
            : outcomeShort(example.outcome, state.name);
      return `[${text}](#${transitionAnchor(options.key, state.name, event)})`;
    });
    out.push(`| [${code(state.name)}](#${stateAnchor(options.key, state.name)}) | ${cells.join(" | ")} |`);
  }
  out.push("", "## Guards", "", "| Guard | Used in (state · event) |", "|---|---|");
  for (const guard of model.guards) {
    const uses = model.states.flatMap((state) => {
      const events = state.transitions
        .filter((t) => t.branches.some((b) => b.guardNames.includes(guard)))
        .map((t) => `[${t.event}](#${transitionAnchor(options.key, state.name, t.event)})`);
      return events.length === 0 ? [] : [`${code(state.name)}: ${events.join(", ")}`];
    });
    out.push(`| ${anchor(guardAnchor(options.key, guard))}${code(guard)} | ${uses.join("<br>")} |`);
  }
  for (const state of model.states) {
    const sample = options.samples.get(state.name);
    out.push(
      "",
      `## ${anchor(stateAnchor(options.key, state.name))}${code(state.name)}${state.final ? " (final)" : ""}`,
      "",
      sample === undefined
        ? "No flow reaches this state: no example."
        : `Example snapshot: ${cell(sample.where)}.`,
      "",
      "| Event | What the machine does (branches in order) | Example |",
      "|---|---|---|",
    );
    for (const { event, branches } of state.transitions) {
      const rules = branches.map((b, i) => branchText(b, i, branches.length)).join("<br>");
      const example = examples.get(`${state.name}|${event}`);
      const answer =
        example === undefined
          ? "—"
          : `${example.payload === "" ? "" : `${cell(example.payload)}: `}${outcomeLong(example.outcome, state.name)}`;
      out.push(
        `| ${anchor(transitionAnchor(options.key, state.name, event))}${code(event)} | ${cell(rules)} | ${cell(answer)} |`,
      );
    }
  }
  return `${out.join("\n")}\n`;
};

/** The diagram page of a machine: the Mermaid diagram, how to read it, the states. */
export const machinePage = (options: MachinePageOptions): string => {
  const model = describeMachine(options.machine);
  const finals = model.states.filter((s) => s.final).map((s) => code(s.name));
  return [
    `# ${options.title}`,
    "",
    `<!-- Generated by scripts/docs from ${options.source} (machine \`${model.id}\`): do not edit by hand. -->`,
    "",
    `The ${options.key} machine as its definition states it. An edge is a state change, labelled`,
    "`EVENT [guard] / CALLBACK` (events sharing source, target, guard and callbacks are merged; `[else]`",
    "marks the branch taken when none of the guarded ones before it was; an edge from a state to itself",
    "changes data but not the status). Refused events and repeats change",
    `nothing and are not drawn: every (state, event) is in the [transition table](${options.key}-transitions.md).`,
    `Initial state: ${code(model.initial)}. Final states: ${finals.join(", ")}.`,
    `The same diagram as a file: [${options.key}-machine.mmd](${options.key}-machine.mmd).`,
    "",
    "```mermaid",
    stateDiagram(model).trimEnd(),
    "```",
    "",
    "## States",
    "",
    "| State | Events handled | Leaves to |",
    "|---|---|---|",
    ...model.states.map((state) => {
      const targets = [
        ...new Set(
          state.transitions.flatMap((t) =>
            t.branches
              .filter((b) => b.target !== null && b.target !== state.name && branchEffect(b).refusal === null)
              .map((b) => b.target ?? ""),
          ),
        ),
      ];
      return `| [${code(state.name)}](${options.key}-transitions.md#${stateAnchor(options.key, state.name)})${state.final ? " (final)" : ""} | ${state.transitions.map((t) => t.event).join(", ")} | ${targets.map(code).join(", ") || "—"} |`;
    }),
    "",
  ].join("\n");
};
