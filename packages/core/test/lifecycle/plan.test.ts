import { describe, expect, it } from "vitest";
import {
  applyEvent,
  callbackDedupeKey,
  createFromPlan,
  planCreate,
  toCapture,
} from "../../src/lifecycle/index.js";
import { cardIssue, created, IDR, MINUTE, singleRequest, T0, vaIssue } from "./fixtures.js";

describe("planCreate: a create request checked and planned once", () => {
  it("refuses a bad request with its details, before anything is issued", () => {
    const planned = planCreate(
      singleRequest("VIRTUAL_ACCOUNT", { expiryAt: new Date(T0 - MINUTE).toISOString() }),
      T0,
    );
    expect(planned.ok).toBe(false);
    if (planned.ok) return;
    expect(planned.refusal.code).toBe("validation");
    expect(planned.refusal.details?.map((d) => d.field)).toContain("expiryAt");
  });

  it("says which charge opens and what the session gets (the core decides, the issuers make)", () => {
    const cases = [
      [
        singleRequest("VIRTUAL_ACCOUNT"),
        { hostedPage: false, encryptionKey: false, staticMethod: null },
        true,
      ],
      [
        singleRequest("CARD", { autoConfirm: false }),
        { hostedPage: false, encryptionKey: true, staticMethod: null },
        false,
      ],
      [
        singleRequest("CARD", { mode: "REDIRECT", autoConfirm: false }),
        { hostedPage: true, encryptionKey: false, staticMethod: null },
        false,
      ],
      [
        singleRequest("VIRTUAL_ACCOUNT", { paymentType: "MULTIPLE" }),
        { hostedPage: false, encryptionKey: false, staticMethod: "VIRTUAL_ACCOUNT" },
        false,
      ],
      [
        singleRequest("QR", { paymentType: "MULTIPLE", amount: undefined }),
        { hostedPage: false, encryptionKey: false, staticMethod: "QR" },
        false,
      ],
    ] as const;
    for (const [request, extras, opensCharge] of cases) {
      const planned = planCreate(request, T0);
      if (!planned.ok) throw new Error(JSON.stringify(planned.refusal));
      expect(planned.plan.extras, JSON.stringify(request)).toEqual(extras);
      expect(planned.plan.charge !== null, JSON.stringify(request)).toBe(opensCharge);
    }
  });

  it("createFromPlan refuses charge_required when the plan opens a charge that was not issued", () => {
    const planned = planCreate(singleRequest("VIRTUAL_ACCOUNT"), T0);
    if (!planned.ok) throw new Error("refused");
    expect(createFromPlan(planned.plan, { id: "s" }).ok).toBe(false);
    expect(createFromPlan(planned.plan, { id: "s", charge: vaIssue() }).ok).toBe(true);
  });
});

describe("toCapture: the capture answer, built once", () => {
  it("renders the capture the CAPTURE recorded, and null for an unknown capture id", () => {
    let s = created(singleRequest("CARD", {}, "manual"), { charge: cardIssue() });
    s = applyEvent(s, { type: "AUTHORIZED", at: T0 + MINUTE, authorizedAmount: IDR(20_000) }).snapshot;
    const captured = applyEvent(s, {
      type: "CAPTURE",
      at: T0 + 2 * MINUTE,
      captureId: "cap-1",
      amount: IDR(15_000),
      releaseRemainingAmount: false,
    });
    expect(toCapture(captured.snapshot, "cap-1", false)).toMatchObject({
      id: "cap-1",
      amount: IDR(15_000),
      status: "SUCCESS",
      createdAt: new Date(T0 + 2 * MINUTE).toISOString().replace(".000", ""),
    });
    expect(toCapture(captured.snapshot, "cap-2", false)).toBeNull();
  });
});

describe("callbackDedupeKey (W2): one key for the provider and the merchant's handler", () => {
  it("names the session, the event and the latest charge's id and status", () => {
    const s = created(singleRequest("VIRTUAL_ACCOUNT"), { charge: vaIssue("ch-1") });
    const paid = applyEvent(s, {
      type: "PAYMENT_RECEIVED",
      at: T0 + MINUTE,
      chargeId: "ch-1",
      amount: IDR(20_000),
    });
    if (paid.outcome._tag !== "Accepted") throw new Error("refused");
    const [callback] = paid.outcome.webhooks;
    if (callback === undefined) throw new Error("no webhook");
    expect(JSON.parse(callbackDedupeKey(callback))).toEqual(["session-1", callback.event, "ch-1", "SUCCESS"]);
  });
});
