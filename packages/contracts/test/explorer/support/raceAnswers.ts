/**
 * For the race model's tests and the bench: the answer a correct provider gives for a model
 * expectation (the body rendered from it), starting snapshots reached through the model alone, and
 * histories of race calls built from a sequential run of the core.
 */
import type { SessionSnapshot } from "@payment-session/core";
import {
  type Expectation,
  type HttpAnswer,
  predictCreate,
  predictOperation,
} from "../../../src/explorer/model.js";
import {
  type RaceOperation,
  type RaceStartingStatus,
  raceSetup,
  type SessionRaceModel,
  sessionOperationOf,
} from "../../../src/explorer/races.js";

/** 2026-03-01T10:00:00Z in epoch ms: the instant every race call is served at. */
export const AT = Date.parse("2026-03-01T10:00:00Z");

/** The answer a correct provider gives when the model expects `expectation`. */
export const answerOf = (expectation: Expectation): HttpAnswer => {
  switch (expectation.kind) {
    case "session":
      return { status: 200, body: { data: expectation.session } };
    case "simulation":
      return { status: 200, body: { data: { updated: "true" } } };
    case "capture":
      return {
        status: 200,
        body: {
          data: {
            amount: { value: expectation.amount, currency: "IDR" },
            paymentSessionId: expectation.paymentSessionId,
          },
        },
      };
    case "error":
      return {
        status: expectation.status,
        body: {
          code: expectation.code,
          message: expectation.code,
          error: {
            type: expectation.types[0],
            traceId: "trace",
            details: (expectation.fields ?? []).map((field) => ({ field, message: "invalid" })),
          },
        },
      };
    case "replay":
      return { status: expectation.status, body: expectation.body };
    default:
      return { status: expectation.status, body: { data: {} } };
  }
};

/** A session in `status`, reached by the model alone (ids are the model's: `sess-<n>`, charges learned as-is). */
export const startingSnapshot = (
  status: RaceStartingStatus,
  n = 0,
): { snapshot: SessionSnapshot; sessionId: string } => {
  const setup = raceSetup(status, `ref-${n}`);
  const created = predictCreate(setup.create, AT);
  if (created.next === null) throw new Error(`the model refuses the create body of ${status}`);
  let snapshot = created.next;
  const sessionId = snapshot.context.id;
  for (const operation of setup.steps) {
    const next = predictOperation(snapshot, sessionOperationOf(operation, sessionId), AT).next;
    if (next === null) throw new Error(`the model refuses ${operation.kind} while reaching ${status}`);
    snapshot = next;
  }
  return { snapshot, sessionId };
};

/**
 * The sequential run of the race model from one of its states: the next state and the answer a
 * correct provider gives (with the session's own ids).
 */
export const raceRun =
  (model: SessionRaceModel) =>
  (state: SessionSnapshot, operation: RaceOperation): readonly [SessionSnapshot, HttpAnswer] => {
    const p = model.predict(state, operation);
    return [p.next ?? state, answerOf(model.identify(p.expectation))];
  };
