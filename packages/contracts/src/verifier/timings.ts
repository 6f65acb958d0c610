/**
 * Phase timings of a verification run, for finding where `pnpm verify`'s time goes: with
 * `PAYMENT_SESSION_VERIFY_TIMINGS=FILE` in the environment every process of the run (the CLI, its
 * verification worker) appends one line per phase to FILE, `<epoch ms> <pid> <phase>`, and sums
 * (e.g. the time spent in provider-state set-ups) as `<epoch ms> <pid> <name>=<ms>/<count>`. Off (no
 * cost beyond one check) when the variable is unset. `bench/verify.ts` reads the file.
 *
 * @since 0.1.0
 */
import { appendFileSync } from "node:fs";

const file = (): string | undefined => {
  const value = process.env.PAYMENT_SESSION_VERIFY_TIMINGS;
  return value === undefined || value === "" ? undefined : value;
};

const now = (): number => performance.timeOrigin + performance.now();

const write = (line: string): void => {
  const target = file();
  if (target === undefined) return;
  try {
    appendFileSync(target, `${now().toFixed(1)} ${process.pid} ${line}\n`);
  } catch {
    // Only a measurement: a file that cannot be written changes nothing.
  }
};

/**
 * Records that this process reached `phase` now (and, the first time, when the process started).
 *
 * @since 0.1.0
 * @category Verifier
 */
export const markPhase = (phase: string): void => {
  if (file() === undefined) return;
  if (!started) {
    started = true;
    const target = file();
    if (target !== undefined) {
      try {
        appendFileSync(
          target,
          `${performance.timeOrigin.toFixed(1)} ${process.pid} process start (${process.argv[1]?.split("/").slice(-2).join("/")})\n`,
        );
      } catch {
        // as above
      }
    }
  }
  write(phase);
};
let started = false;

const sums = new Map<string, { ms: number; count: number }>();

/**
 * Adds `ms` to the sum `name` (written by {@link flushSums}); a no-op when timings are off.
 *
 * @since 0.1.0
 * @category Verifier
 */
export const addToSum = (name: string, ms: number): void => {
  if (file() === undefined) return;
  const sum = sums.get(name) ?? { ms: 0, count: 0 };
  sums.set(name, { ms: sum.ms + ms, count: sum.count + 1 });
};

/**
 * Times `run` into the sum `name` when timings are on; otherwise just runs it.
 *
 * @since 0.1.0
 * @category Verifier
 */
export const timed = async <A>(name: string, run: () => Promise<A>): Promise<A> => {
  if (file() === undefined) return run();
  const t0 = performance.now();
  try {
    return await run();
  } finally {
    addToSum(name, performance.now() - t0);
  }
};

/**
 * Writes every sum as a line and clears them, and this process's CPU time so far (user + system,
 * every thread: the Pact core's too) as the sum `process CPU`.
 *
 * @since 0.1.0
 * @category Verifier
 */
export const flushSums = (): void => {
  if (file() === undefined) return;
  for (const [name, { ms, count }] of sums) write(`${name}=${ms.toFixed(1)}/${count}`);
  sums.clear();
  const cpu = process.cpuUsage();
  write(`process CPU=${((cpu.user + cpu.system) / 1000).toFixed(1)}/1`);
};
