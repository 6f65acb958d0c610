/**
 * A merchant's callback endpoint for the delivery tests (node:http): each path (`/<name>`) answers
 * in its own way, which a test can change while it runs, and every request is recorded with its
 * body and when it arrived.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";

/**
 * How a path answers: `ok` (200 at once), `slow` (200 after `delayMs`; with `firstOnly`, only the
 * first time it gets a body, later copies at once), `hung` (never: the request is held until the
 * receiver closes), or a status code at once.
 */
export type Behaviour =
  | { readonly kind: "ok" }
  | { readonly kind: "slow"; readonly delayMs: number; readonly firstOnly?: boolean }
  | { readonly kind: "hung" }
  | { readonly kind: "status"; readonly status: number };

/** One request the receiver got. */
export interface Receipt {
  readonly path: string;
  readonly body: unknown;
  /** `performance.now()` when it arrived. */
  readonly at: number;
}

export interface Receiver {
  readonly url: (path: string) => string;
  readonly receipts: ReadonlyArray<Receipt>;
  readonly behave: (path: string, behaviour: Behaviour) => void;
  /** Forgets every receipt so far. */
  readonly clear: () => void;
  /** Receipts per key (`keyOf(body)`), e.g. per (session, event). */
  readonly countBy: (keyOf: (body: unknown) => string) => Map<string, number>;
  readonly close: () => Promise<void>;
}

export const startReceiver = async (): Promise<Receiver> => {
  const receipts: Receipt[] = [];
  const behaviours = new Map<string, Behaviour>();
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const seen = new Set<string>();
  const answer = (res: ServerResponse, status: number) => {
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(status, { "content-type": "application/json" });
    res.end("{}");
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const path = (req.url ?? "/").split("?")[0] ?? "/";
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        body = undefined;
      }
      receipts.push({ path, body, at: performance.now() });
      const behaviour = behaviours.get(path) ?? { kind: "ok" };
      switch (behaviour.kind) {
        case "ok":
          return answer(res, 200);
        case "status":
          return answer(res, behaviour.status);
        case "hung":
          return;
        case "slow": {
          const text = JSON.stringify(body);
          const again = seen.has(text);
          seen.add(text);
          if (behaviour.firstOnly === true && again) return answer(res, 200);
          const timer = setTimeout(() => {
            timers.delete(timer);
            answer(res, 200);
          }, behaviour.delayMs);
          timers.add(timer);
          return;
        }
      }
    });
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    receipts,
    behave: (path, behaviour) => behaviours.set(path, behaviour),
    clear: () => {
      receipts.length = 0;
      seen.clear();
    },
    countBy: (keyOf) => {
      const counts = new Map<string, number>();
      for (const receipt of receipts) {
        const key = keyOf(receipt.body);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      return counts;
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
