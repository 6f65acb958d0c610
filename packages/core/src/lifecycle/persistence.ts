/**
 * Storing and loading session snapshots as plain JSON, versioned.
 *
 * @since 0.1.0
 */
import type { Snapshot } from "xstate";
import { sessionMachine } from "./sessionMachine.js";
import {
  chargeStatusOfState,
  type SessionSnapshot,
  type SessionState,
  sessionStatusOfState,
} from "./status.js";
import type { SessionContext } from "./types.js";

/** The version {@link persistSession} writes and {@link restoreSession} reads. @since 0.1.0 @category Persistence */
export const sessionSchemaVersion = 1;

/**
 * A stored session: `schemaVersion` plus XState's persisted snapshot (`status`, `value`,
 * `context`, …). Plain JSON: `JSON.stringify` and back gives an equal value. The `snapshot` part
 * can also start an actor: `createActor(sessionMachine, { snapshot, input })` (XState's types ask
 * for an `input`; it is not read when a snapshot is given).
 *
 * @since 0.1.0
 * @category Persistence
 */
export interface PersistedSession {
  readonly schemaVersion: typeof sessionSchemaVersion;
  readonly snapshot: Snapshot<unknown> & {
    readonly value: SessionState;
    readonly context: SessionContext;
  };
}

/**
 * Why a stored session could not be restored.
 *
 * @since 0.1.0
 * @category Persistence
 */
export type RestoreError =
  | { readonly _tag: "UnknownSchemaVersion"; readonly schemaVersion: unknown; readonly message: string }
  | { readonly _tag: "MalformedSession"; readonly message: string };

/** {@link restoreSession}'s answer. @since 0.1.0 @category Persistence */
export type RestoreResult =
  | { readonly ok: true; readonly snapshot: SessionSnapshot }
  | { readonly ok: false; readonly error: RestoreError };

/**
 * The JSON to store for a snapshot (XState's `getPersistedSnapshot`, tagged `schemaVersion: 1`).
 * The session has no child actors, so the persisted form is the state value and the context.
 *
 * @example
 * await db.put(id, JSON.stringify(persistSession(snapshot)))
 * @since 0.1.0
 * @category Persistence
 */
export const persistSession = (snapshot: SessionSnapshot): PersistedSession => {
  // XState types the persisted form as `Snapshot<unknown>`; for this machine it is { status, value, context, … }.
  const persisted = sessionMachine.getPersistedSnapshot(snapshot) as unknown as PersistedSession["snapshot"];
  return { schemaVersion: sessionSchemaVersion, snapshot: persisted };
};

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === "object" && u !== null && !Array.isArray(u);

const malformed = (message: string): RestoreResult => ({
  ok: false,
  error: { _tag: "MalformedSession", message },
});

const contextProblem = (context: Readonly<Record<string, unknown>>): string | null => {
  if (typeof context.id !== "string") return "context.id is not a string";
  if (!isRecord(context.settings)) return "context.settings is not an object";
  if (!isRecord(context.amount)) return "context.amount is not an object";
  if (typeof context.createdAt !== "number" || typeof context.updatedAt !== "number") {
    return "context.createdAt / updatedAt are not numbers";
  }
  if (!Array.isArray(context.charges)) return "context.charges is not an array";
  if (!Array.isArray(context.latePayments)) return "context.latePayments is not an array";
  for (const charge of context.charges) {
    if (!isRecord(charge) || typeof charge.state !== "string" || !(charge.state in chargeStatusOfState)) {
      return "a charge has an unknown state";
    }
    if (!isRecord(charge.context)) return "a charge has no context";
  }
  return null;
};

/**
 * Loads a stored session (the parsed JSON of {@link persistSession}). The round trip is the
 * identity: same state, same context. Refuses, as a typed error, another `schemaVersion`
 * (`UnknownSchemaVersion`) or a shape that is not a session (`MalformedSession`).
 *
 * @example
 * const restored = restoreSession(JSON.parse(row.snapshot))
 * if (!restored.ok) throw new StoreCorrupt(restored.error)
 * @since 0.1.0
 * @category Persistence
 */
export const restoreSession = (json: unknown): RestoreResult => {
  if (!isRecord(json)) return malformed("a stored session is a JSON object");
  if (json.schemaVersion !== sessionSchemaVersion) {
    return {
      ok: false,
      error: {
        _tag: "UnknownSchemaVersion",
        schemaVersion: json.schemaVersion,
        message: `Unknown session schemaVersion ${String(json.schemaVersion)}; this library reads ${sessionSchemaVersion}`,
      },
    };
  }
  const persisted = json.snapshot;
  if (!isRecord(persisted)) return malformed("snapshot is not an object");
  const value = persisted.value;
  if (typeof value !== "string" || !(value in sessionStatusOfState)) {
    return malformed(`unknown session state ${JSON.stringify(value)}`);
  }
  if (!isRecord(persisted.context)) return malformed("snapshot.context is not an object");
  const problem = contextProblem(persisted.context);
  if (problem !== null) return malformed(problem);
  const snapshot = sessionMachine.resolveState({
    value: value as SessionState,
    context: persisted.context as unknown as SessionContext,
  });
  return { ok: true, snapshot };
};
