/**
 * The transition universe against the docs' transition tables (both read the definitions, through
 * different renderings), and the keys of applied events against the universe over random event
 * sequences (fixed seed). Each check is shown to fail on a deliberate defect: an altered machine
 * copy, and a wrong key function.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createMachine } from "xstate";
import {
  type Applied,
  applyEvent,
  chargeMachine,
  createSession,
  creationKeysOf,
  describeMachine,
  documentedStatusPairs,
  formatTransitionKey,
  parseTransitionKey,
  pastExpiryOnlyKeys,
  pastExpiryOnlyKeysOf,
  type SessionEvent,
  type SessionSnapshot,
  sessionMachine,
  type TransitionKey,
  transitionKeyOf,
  transitionUniverse,
  transitionUniverseOf,
} from "../../src/lifecycle/index.js";
import { materialize, type Scenario, scenarioArb, scenarios, seed, timedSpecsArb } from "./arbitraries.js";
import { T0 } from "./fixtures.js";

const docsDir = resolve(import.meta.dirname, "../../../../docs/lifecycle");

/**
 * The keys a generated transition-table page shows: one per branch of each (state, event) row, read
 * from the branch texts (`→ **X**`, ``refused `code` ``, or neither). A branch refused "with the charge
 * machine's code" is returned as `refused:*`.
 */
const keysOfTablePage = (machine: "session" | "charge", markdown: string): ReadonlyArray<string> => {
  const keys = new Set<string>();
  let state: string | null = null;
  for (const line of markdown.split("\n")) {
    const heading = /^## <a id="[^"]+"><\/a>`([A-Z_]+)`/u.exec(line);
    if (heading !== null) {
      state = heading[1] ?? null;
      continue;
    }
    const row = /^\| <a id="[^"]+"><\/a>`([^`]+)` \| ([^|]+) \|/u.exec(line);
    if (row === null || state === null) continue;
    const event = row[1] ?? "";
    for (const branch of (row[2] ?? "").split("<br>")) {
      const refused = /refused `([a-z_]+)`/u.exec(branch);
      const target = /→ \*\*([A-Z_]+)\*\*/u.exec(branch);
      const result = branch.includes("refused with the charge machine's code")
        ? "refused:*"
        : refused !== null
          ? `refused:${refused[1]}`
          : target !== null && target[1] !== state
            ? `→${target[1]}`
            : "stays";
      keys.add(`${machine} ${state} ${event} ${result}`);
    }
  }
  return [...keys].sort();
};

/**
 * What differs between the universe and a table page: table keys the universe lacks, and universe
 * keys the table does not show (a refusal code is shown when the row has that refusal, or a branch
 * refused with the charge machine's code).
 */
const tableDiff = (
  universe: ReadonlyArray<TransitionKey>,
  machine: "session" | "charge",
  table: ReadonlyArray<string>,
) => {
  const ids = new Set(universe.filter((k) => k.machine === machine).map(formatTransitionKey));
  const shown = (k: TransitionKey) =>
    table.includes(formatTransitionKey(k)) ||
    (k.result.startsWith("refused:") && table.includes(formatTransitionKey({ ...k, result: "refused:*" })));
  return {
    notInUniverse: table.filter((line) => !line.endsWith("refused:*") && !ids.has(line)),
    notInTable: universe.filter((k) => k.machine === machine && !shown(k)).map(formatTransitionKey),
  };
};

const tablePage = (name: string) => readFileSync(resolve(docsDir, name), "utf8");

describe("the transition universe", () => {
  it("equals what the docs' transition tables show, for both machines", () => {
    for (const machine of ["session", "charge"] as const) {
      const table = keysOfTablePage(machine, tablePage(`${machine}-transitions.md`));
      expect(table.length, `${machine} table parsed`).toBeGreaterThan(50);
      expect(tableDiff(transitionUniverse, machine, table)).toEqual({ notInUniverse: [], notInTable: [] });
    }
  });

  it("names every relayed refusal with a code the charge machine gives for that event", () => {
    const chargeCodes = (event: string) =>
      transitionUniverse
        .filter((k) => k.machine === "charge" && k.event === event && k.result.startsWith("refused:"))
        .map((k) => k.result);
    const table = keysOfTablePage("session", tablePage("session-transitions.md"));
    for (const line of table.filter((k) => k.endsWith("refused:*"))) {
      const [, state, event] = line.split(" ");
      const relayed = transitionUniverse.filter(
        (k) =>
          k.machine === "session" &&
          k.state === state &&
          k.event === event &&
          k.result.startsWith("refused:"),
      );
      expect(relayed.length, line).toBeGreaterThan(0);
      for (const k of relayed) expect(chargeCodes(k.event), formatTransitionKey(k)).toContain(k.result);
    }
  });

  it("changes when the machine changes (an altered copy: PAID accepts CANCEL)", () => {
    const config = sessionMachine.config;
    const states = config.states ?? {};
    const altered = createMachine(
      {
        ...config,
        states: {
          ...states,
          PAID: { ...states.PAID, on: { ...(states.PAID?.on ?? {}), CANCEL: { target: "CANCELLED" } } },
        },
      } as never,
      sessionMachine.implementations as never,
    );
    const universe = transitionUniverseOf({
      session: altered,
      charge: chargeMachine,
      pairs: documentedStatusPairs,
    });
    const ids = universe.map(formatTransitionKey);
    expect(ids).toContain("session PAID CANCEL →CANCELLED");
    expect(ids).not.toContain("session PAID CANCEL refused:invalid_state");
    // …and the docs cross-check above fails on it.
    const table = keysOfTablePage("session", tablePage("session-transitions.md"));
    expect(tableDiff(universe, "session", table)).toEqual({
      notInUniverse: ["session PAID CANCEL refused:invalid_state"],
      notInTable: ["session PAID CANCEL →CANCELLED"],
    });
  });

  it("prints and parses keys", () => {
    for (const key of transitionUniverse) expect(parseTransitionKey(formatTransitionKey(key))).toEqual(key);
    expect(parseTransitionKey("session REQUIRE_ACTION PAYMENT_RECEIVED ->PAID")?.result).toBe("→PAID");
    expect(parseTransitionKey("session PAID")).toBeNull();
    expect(parseTransitionKey("other PAID CANCEL stays")).toBeNull();
  });
});

const start = (scenario: Scenario): SessionSnapshot => {
  const result = createSession(scenario.request, { id: "session-t", at: T0, ...scenario.context });
  if (!result.ok) throw new Error(`scenario ${scenario.name} refused: ${result.refusal.message}`);
  return result.snapshot;
};

type KeyFunction = (
  before: SessionSnapshot,
  event: SessionEvent,
  applied: Applied,
) => ReadonlyArray<TransitionKey>;

const correctKeys: KeyFunction = (before, event, applied) => {
  const keys = transitionKeyOf(before, event, applied);
  return [keys.expiry?.session, keys.expiry?.charge, keys.session, keys.charge].filter(
    (k): k is TransitionKey => k !== null && k !== undefined,
  );
};

/** The keys outside the universe over random sequences, with the sequence that produced the first. */
const keysOutside = (keysOf: KeyFunction, numRuns: number) => {
  const universe = new Set(transitionUniverse.map(formatTransitionKey));
  const seen = new Set<string>();
  const outside = new Set<string>();
  fc.assert(
    fc.property(scenarioArb, timedSpecsArb, (scenario, specs) => {
      let snapshot = start(scenario);
      for (const key of creationKeysOf(snapshot)) seen.add(formatTransitionKey(key));
      let at = T0;
      specs.forEach(({ delay, spec }, n) => {
        at += delay;
        const event = materialize(spec, snapshot, at, n);
        const applied = applyEvent(snapshot, event);
        for (const key of keysOf(snapshot, event, applied)) {
          const id = formatTransitionKey(key);
          seen.add(id);
          if (!universe.has(id)) outside.add(id);
        }
        snapshot = applied.snapshot;
      });
    }),
    { seed, numRuns },
  );
  return { seen, outside: [...outside] };
};

// Property runs take a few seconds on a loaded machine: a generous timeout, no timing assertion.
describe("transitionKeyOf", { timeout: 60_000 }, () => {
  it("returns only keys of the universe over random event sequences (fixed seed), and reaches most of it", () => {
    const { seen, outside } = keysOutside(correctKeys, 1000);
    expect(outside).toEqual([]);
    const sessionKeys = transitionUniverse.filter((k) => k.machine === "session").length;
    const seenSession = [...seen].filter((k) => k.startsWith("session ")).length;
    // Random sequences from nine scenarios reach most session transitions (a sanity floor, not a goal).
    expect(seenSession).toBeGreaterThan(sessionKeys * 0.6);
    expect([...seen].some((k) => k.startsWith("charge "))).toBe(true);
  });

  it("fails a key function that names the state after the event instead of before (deliberate defect)", () => {
    const wrong: KeyFunction = (before, event, applied) =>
      correctKeys(before, event, applied).map((k) =>
        k.machine === "session" ? { ...k, state: String(applied.snapshot.value) } : k,
      );
    expect(keysOutside(wrong, 300).outside.length).toBeGreaterThan(0);
  });

  it("past-expiry-only keys: none, because only EXPIRE looks at the clock (time applied once, L4)", () => {
    expect(pastExpiryOnlyKeys).toEqual([]);
    for (const state of describeMachine(sessionMachine).states) {
      for (const { event, branches } of state.transitions) {
        if (event === "EXPIRE") continue;
        for (const branch of branches)
          expect(branch.guardNames, `${state.name} ${event}`).not.toContain("isPastExpiry");
      }
    }
    // The deliberate defect: a machine whose CONFIRM checks the clock itself is caught.
    const config = sessionMachine.config;
    const states = config.states ?? {};
    const requireAction = states.REQUIRE_ACTION;
    const altered = createMachine(
      {
        ...config,
        states: {
          ...states,
          REQUIRE_ACTION: {
            ...requireAction,
            on: {
              ...(requireAction?.on ?? {}),
              CONFIRM: [
                { guard: "isPastExpiry", target: "EXPIRED" },
                { actions: { type: "refuse", params: { code: "invalid_state" } } },
              ],
            },
          },
        },
      } as never,
      sessionMachine.implementations as never,
    );
    const keys = pastExpiryOnlyKeysOf({
      session: altered,
      charge: chargeMachine,
      pairs: documentedStatusPairs,
    });
    expect(keys.map(formatTransitionKey)).toEqual(["session REQUIRE_ACTION CONFIRM →EXPIRED"]);
  });

  it("keys an event that meets an expired session from the session as time left it, with the expiry's keys", () => {
    const va = scenarios.find((s) => s.name === "VA");
    if (va === undefined) throw new Error("no VA scenario");
    const created = start(va);
    const chargeId = created.context.charges[0]?.context.id ?? "";
    const late: SessionEvent = {
      type: "PAYMENT_RECEIVED",
      at: (created.context.expiryAt ?? 0) + 1,
      chargeId,
      amount: created.context.amount,
    };
    const keys = transitionKeyOf(created, late, applyEvent(created, late));
    expect(formatTransitionKey(keys.session)).toBe("session EXPIRED PAYMENT_RECEIVED stays");
    expect(keys.expiry && formatTransitionKey(keys.expiry.session)).toBe(
      "session REQUIRE_ACTION EXPIRE →EXPIRED",
    );
    expect(keys.expiry?.charge && formatTransitionKey(keys.expiry.charge)).toBe(
      "charge WAITING_FOR_USER_ACTION SESSION_EXPIRED →EXPIRED",
    );
  });

  it("gives the charge key of the step, the expiry's, or none", () => {
    const va = scenarios.find((s) => s.name === "VA");
    if (va === undefined) throw new Error("no VA scenario");
    const created = start(va);
    expect(creationKeysOf(created).map(formatTransitionKey)).toEqual([
      "session REQUIRE_PAYMENT_METHOD (always) →REQUIRE_CONFIRMATION",
      "session REQUIRE_CONFIRMATION (always) →REQUIRE_ACTION",
    ]);
    const chargeId = created.context.charges[0]?.context.id ?? "";
    const pay: SessionEvent = {
      type: "PAYMENT_RECEIVED",
      at: T0 + 1,
      chargeId,
      amount: created.context.amount,
    };
    const paid = transitionKeyOf(created, pay, applyEvent(created, pay));
    expect(formatTransitionKey(paid.session)).toBe("session REQUIRE_ACTION PAYMENT_RECEIVED →PAID");
    expect(paid.charge && formatTransitionKey(paid.charge)).toBe(
      "charge WAITING_FOR_USER_ACTION PAYMENT_RECEIVED →SUCCESS",
    );
    const late: SessionEvent = { type: "EXPIRE", at: (created.context.expiryAt ?? 0) + 1 };
    const expired = transitionKeyOf(created, late, applyEvent(created, late));
    expect(formatTransitionKey(expired.session)).toBe("session REQUIRE_ACTION EXPIRE →EXPIRED");
    expect(expired.charge && formatTransitionKey(expired.charge)).toBe(
      "charge WAITING_FOR_USER_ACTION SESSION_EXPIRED →EXPIRED",
    );
    const cancel: SessionEvent = { type: "CANCEL", at: T0 + 1, cancellationReason: "VOID_SESSION" };
    const refused = transitionKeyOf(created, cancel, applyEvent(created, cancel));
    expect(formatTransitionKey(refused.session)).toBe("session REQUIRE_ACTION CANCEL refused:invalid_state");
    expect(refused.charge).toBeNull();
  });
});
