/**
 * A TCP proxy between the provider and the PostgreSQL server that a test can cut, to play a
 * database outage without touching the machine's server:
 *
 * - `cut("refuse")`: every open connection is reset and new ones are refused (the server is down);
 * - `cut("blackhole")`: open connections stop carrying bytes, silently, and new ones are accepted
 *   but never reach the server (a network partition: nothing answers, nothing fails);
 * - `restore()`: new connections reach the server again; the connections of the cut are reset.
 */
import { createConnection, createServer, type Server, type Socket } from "node:net";

export type CutMode = "refuse" | "blackhole";

export interface TcpProxy {
  readonly port: number;
  /** Connections made through the proxy so far. */
  readonly connections: () => number;
  readonly cut: (mode: CutMode) => Promise<void>;
  readonly restore: () => Promise<void>;
  readonly close: () => Promise<void>;
}

export const startTcpProxy = async (target: {
  readonly host: string;
  readonly port: number;
}): Promise<TcpProxy> => {
  let mode: CutMode | "open" = "open";
  let made = 0;
  const pairs = new Set<{ readonly client: Socket; readonly upstream: Socket | undefined }>();
  let server: Server | undefined;
  let port = 0;

  const onConnection = (client: Socket) => {
    made++;
    client.on("error", () => {});
    if (mode !== "open") {
      // blackhole: held open, never forwarded, reset at restore.
      const pair = { client, upstream: undefined };
      pairs.add(pair);
      client.on("close", () => pairs.delete(pair));
      return;
    }
    const upstream = createConnection(target);
    upstream.on("error", () => client.destroy());
    const pair = { client, upstream };
    pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("close", end);
    upstream.on("close", end);
  };

  const listen = async () => {
    server = createServer(onConnection);
    await new Promise<void>((resolve, reject) => {
      server?.once("error", reject);
      server?.listen(port, "127.0.0.1", () => resolve());
    });
    const address = server.address();
    port = typeof address === "object" && address !== null ? address.port : 0;
  };
  const stopListening = async () => {
    const closing = server;
    server = undefined;
    if (closing !== undefined) await new Promise<void>((resolve) => closing.close(() => resolve()));
  };
  const resetAll = () => {
    for (const { client, upstream } of pairs) {
      client.resetAndDestroy();
      upstream?.destroy();
    }
    pairs.clear();
  };

  await listen();
  return {
    port,
    connections: () => made,
    cut: async (next) => {
      mode = next;
      if (next === "refuse") {
        resetAll();
        await stopListening();
        return;
      }
      // blackhole: stop carrying bytes both ways without closing anything.
      for (const { client, upstream } of pairs) {
        if (upstream === undefined) continue;
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
    restore: async () => {
      resetAll();
      mode = "open";
      if (server === undefined) await listen();
    },
    close: async () => {
      resetAll();
      await stopListening();
    },
  };
};
