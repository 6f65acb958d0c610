/** A quick reachability check, so that a provider that is not running is one clear line, not N failures. */
import http from "node:http";
import https from "node:https";

/**
 * Sends `GET url` and waits for any HTTP answer (any status counts as reachable).
 * Resolves `undefined` when the server answered, else the reason (e.g. `connect ECONNREFUSED 127.0.0.1:9`).
 */
export const probeUrl = (url: URL, timeoutMs: number): Promise<string | undefined> =>
  new Promise((resolve) => {
    const client = url.protocol === "https:" ? https : http;
    const req = client.request(url, { method: "GET", agent: false, headers: { accept: "*/*" } }, (res) => {
      res.resume();
      req.destroy();
      resolve(undefined);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", (e) => resolve(e.message.length > 0 ? e.message : String(e)));
    req.end();
  });
