import { describe, expect, it } from "vitest";
import { checkLinearizable, type HistoryCall } from "../../src/explorer/linearizability.js";
import { type CounterInput, counter, type RegisterInput, register } from "./support/toyModels.js";

type RegisterCall = HistoryCall<RegisterInput, number | "ok"> & { readonly key?: string };
const write = (value: number, call: number, ret: number, client = "w"): RegisterCall => ({
  client,
  input: { op: "write", value },
  output: "ok",
  call,
  return: ret,
});
const read = (output: number, call: number, ret: number, client = "r"): RegisterCall => ({
  client,
  input: { op: "read" },
  output,
  call,
  return: ret,
});
const lost = (c: RegisterCall): RegisterCall => ({
  ...c,
  output: undefined,
  return: Number.POSITIVE_INFINITY,
});

const check = (history: ReadonlyArray<RegisterCall>) => checkLinearizable({ model: register, history });

describe("checkLinearizable on a register", () => {
  it("refuses a stale read after a completed write", () => {
    const result = check([write(1, 0, 1), read(0, 2, 3)]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.unexplained).toEqual([1]);
    expect(result.explanation).toContain("read() → 0   ✗ cannot be explained");
  });

  it("lets a read overlapping a write answer the old or the new value, and nothing else", () => {
    expect(check([write(1, 0, 3), read(0, 1, 2)]).ok).toBe(true);
    expect(check([write(1, 0, 3), read(1, 1, 2)]).ok).toBe(true);
    expect(check([write(1, 0, 3), read(2, 1, 2)]).ok).toBe(false);
  });

  it("treats calls whose intervals touch as concurrent", () => {
    expect(check([write(1, 0, 2), read(0, 2, 3)]).ok).toBe(true);
  });

  it("refuses a new-then-old inversion of two reads during one write", () => {
    expect(check([write(1, 0, 10), read(1, 1, 2, "a"), read(0, 3, 4, "b")]).ok).toBe(false);
    expect(check([write(1, 0, 10), read(0, 1, 2, "a"), read(1, 3, 4, "b")]).ok).toBe(true);
  });

  it("lets a call with no answer have taken effect, at any later point, or not at all", () => {
    const w = lost(write(1, 0, 1));
    expect(check([w, read(1, 5, 6)]).ok).toBe(true);
    expect(check([w, read(0, 5, 6)]).ok).toBe(true);
    expect(check([w, read(0, 5, 6), read(1, 7, 8), read(1, 9, 10)]).ok).toBe(true);
    // Once seen, it has taken effect: it cannot be undone.
    expect(check([w, read(1, 5, 6), read(0, 7, 8)]).ok).toBe(false);
    // It cannot take effect before it was called.
    expect(check([read(1, 0, 1), lost(write(1, 2, 3))]).ok).toBe(false);
  });

  it("checks partitions independently, and finds the one that fails", () => {
    const a = { ...write(1, 0, 1), key: "a" };
    const b = { ...read(0, 2, 3), key: "b" };
    expect(checkLinearizable({ model: register, history: [a, b], partition: (c) => c.key ?? "" })).toEqual({
      ok: true,
      partitions: 2,
    });
    expect(check([a, b]).ok).toBe(false);
    const stale = { ...read(0, 2, 3), key: "a" };
    const result = checkLinearizable({
      model: register,
      history: [b, a, stale],
      partition: (c) => c.key ?? "",
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.partition).toBe("a");
  });

  it("prints a timeline with one line per call in call order, bars over the intervals", () => {
    const result = check([
      write(1, 0, 10, "w"),
      read(1, 1, 2, "a"),
      read(0, 3, 4, "b"),
      lost(write(2, 5, 6)),
    ]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const lines = result.explanation.split("\n");
    expect(lines[0]).toMatch(/^Partition \(all\) is not linearizable/);
    expect(lines[1]).toMatch(/#\s+client\s+timeline\s+call → answer/);
    expect(lines.slice(2, 6).map((l) => l.trim().split(/\s+/).slice(0, 2))).toEqual([
      ["0", "w"],
      ["1", "a"],
      ["2", "b"],
      ["3", "w"],
    ]);
    expect(lines[2]).toMatch(/^\s+0\s+w\s+\[={38}\]\s+write\(1\) → ok$/);
    expect(lines[5]).toContain("…");
    expect(lines[5]).toContain("(no answer)");
    expect(result.explanation).toContain("read() → 0   ✗ cannot be explained");
    expect(result.explanation).toContain("Longest order explained: #0 write(1), #1 read().");
  });

  it("says what was wrong and where for a call that returns before it is called", () => {
    expect(() => check([write(1, 5, 4, "w7")])).toThrow(/client w7 returns \(4\) before it is called \(5\)/);
    expect(() => check([{ ...write(1, 0, 1), output: undefined }])).toThrow(/no answer but returns at 1/);
  });
});

describe("checkLinearizable on a counter", () => {
  const add = (
    by: number,
    output: number,
    call: number,
    ret: number,
    client: string,
  ): HistoryCall<CounterInput, number> => ({
    client,
    input: { op: "add", by },
    output,
    call,
    return: ret,
  });

  it("refuses two concurrent increments that both answer the first total (a lost update)", () => {
    expect(
      checkLinearizable({ model: counter, history: [add(1, 1, 0, 2, "a"), add(1, 1, 1, 3, "b")] }).ok,
    ).toBe(false);
    expect(
      checkLinearizable({ model: counter, history: [add(1, 2, 0, 2, "a"), add(1, 1, 1, 3, "b")] }).ok,
    ).toBe(true);
  });

  it("says, when each answer is possible alone but not together, that no order gives them all", () => {
    const result = checkLinearizable({
      model: counter,
      history: [add(1, 1, 0, 2, "a"), add(1, 1, 1, 3, "b")],
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.explanation).toContain("add(1) answered 1");
  });
});
