/**
 * What the client puts on the wire for each operation (method, path, query, headers, body) and what
 * it returns: the decoded `data`, or `data` and `pagination` for lists.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createPaymentsClient } from "../../src/client/index.js";
import { ok, type SeenRequest, type StubServer, sessionBody, startStubServer } from "./support/stubServer.js";

const sessionId = "7f65c757-355f-4645-ac14-028b34ab51b1";
const page = { page: 2, perPage: 2, totalItems: 3, totalPages: 2 };
const charge = {
  id: "b4db4aa5-4ee4-4722-b414-050c745c93cd",
  paymentSessionId: sessionId,
  paymentSessionClientReferenceId: "1743240981",
  amount: { value: 20000, currency: "IDR" },
  statementDescriptor: "Harsya",
  status: "WAITING_FOR_USER_ACTION",
  authorizedAmount: null,
  capturedAmount: null,
  isCaptured: false,
  createdAt: "2025-03-30T05:48:17.105883834Z",
  updatedAt: "2025-03-30T05:48:17.105883916Z",
  paidAt: null,
};
const capture = {
  id: "cap-1",
  paymentSessionId: sessionId,
  paymentSessionClientReferenceId: "1743240981",
  releaseRemainingAmount: false,
  amount: { value: 20000, currency: "IDR" },
  status: "PENDING",
  createdAt: "2025-03-30T05:48:17Z",
  updatedAt: "2025-03-30T05:48:17Z",
};

let server: StubServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const route = (request: SeenRequest) => {
  const path = request.path.split("?")[0] ?? "";
  if (path === "/v2/charges") return { status: 200, body: ok([charge], { pagination: page }) };
  if (path === "/v2/payments" && request.method === "GET") {
    return { status: 200, body: ok([sessionBody()], { pagination: page }) };
  }
  if (path.endsWith("/capture")) return { status: 200, body: ok(capture) };
  if (path === "/v2/payments/simulations") return { status: 200, body: ok({ updated: "true" }) };
  if (path.endsWith("/cancel")) {
    return {
      status: 200,
      body: ok(
        sessionBody({
          status: "CANCELLED",
          cancellationReason: "DUPLICATED",
          cancelledAt: "2025-03-30T06:00:00Z",
        }),
      ),
    };
  }
  return { status: 200, body: ok(sessionBody()) };
};

const client = async () => {
  server = await startStubServer(route);
  return createPaymentsClient({ baseUrl: server.url, accessToken: "token-1" });
};

const last = () => server?.seen.at(-1);

describe("the requests each operation sends", () => {
  it("create: POST /v2/payments with the body, Bearer token and X-REQUEST-ID", async () => {
    const payments = await client();
    const session = await payments.create(
      {
        clientReferenceId: "1743240981",
        amount: { value: 20000, currency: "IDR" },
        expiryAt: "2025-04-01T06:59:05+07:00",
      },
      { requestId: "INV-1743240981-create" },
    );
    expect(session.id).toBe(sessionId);
    expect(last()).toMatchObject({ method: "POST", path: "/v2/payments" });
    expect(last()?.headers.authorization).toBe("Bearer token-1");
    expect(last()?.headers["x-request-id"]).toBe("INV-1743240981-create");
    // instants are sent in UTC (decision C7: liberal in, exact out)
    expect(JSON.parse(last()?.body ?? "null")).toEqual({
      clientReferenceId: "1743240981",
      amount: { value: 20000, currency: "IDR" },
      expiryAt: "2025-03-31T23:59:05Z",
    });
  });

  it("sends no X-REQUEST-ID when none is given", async () => {
    const payments = await client();
    await payments.create({ clientReferenceId: "1743240981", amount: { value: 20000, currency: "IDR" } });
    expect(last()?.headers["x-request-id"]).toBeUndefined();
  });

  it("confirm, cancel and capture: POST to the session's sub-resource", async () => {
    const payments = await client();
    await payments.confirm(sessionId, {
      paymentMethod: { type: "VIRTUAL_ACCOUNT" },
      paymentMethodOptions: { virtualAccount: { channel: "PERMATA" } },
    });
    expect(last()).toMatchObject({ method: "POST", path: `/v2/payments/${sessionId}/confirm` });
    const cancelled = await payments.cancel(sessionId, { cancellationReason: "DUPLICATED" });
    expect(cancelled.cancellationReason).toBe("DUPLICATED");
    expect(last()).toMatchObject({ method: "POST", path: `/v2/payments/${sessionId}/cancel` });
    const captured = await payments.capture(sessionId, { releaseRemainingAmount: false });
    expect(captured.status).toBe("PENDING");
    expect(JSON.parse(last()?.body ?? "null")).toEqual({ releaseRemainingAmount: false });
  });

  it("get, getByClientReferenceId and list with paging", async () => {
    const payments = await client();
    await payments.get(sessionId);
    expect(last()).toMatchObject({ method: "GET", path: `/v2/payments/${sessionId}` });
    const byRef = await payments.getByClientReferenceId("1743240981");
    expect(last()?.path).toBe("/v2/payments?clientReferenceId=1743240981");
    expect(byRef.pagination).toEqual(page);
    expect(byRef.data.map((s) => s.id)).toEqual([sessionId]);
    await payments.list({ page: 2, perPage: 2 });
    expect(last()?.path).toBe("/v2/payments?page=2&perPage=2");
    await payments.list();
    expect(last()?.path).toBe("/v2/payments");
  });

  it("charges and simulate", async () => {
    const payments = await client();
    const charges = await payments.charges("1743240981", { perPage: 10 });
    expect(last()?.path).toBe("/v2/charges?clientReferenceId=1743240981&perPage=10");
    expect(charges.data[0]?.status).toBe("WAITING_FOR_USER_ACTION");
    const simulated = await payments.simulate({ paymentSessionId: sessionId, chargeStatus: "SUCCESS" });
    expect(simulated.updated).toBe("true");
    expect(last()).toMatchObject({ method: "POST", path: "/v2/payments/simulations" });
  });

  it("a client without token or credentials sends no Authorization header", async () => {
    server = await startStubServer(route);
    const anonymous = createPaymentsClient({ baseUrl: server.url });
    await anonymous.get(sessionId);
    expect(last()?.headers.authorization).toBeUndefined();
  });

  it("uses the fetch it is given", async () => {
    server = await startStubServer(route);
    const urls: Array<string> = [];
    const payments = createPaymentsClient({
      baseUrl: server.url,
      accessToken: "t",
      fetch: (input, init) => {
        urls.push(input instanceof Request ? input.url : String(input));
        return fetch(input, init);
      },
    });
    await payments.get(sessionId);
    expect(urls).toEqual([`${server.url}/v2/payments/${sessionId}`]);
  });
});
