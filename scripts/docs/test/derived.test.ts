import { applyEvent, sessionMachine } from "@payment-session/core";
import { describe, expect, it } from "vitest";
import { type AnyStateMachine, createMachine } from "xstate";
import { exampleEvent, exampleOutcome } from "../examples.ts";
import { runFlows, sessionSamples } from "../flows.ts";
import { machinePages } from "../generators.ts";
import { machinePage, stateDiagram, transitionTable } from "../lifecycle.ts";
import { describeMachine } from "../machineModel.ts";
import { parseMermaid } from "./parseMermaid.ts";

/** A copy of the session machine with one more state, DISPUTED, reached from PAID by a new DISPUTE event. */
const withDisputes = (): AnyStateMachine => {
  const config = sessionMachine.config;
  const states = config.states ?? {};
  const paid = states.PAID ?? {};
  return createMachine(
    {
      ...config,
      states: {
        ...states,
        PAID: { ...paid, on: { ...paid.on, DISPUTE: { target: "DISPUTED", actions: "touch" } } },
        DISPUTED: {
          type: "final",
          on: { CONFIRM: { actions: { type: "refuse", params: { code: "invalid_state" } } } },
        },
      },
    } as Parameters<typeof createMachine>[0],
    sessionMachine.implementations as Parameters<typeof createMachine>[1],
  );
};

const runs = runFlows();
const [sessionPage] = machinePages(runs);

describe("the lifecycle pages are derived from the machine definition", () => {
  it("a state added to a copy of the session machine appears in the diagram, with its edge and as final", async () => {
    const original = stateDiagram(describeMachine(sessionMachine));
    const copy = stateDiagram(describeMachine(withDisputes()));
    expect(original).not.toContain("DISPUTED");
    expect(copy).toContain("  PAID --> DISPUTED: DISPUTE\n");
    expect(copy).toContain("  DISPUTED --> [*]\n");
    expect(copy.replace("  PAID --> DISPUTED: DISPUTE\n", "").replace("  DISPUTED --> [*]\n", "")).toBe(
      original,
    );
    await expect(parseMermaid(copy)).resolves.toBeDefined();
  });

  it("… and in the transition table: its section, its rows, the new event column, the example through the copy", () => {
    if (sessionPage === undefined) throw new Error("no session page options");
    const original = transitionTable(sessionPage);
    const copy = transitionTable({ ...sessionPage, machine: withDisputes() });
    expect(original).not.toContain("DISPUTED");
    expect(copy).toContain('<a id="session-state-disputed"></a>`DISPUTED` (final)');
    expect(copy).toContain(
      '<a id="session-disputed-confirm"></a>`CONFIRM` | 1. always: refused `invalid_state`',
    );
    expect(copy).toContain("| `DISPUTE` |");
    // PAID has a sample snapshot from the flows: the copy itself answers the new event there.
    expect(copy).toMatch(
      /<a id="session-paid-dispute"><\/a>`DISPUTE` \| 1\. always: → \*\*DISPUTED\*\* \| → \*\*DISPUTED\*\*, no callback \|/u,
    );
    expect(machinePage({ ...sessionPage, machine: withDisputes() })).toContain("`DISPUTED`");
  });

  it("a guard or target changed in a copy changes the table (nothing is cached or typed by hand)", () => {
    if (sessionPage === undefined) throw new Error("no session page options");
    const config = sessionMachine.config;
    const states = config.states ?? {};
    const relaxed = createMachine(
      {
        ...config,
        states: {
          ...states,
          REQUIRE_ACTION: {
            ...states.REQUIRE_ACTION,
            on: { ...states.REQUIRE_ACTION?.on, CANCEL: { target: "CANCELLED" } },
          },
        },
      } as Parameters<typeof createMachine>[0],
      sessionMachine.implementations as Parameters<typeof createMachine>[1],
    );
    const table = transitionTable({ ...sessionPage, machine: relaxed });
    expect(transitionTable(sessionPage)).toContain(
      '<a id="session-require_action-cancel"></a>`CANCEL` | 1. always: refused `invalid_state`',
    );
    expect(table).toContain(
      '<a id="session-require_action-cancel"></a>`CANCEL` | 1. always: → **CANCELLED** |',
    );
  });

  it("the table's examples are what applyEvent answers for the real machine", () => {
    for (const [state, sample] of sessionSamples(runs)) {
      for (const { event } of describeMachine(sessionMachine).states.find((s) => s.name === state)
        ?.transitions ?? []) {
        if (event === "(always)") continue;
        const e = exampleEvent(event, sample.snapshot.context);
        const ours = exampleOutcome(sessionMachine, state, sample.snapshot.context, e);
        const api = applyEvent(sample.snapshot, e as Parameters<typeof applyEvent>[1]).outcome;
        expect({ state, event, tag: ours._tag, status: ours.status }).toEqual({
          state,
          event,
          tag: api._tag,
          status: api.status,
        });
        if (ours._tag === "Refused" && api._tag === "Refused") {
          expect(ours.code).toBe(api.code);
          expect(ours.message).toBe(api.message);
        }
      }
    }
  });

  it("every state of both machines has a sample snapshot from the flows (so every row has an example)", () => {
    for (const page of machinePages(runs)) {
      for (const state of describeMachine(page.machine).states) {
        expect(page.samples.has(state.name), `${page.key} ${state.name}`).toBe(true);
      }
    }
  });
});
