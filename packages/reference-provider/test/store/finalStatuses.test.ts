/**
 * The sweeper's query and migration 1's partial index name the statuses that never expire. The query's
 * list is derived from the core; the migration's is frozen SQL. They must spell the same list, or the
 * planner cannot use the index (and a status the core made final would still be swept).
 */
import { isFinalSessionStatus, SessionStatus } from "@payment-session/core";
import { describe, expect, it } from "vitest";
import { finalSessionStatuses, finalStatusesSql, migrations } from "../../src/store/index.js";

/** The `NOT IN (…)` lists of the migrations' SQL. */
const notInLists = (sql: string): ReadonlyArray<string> =>
  [...sql.matchAll(/status NOT IN (\([^)]*\))/gu)].map((m) => m[1] ?? "");

describe("final session statuses", () => {
  it("are the core's final statuses", () => {
    expect(finalSessionStatuses).toEqual(SessionStatus.literals.filter(isFinalSessionStatus));
    expect(finalSessionStatuses.length).toBeGreaterThan(0);
  });

  it("are spelled in the sweeper's query as migration 1's partial index spells them", () => {
    const lists = migrations.flatMap((m) => m.statements.flatMap(notInLists));
    expect(lists.length).toBeGreaterThan(0);
    for (const list of lists) expect(list).toBe(finalStatusesSql);
  });
});
