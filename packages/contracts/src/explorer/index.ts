/**
 * The conformance explorer: generated lifecycles driven against a live provider, every answer
 * checked against the core's machines.
 *
 * @since 0.1.0
 */
export { type ExploreIo, exploreJUnit, runExploreCli } from "./command.js";
export { exploreProvider } from "./exploreProvider.js";
export { formatExploreReport, formatFailureStep, formatProgress } from "./format.js";
export {
  type CheckLinearizableOptions,
  checkLinearizable,
  formatTimeline,
  type HistoryCall,
  type LinearizabilityFailure,
  type LinearizabilityModel,
  type LinearizabilityResult,
} from "./linearizability.js";
export * from "./model.js";
export {
  type RaceCall,
  type RaceFailure,
  type RaceHistory,
  type RaceOperation,
  type RunRacesOptions,
  type RunRacesResult,
  raceStartingStatuses,
  runRaces,
} from "./races.js";
export { type Delivery, startReceiver, type WebhookReceiver } from "./receiver.js";
export {
  createBody,
  describeStep,
  type InvalidBody,
  type MethodChoice,
  methodBody,
  type Step,
  stepArbitrary,
} from "./steps.js";
export * from "./types.js";
export { EXPLORE_USAGE, exploreDefaults } from "./usage.js";
