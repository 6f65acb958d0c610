/**
 * Deliberately non-linearizable providers for the race tests: a small HTTP proxy in front of a
 * correct provider that changes some answers the way a provider without proper concurrency control
 * would.
 *
 * - `stale-get`: answers every GET of a session with the first answer it got for it (a read cache
 *   never invalidated): a read after a completed pay still shows the old status.
 * - `refusal-says-applied`: when the provider refuses a write with 422 `invalid_state`, answers as
 *   if it were applied (the last 200 session answer of that session, or `updated: true` for a
 *   simulation): two concurrent cancels both say CANCELLED, an expire after a pay says applied.
 * - `reset-after-write` (not a defect: a flaky network): every third POST that arrives while another
 *   call on its session is in flight (a race, not a setup step) is passed on and applied, then the
 *   connection is reset before the answer is sent; the client sees no answer.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type ProxyDefect = "stale-get" | "refusal-says-applied" | "reset-after-write";

export interface RaceProxy {
  readonly url: string;
  readonly rewritten: () => number;
  readonly close: () => Promise<void>;
}

const readBody = async (request: IncomingMessage): Promise<string> => {
  const chunks: Array<Buffer> = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
};

const sessionIdOf = (path: string, body: string): string | undefined => {
  const match = /^\/v2\/payments\/([^/?]+)/.exec(path);
  if (match !== null && match[1] !== "simulations") return decodeURIComponent(match[1] ?? "");
  if (path.startsWith("/v2/payments/simulations")) {
    try {
      return (JSON.parse(body) as { paymentSessionId?: string }).paymentSessionId;
    } catch {
      return undefined;
    }
  }
  return undefined;
};

export const startRaceProxy = async (upstream: string, defect: ProxyDefect): Promise<RaceProxy> => {
  const firstGet = new Map<string, string>();
  const lastSession = new Map<string, string>();
  let rewritten = 0;
  let posts = 0;
  const inFlight = new Map<string, number>();
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const path = request.url ?? "/";
    const body = await readBody(request);
    const session = sessionIdOf(path, body);
    const concurrent = session !== undefined && (inFlight.get(session) ?? 0) > 0;
    if (session !== undefined) inFlight.set(session, (inFlight.get(session) ?? 0) + 1);
    try {
      await forward(request, response, path, body, concurrent);
    } finally {
      if (session !== undefined) inFlight.set(session, (inFlight.get(session) ?? 1) - 1);
    }
  };
  const forward = async (
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
    body: string,
    concurrent: boolean,
  ) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(request.headers)) {
      if (typeof v === "string" && k !== "host" && k !== "content-length" && k !== "connection")
        headers[k] = v;
    }
    const upstreamResponse = await fetch(`${upstream}${path}`, {
      method: request.method ?? "GET",
      headers,
      ...(request.method === "POST" ? { body } : {}),
    });
    let status = upstreamResponse.status;
    let text = await upstreamResponse.text();
    if (defect === "reset-after-write" && request.method === "POST" && concurrent) {
      posts += 1;
      if (posts % 3 === 0) {
        rewritten += 1;
        request.socket.destroy();
        return;
      }
    }
    const sessionId = sessionIdOf(path, body);
    if (sessionId !== undefined) {
      if (defect === "stale-get" && request.method === "GET" && status === 200) {
        const first = firstGet.get(sessionId);
        if (first === undefined) firstGet.set(sessionId, text);
        else if (first !== text) {
          text = first;
          rewritten += 1;
        }
      }
      if (defect === "refusal-says-applied" && request.method === "POST") {
        const isSimulation = path.startsWith("/v2/payments/simulations");
        if (status === 200 && !isSimulation) lastSession.set(sessionId, text);
        if (status === 422 && text.includes('"invalid_state"')) {
          const last = lastSession.get(sessionId);
          if (isSimulation || last !== undefined) {
            status = 200;
            text = isSimulation ? JSON.stringify({ data: { updated: "true" } }) : (last as string);
            rewritten += 1;
          }
        }
      }
      if (request.method === "GET" && status === 200)
        lastSession.set(sessionId, lastSession.get(sessionId) ?? text);
    }
    response.writeHead(status, { "content-type": "application/json" });
    response.end(text);
  };
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(502, { "content-type": "text/plain" });
      response.end(`proxy: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    rewritten: () => rewritten,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
};
