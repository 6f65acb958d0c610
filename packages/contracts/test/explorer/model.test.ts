/**
 * The explorer's model: its predictions are the core's (createSession / applyEvent / refusalAnswer),
 * and its checks catch an answer that differs in any field they compare.
 */
import {
  applyEvent,
  type Charge,
  createSession,
  type PaymentSession,
  refusalAnswer,
  type SessionSnapshot,
  toPaymentSession,
} from "@payment-session/core";
import { describe, expect, it } from "vitest";
import {
  checkAnswer,
  compareSession,
  type Expectation,
  isPlaceholder,
  learnSession,
  predictCreate,
  predictOperation,
} from "../../src/explorer/model.js";

const at = Date.parse("2030-01-01T00:00:00Z");
const vaCreate = {
  clientReferenceId: "order-1",
  amount: { value: 20_000, currency: "IDR" },
  mode: "API",
  paymentMethod: { type: "VIRTUAL_ACCOUNT" },
  paymentMethodOptions: { virtualAccount: { channel: "BNI" } },
};

const created = (body: unknown = vaCreate): SessionSnapshot => {
  const p = predictCreate(body, at);
  if (p.next === null) throw new Error("refused");
  return p.next;
};

const sessionOf = (e: Expectation): PaymentSession => {
  if (e.kind !== "session") throw new Error(`expected a session expectation, got ${e.kind}`);
  return e.session;
};

describe("predictions are the core's", () => {
  it("a create with a method and autoConfirm is the core's REQUIRE_ACTION session with one waiting charge", () => {
    const p = predictCreate(vaCreate, at);
    const core = createSession(vaCreate as never, { id: "s", at, charge: { id: "c" } });
    if (!core.ok) throw new Error("core refused");
    const session = sessionOf(p.expectation);
    expect(session.status).toBe(toPaymentSession(core.snapshot).status);
    expect(session.status).toBe("REQUIRE_ACTION");
    expect(session.chargeDetails?.map((c) => c.status)).toEqual(["WAITING_FOR_USER_ACTION"]);
    expect(isPlaceholder(session.id)).toBe(true);
    expect(session.expiryAt).toBe("2030-01-01T00:15:00Z");
  });

  it("a create without a method is REQUIRE_PAYMENT_METHOD; with autoConfirm false REQUIRE_CONFIRMATION", () => {
    expect(
      sessionOf(
        predictCreate({ clientReferenceId: "r", amount: { value: 20_000, currency: "IDR" } }, at).expectation,
      ).status,
    ).toBe("REQUIRE_PAYMENT_METHOD");
    expect(sessionOf(predictCreate({ ...vaCreate, autoConfirm: false }, at).expectation).status).toBe(
      "REQUIRE_CONFIRMATION",
    );
  });

  it("a body the schema refuses, and an expiryAt in the past, are 400 api_validation_error (the latter naming expiryAt)", () => {
    expect(predictCreate({ clientReferenceId: "r" }, at).expectation).toMatchObject({
      status: 400,
      code: "api_validation_error",
    });
    expect(predictCreate({ ...vaCreate, expiryAt: "2029-12-31T23:59:00Z" }, at).expectation).toMatchObject({
      status: 400,
      fields: ["expiryAt"],
    });
  });

  it("a refused operation is the core's refusal, mapped by refusalAnswer", () => {
    const snapshot = created();
    const p = predictOperation(
      snapshot,
      { kind: "cancel", body: { cancellationReason: "DUPLICATED" } },
      at + 1000,
    );
    const core = applyEvent(snapshot, { type: "CANCEL", at: at + 1000, cancellationReason: "DUPLICATED" });
    expect(core.outcome._tag).toBe("Refused");
    expect(p.expectation).toMatchObject({
      status: refusalAnswer("invalid_state").status,
      code: "invalid_state",
    });
    expect(p.next).toBe(snapshot);
  });

  it("a simulated payment of the right amount pays the session and causes PAYMENT.PAID; a wrong amount is 422 amount_mismatch", () => {
    const snapshot = created();
    const paid = predictOperation(
      snapshot,
      { kind: "simulate", body: { paymentSessionId: "x", chargeStatus: "SUCCESS" } },
      at + 1000,
    );
    expect(paid.expectation.kind).toBe("simulation");
    expect(paid.next?.value).toBe("PAID");
    expect(paid.webhooks.map((w) => w.event)).toEqual(["PAYMENT.PAID"]);
    const wrong = predictOperation(
      snapshot,
      {
        kind: "simulate",
        body: { paymentSessionId: "x", chargeStatus: "SUCCESS", amount: { value: 1, currency: "IDR" } },
      },
      at + 1000,
    );
    expect(wrong.expectation).toMatchObject({ status: 422, code: "amount_mismatch" });
    expect(wrong.webhooks).toEqual([]);
  });

  it("a read past expiryAt is EXPIRED without cancellationReason, and causes PAYMENT.CANCELLED once", () => {
    const snapshot = created();
    const read = predictOperation(snapshot, { kind: "get" }, at + 16 * 60_000);
    const session = sessionOf(read.expectation);
    expect(session.status).toBe("EXPIRED");
    expect(session.cancellationReason).toBeNull();
    expect(read.webhooks.map((w) => w.event)).toEqual(["PAYMENT.CANCELLED"]);
    const again = predictOperation(read.next as SessionSnapshot, { kind: "get" }, at + 17 * 60_000);
    expect(again.webhooks).toEqual([]);
  });

  it("the transitions reached name the state before, the event and the result", () => {
    const p = predictOperation(
      created(),
      { kind: "cancel", body: { cancellationReason: "DUPLICATED" } },
      at + 1000,
    );
    expect(p.reached).toContainEqual(
      expect.objectContaining({ machine: "session", event: "CANCEL", result: "refused:invalid_state" }),
    );
  });
});

describe("learning provider-chosen ids", () => {
  it("adopts the session and charge ids of the answer, after which they are compared exactly", () => {
    const snapshot = created();
    const actual = { ...toPaymentSession(snapshot), id: "session-7", chargeDetails: [{ id: "charge-9" }] };
    const learned = learnSession(snapshot, actual);
    expect(learned.context.id).toBe("session-7");
    expect(learned.context.charges[0]?.context.id).toBe("charge-9");
    const expected = toPaymentSession(learned);
    expect(compareSession("data", expected, { ...expected, id: "session-8" })?.path).toBe("data.id");
  });
});

describe("checks catch every compared field", () => {
  const snapshot = created();
  const expected = toPaymentSession(learnSession(snapshot, { id: "s1", chargeDetails: [{ id: "c1" }] }));
  const ok = (data: unknown) =>
    checkAnswer({ kind: "session", status: 200, session: expected }, { status: 200, body: { data } });

  it("passes the model's own answer, in another key order, with instants in another ISO form and nulls omitted", () => {
    const { cancelledAt: _c, cancellationReason: _r, ...withoutNulls } = expected;
    const reordered = Object.fromEntries(Object.entries(withoutNulls).reverse());
    expect(ok({ ...reordered, createdAt: "2030-01-01T07:00:00+07:00" })).toBeUndefined();
  });

  it.each([
    ["status", { status: "PAID" }, "data.status"],
    ["amount", { amount: { value: 1, currency: "IDR" } }, "data.amount.value"],
    ["expiryAt", { expiryAt: "2030-01-01T00:30:00Z" }, "data.expiryAt"],
    ["cancellationReason", { cancellationReason: "CHARGE_FAILED" }, "data.cancellationReason"],
    ["clientReferenceId", { clientReferenceId: "other" }, "data.clientReferenceId"],
    ["charges", { chargeDetails: [] }, "data.chargeDetails.length"],
    [
      "charge status",
      { chargeDetails: [{ ...expected.chargeDetails?.[0], status: "SUCCESS" }] },
      "data.chargeDetails[0].status",
    ],
    [
      "paidAt",
      { chargeDetails: [{ ...expected.chargeDetails?.[0], paidAt: "2030-01-01T00:00:00Z" }] },
      "data.chargeDetails[0].paidAt",
    ],
  ])("a wrong %s", (_name, change, path) => {
    expect(ok({ ...expected, ...change })?.path).toBe(path);
  });

  it("an error answer with another code, type or without the named field", () => {
    const e: Expectation = {
      kind: "error",
      status: 400,
      code: "api_validation_error",
      types: ["API_ERROR"],
      fields: ["expiryAt"],
    };
    const body = (code: string, type: string, field: string) => ({
      code,
      message: "m",
      error: { type, details: [{ field, message: "m" }] },
    });
    expect(
      checkAnswer(e, { status: 400, body: body("api_validation_error", "API_ERROR", "expiryAt") }),
    ).toBeUndefined();
    expect(
      checkAnswer(e, { status: 422, body: body("api_validation_error", "API_ERROR", "expiryAt") })?.path,
    ).toBe("status");
    expect(checkAnswer(e, { status: 400, body: body("invalid_state", "API_ERROR", "expiryAt") })?.path).toBe(
      "code",
    );
    expect(
      checkAnswer(e, { status: 400, body: body("api_validation_error", "PARTNER_ERROR", "expiryAt") })?.path,
    ).toBe("error.type");
    expect(
      checkAnswer(e, { status: 400, body: body("api_validation_error", "API_ERROR", "amount") })?.path,
    ).toBe("error.details[].field");
  });

  it("a replay must be the first answer again (any key order), and a list page must hold the right sessions", () => {
    const first = { code: "00", data: { id: "a", n: [1, 2] } };
    expect(
      checkAnswer(
        { kind: "replay", status: 200, body: first },
        { status: 200, body: { data: { n: [1, 2], id: "a" }, code: "00" } },
      ),
    ).toBeUndefined();
    expect(
      checkAnswer(
        { kind: "replay", status: 200, body: first },
        { status: 200, body: { code: "00", data: { id: "b", n: [1, 2] } } },
      )?.path,
    ).toBe("body");
    const two = [expected, { ...expected, id: "s2" }];
    const list: Expectation = { kind: "sessionList", status: 200, sessions: two, page: 1, perPage: 1 };
    const pagination = { page: 1, perPage: 1, totalItems: 2, totalPages: 2 };
    expect(checkAnswer(list, { status: 200, body: { data: [two[1]], pagination } })).toBeUndefined();
    expect(checkAnswer(list, { status: 200, body: { data: [two[0]], pagination } })).toBeUndefined();
    expect(
      checkAnswer(list, { status: 200, body: { data: [{ ...expected, id: "s3" }], pagination } })?.path,
    ).toBe("data[0].id");
    expect(
      checkAnswer(list, {
        status: 200,
        body: { data: [two[1]], pagination: { ...pagination, totalItems: 3 } },
      })?.path,
    ).toBe("pagination.totalItems");
  });

  it("sessions created at the same instant may come in any order among themselves, on lists and charge lists", () => {
    const later = { ...expected, id: "s3", createdAt: "2030-01-01T00:00:01Z" };
    const tied = [expected, { ...expected, id: "s2" }, later];
    const list: Expectation = { kind: "sessionList", status: 200, sessions: tied, page: 2, perPage: 1 };
    const pagination = { page: 2, perPage: 1, totalItems: 3, totalPages: 3 };
    // Newest first: s3, then s1 and s2 in either order.
    expect(checkAnswer(list, { status: 200, body: { data: [tied[0]], pagination } })).toBeUndefined();
    expect(checkAnswer(list, { status: 200, body: { data: [tied[1]], pagination } })).toBeUndefined();
    expect(checkAnswer(list, { status: 200, body: { data: [later], pagination } })?.path).toBe("data[0].id");
    const charges: Expectation = { kind: "chargeList", status: 200, sessions: tied, page: 1, perPage: 1 };
    const chargeOf = (s: PaymentSession): Charge => {
      const charge = s.chargeDetails?.[0];
      if (charge === undefined) throw new Error("no charge");
      return charge;
    };
    const cp = { page: 1, perPage: 1, totalItems: 3, totalPages: 3 };
    const withCharge = (s: PaymentSession, id: string): PaymentSession => ({
      ...s,
      chargeDetails: [{ ...chargeOf(s), id, paymentSessionId: s.id }],
    });
    const sessions = [
      withCharge(tied[0] as PaymentSession, "c1"),
      withCharge(tied[1] as PaymentSession, "c2"),
    ];
    const tiedCharges: Expectation = { ...charges, sessions };
    const cp2 = { ...cp, totalItems: 2, totalPages: 2 };
    expect(
      checkAnswer(tiedCharges, {
        status: 200,
        body: { data: [chargeOf(sessions[1] as PaymentSession)], pagination: cp2 },
      }),
    ).toBeUndefined();
    expect(
      checkAnswer(tiedCharges, {
        status: 200,
        body: { data: [chargeOf(sessions[0] as PaymentSession)], pagination: cp2 },
      }),
    ).toBeUndefined();
    expect(
      checkAnswer(tiedCharges, {
        status: 200,
        body: { data: [{ ...chargeOf(sessions[0] as PaymentSession), id: "c9" }], pagination: cp2 },
      })?.path,
    ).toBe("data[0].id");
  });
});
