/**
 * The property-test seed: FC_SEED wins, CI=true fixes it, a local run draws a random one; every
 * choice is printed so a failure can be replayed.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { choosePropertySeed, ciPropertySeed, propertySeed } from "../../src/testing/index.js";

const never = () => {
  throw new Error("no random draw expected");
};

describe("choosePropertySeed", () => {
  it("takes FC_SEED, in CI too", () => {
    expect(choosePropertySeed({ FC_SEED: "42" }, never)).toEqual({ seed: 42, source: "FC_SEED" });
    expect(choosePropertySeed({ FC_SEED: "42", CI: "true" }, never)).toEqual({ seed: 42, source: "FC_SEED" });
  });

  it("is fixed in CI without FC_SEED", () => {
    expect(choosePropertySeed({ CI: "true" }, never)).toEqual({ seed: ciPropertySeed, source: "CI" });
    expect(choosePropertySeed({ CI: "1", FC_SEED: "" }, never)).toEqual({
      seed: ciPropertySeed,
      source: "CI",
    });
  });

  it("is random in a local run", () => {
    expect(choosePropertySeed({}, () => 0.5)).toEqual({ seed: 2 ** 30, source: "random" });
    expect(choosePropertySeed({ CI: "false" }, () => 0.25)).toEqual({ seed: 2 ** 29, source: "random" });
    const seeds = new Set(Array.from({ length: 20 }, () => choosePropertySeed({}, Math.random).seed));
    expect(seeds.size).toBeGreaterThan(1);
  });

  it("refuses an FC_SEED that is not an integer", () => {
    expect(() => choosePropertySeed({ FC_SEED: "abc" }, never)).toThrow(/FC_SEED must be an integer/u);
    expect(() => choosePropertySeed({ FC_SEED: "1.5" }, never)).toThrow(/FC_SEED must be an integer/u);
  });
});

describe("propertySeed", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it("prints the seed it picked, with how to replay it", () => {
    vi.stubEnv("FC_SEED", "123456");
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    expect(propertySeed("demo")).toEqual({ seed: 123456, source: "FC_SEED" });
    expect(log).toHaveBeenCalledWith("demo: FC_SEED=123456 (from FC_SEED; replay with FC_SEED=123456)");
  });
});
