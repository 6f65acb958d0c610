/**
 * The session and charge lifecycles as XState machines, and the pure API a backend drives them
 * with: create, apply an event, render, persist. No clock, no I/O, no randomness: instants, ids and
 * issued instruments come in with the events.
 *
 * @since 0.1.0
 */
export {
  type Applied,
  appliedOf,
  applyEvent,
  applyEventWith,
  compiledSessionMachine,
  compiledSessionStep,
  interpretedSessionStep,
  operationOfEvent,
  refusalMessage,
  type SessionStep,
  type SessionStepped,
  sessionAt,
  stepSession,
  stepSessionWith,
} from "./applyEvent.js";
export {
  type ChargeStep,
  captureAmountIssues,
  chargeMachine,
  chargeSnapshot,
  chargeStepOf,
  compiledChargeMachine,
  newChargeRecord,
  newChargeRecordInterpreted,
  stepCharge,
  stepChargeInterpreted,
} from "./chargeMachine.js";
export {
  type CompiledBranch,
  type CompiledMachine,
  type CompiledState,
  type ContextCopy,
  compileMachine,
  contextCopier,
  type Moved,
  type StepAction,
  type StepOverOptions,
  stepOver,
} from "./compileMachine.js";
export {
  defaultPaymentMethodConfig,
  type MethodLimits,
  methodIssues,
  type PaymentMethodConfig,
} from "./config.js";
export {
  type ChargeRequest,
  type ConfirmIntent,
  type CreatePlan,
  type CreateSessionContext,
  type CreateSessionResult,
  chargeRequestFor,
  createFromPlan,
  createSession,
  creationIssues,
  planCreate,
  type SessionExtras,
} from "./createSession.js";
export {
  awaitsAuthenticationStart,
  awaitsCustomer,
  awaitsPaymentMethod,
  cardPaymentEvents,
  customerActionChargeStatuses,
  returnUrlOf,
} from "./customer.js";
export {
  type CustomerAnswer,
  type CustomerStep,
  type CustomerStepPlan,
  customerStepEvents,
  customerStepOf,
  type SandboxAuthentication,
  type SandboxTestCard,
  type SandboxTestPhone,
  sandboxOtherCard,
  sandboxOtp,
  sandboxTestCardOf,
  sandboxTestCards,
  sandboxTestPhoneOf,
  sandboxTestPhones,
  stepNeedsOtp,
} from "./customerSandbox.js";
export {
  type ActionRef,
  ALWAYS,
  type Branch,
  branchesFor,
  branchOf,
  describeMachine,
  type MachineModel,
  type StateModel,
  type TransitionLike,
} from "./machineModel.js";
export {
  type PersistedSession,
  persistSession,
  type RestoreError,
  type RestoreResult,
  restoreSession,
  sessionSchemaVersion,
} from "./persistence.js";
export {
  type CancelRefundEvent,
  type ChannelFailedEvent,
  type ChannelSucceededEvent,
  finalRefundStatuses,
  holdingRefundStatuses,
  type RefundablePayment,
  type RefundContext,
  type RefundEvent,
  type RefundEventType,
  type RefundFailedEvent,
  type RefundInput,
  type RefundRefusalCode,
  type RefundRefusalParams,
  refundEventTypes,
  refundMachine,
  refundRequestIssues,
  type SubmitRefundEvent,
  type TransferStartedEvent,
  type TransferSucceededEvent,
} from "./refundMachine.js";
export {
  nextSandboxRefundStepAt,
  type RefundEventWithoutInstant,
  type SandboxRefundStep,
  sandboxRefundAccounts,
  sandboxRefundAt,
  sandboxRefundStepMs,
  sandboxRefundSteps,
} from "./refundSandbox.js";
export {
  applyRefundEvent,
  isHoldingRefundStatus,
  type OpenRefundResult,
  openRefund,
  persistRefund,
  type RefundAccepted,
  type RefundApplied,
  type RefundDuplicate,
  type RefundOutcome,
  type RefundRecord,
  type RefundRefused,
  type RefundState,
  type RefundTargetIssue,
  refundablePayment,
  refundLedger,
  refundRefusalMessage,
  refundSchemaVersion,
  refundSeedPath,
  refundSnapshot,
  refundStatus,
  restoreRefund,
  toRefund,
} from "./refunds.js";
export {
  merchantRefundTransitions,
  REFUND_REQUESTED,
  refundTransitionCause,
  refundTransitionKeyOf,
  refundTransitionUniverse,
  sandboxRefundKeys,
} from "./refundTransitions.js";
export { simulationResultOf, toCapture, toCharge, toPaymentSession } from "./render.js";
export {
  catalogueSeedPath,
  createWithIssued,
  placeholderIssue,
  plainCreateStatus,
  type SeedPath,
  type SeedTarget,
  seedPath,
} from "./seed.js";
export {
  confirmationIssues,
  currentCharge,
  initialContext,
  type RelayedRefusal,
  sessionMachine,
} from "./sessionMachine.js";
export { type SimulationPlan, simulationEvent } from "./simulation.js";
export {
  type ChargeState,
  chargeStatus,
  chargeStatusOfState,
  documentedStatusPairs,
  isFinalSessionStatus,
  type SessionSnapshot,
  type SessionState,
  type StatusPair,
  sessionStatus,
  sessionStatusOfState,
  sessionStatusRank,
} from "./status.js";
export {
  type AppliedKeys,
  creationKeysOf,
  formatTransitionKey,
  type MachineName,
  parseTransitionKey,
  pastExpiryOnlyKeys,
  pastExpiryOnlyKeysOf,
  type TransitionKey,
  transitionKeyOf,
  transitionUniverse,
  transitionUniverseOf,
  type UniverseSource,
} from "./transitions.js";
export * from "./types.js";
export { callbackCharge, callbackDedupeKey, refundCallbackDedupeKey } from "./webhooks.js";
