/**
 * The seed of the property tests (fast-check): fixed in CI, random on a developer's machine, named
 * by `FC_SEED` either way, and printed so a failure can be replayed.
 *
 * @since 0.2.0
 */

/** The seed CI uses when `FC_SEED` is not set. @since 0.2.0 @category Testing */
export const ciPropertySeed = 20261124;

/** Where a {@link PropertySeed} came from. @since 0.2.0 @category Testing */
export type PropertySeedSource = "FC_SEED" | "CI" | "random";

/** A seed and where it came from. @since 0.2.0 @category Testing */
export interface PropertySeed {
  readonly seed: number;
  readonly source: PropertySeedSource;
}

/**
 * Picks the seed from an environment: `FC_SEED` (an integer) wins; else `CI=true` gives
 * {@link ciPropertySeed}; else a random 31-bit seed. Pure: pass the environment and the random
 * source (tests do; {@link propertySeed} passes the process's).
 *
 * @example
 * choosePropertySeed({ CI: "true" }, Math.random) // { seed: 20261124, source: "CI" }
 * choosePropertySeed({ FC_SEED: "7" }, Math.random) // { seed: 7, source: "FC_SEED" }
 * @since 0.2.0
 * @category Testing
 */
export const choosePropertySeed = (
  env: Readonly<Record<string, string | undefined>>,
  random: () => number,
): PropertySeed => {
  const given = env.FC_SEED?.trim();
  if (given !== undefined && given !== "") {
    const seed = Number(given);
    if (!Number.isSafeInteger(seed))
      throw new Error(`FC_SEED must be an integer, got ${JSON.stringify(given)}`);
    return { seed, source: "FC_SEED" };
  }
  if (env.CI === "true" || env.CI === "1") return { seed: ciPropertySeed, source: "CI" };
  return { seed: Math.floor(random() * 2 ** 31), source: "random" };
};

const printed = new Set<number>();

/**
 * The seed for this process's property tests ({@link choosePropertySeed} over `process.env` and
 * `Math.random`), printed once per seed as `FC_SEED=<n> (<source>)` with the command to replay it.
 * Call it once per test module and pass `{ seed }` to `fc.assert`.
 *
 * @example
 * const { seed } = propertySeed("lifecycle properties")
 * fc.assert(property, { seed, numRuns: 1000 })
 * @since 0.2.0
 * @category Testing
 */
export const propertySeed = (label: string): PropertySeed => {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
  const chosen = choosePropertySeed(env, Math.random);
  if (!printed.has(chosen.seed)) {
    printed.add(chosen.seed);
    const why =
      chosen.source === "FC_SEED" ? "from FC_SEED" : chosen.source === "CI" ? "fixed in CI" : "random";
    console.log(`${label}: FC_SEED=${chosen.seed} (${why}; replay with FC_SEED=${chosen.seed})`);
  }
  return chosen;
};
