/**
 * Refunds over real HTTP (decisions R1–R5): create, get, list with filters and pages, the money
 * rules' answers, idempotency, tenant isolation, the sandbox's paths of facts §12 on the test clock,
 * and the refund callbacks in the outbox.
 */
import {
  RefundCallback,
  RefundListResponse,
  RefundResponse,
  sandboxRefundStepMs,
} from "@payment-session/core";
import { Schema } from "effect";
import { describe, expect, it } from "vitest";
import { listWebhooks } from "../src/index.js";
import {
  dataOf,
  drivers,
  envelopeOf,
  otherMerchant,
  rowCounts,
  sessionOf,
  useProvider,
  vaCreateBody,
} from "./support/provider.js";

const account = (accountNumber: string) => ({
  channelCode: "BCA",
  channelInformation: { accountNumber, accountName: "Reforza Harsya" },
});

for (const driver of drivers) {
  describe(`refunds (${driver.name})`, () => {
    const h = useProvider(driver);

    const paidSession = async (merchant?: string) => {
      const options = merchant === undefined ? {} : { merchant };
      const session = sessionOf(await h.http.post("/v2/payments", vaCreateBody(), options));
      const paid = await h.http.post(
        "/v2/payments/simulations",
        { paymentSessionId: session.id, chargeStatus: "SUCCESS" },
        options,
      );
      expect(paid.status).toBe(200);
      return session.id;
    };

    const refundBody = (paymentSessionId: string, overrides: Record<string, unknown> = {}) => ({
      clientReferenceId: "refund-0001",
      paymentSessionId,
      amount: { value: "10000.00", currency: "IDR" },
      reason: "REQUESTED_BY_CUSTOMER",
      ...overrides,
    });

    it("refunds half a paid session: PENDING, then SUCCESS on the clock; the rest; a third is refused", async () => {
      const id = await paidSession();
      const first = await h.http.post("/v1/refunds", refundBody(id));
      const refund = dataOf(first, RefundResponse);
      expect(refund).toMatchObject({
        status: "PENDING",
        paymentSessionId: id,
        amount: { value: 10_000, currency: "IDR" },
        capturedAmount: { value: 20_000, currency: "IDR" },
        destinationType: null,
      });
      expect((first.body as { data: { amount: unknown } }).data.amount).toEqual({
        value: "10000.00",
        currency: "IDR",
      });
      h.clock.advance(sandboxRefundStepMs);
      const done = dataOf(await h.http.get(`/v1/refunds/${refund.id}`), RefundResponse);
      expect(done).toMatchObject({ status: "SUCCESS", destinationType: "CHANNEL" });
      const rest = dataOf(
        await h.http.post("/v1/refunds", refundBody(id, { clientReferenceId: "refund-0002" })),
        RefundResponse,
      );
      expect(rest.status).toBe("PENDING");
      const third = envelopeOf(
        await h.http.post(
          "/v1/refunds",
          refundBody(id, { clientReferenceId: "refund-0003", amount: { value: "1", currency: "IDR" } }),
        ),
        422,
      );
      expect(third.code).toBe("amount_exceeds_refundable");
      expect(third.message).toContain("0 is left");
      // The session is still PAID (decision R5).
      expect(sessionOf(await h.http.get(`/v2/payments/${id}`)).status).toBe("PAID");
      // The callbacks went to the outbox, filed under the session, in order.
      const events = (await listWebhooks(h.db, "demo-merchant", id)).map((w) => w.event);
      expect(events).toEqual(["PAYMENT.PAID", "REFUND.PENDING", "REFUND.SUCCESS", "REFUND.PENDING"]);
      const pending = (await listWebhooks(h.db, "demo-merchant", id))[1];
      expect(Schema.decodeUnknownSync(RefundCallback)(pending?.payload).data.id).toBe(refund.id);
    });

    it("refuses a refund of an unpaid session (422 invalid_state) and of an unknown one (404)", async () => {
      const session = sessionOf(await h.http.post("/v2/payments", vaCreateBody()));
      const unpaid = envelopeOf(await h.http.post("/v1/refunds", refundBody(session.id)), 422);
      expect(unpaid.code).toBe("invalid_state");
      expect(unpaid.message).toContain("REQUIRE_ACTION");
      const missing = envelopeOf(
        await h.http.post("/v1/refunds", refundBody("7f65b0b5-7c1b-4a8c-9d07-2b9d3c1c8f10")),
        404,
      );
      expect(missing.code).toBe("resource_missing");
      expect((await rowCounts(h.db)).refunds).toBe(0);
    });

    it("refuses 0, negative and non-numeric amounts with the field path, and a full refund after a partial", async () => {
      const id = await paidSession();
      for (const value of ["0", "-100", "abc", 100]) {
        const bad = envelopeOf(
          await h.http.post("/v1/refunds", refundBody(id, { amount: { value, currency: "IDR" } })),
          400,
        );
        expect(bad.error.details?.map((d) => d.field)).toEqual(["amount.value"]);
      }
      const noAmount = envelopeOf(
        await h.http.post("/v1/refunds", refundBody(id, { amount: undefined })),
        400,
      );
      expect(noAmount.error.details?.map((d) => d.field)).toEqual(["amount"]);
      expect(
        dataOf(
          await h.http.post("/v1/refunds", refundBody(id, { amount: { value: "1", currency: "IDR" } })),
          RefundResponse,
        ).status,
      ).toBe("PENDING");
      const full = envelopeOf(
        await h.http.post("/v1/refunds", refundBody(id, { isFullAmount: true, amount: undefined })),
        422,
      );
      expect(full.code).toBe("full_refund_not_allowed");
    });

    it("another merchant's session and refund are unknown (404)", async () => {
      const id = await paidSession();
      const refund = dataOf(await h.http.post("/v1/refunds", refundBody(id)), RefundResponse);
      envelopeOf(await h.http.post("/v1/refunds", refundBody(id), { merchant: otherMerchant.id }), 404);
      envelopeOf(await h.http.get(`/v1/refunds/${refund.id}`, { merchant: otherMerchant.id }), 404);
      const list = await h.http.get("/v1/refunds", { merchant: otherMerchant.id });
      expect(dataOf(list, RefundListResponse)).toEqual([]);
      envelopeOf(await h.http.get("/v1/refunds/not-a-uuid"), 404);
    });

    it("X-REQUEST-ID: the same request answers the first answer byte for byte; another body is 409", async () => {
      const id = await paidSession();
      const first = await h.http.post("/v1/refunds", refundBody(id), { requestId: "refund-key-0001" });
      const again = await h.http.post("/v1/refunds", refundBody(id), { requestId: "refund-key-0001" });
      expect(again.status).toBe(200);
      expect(JSON.stringify(again.body)).toBe(JSON.stringify(first.body));
      expect((await rowCounts(h.db)).refunds).toBe(1);
      const other = await h.http.post("/v1/refunds", refundBody(id, { reason: "OTHERS" }), {
        requestId: "refund-key-0001",
      });
      expect(envelopeOf(other, 409).code).toBe("idempotency_error");
      const refused = await h.http.post(
        "/v1/refunds",
        refundBody(id, { amount: { value: "20000", currency: "IDR" } }),
        { requestId: "refund-key-0002" },
      );
      const replayed = await h.http.post(
        "/v1/refunds",
        refundBody(id, { amount: { value: "20000", currency: "IDR" } }),
        { requestId: "refund-key-0002" },
      );
      expect(replayed.status).toBe(422);
      expect(JSON.stringify(replayed.body)).toBe(JSON.stringify(refused.body));
    });

    it("the sandbox paths of facts §12, with their callbacks", async () => {
      const id = await paidSession();
      const open = async (
        clientReferenceId: string,
        accountNumber: string,
        extra: Record<string, unknown> = {},
      ) =>
        dataOf(
          await h.http.post(
            "/v1/refunds",
            refundBody(id, {
              clientReferenceId,
              amount: { value: "4000", currency: "IDR" },
              transferDestination: account(accountNumber),
              ...extra,
            }),
          ),
          RefundResponse,
        ).id;
      const ok = await open("refund-ok", "999966660001");
      const fallback = await open("1001-fallback", "999966660001");
      const bothFail = await open("2001-both", "999966660008");
      const notFound = await open("2002-missing", "999966660002", { method: "TRANSFER_ONLY" });
      h.clock.advance(3 * sandboxRefundStepMs);
      expect(await h.provider.settleRefunds()).toBe(4);
      const statusOf = async (refundId: string) =>
        dataOf(await h.http.get(`/v1/refunds/${refundId}`), RefundResponse);
      expect(await statusOf(ok)).toMatchObject({ status: "SUCCESS", destinationType: "CHANNEL" });
      expect(await statusOf(fallback)).toMatchObject({ status: "SUCCESS", destinationType: "ACCOUNT" });
      expect(await statusOf(bothFail)).toMatchObject({ status: "FAILED" });
      expect(await statusOf(notFound)).toMatchObject({
        status: "FAILED",
        failureReason: "ACCOUNT_NOT_FOUND",
      });
      const events = (await listWebhooks(h.db, "demo-merchant", id))
        .filter((w) => w.event.startsWith("REFUND."))
        .map(
          (w) =>
            `${(w.payload as { data: { clientReferenceId: string } }).data.clientReferenceId} ${w.event}`,
        );
      expect(events.filter((e) => e.startsWith("1001-"))).toEqual([
        "1001-fallback REFUND.PENDING",
        "1001-fallback REFUND.WAITING_BANK_TRANFER",
        "1001-fallback REFUND.SUCCESS",
      ]);
      // Two FAILED refunds gave their 8 000 back: 20 000 − 8 000 held by the successful ones.
      const rest = dataOf(
        await h.http.post(
          "/v1/refunds",
          refundBody(id, { clientReferenceId: "rest", amount: { value: "12000", currency: "IDR" } }),
        ),
        RefundResponse,
      );
      expect(rest.status).toBe("PENDING");
    });

    it("lists refunds newest first, filtered by session, reference and status, paged", async () => {
      const a = await paidSession();
      const b = await paidSession();
      for (const [session, ref] of [
        [a, "ra-1"],
        [a, "ra-2"],
        [b, "rb-1"],
      ] as const) {
        h.clock.advance(1_000);
        await h.http.post(
          "/v1/refunds",
          refundBody(session, { clientReferenceId: ref, amount: { value: "100", currency: "IDR" } }),
        );
      }
      const all = dataOf(await h.http.get("/v1/refunds"), RefundListResponse);
      expect(all.map((r) => r.clientReferenceId)).toEqual(["rb-1", "ra-2", "ra-1"]);
      const ofA = dataOf(await h.http.get(`/v1/refunds?paymentSessionId=${a}`), RefundListResponse);
      expect(ofA.map((r) => r.clientReferenceId)).toEqual(["ra-2", "ra-1"]);
      const byRef = dataOf(await h.http.get("/v1/refunds?clientReferenceId=rb-1"), RefundListResponse);
      expect(byRef.map((r) => r.paymentSessionId)).toEqual([b]);
      const page = await h.http.get("/v1/refunds?perPage=2&page=2");
      expect((page.body as { pagination: unknown }).pagination).toEqual({
        page: 2,
        perPage: 2,
        totalItems: 3,
        totalPages: 2,
      });
      h.clock.advance(sandboxRefundStepMs);
      const succeeded = dataOf(await h.http.get("/v1/refunds?status=SUCCESS"), RefundListResponse);
      expect(succeeded).toHaveLength(3);
      envelopeOf(await h.http.get("/v1/refunds?status=DONE"), 400);
      envelopeOf(await h.http.get("/v1/refunds?perPage=101"), 400);
    });
  });
}
