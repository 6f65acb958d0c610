/**
 * Transition coverage of the contracts: which transitions of the machines the Pact interactions
 * exercise (replayed through the core), which an exploration reached, and the gate.
 *
 * @since 0.1.0
 */
export { type EventCauses, eventCauses } from "./causes.js";
export { type CoverageIo, type CoverageOptions, coverageMain, runCoverage } from "./main.js";
export {
  exercisedKeys,
  type InteractionReplay,
  loadPactFiles,
  type PactFile,
  type PactInteraction,
  type PactState,
  replayInteraction,
  replayPacts,
} from "./replay.js";
export {
  type AllowListEntry,
  type CoverageInput,
  type CoverageReport,
  coverageReport,
  parseAllowList,
  reportJson,
  reportMarkdown,
  summaryText,
  type TransitionCoverage,
} from "./report.js";
