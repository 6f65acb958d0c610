/**
 * Explorer benchmark: checked HTTP steps per minute against the reference provider, one session
 * stream (one run of the explorer on one session: reads, lists, confirms, payments, cancels — each
 * answer predicted by the core and checked), beside the same mix of requests sent unchecked by a
 * bare fetch loop (what the provider and HTTP cost without the explorer). Target: ≥ 5,000 checked
 * steps per minute on the 2-core build machine.
 *
 * `pnpm bench explore`; `BENCH_EXPLORE_STEPS` sets the stream's length (default 600).
 */
import { performance } from "node:perf_hooks";
import { exploreProvider, type Step } from "@payment-session/contracts";
import {
  providerStatesPath,
  startContractProvider,
} from "../packages/reference-provider/src/contracts/index.js";

const STEPS = Number(process.env.BENCH_EXPLORE_STEPS ?? "600");
const TARGET_PER_MINUTE = 5_000;

const cycle: ReadonlyArray<Step> = [
  { kind: "get", session: 0 },
  { kind: "confirm", session: 0, method: { type: "VIRTUAL_ACCOUNT", channel: "BNI" } },
  { kind: "list", ref: 0, page: 1, perPage: 20 },
  { kind: "simulate", session: 0, status: "SUCCESS", amount: "right" },
  { kind: "charges", ref: 0, page: 1, perPage: 20 },
  { kind: "cancel", session: 0, reason: "DUPLICATED" },
];

/** Runs the benchmark and prints its figures. */
export const runExploreBench = async (): Promise<void> => {
  const running = await startContractProvider({ background: { intervalMs: 25 } });
  try {
    const steps: Array<Step> = [
      {
        kind: "create",
        ref: 0,
        amount: 20_000,
        mode: "API",
        autoConfirm: false,
        method: { type: "VIRTUAL_ACCOUNT", channel: "BNI" },
      },
    ];
    while (steps.length < STEPS) steps.push(...cycle);
    const options = {
      providerBaseUrl: running.providerBaseUrl,
      providerStatesUrl: `${running.providerBaseUrl}${providerStatesPath}`,
    };
    // Warm-up (JIT, connections, database pages), then the measured stream.
    await exploreProvider({ ...options, replay: { version: 1, seed: 0, steps: steps.slice(0, 60) } });
    const started = performance.now();
    const report = await exploreProvider({ ...options, replay: { version: 1, seed: 0, steps } });
    const seconds = (performance.now() - started) / 1000;
    if (!report.ok) throw new Error(`the explorer failed the reference provider: ${report.failure?.message}`);
    const perMinute = (report.steps / seconds) * 60;

    // Baseline: the same mix of requests on one session by a bare fetch loop — no model, no checks.
    const auth = { authorization: `Bearer ${await token(options.providerStatesUrl)}` };
    const base = running.providerBaseUrl;
    let key = 0;
    const raw = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: {
          ...auth,
          // The explorer sends an X-REQUEST-ID with every POST: so does the baseline.
          ...(body === undefined
            ? {}
            : { "content-type": "application/json", "x-request-id": `raw-${++key}` }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return (await response.json()) as { data?: { id?: string } };
    };
    const va = {
      paymentMethod: { type: "VIRTUAL_ACCOUNT" },
      paymentMethodOptions: { virtualAccount: { channel: "BNI" } },
    };
    const created = await raw("POST", "/v2/payments", {
      clientReferenceId: "bench",
      amount: { value: 20_000, currency: "IDR" },
      mode: "API",
      autoConfirm: false,
      ...va,
    });
    const id = String(created.data?.id);
    const rawCycle = [
      () => raw("GET", `/v2/payments/${id}`),
      () => raw("POST", `/v2/payments/${id}/confirm`, va),
      () => raw("GET", "/v2/payments?clientReferenceId=bench&page=1&perPage=20"),
      () =>
        raw("POST", "/v2/payments/simulations", {
          paymentSessionId: id,
          chargeStatus: "SUCCESS",
          amount: { value: 20_000, currency: "IDR" },
        }),
      () => raw("GET", "/v2/charges?clientReferenceId=bench&page=1&perPage=20"),
      () => raw("POST", `/v2/payments/${id}/cancel`, { cancellationReason: "DUPLICATED" }),
    ];
    const rawStarted = performance.now();
    for (let i = 0; i < report.steps; i++) await rawCycle[i % rawCycle.length]?.();
    const rawSeconds = (performance.now() - rawStarted) / 1000;
    const rawPerMinute = (report.steps / rawSeconds) * 60;

    console.log(
      "explore: one session stream against the reference provider (PGlite in memory, over loopback HTTP)",
    );
    console.log(`  command:   pnpm bench explore   (BENCH_EXPLORE_STEPS=${STEPS})`);
    console.log(
      `  checked:   ${report.steps} steps in ${seconds.toFixed(2)} s = ${Math.round(perMinute)} checked steps/min (target ≥ ${TARGET_PER_MINUTE}: ${perMinute >= TARGET_PER_MINUTE ? "met" : "NOT met"})`,
    );
    console.log(
      `  baseline:  ${report.steps} bare requests (same mix) in ${rawSeconds.toFixed(2)} s = ${Math.round(rawPerMinute)} requests/min (no model, no checks)`,
    );
    console.log(
      `  explorer overhead per step: ${(((seconds - rawSeconds) / report.steps) * 1000).toFixed(2)} ms (model, checks, webhook wait at the end)`,
    );
  } finally {
    await running.close();
  }
};

const token = async (statesUrl: string): Promise<string> => {
  const post = (state: string, params: Record<string, unknown>) =>
    fetch(statesUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ state, params, action: "setup" }),
    }).then((r) => r.json() as Promise<Record<string, unknown>>);
  await post("the clock reads", { now: "2040-01-01T00:00:00Z" });
  const values = await post("a merchant with credentials exists", {
    merchantId: "bench-raw",
    merchantSecret: "bench-raw-secret",
  });
  return String(values.accessToken);
};
