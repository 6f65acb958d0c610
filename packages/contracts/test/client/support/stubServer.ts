/**
 * A tiny programmable HTTP server on port 0 for the client tests: each request is recorded and
 * answered by the test's `respond` function.
 */
import http from "node:http";

/** One request as the server saw it. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** What the test answers: a status and a body (objects are sent as JSON). */
export interface StubAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly contentType?: string;
}

export interface StubServer {
  readonly url: string;
  readonly seen: Array<SeenRequest>;
  respond: (request: SeenRequest) => StubAnswer;
  readonly close: () => Promise<void>;
}

export const startStubServer = async (respond: (request: SeenRequest) => StubAnswer): Promise<StubServer> => {
  const seen: Array<SeenRequest> = [];
  const stub: { respond: (request: SeenRequest) => StubAnswer } = { respond };
  const server = http.createServer((req, res) => {
    const chunks: Array<Buffer> = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const request: SeenRequest = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      seen.push(request);
      const answer = stub.respond(request);
      const text = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
      res.writeHead(answer.status, { "content-type": answer.contentType ?? "application/json" });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = address !== null && typeof address === "object" ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    get respond() {
      return stub.respond;
    },
    set respond(f) {
      stub.respond = f;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

/** A session answer body the core's schema accepts (the seed's VA session). */
export const sessionBody = (overrides: Record<string, unknown> = {}) => ({
  id: "7f65c757-355f-4645-ac14-028b34ab51b1",
  clientReferenceId: "1743240981",
  amount: { value: 20000, currency: "IDR" },
  autoConfirm: true,
  mode: "API",
  paymentType: "SINGLE",
  paymentMethod: { type: "VIRTUAL_ACCOUNT" },
  status: "REQUIRE_ACTION",
  createdAt: "2025-03-30T05:48:17Z",
  updatedAt: "2025-03-30T05:48:17Z",
  expiryAt: "2025-03-31T23:59:05Z",
  chargeDetails: null,
  ...overrides,
});

export const ok = (data: unknown, extra: Record<string, unknown> = {}) => ({
  code: "00",
  message: "Success",
  data,
  ...extra,
});

export const tokenAnswer = (accessToken: string, expiresIn = "900"): StubAnswer => ({
  status: 200,
  body: ok({ accessToken, expiresIn, tokenType: "Bearer" }),
});
