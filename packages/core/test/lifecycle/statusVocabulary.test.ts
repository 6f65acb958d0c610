/**
 * The machines and the schemas speak one vocabulary: every machine state maps to a documented status
 * through the one mapping, and every documented status is reached by some machine state.
 */
import { describe, expect, it } from "vitest";
import {
  chargeMachine,
  chargeStatuses,
  chargeStatusOfState,
  sessionMachine,
  sessionStatuses,
  sessionStatusOfState,
} from "../../src/index.js";

const sorted = (values: Iterable<string>) => [...values].sort();

describe("status vocabulary", () => {
  it("maps every session machine state, and only those, to a documented session status", () => {
    expect(sorted(Object.keys(sessionMachine.states))).toEqual(sorted(Object.keys(sessionStatusOfState)));
    expect(sorted(new Set(Object.values(sessionStatusOfState)))).toEqual(sorted(sessionStatuses));
  });

  it("maps every charge machine state, and only those, to a documented charge status", () => {
    expect(sorted(Object.keys(chargeMachine.states))).toEqual(sorted(Object.keys(chargeStatusOfState)));
    expect(sorted(new Set(Object.values(chargeStatusOfState)))).toEqual(sorted(chargeStatuses));
  });

  it("marks exactly the terminal documented statuses as final states", () => {
    const finals = Object.entries(sessionMachine.states)
      .filter(([, node]) => node.type === "final")
      .map(([name]) => sessionStatusOfState[name as keyof typeof sessionStatusOfState]);
    expect(sorted(finals)).toEqual(["CANCELLED", "EXPIRED", "INACTIVE", "PAID"]);
    const chargeFinals = Object.entries(chargeMachine.states)
      .filter(([, node]) => node.type === "final")
      .map(([name]) => name);
    expect(sorted(chargeFinals)).toEqual(["EXPIRED", "FAILED", "SUCCESS"]);
  });
});
