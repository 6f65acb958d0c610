/**
 * `verifyContracts`' `database` option (the fresh in-memory database `pnpm verify` starts opening
 * before it loads the provider): given with `databaseUrl` as well, the run is refused before
 * anything starts, and the database that was being opened is closed, not left open.
 */
import type { VerifyWorker } from "@payment-session/contracts/verifier";
import { describe, expect, it } from "vitest";
import { verifyContracts } from "../../src/contracts/index.js";
import type { Database } from "../../src/store/index.js";

describe("verifyContracts' database option", () => {
  it("is refused together with databaseUrl, and the database being opened is closed", async () => {
    let closed = 0;
    let stopped = 0;
    const database = { close: async () => void closed++ } as unknown as Database;
    const worker: VerifyWorker = {
      verify: async () => {
        throw new Error("the worker must not be asked to verify");
      },
      stop: () => void stopped++,
    };
    await expect(
      verifyContracts({
        database: Promise.resolve(database),
        databaseUrl: "postgres://postgres@127.0.0.1:5432/test",
        worker,
      }),
    ).rejects.toThrow("give database or databaseUrl, not both");
    expect({ closed, stopped }).toEqual({ closed: 1, stopped: 1 });
  });
});
