/**
 * XState's interpreter as the reference of the compiled-step property, at a fifth of the cost of
 * `transition()`.
 *
 * `transition(machine, snapshot, event)` is `machine.transition(snapshot, event, scope)` with a new
 * inert actor scope per call, and making that scope (`createActor(machine)`, which computes the
 * machine's initial snapshot, and a fresh actor system) is most of its cost. {@link reusedScopeStep}
 * makes the same kind of scope once per machine and runs the same `machine.transition` with it,
 * collecting the actions it would execute exactly as `transition()` does. That is sound for machines
 * that spawn, invoke and register nothing in the actor system (ours: `compileMachine` refuses what
 * it does not support), and `compiledStep.test.ts` checks it against `transition()` itself.
 */
import { type AnyStateMachine, createActor } from "xstate";

type Step<S, E> = (
  snapshot: S,
  event: E,
) => readonly [S, ReadonlyArray<{ readonly type: string; readonly params?: unknown }>];

/**
 * `machine.transition` with one inert actor scope, as `transition()` builds it per call.
 * `keepActions` is a deliberate defect for the test that checks this against `transition()`: the
 * actions of earlier calls are not cleared.
 */
export const reusedScopeStep = <S, E>(
  machine: AnyStateMachine,
  { keepActions = false }: { readonly keepActions?: boolean } = {},
): Step<S, E> => {
  const self = createActor(machine);
  let executed: Array<{ readonly type: string; readonly params?: unknown }> = [];
  const scope = {
    self,
    defer: () => {},
    id: "",
    logger: () => {},
    sessionId: "",
    stopChild: () => {},
    system: self.system,
    emit: () => {},
    actionExecutor: (action: { readonly type: string; readonly params?: unknown }) => {
      executed.push(action);
    },
  };
  return (snapshot, event) => {
    if (!keepActions) executed = [];
    const next = machine.transition(snapshot as never, event as never, scope as never) as S;
    return [next, [...executed]] as const;
  };
};
