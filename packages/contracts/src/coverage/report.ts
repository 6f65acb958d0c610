/**
 * The transition coverage report: every transition of the machines, what causes it through the
 * public API, which contracts exercise it, whether an exploration reached it, and the gate — every
 * transition a merchant can cause is exercised by a contract or allow-listed with a reason.
 *
 * @since 0.1.0
 */
import {
  ALWAYS,
  formatTransitionKey,
  merchantRefundTransitions,
  parseTransitionKey,
  pastExpiryOnlyKeys,
  refundTransitionCause,
  refundTransitionUniverse,
  type TransitionKey,
  transitionUniverse,
} from "@payment-session/core";
import { type EventCauses, eventCauses } from "./causes.js";
import type { InteractionReplay } from "./replay.js";

/**
 * One allow-list line: a transition and why no contract exercises it.
 *
 * @since 0.1.0
 * @category Coverage
 */
export interface AllowListEntry {
  readonly line: number;
  readonly key: string;
  readonly reason: string;
}

/**
 * Reads an allow-list: one transition per line as `machine STATE EVENT result  reason…` (the key's
 * four words, then the reason); `#` starts a comment, blank lines are skipped. A line without a reason
 * or with a malformed key is an error that names the line.
 *
 * @since 0.1.0
 * @category Coverage
 */
export const parseAllowList = (
  text: string,
  source = "allow-list",
): { readonly entries: ReadonlyArray<AllowListEntry>; readonly errors: ReadonlyArray<string> } => {
  const entries: Array<AllowListEntry> = [];
  const errors: Array<string> = [];
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const words = line.split(/\s+/u);
    const key = parseTransitionKey(words.slice(0, 4).join(" "));
    const reason = words.slice(4).join(" ");
    if (key === null) {
      errors.push(
        `${source}:${index + 1}: not a transition (want "machine STATE EVENT result reason"): ${line}`,
      );
    } else if (reason === "") {
      errors.push(`${source}:${index + 1}: ${formatTransitionKey(key)} has no reason`);
    } else {
      entries.push({ line: index + 1, key: formatTransitionKey(key), reason });
    }
  });
  return { entries, errors };
};

/**
 * One transition in the report.
 *
 * @since 0.1.0
 * @category Coverage
 */
export interface TransitionCoverage {
  readonly key: string;
  readonly transition: TransitionKey;
  /** The endpoints that cause its event; empty when only a channel does. */
  readonly causedBy: ReadonlyArray<string>;
  /**
   * Taken only when the event itself notices the expiry; the provider applies `EXPIRE` at the
   * request's instant first, so no request takes it.
   */
  readonly expiryFirst: boolean;
  /** A merchant can cause it through the public API (caused by an endpoint, not expiry-first): the gate demands a contract for it. */
  readonly merchant: boolean;
  readonly exercisedBy: ReadonlyArray<string>;
  /** `null` when no exploration report was given. */
  readonly reached: boolean | null;
  readonly allowListed: string | null;
}

/**
 * The whole report.
 *
 * @since 0.1.0
 * @category Coverage
 */
export interface CoverageReport {
  readonly transitions: ReadonlyArray<TransitionCoverage>;
  readonly interactions: ReadonlyArray<InteractionReplay>;
  /** Merchant-causable session and refund transitions no contract exercises and the allow-list does not name. */
  readonly gaps: ReadonlyArray<string>;
  /** Allow-list lines that name no transition of the universe, a channel-only one, or one a contract exercises. */
  readonly stale: ReadonlyArray<string>;
  /** Allow-list syntax errors, interactions the model cannot replay or answers differently, unknown reached keys. */
  readonly problems: ReadonlyArray<string>;
  readonly ok: boolean;
}

/**
 * The inputs of {@link coverageReport}.
 *
 * @since 0.1.0
 * @category Coverage
 */
export interface CoverageInput {
  readonly replays: ReadonlyArray<InteractionReplay>;
  readonly allowList?: {
    readonly entries: ReadonlyArray<AllowListEntry>;
    readonly errors: ReadonlyArray<string>;
  };
  /** Keys an exploration reached (formatted); `undefined` when there is no exploration report. */
  readonly reached?: ReadonlyArray<string>;
  /** Default: the session and charge machines' `transitionUniverse` and the refund machine's. */
  readonly universe?: ReadonlyArray<TransitionKey>;
  /** The refund transitions a merchant can cause; default the core's `merchantRefundTransitions`. */
  readonly merchantRefunds?: ReadonlyArray<TransitionKey>;
  /** Default: the core's {@link pastExpiryOnlyKeys}. */
  readonly pastExpiryOnly?: ReadonlyArray<TransitionKey>;
  readonly causes?: EventCauses;
}

/**
 * The charge machine's events, caused as the session events that step the charge (SESSION_EXPIRED by
 * time); a refund transition by `POST /v1/refunds` when a merchant's refund can take it, else by no
 * endpoint (the bank's or an operator's).
 */
const causesOf = (
  causes: EventCauses,
  key: TransitionKey,
  merchantRefunds: ReadonlySet<string>,
): ReadonlyArray<string> => {
  if (key.machine === "refund")
    return merchantRefunds.has(formatTransitionKey(key)) ? [refundTransitionCause(key)] : [];
  const event = key.machine === "charge" && key.event === "SESSION_EXPIRED" ? "EXPIRE" : key.event;
  return causes[event as keyof EventCauses] ?? [];
};

/** The gate demands a contract for a merchant-causable session or refund transition. */
const isGated = (t: TransitionCoverage): boolean =>
  (t.transition.machine === "session" || t.transition.machine === "refund") && t.merchant;

/**
 * Builds the report and the gate's verdict: `ok` when every merchant-causable session and refund transition is
 * exercised or allow-listed, the allow-list has no stale or malformed line, every interaction
 * replays with the contract's HTTP status, and every reached key is in the universe. Charge machine
 * transitions are reported, not gated (a charge's transitions show through the session's).
 *
 * @since 0.1.0
 * @category Coverage
 */
export const coverageReport = (input: CoverageInput): CoverageReport => {
  const universe = input.universe ?? [...transitionUniverse, ...refundTransitionUniverse];
  const merchantRefunds = new Set(
    (input.merchantRefunds ?? merchantRefundTransitions).map(formatTransitionKey),
  );
  const causes = input.causes ?? eventCauses();
  const expiryFirst = new Set((input.pastExpiryOnly ?? pastExpiryOnlyKeys).map(formatTransitionKey));
  const exercised = new Map<string, Array<string>>();
  for (const replay of input.replays) {
    for (const key of replay.keys) {
      const id = formatTransitionKey(key);
      const list = exercised.get(id) ?? [];
      if (!list.includes(replay.description)) list.push(replay.description);
      exercised.set(id, list);
    }
  }
  const allowed = new Map((input.allowList?.entries ?? []).map((e) => [e.key, e] as const));
  const reached = input.reached === undefined ? null : new Set(input.reached);
  const transitions = universe.map((transition): TransitionCoverage => {
    const key = formatTransitionKey(transition);
    const causedBy = causesOf(causes, transition, merchantRefunds);
    return {
      key,
      transition,
      causedBy,
      expiryFirst: expiryFirst.has(key),
      merchant: causedBy.length > 0 && !expiryFirst.has(key),
      exercisedBy: exercised.get(key) ?? [],
      reached: reached === null ? null : reached.has(key),
      allowListed: allowed.get(key)?.reason ?? null,
    };
  });
  const gated = transitions.filter((t) => isGated(t));
  const gaps = gated.filter((t) => t.exercisedBy.length === 0 && t.allowListed === null).map((t) => t.key);
  const byKey = new Map(transitions.map((t) => [t.key, t] as const));
  const stale = (input.allowList?.entries ?? []).flatMap((entry) => {
    const t = byKey.get(entry.key);
    const where = `allow-list line ${entry.line}: ${entry.key}`;
    if (t === undefined) return [`${where} is not a transition of the machines`];
    if (!isGated(t)) {
      return [`${where} is not gated (no merchant can cause it through the API): remove the line`];
    }
    if (t.exercisedBy.length > 0) return [`${where} is exercised by "${t.exercisedBy[0]}": remove the line`];
    return [];
  });
  const universeIds = new Set(byKey.keys());
  const problems = [
    ...(input.allowList?.errors ?? []),
    ...input.replays.flatMap((r) =>
      r.problem === null ? [] : [`${r.file}: "${r.description}": ${r.problem}`],
    ),
    ...(input.reached ?? [])
      .filter((k) => !universeIds.has(k))
      .map((k) => `reached key not in the universe: ${k}`),
  ];
  return {
    transitions,
    interactions: input.replays,
    gaps,
    stale,
    problems,
    ok: gaps.length === 0 && stale.length === 0 && problems.length === 0,
  };
};

/**
 * The console summary: counts, then every gap, stale line and problem on its own line.
 *
 * @since 0.1.0
 * @category Coverage
 */
export const summaryText = (report: CoverageReport): string => {
  const counts = (machine: "session" | "refund") => {
    const all = report.transitions.filter((t) => t.transition.machine === machine);
    const gated = all.filter((t) => t.merchant);
    const covered = gated.filter((t) => t.exercisedBy.length > 0);
    const allowed = gated.filter((t) => t.exercisedBy.length === 0 && t.allowListed !== null);
    const gaps = gated.filter((t) => t.exercisedBy.length === 0 && t.allowListed === null);
    return `${all.length} ${machine} transitions, ${gated.length} a merchant can cause; ${covered.length} exercised, ${allowed.length} allow-listed, ${gaps.length} gaps`;
  };
  const reachedKnown = report.transitions.some((t) => t.reached !== null);
  const lines = [
    `transition coverage (${report.interactions.length} interactions): ${counts("session")}`,
    `transition coverage (${report.interactions.length} interactions): ${counts("refund")}`,
    ...(reachedKnown
      ? [
          `explorer reached ${report.transitions.filter((t) => t.reached === true).length} of ${report.transitions.length} transitions (all machines)`,
        ]
      : []),
    ...report.gaps.map(
      (g) => `  gap: ${g} (no contract exercises it; add one, or allow-list it with a reason)`,
    ),
    ...report.stale.map((s) => `  stale: ${s}`),
    ...report.problems.map((p) => `  problem: ${p}`),
    report.ok ? "coverage gate: ok" : "coverage gate: FAILED",
  ];
  return `${lines.join("\n")}\n`;
};

/**
 * The report as JSON (keys as strings).
 *
 * @since 0.1.0
 * @category Coverage
 */
export const reportJson = (report: CoverageReport) => ({
  ok: report.ok,
  gaps: report.gaps,
  stale: report.stale,
  problems: report.problems,
  transitions: report.transitions.map((t) => ({
    key: t.key,
    ...t.transition,
    causedBy: t.causedBy,
    expiryFirst: t.expiryFirst,
    merchant: t.merchant,
    exercisedBy: t.exercisedBy,
    reached: t.reached,
    allowListed: t.allowListed,
  })),
  interactions: report.interactions.map((r) => ({
    file: r.file,
    description: r.description,
    keys: r.keys.map(formatTransitionKey),
    notes: r.notes,
    problem: r.problem,
  })),
});

const cell = (text: string): string => text.replace(/\|/gu, "\\|").replace(/\n/gu, " ");

/**
 * The report as Markdown (docs/coverage.md): the verdict, the gaps, then one table per machine with
 * every transition, what causes it, the contracts that exercise it and the explorer's column.
 *
 * @since 0.1.0
 * @category Coverage
 */
export const reportMarkdown = (report: CoverageReport, options: { readonly source: string }): string => {
  const reachedKnown = report.transitions.some((t) => t.reached !== null);
  const out: Array<string> = [
    "# Transition coverage",
    "",
    `<!-- Generated by ${options.source}: do not edit by hand. -->`,
    "",
    "Every transition of the session, charge and refund machines (read from their definitions:",
    "`transitionUniverse` and `refundTransitionUniverse` in the core), what causes it through the public API,",
    "and which Pact interactions exercise it. Each",
    "interaction is replayed through the model: its provider states seed sessions by the shortest event",
    "path (`seedPath`), its request becomes the event the provider applies (after the `EXPIRE` at the",
    "request's instant that every read and write applies first), and the transitions taken are recorded.",
    "A webhook message exercises the seeding step that sends its callback.",
    "",
    "`pnpm contracts:coverage` fails when a session or refund transition a merchant can cause is exercised by no",
    "contract and is not in `contracts/coverage-allowlist.txt` (with a reason), when an allow-list line is",
    "stale, or when the model answers an interaction with another HTTP status than the contract expects.",
    "Transitions only a channel can cause (no endpoint causes their event) are listed, never demanded; so",
    "are those an event takes only when it notices the expiry itself (`pastExpiryOnlyKeys`), which no request",
    "takes because the provider applies `EXPIRE` at the request's instant first.",
    "Charge machine transitions are reported, not gated.",
    "A refund transition a merchant can cause is `SUBMIT` (`POST /v1/refunds`) or a sandbox step such a",
    "refund takes (`merchantRefundTransitions`, found by running the core's sandbox); a refund read applies",
    "the sandbox's due steps first, and a refund callback exercises the seeding step that sends it. The",
    "others (a `CANCEL`, a repeated notice, an event a status refuses) are the bank's or an operator's.",
    "",
    "## Verdict",
    "",
    "```",
    summaryText(report).trimEnd(),
    "```",
    "",
  ];
  const titles = { session: "Session", charge: "Charge", refund: "Refund" } as const;
  for (const machine of ["session", "charge", "refund"] as const) {
    out.push(
      `## ${titles[machine]} machine`,
      "",
      `| State | Event | Result | Caused by | Contracts${reachedKnown ? " | Explorer" : ""} |`,
      `|---|---|---|---|---|${reachedKnown ? "---|" : ""}`,
    );
    for (const t of report.transitions.filter((x) => x.transition.machine === machine)) {
      const contracts =
        t.exercisedBy.length > 0
          ? t.exercisedBy.map((d) => cell(d)).join("<br>")
          : t.allowListed !== null
            ? `allow-listed: ${cell(t.allowListed)}`
            : isGated(t)
              ? "**gap**"
              : "—";
      const causedBy =
        t.causedBy.length === 0
          ? machine === "refund"
            ? "bank or operator only"
            : "channel only"
          : t.expiryFirst
            ? "none: the provider applies `EXPIRE` first"
            : t.causedBy.map((c) => cell(c)).join("<br>");
      const event = t.transition.event === ALWAYS ? "(create)" : `\`${t.transition.event}\``;
      out.push(
        `| \`${t.transition.state}\` | ${event} | ${t.transition.result} | ${causedBy} | ${contracts}${reachedKnown ? ` | ${t.reached ? "✓" : ""}` : ""} |`,
      );
    }
    out.push("");
  }
  return `${out.join("\n")}\n`;
};
