/**
 * The provider-states proxy in front of an implementation's setup URL: set-ups always reach the
 * implementation; teardowns do too unless `forwardTeardowns` is false, when the proxy answers them
 * itself (`{}`) and records them like a forwarded call.
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRequestText, startStateServer } from "../../src/verifier/internal/stateServer.js";

let backend: http.Server;
let backendUrl = "";
const seen: Array<{ state: unknown; action: unknown }> = [];

beforeAll(async () => {
  backend = http.createServer((req, res) => {
    void readRequestText(req).then((text) => {
      const body = JSON.parse(text) as { state: unknown; action: unknown };
      seen.push({ state: body.state, action: body.action });
      const answer = JSON.stringify(body.action === "setup" ? { id: "from-the-implementation" } : {});
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(answer) });
      res.end(answer);
    });
  });
  await new Promise<void>((resolve) => backend.listen(0, "127.0.0.1", resolve));
  const address = backend.address();
  backendUrl = `http://127.0.0.1:${address !== null && typeof address === "object" ? address.port : 0}/states`;
});
afterAll(() => new Promise<void>((resolve) => backend.close(() => resolve())));

const call = async (url: string, action: string) => {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ state: "a payment session exists", params: { status: "PAID" }, action }),
  });
  return { status: res.status, body: (await res.json()) as unknown };
};

describe("the provider-states proxy", () => {
  for (const forwardTeardowns of [undefined, true, false] as const) {
    it(`forwardTeardowns ${String(forwardTeardowns)}: set-ups reach the implementation, teardowns ${forwardTeardowns === false ? "are answered by the proxy" : "too"}`, async () => {
      seen.length = 0;
      const server = await startStateServer({ url: backendUrl, timeoutMs: 5000, forwardTeardowns });
      try {
        expect(await call(server.url, "setup")).toEqual({
          status: 200,
          body: { id: "from-the-implementation" },
        });
        expect(await call(server.url, "teardown")).toEqual({ status: 200, body: {} });
        const reached = seen.map((s) => s.action);
        expect(reached).toEqual(forwardTeardowns === false ? ["setup"] : ["setup", "teardown"]);
        expect(server.calls.map((c) => [c.action, c.ok, c.values])).toEqual([
          ["setup", true, { id: "from-the-implementation" }],
          ["teardown", true, {}],
        ]);
      } finally {
        await server.close();
      }
    });
  }
});
