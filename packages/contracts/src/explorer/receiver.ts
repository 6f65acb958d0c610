/**
 * The explorer's webhook receiver: an HTTP server on 127.0.0.1 (port 0) that answers 200 to every
 * POST and records it under the merchant named by its path (`/<merchantId>`).
 *
 * @since 0.1.0
 */
import { createServer, type Server } from "node:http";

/**
 * One delivery as received: its `X-API-Key`, its body (parsed JSON, or the raw text).
 *
 * @since 0.1.0
 * @category Explorer
 */
export interface Delivery {
  readonly apiKey: string | undefined;
  readonly body: unknown;
}

/**
 * A running receiver.
 *
 * @since 0.1.0
 * @category Explorer
 */
export interface WebhookReceiver {
  readonly url: string;
  readonly deliveries: (merchantId: string) => ReadonlyArray<Delivery>;
  /** How many deliveries arrived in all; and when the last one did (performance.now()). */
  readonly total: () => number;
  readonly lastAt: () => number;
  readonly close: () => Promise<void>;
}

/**
 * Starts a receiver on `host` (default 127.0.0.1), port 0.
 *
 * @since 0.1.0
 * @category Explorer
 */
export const startReceiver = async (host = "127.0.0.1"): Promise<WebhookReceiver> => {
  const byMerchant = new Map<string, Array<Delivery>>();
  let total = 0;
  let lastAt = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Array<Buffer> = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // kept as text: the check reports a body that does not decode
      }
      const merchantId = decodeURIComponent((request.url ?? "/").slice(1).split("?")[0] ?? "");
      const key = request.headers["x-api-key"];
      const list = byMerchant.get(merchantId) ?? [];
      list.push({ apiKey: Array.isArray(key) ? key[0] : key, body });
      byMerchant.set(merchantId, list);
      total++;
      lastAt = performance.now();
      response.writeHead(200, { "content-type": "application/json" });
      response.end("{}");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    deliveries: (merchantId) => byMerchant.get(merchantId) ?? [],
    total: () => total,
    lastAt: () => lastAt,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
