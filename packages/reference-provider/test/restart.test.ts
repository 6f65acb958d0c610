/**
 * Restart: stop the provider, start it again on the same data (PGlite folder, or the same server
 * schema): every session and idempotency record is still there, and tokens still work.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PaymentSessionListResponse } from "@payment-session/core";
import { afterAll, describe, expect, it } from "vitest";
import {
  createTestClock,
  demoMerchant,
  openDatabase,
  type StartProviderOptions,
  startProvider,
} from "../src/index.js";
import {
  dataOf,
  drivers,
  httpClient,
  randomSchema,
  rowCounts,
  sessionOf,
  T0,
  vaCreateBody,
} from "./support/provider.js";

/**
 * Why 180 s, not the project's 30 s: on PGlite the provider starts twice on a data folder (two
 * database starts, each CPU-bound WASM work: about 4 s in all on an idle 2-core machine, 22 s measured
 * beside three other test runs on the same 2 cores, where a busier moment passes 30 s without anything
 * being wrong). The limit guards against a hang; speed is not what this test checks.
 */
const RESTART_TIMEOUT_MS = 180_000;

for (const driver of drivers) {
  describe(`restart (${driver.name})`, () => {
    const dataDir = mkdtempSync(join(tmpdir(), "provider-restart-"));
    const schema = randomSchema();
    const storage: StartProviderOptions =
      driver.name === "pglite"
        ? { dataDir }
        : { databaseUrl: process.env.DATABASE_URL, databaseSchema: schema };
    afterAll(async () => {
      rmSync(dataDir, { recursive: true, force: true });
      if (driver.name === "postgres") {
        const db = await openDatabase({ url: process.env.DATABASE_URL });
        await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await db.close();
      }
    });

    it(
      "keeps every session and idempotency record across a stop and a start",
      async () => {
        const clock = createTestClock(T0);
        const first = await startProvider({ ...storage, clock });
        const http1 = httpClient(() => first);
        const token = first.issueAccessToken(demoMerchant.id);
        const created = await http1.post("/v2/payments", vaCreateBody(), { requestId: "restart-create-1" });
        const paid = sessionOf(
          await http1.post("/v2/payments", vaCreateBody({ clientReferenceId: "second" })),
        );
        await http1.post("/v2/payments/simulations", { paymentSessionId: paid.id, chargeStatus: "SUCCESS" });
        const before = await http1.get("/v2/payments");
        await first.close();

        const second = await startProvider({ ...storage, clock });
        try {
          const http2 = httpClient(() => second);
          const auth = { merchant: null, headers: { authorization: `Bearer ${token}` } };
          const after = await http2.get("/v2/payments", auth);
          expect(dataOf(after, PaymentSessionListResponse)).toEqual(
            dataOf(before, PaymentSessionListResponse),
          );
          expect(sessionOf(await http2.get(`/v2/payments/${paid.id}`)).status).toBe("PAID");
          const replay = await http2.post("/v2/payments", vaCreateBody(), { requestId: "restart-create-1" });
          expect(replay.body).toEqual(created.body);
          const conflict = await http2.post(
            "/v2/payments",
            vaCreateBody({ amount: { value: 30000, currency: "IDR" } }),
            {
              requestId: "restart-create-1",
            },
          );
          expect(conflict.status).toBe(409);
          const counts = await rowCounts(second.services.db);
          expect(counts).toMatchObject({ payment_sessions: 2, idempotency_records: 1, webhook_outbox: 1 });
          // A new VA continues the sequence instead of reusing a number.
          const third = sessionOf(await http2.post("/v2/payments", vaCreateBody()));
          expect(third.chargeDetails?.[0]?.virtualAccount?.virtualAccountNumber).toBe("76630000000003");
        } finally {
          await second.close();
        }
      },
      RESTART_TIMEOUT_MS,
    );
  });
}
