import { describe, expect, it } from "vitest";
import { createActor } from "xstate";
import {
  applyEvent,
  persistSession,
  restoreSession,
  sessionMachine,
  sessionStatus,
} from "../../src/lifecycle/index.js";
import { accept, cardIssue, created, IDR, MINUTE, singleRequest, T0 } from "./fixtures.js";

describe("persistence", () => {
  const paidCard = () => {
    const s0 = created(singleRequest("CARD", {}, "manual"), { charge: cardIssue() });
    const s1 = accept(s0, { type: "AUTHORIZED", at: T0 + MINUTE, authorizedAmount: IDR(20_000) }).snapshot;
    return accept(s1, {
      type: "CAPTURE",
      at: T0 + 2 * MINUTE,
      captureId: "cap",
      releaseRemainingAmount: true,
    }).snapshot;
  };

  it("writes plain JSON tagged schemaVersion 1, and reads it back to an equal snapshot", () => {
    const snapshot = paidCard();
    const json = JSON.parse(JSON.stringify(persistSession(snapshot)));
    expect(json.schemaVersion).toBe(1);
    const restored = restoreSession(json);
    if (!restored.ok) throw new Error(restored.error.message);
    expect(restored.snapshot.value).toBe(snapshot.value);
    expect(restored.snapshot.status).toBe(snapshot.status);
    expect(restored.snapshot.context).toEqual(snapshot.context);
    expect(persistSession(restored.snapshot)).toEqual(json);
  });

  it("restores a snapshot that keeps working", () => {
    const s0 = created(singleRequest("VIRTUAL_ACCOUNT", { autoConfirm: false }));
    const restored = restoreSession(JSON.parse(JSON.stringify(persistSession(s0))));
    if (!restored.ok) throw new Error(restored.error.message);
    const next = applyEvent(restored.snapshot, {
      type: "CANCEL",
      at: T0 + MINUTE,
      cancellationReason: "VOID_SESSION",
    });
    expect(sessionStatus(next.snapshot)).toBe("CANCELLED");
  });

  it("starts an XState actor from the persisted snapshot, which carries on where it was", () => {
    const s0 = created(singleRequest("CARD", {}, "manual"), { charge: cardIssue() });
    const waiting = accept(s0, {
      type: "AUTHORIZED",
      at: T0 + MINUTE,
      authorizedAmount: IDR(20_000),
    }).snapshot;
    // XState's types ask for `input` even when an actor starts from a snapshot; it is not read.
    const actor = createActor(sessionMachine, {
      snapshot: persistSession(waiting).snapshot,
      input: undefined as never,
    });
    actor.start();
    actor.send({ type: "CAPTURE", at: T0 + 2 * MINUTE, captureId: "cap", releaseRemainingAmount: true });
    expect(actor.getSnapshot().value).toBe("PAID");
    expect(actor.getSnapshot().status).toBe("done");
    actor.stop();
  });

  it("refuses another schemaVersion with a typed error", () => {
    const json = { ...JSON.parse(JSON.stringify(persistSession(paidCard()))), schemaVersion: 2 };
    expect(restoreSession(json)).toMatchObject({
      ok: false,
      error: { _tag: "UnknownSchemaVersion", schemaVersion: 2 },
    });
  });

  it.each([
    ["not an object", 42],
    ["an unknown state", { schemaVersion: 1, snapshot: { value: "FAILED", context: {} } }],
    [
      "a context without charges",
      {
        schemaVersion: 1,
        snapshot: {
          value: "PAID",
          context: { id: "s", settings: {}, amount: {}, createdAt: 1, updatedAt: 1 },
        },
      },
    ],
  ])("refuses %s as MalformedSession", (_name, json) => {
    expect(restoreSession(json)).toMatchObject({ ok: false, error: { _tag: "MalformedSession" } });
  });
});
