/**
 * The conformance explorer: generated lifecycles driven against a live provider, every answer
 * checked against the core's machines.
 *
 * @since 0.1.0
 */
export { EXPLORE_USAGE, type ExploreIo, exploreJUnit, runExploreCli } from "./command.js";
export { exploreDefaults, exploreProvider } from "./exploreProvider.js";
export { formatExploreReport, formatFailureStep, formatProgress } from "./format.js";
export * from "./model.js";
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
