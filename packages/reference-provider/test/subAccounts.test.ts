/**
 * Sub-accounts (decision S5): `x-submerchant-id` is accepted on every call, and a session made for
 * a sub-account is read, listed, changed and refunded only with that header; the merchant without
 * it and another sub-account see nothing of it. A malformed header is 400 at its name.
 */
import { describe, expect, it } from "vitest";
import {
  envelopeOf,
  pglite,
  sessionOf,
  tableChecksum,
  useProvider,
  vaCreateBody,
} from "./support/provider.js";

const SUB_A = "0b8f2f5e-7d3c-4b59-9a51-3c1d2e4f5a6b";
const SUB_B = "5c7d9e1f-2a3b-4c5d-8e6f-7a8b9c0d1e2f";
const as = (sub: string | undefined) => (sub === undefined ? {} : { headers: { "x-submerchant-id": sub } });

describe("sub-accounts (x-submerchant-id)", () => {
  const h = useProvider(pglite);

  it("a session made for a sub-account is the sub-account's alone", async () => {
    const created = sessionOf(
      await h.http.post("/v2/payments", vaCreateBody({ clientReferenceId: "SUB-1" }), as(SUB_A)),
    );
    const mine = sessionOf(await h.http.get(`/v2/payments/${created.id}`, as(SUB_A)));
    expect(mine.id).toBe(created.id);
    for (const other of [undefined, SUB_B]) {
      envelopeOf(await h.http.get(`/v2/payments/${created.id}`, as(other)), 404);
      const listed = (await h.http.get("/v2/payments", as(other))).body as {
        data: ReadonlyArray<{ id: string }>;
      };
      expect(listed.data.map((s) => s.id)).not.toContain(created.id);
      const byReference = (await h.http.get("/v2/payments?clientReferenceId=SUB-1", as(other))).body as {
        data: ReadonlyArray<unknown>;
      };
      expect(byReference.data).toEqual([]);
      const charges = (await h.http.get("/v2/charges?clientReferenceId=SUB-1", as(other))).body as {
        data: ReadonlyArray<unknown>;
      };
      expect(charges.data).toEqual([]);
      const before = await tableChecksum(h.db);
      envelopeOf(
        await h.http.post(
          `/v2/payments/${created.id}/cancel`,
          { cancellationReason: "VOID_SESSION" },
          as(other),
        ),
        404,
      );
      envelopeOf(
        await h.http.post(
          "/v2/payments/simulations",
          { paymentSessionId: created.id, chargeStatus: "SUCCESS" },
          as(other),
        ),
        404,
      );
      expect(await tableChecksum(h.db)).toEqual(before);
    }
    const listed = (await h.http.get("/v2/payments", as(SUB_A))).body as {
      data: ReadonlyArray<{ id: string }>;
    };
    expect(listed.data.map((s) => s.id)).toEqual([created.id]);
    const paid = await h.http.post(
      "/v2/payments/simulations",
      { paymentSessionId: created.id, chargeStatus: "SUCCESS" },
      as(SUB_A),
    );
    expect(paid.status).toBe(200);
    const refund = {
      clientReferenceId: "SUB-R1",
      paymentSessionId: created.id,
      isFullAmount: true,
      reason: "OTHERS",
    };
    envelopeOf(await h.http.post("/v1/refunds", refund, as(SUB_B)), 404);
    expect((await h.http.post("/v1/refunds", refund, as(SUB_A))).status).toBe(200);
  });

  it("the merchant's own sessions are not a sub-account's", async () => {
    const own = sessionOf(await h.http.post("/v2/payments", vaCreateBody({ clientReferenceId: "OWN-1" })));
    envelopeOf(await h.http.get(`/v2/payments/${own.id}`, as(SUB_A)), 404);
    expect(sessionOf(await h.http.get(`/v2/payments/${own.id}`)).id).toBe(own.id);
  });

  it("an X-REQUEST-ID is a sub-account's own: the same key for two sub-accounts makes two sessions", async () => {
    const body = vaCreateBody({ clientReferenceId: "SUB-IDEM" });
    const a = sessionOf(await h.http.post("/v2/payments", body, { requestId: "key-0001", ...as(SUB_A) }));
    const b = sessionOf(await h.http.post("/v2/payments", body, { requestId: "key-0001", ...as(SUB_B) }));
    expect(a.id).not.toBe(b.id);
  });

  it("a malformed x-submerchant-id is 400 at its name, nothing stored", async () => {
    const before = await tableChecksum(h.db);
    for (const bad of ["has space", "x".repeat(256)]) {
      const envelope = envelopeOf(await h.http.post("/v2/payments", vaCreateBody(), as(bad)), 400);
      expect(envelope.error.details?.map((d) => d.field)).toContain("x-submerchant-id");
      envelopeOf(await h.http.get("/v2/payments", as(bad)), 400);
    }
    expect(await tableChecksum(h.db)).toEqual(before);
  });
});
