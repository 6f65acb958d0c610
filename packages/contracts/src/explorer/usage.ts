/**
 * The explorer's defaults and `--help` text, in a module of their own so that the CLI can print
 * its help without loading the explorer.
 *
 * @since 0.1.0
 */

/**
 * The default depth: 100 sequences of up to 50 steps; 20 race histories with `--concurrency`.
 *
 * @since 0.1.0
 * @category Explorer
 */
export const exploreDefaults = { runs: 100, steps: 50, raceHistories: 20 } as const;

/**
 * The `explore --help` text.
 *
 * @since 0.1.0
 * @category Explorer
 */
export const EXPLORE_USAGE = `Usage: payment-session-contracts explore --provider-base-url URL --provider-states-url URL [options]

Drives a running implementation of the Payments v2 API through generated lifecycles (create,
confirm, cancel, capture, simulated payments and expiry, reads, lists, clock moves, repeated
X-REQUEST-IDs, another merchant's token) and checks every answer and every webhook against what
the lifecycle machines predict. A mismatch is shrunk to a minimal sequence and printed as
numbered steps; the replay file reruns exactly that sequence.

Required:
  --provider-base-url URL     base URL of the running implementation
  --provider-states-url URL   its provider-states setup endpoint (the one verify uses); it must
                              honour "the clock reads" and "a merchant with credentials exists"
                              with callbackUrl

Options:
  --runs N            sequences to run (default ${exploreDefaults.runs})
  --steps N           at most N steps per sequence (default ${exploreDefaults.steps})
  --seed S            seed of the generator (default: FC_SEED, fixed in CI, else random; always printed)
  --concurrency N     also check race histories of N concurrent calls (linearizability)
  --replay FILE       rerun exactly the sequence of a replay file instead of generating
  --replay-out FILE   where a failure's replay is written (default explore-replay.json)
  --junit FILE        also write a JUnit XML report
  --json FILE         also write the report as JSON
  -h, --help          show this help

Exit codes: 0 every answer was predicted, 1 a mismatch,
            2 bad usage or the implementation could not be reached.
`;
