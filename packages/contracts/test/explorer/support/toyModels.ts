/**
 * Two small sequential models for the linearizability checker's tests: a register (write a value,
 * read it) and a counter (add, answered with the new total; read). Each comes as a checker model and
 * as the sequential implementation that histories are built from.
 */
import type { LinearizabilityModel } from "../../../src/explorer/linearizability.js";
import type { Run } from "./linearizableHistories.js";

export type RegisterInput = { readonly op: "write"; readonly value: number } | { readonly op: "read" };

/** A register starting at 0. A read must answer the value; a write answers `"ok"`. */
export const register: LinearizabilityModel<number, RegisterInput, number | "ok"> = {
  init: () => 0,
  step: (state, input, output) => {
    if (input.op === "write") return output === undefined || output === "ok" ? input.value : undefined;
    return output === undefined || output === state ? state : undefined;
  },
  key: (state) => String(state),
  readOnly: (input) => input.op === "read",
  describe: {
    input: (i) => (i.op === "write" ? `write(${i.value})` : "read()"),
    output: (o) => String(o),
  },
};

export const runRegister: Run<number, RegisterInput, number | "ok"> = (state, input) =>
  input.op === "write" ? [input.value, "ok"] : [state, state];

export type CounterInput = { readonly op: "add"; readonly by: number } | { readonly op: "read" };

/** A counter starting at 0; `add` answers the new total. */
export const counter: LinearizabilityModel<number, CounterInput, number> = {
  init: () => 0,
  step: (state, input, output) => {
    const next = input.op === "add" ? state + input.by : state;
    return output === undefined || output === next ? next : undefined;
  },
  key: (state) => String(state),
  describe: { input: (i) => (i.op === "add" ? `add(${i.by})` : "read()") },
};

export const runCounter: Run<number, CounterInput, number> = (state, input) => {
  const next = input.op === "add" ? state + input.by : state;
  return [next, next];
};
