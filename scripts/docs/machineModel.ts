/**
 * The machine reader moved to the core (packages/core/src/lifecycle/machineModel.ts) so that the
 * transition universe and the docs read the definitions the same way; re-exported for the generators.
 */
export {
  type ActionRef,
  ALWAYS,
  type Branch,
  branchesFor,
  describeMachine,
  type MachineModel,
  type StateModel,
} from "@payment-session/core";
