/**
 * In-process `stateHandlers` are served on a loopback setup URL that speaks the same provider-states protocol
 * as any other implementation's endpoint, so the Pact core has one code path for both.
 */
import http from "node:http";
import type { JsonValue, StateHandler } from "../types.js";
import { isRecord, stringAt } from "./json.js";

/** A running state server: its URL, the failures its handlers raised (by state name), and `close`. */
export interface StateServer {
  readonly url: string;
  readonly failures: ReadonlyMap<string, string>;
  readonly close: () => Promise<void>;
}

const readBody = (req: http.IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });

const handlerFor = (handler: StateHandler, action: string) => {
  if (typeof handler === "function") return action === "setup" ? handler : undefined;
  return action === "setup" ? handler.setup : action === "teardown" ? handler.teardown : undefined;
};

/** Starts the loopback state server for `handlers` (port chosen by the OS). */
export const startStateServer = async (
  handlers: Readonly<Record<string, StateHandler>>,
): Promise<StateServer> => {
  const failures = new Map<string, string>();
  const server = http.createServer((req, res) => {
    void (async () => {
      let stateName = "";
      try {
        const body: unknown = JSON.parse((await readBody(req)) || "{}");
        const r = isRecord(body) ? body : {};
        stateName = stringAt(r, "state") ?? "";
        const params = isRecord(r.params) ? (r.params as Readonly<Record<string, JsonValue>>) : {};
        const handler = Object.hasOwn(handlers, stateName) ? handlers[stateName] : undefined;
        const fn = handler === undefined ? undefined : handlerFor(handler, stringAt(r, "action") ?? "setup");
        const values = fn === undefined ? undefined : await fn(params);
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(values ?? {}));
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        failures.set(stateName, `state handler for "${stateName}" failed: ${message}`);
        res.writeHead(500, { "content-type": "text/plain" });
        res.end(message);
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = address !== null && typeof address === "object" ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    failures,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
