/**
 * What must hold of webhook deliveries at any load (at-least-once delivery, decisions W2 and H6),
 * checked from three records kept independently: the outbox rows, the attempts the dispatchers
 * reported (`dispatch.onAttempt`), and the requests the receiver got.
 *
 * A delivery may be sent more than once only when an earlier attempt's outcome was unknown to the
 * provider (no answer in time): on a busy machine even a prompt receiver's answer can arrive after
 * the dispatcher's timeout, so "once each" is not an invariant, but these are:
 *
 * - every callback is delivered in the end (its row `delivered`) and reached the receiver at least once;
 * - the receiver got a callback at most as often as the dispatchers recorded attempts of it (no send
 *   that nobody accounts for, e.g. two dispatchers holding one row);
 * - exactly one recorded attempt of a callback saw a 2xx (after a known success nothing is re-sent);
 * - the row counts every recorded attempt;
 * - a callback whose first answer is slower than the timeout was first recorded as a retry.
 */

/** One outbox row as the test reads it back. */
export interface CallbackRow {
  readonly id: number;
  /** `<sessionId>:<event>`, the key the receiver's requests are counted by. */
  readonly key: string;
  readonly status: string;
  readonly attempts: number;
}

/** One attempt a dispatcher reported, in the order they were reported. */
export interface RecordedAttempt {
  readonly outboxId: number;
  readonly outcome: "delivered" | "retry" | "rejected";
}

/** The problems with the deliveries; empty when every invariant holds. */
export const deliveryProblems = (input: {
  readonly rows: ReadonlyArray<CallbackRow>;
  readonly attempts: ReadonlyArray<RecordedAttempt>;
  /** The key of every request the receiver got. */
  readonly receipts: ReadonlyArray<string>;
  /** Keys whose receiver answers the first copy after the delivery timeout. */
  readonly slowFirstAnswer: (key: string) => boolean;
}): string[] => {
  const problems: string[] = [];
  const received = new Map<string, number>();
  for (const key of input.receipts) received.set(key, (received.get(key) ?? 0) + 1);
  const byRow = new Map<number, RecordedAttempt[]>();
  for (const attempt of input.attempts) {
    const list = byRow.get(attempt.outboxId) ?? [];
    list.push(attempt);
    byRow.set(attempt.outboxId, list);
  }
  const keys = new Set(input.rows.map((row) => row.key));
  for (const key of received.keys()) if (!keys.has(key)) problems.push(`${key}: received, but no outbox row`);
  for (const row of input.rows) {
    const got = received.get(row.key) ?? 0;
    const attempts = byRow.get(row.id) ?? [];
    const succeeded = attempts.filter((a) => a.outcome === "delivered").length;
    if (row.status !== "delivered") problems.push(`${row.key}: outbox row ${row.status}`);
    if (got === 0) problems.push(`${row.key}: never reached the receiver`);
    if (got > attempts.length)
      problems.push(`${row.key}: received ${got} times, ${attempts.length} attempts recorded`);
    if (succeeded !== 1) problems.push(`${row.key}: ${succeeded} recorded attempts saw a 2xx`);
    if (row.attempts !== attempts.length)
      problems.push(`${row.key}: the row counts ${row.attempts} attempts, ${attempts.length} were reported`);
    if (input.slowFirstAnswer(row.key) && attempts[0]?.outcome !== "retry")
      problems.push(
        `${row.key}: a first answer after the timeout was recorded ${attempts[0]?.outcome ?? "never"}`,
      );
  }
  return problems;
};
