import { describe, expect, it } from "vitest";
import { checkLinearizable } from "../../src/explorer/linearizability.js";
import type { HttpAnswer } from "../../src/explorer/model.js";
import { type RaceCall, type RaceOperation, sessionRaceModel } from "../../src/explorer/races.js";
import { AT, answerOf, startingSnapshot } from "./support/raceAnswers.js";

const setUp = (status: Parameters<typeof startingSnapshot>[0]) => {
  const { snapshot, sessionId } = startingSnapshot(status);
  const model = sessionRaceModel({ initial: snapshot, at: AT });
  /** The answer a correct provider gives to `operation` after `before` (applied in order). */
  const answer = (operation: RaceOperation, before: ReadonlyArray<RaceOperation> = []): HttpAnswer => {
    let state = model.init();
    for (const op of before) state = model.predict(state, op).next ?? state;
    return answerOf(model.identify(model.predict(state, operation).expectation));
  };
  const call = (
    client: string,
    input: RaceOperation,
    output: HttpAnswer | undefined,
    from: number,
    to: number,
  ): RaceCall => ({
    client,
    sessionId,
    input,
    output,
    call: from,
    return: output === undefined ? Number.POSITIVE_INFINITY : to,
  });
  const check = (history: ReadonlyArray<RaceCall>) => checkLinearizable({ model, history });
  return { model, answer, call, check };
};

const pay: RaceOperation = { kind: "pay" };
const get: RaceOperation = { kind: "get" };
const expire: RaceOperation = { kind: "expire" };
const cancel: RaceOperation = { kind: "cancel", body: { cancellationReason: "DUPLICATED" } };

describe("the session model of races", () => {
  it("refuses a GET that still shows REQUIRE_ACTION after a pay completed", () => {
    const { answer, call, check } = setUp("REQUIRE_ACTION");
    const stale = answer(get);
    expect(stale.body).toMatchObject({ data: { status: "REQUIRE_ACTION" } });
    const result = check([call("a", pay, answer(pay), 0, 1), call("b", get, stale, 2, 3)]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.unexplained).toEqual([1]);
    expect(result.explanation).toContain(
      "get → 200 REQUIRE_ACTION [WAITING_FOR_USER_ACTION]   ✗ cannot be explained",
    );
    expect(result.explanation).toContain("State after it: PAID [SUCCESS].");
  });

  it("lets a GET overlapping the pay show the session before or after it", () => {
    const { answer, call, check } = setUp("REQUIRE_ACTION");
    expect(check([call("a", pay, answer(pay), 0, 3), call("b", get, answer(get), 1, 2)]).ok).toBe(true);
    expect(check([call("a", pay, answer(pay), 0, 3), call("b", get, answer(get, [pay]), 1, 2)]).ok).toBe(
      true,
    );
  });

  it("refuses two concurrent cancels that both say CANCELLED, accepts one refused", () => {
    const { answer, call, check } = setUp("REQUIRE_PAYMENT_METHOD");
    const cancelled = answer(cancel);
    expect(cancelled.body).toMatchObject({ data: { status: "CANCELLED" } });
    const refused = answer(cancel, [cancel]);
    expect(refused.status).toBe(422);
    expect(check([call("a", cancel, cancelled, 0, 2), call("b", cancel, cancelled, 1, 3)]).ok).toBe(false);
    expect(check([call("a", cancel, cancelled, 0, 2), call("b", cancel, refused, 1, 3)]).ok).toBe(true);
    expect(check([call("a", cancel, refused, 0, 2), call("b", cancel, cancelled, 1, 3)]).ok).toBe(true);
  });

  it("accepts a pay and an expire racing in either order when the later read agrees, and no read of neither", () => {
    const { answer, call, check } = setUp("REQUIRE_ACTION");
    for (const [first, second] of [
      [pay, expire],
      [expire, pay],
    ] as const) {
      const history = [
        call("a", first, answer(first), 0, 2),
        call("b", second, answer(second, [first]), 1, 3),
        call("c", get, answer(get, [first, second]), 4, 5),
      ];
      expect(check(history).ok).toBe(true);
      // A read that shows the session untouched after both completed is no order's.
      expect(check([...history.slice(0, 2), call("c", get, answer(get), 4, 5)]).ok).toBe(false);
    }
  });

  it("treats a pay without answer as possibly applied, and once seen, applied for good", () => {
    const { answer, call, check } = setUp("REQUIRE_ACTION");
    const paid = answer(get, [pay]);
    const waiting = answer(get);
    expect(check([call("a", pay, undefined, 0, 0), call("b", get, paid, 1, 2)]).ok).toBe(true);
    expect(check([call("a", pay, undefined, 0, 0), call("b", get, waiting, 1, 2)]).ok).toBe(true);
    expect(
      check([call("a", pay, undefined, 0, 0), call("b", get, paid, 1, 2), call("c", get, waiting, 3, 4)]).ok,
    ).toBe(false);
  });

  it("memoises predictions: the same question about the same state is computed once", () => {
    const { model, answer, call, check } = setUp("REQUIRE_ACTION");
    const history = Array.from({ length: 8 }, (_, i) => call(`c${i}`, get, answer(get), 0, 1));
    expect(check(history).ok).toBe(true);
    expect(model.memo.computed).toBe(1);
    expect(model.memo.predictions).toBeGreaterThan(1);
  });
});
