/**
 * The registry of documentation generators: every file under docs/ that `pnpm run docs` writes and
 * `pnpm docs:check` compares, and the one list of files that are written by hand.
 */
import { resolve } from "node:path";
import { providerStatesMarkdown } from "@payment-session/contracts";
import { chargeMachine, refundMachine, renderOpenApi, sessionMachine } from "@payment-session/core";
import { renderApiReference } from "./apiReference.ts";
import { contractCatalogue } from "./contractCatalogue.ts";
import { coveragePage } from "./coverage.ts";
import { decisionPages } from "./decisionRecords.ts";
import { decisionRecords } from "./decisions.ts";
import { chargeSamples, type FlowRun, runFlows, sessionSamples } from "./flows.ts";
import { renderGuides } from "./guides.ts";
import { type MachinePageOptions, machinePage, stateDiagram, transitionTable } from "./lifecycle.ts";
import { describeMachine } from "./machineModel.ts";
import { type Interaction, loadPacts } from "./pacts.ts";
import { refundSamples, refundStatusesPage, runRefundFlows } from "./refundFlows.ts";
import { statusPairsPage } from "./statusPairs.ts";

/** One generated file: its path relative to docs/ and its whole text. */
export interface GeneratedFile {
  readonly path: string;
  readonly text: string;
}

/** One entry per generator: a name (for error messages) and the files it renders. */
export interface DocGenerator {
  readonly name: string;
  readonly render: () => ReadonlyArray<GeneratedFile> | Promise<ReadonlyArray<GeneratedFile>>;
}

/** The only files under docs/ that no generator writes. Anything else there must be generated. */
export const handWritten: ReadonlyArray<string> = ["README.md"];

/** The repository's pact files. */
export const contractsDir = resolve(import.meta.dirname, "../../contracts");

const single = (path: string, render: () => string | Promise<string>): DocGenerator => ({
  name: path,
  render: async () => [{ path, text: await render() }],
});

/** The options of both machines' pages, with samples taken from the flows. */
export const machinePages = (runs: ReadonlyArray<FlowRun>): ReadonlyArray<MachinePageOptions> => [
  {
    key: "session",
    title: "Session machine",
    machine: sessionMachine,
    source: "packages/core/src/lifecycle/sessionMachine.ts",
    samples: new Map(
      [...sessionSamples(runs)].map(([state, s]) => [state, { context: s.snapshot.context, where: s.where }]),
    ),
    messages: true,
    refusals: [
      "A refused event changes nothing: the API answers the refusal and stores nothing (decision L2:",
      "`invalid_state` → 422; P1: `amount_mismatch` → 422; `validation` → 400 with `details[]`;",
      "`unknown_charge` → 404). A refusing branch that names a state is taken when the event's instant is",
      "past `expiryAt`: the session expires first (the provider stores that expiry) and the event is",
      "refused in the ended status (decision L4).",
    ],
  },
  {
    key: "charge",
    title: "Charge machine",
    machine: chargeMachine,
    source: "packages/core/src/lifecycle/chargeMachine.ts",
    samples: new Map(
      [...chargeSamples(runs)].map(([state, s]) => [state, { context: s.charge.context, where: s.where }]),
    ),
    messages: false,
    refusals: [
      "The charge machine never answers the API itself: the session machine asks it (guards",
      "`chargeRefuses`, `chargeSeesDuplicate`, `chargeWouldBe`) and relays its refusal code",
      "(`relayChargeRefusal`). `SESSION_EXPIRED` is sent by the session machine when the session expires.",
    ],
  },
  {
    key: "refund",
    title: "Refund machine",
    machine: refundMachine,
    source: "packages/core/src/lifecycle/refundMachine.ts",
    samples: refundSamples(runRefundFlows()),
    messages: false,
    refusals: [
      "A refused `SUBMIT` is a refund that is not created (decision R3): `validation` → 400 with",
      "`details[]`; `invalid_state` (the session is not paid or the charge did not succeed) → 422;",
      "`full_refund_not_allowed` and `amount_exceeds_refundable` → 422. `REQUESTED` is where a refund",
      "starts before `SUBMIT` accepts it: it is never stored nor shown. Other events are the gateway's",
      "(channel, bank transfer); the sandbox sends them on its own schedule (decision R1).",
    ],
  },
];

/** A machine's three files: the diagram page, the diagram alone (.mmd) and the transition table. */
export const machineFiles = (options: MachinePageOptions): ReadonlyArray<GeneratedFile> => [
  { path: `lifecycle/${options.key}-machine.md`, text: machinePage(options) },
  { path: `lifecycle/${options.key}-machine.mmd`, text: stateDiagram(describeMachine(options.machine)) },
  { path: `lifecycle/${options.key}-transitions.md`, text: transitionTable(options) },
];

const lifecycle = (): ReadonlyArray<GeneratedFile> => {
  const runs = runFlows();
  return [
    ...machinePages(runs).flatMap(machineFiles),
    { path: "lifecycle/status-pairs.md", text: statusPairsPage(runs) },
    { path: "lifecycle/refund-statuses.md", text: refundStatusesPage(runRefundFlows()) },
  ];
};

const decisions = (): ReadonlyArray<GeneratedFile> => {
  const interactions = new Map<string, Interaction>(
    loadPacts(contractsDir).flatMap((pact) => pact.interactions.map((i) => [i.description, i] as const)),
  );
  return decisionPages(decisionRecords, {
    machines: {
      session: describeMachine(sessionMachine),
      charge: describeMachine(chargeMachine),
      refund: describeMachine(refundMachine),
    },
    interactions,
  });
};

/** Every generator, in the order `pnpm run docs` runs them. */
export const generators: ReadonlyArray<DocGenerator> = [
  single("openapi.json", renderOpenApi),
  single("provider-states.md", providerStatesMarkdown),
  { name: "lifecycle", render: lifecycle },
  single("contracts.md", () => contractCatalogue(loadPacts(contractsDir))),
  single("coverage.md", () => coveragePage(contractsDir)),
  { name: "decisions", render: decisions },
  { name: "guides", render: renderGuides },
  { name: "api reference (typedoc)", render: renderApiReference },
];
