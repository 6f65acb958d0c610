/**
 * How strong the contracts are: the reference provider, behind a proxy that changes one behaviour
 * at a time, verified against contracts/. Each wrong provider of issue 9 ("Under-strict") must fail
 * exactly the interactions named in the table; each faithful variant of the real gateway
 * ("Over-strict": instants with milliseconds, API_ERROR for an unknown session, optional fields
 * without a value left out) must pass; a provider ignoring the clock states must fail every
 * time-dependent interaction; and leaving out the fields the API always sends (decision F1) fails
 * only on those fields. The provider starts once; most runs verify only the interactions concerned.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Json, mapJson } from "./support/mutatingProxy.js";
import {
  alwaysPresentFields,
  clockCases,
  formatSample,
  overStrict,
  refundUnderStrict,
  type StrengthCase,
  underStrict,
} from "./support/mutations.js";
import { type StrengthRig, startStrengthRig } from "./support/strengthRun.js";

let rig: StrengthRig;

beforeAll(async () => {
  rig = await startStrengthRig();
}, 60_000);

afterAll(async () => {
  await rig?.close();
});

const sorted = (items: ReadonlyArray<string>): ReadonlyArray<string> => [...new Set(items)].sort();

/** What differs between the failed interactions and the expected ones, in words. */
const difference = (failed: ReadonlyArray<string>, expected: ReadonlyArray<string>): string =>
  [
    ...expected.filter((d) => !failed.includes(d)).map((d) => `passed but should fail: ${d}`),
    ...failed.filter((d) => !expected.includes(d)).map((d) => `failed but should pass: ${d}`),
  ].join("\n");

const runCase = async (c: StrengthCase) => {
  const start = rig.running.clock.now();
  c.before?.(rig.running.clock);
  try {
    return await rig.run(c.mutation, c.only === undefined ? {} : { only: c.only });
  } finally {
    rig.running.clock.set(start);
  }
};

describe("the contracts against the unchanged reference provider", () => {
  it("pass every interaction through the proxy", async () => {
    const { failed, report } = await rig.run({});
    expect(failed).toEqual([]);
    expect(report.interactions.length).toBeGreaterThan(36);
  }, 300_000);
});

describe.each(underStrict)("a wrong provider: $name", (c) => {
  it("fails exactly the interactions that pin it", async () => {
    const { failed, report } = await runCase(c);
    expect(report.interactions.length, "the filter selected no interaction").toBeGreaterThan(0);
    expect(failed, difference(failed, c.fails)).toEqual(sorted(c.fails));
  }, 300_000);
});

describe.each(refundUnderStrict)("a wrong refund provider: $name", (c) => {
  it("fails exactly the refund interactions that pin it", async () => {
    const { failed, report } = await runCase(c);
    expect(report.interactions.length, "the filter selected no interaction").toBeGreaterThan(0);
    expect(failed, difference(failed, c.fails)).toEqual(sorted(c.fails));
  }, 300_000);
});

describe.each(clockCases)("a wrong provider: $name", (c) => {
  it("fails every interaction that depends on the clock", async () => {
    const { failed } = await runCase(c);
    expect(failed, difference(failed, c.fails)).toEqual(sorted(c.fails));
  }, 300_000);
});

describe.each(overStrict)("a faithful variant: $name", (c) => {
  it("passes", async () => {
    const { failed, report } = await runCase(c);
    expect(report.interactions.length).toBeGreaterThan(0);
    expect(failed, difference(failed, [])).toEqual([]);
  }, 300_000);
});

describe("a provider that leaves out every null field (Go omitempty, Jackson NON_NULL)", () => {
  it("fails only on the fields the API always sends (decision F1)", async () => {
    const strip = (value: Json): Json =>
      mapJson(value, (v, key) => (v === null && key !== undefined ? undefined : v)) ?? null;
    const { failed, report } = await rig.run(
      {
        answer: (_, a) => (a.body === undefined ? undefined : { ...a, body: strip(a.body) }),
        message: (_, m) => ({ ...m, body: strip(m.body) }),
      },
      { only: formatSample },
    );
    expect(failed.length).toBeGreaterThan(0);
    const fields = new Set(
      report.interactions.flatMap((i) =>
        i.mismatches.map((m) =>
          m.path
            .split(".")
            .pop()
            ?.replace(/\[\d+\]$/u, ""),
        ),
      ),
    );
    expect(
      [...fields].every((f) => f !== undefined && alwaysPresentFields.includes(f)),
      [...fields].join(", "),
    ).toBe(true);
  }, 300_000);
});
