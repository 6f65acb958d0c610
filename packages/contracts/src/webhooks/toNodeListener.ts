/**
 * Serving the webhook handler with `node:http` (or anything that takes a Node request listener:
 * Express, Fastify's `raw`, Next.js API routes with the body parser off).
 *
 * @since 0.1.0
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { WebhookHandler } from "./createWebhookHandler.js";

/**
 * Options of {@link toNodeListener}: the largest body read (default 1 MiB; larger → 413).
 *
 * @since 0.1.0
 * @category Webhooks
 */
export interface NodeListenerOptions {
  readonly maxBodyBytes?: number;
}

const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
};

/**
 * Wraps a webhook handler as a Node request listener: reads the raw body (POST only: other
 * methods get 405), passes it with the headers to the handler, and writes its answer as JSON.
 *
 * @example
 * import http from "node:http"
 * http.createServer(toNodeListener(createWebhookHandler({ apiKey, onEvent }))).listen(8080)
 * @since 0.1.0
 * @category Webhooks
 */
export const toNodeListener =
  (handler: WebhookHandler, options: NodeListenerOptions = {}) =>
  (req: IncomingMessage, res: ServerResponse): void => {
    const limit = options.maxBodyBytes ?? 1_048_576;
    if (req.method !== "POST") {
      req.resume();
      send(res, 405, { error: "method_not_allowed", message: "Callbacks are POSTed" }, { allow: "POST" });
      return;
    }
    const chunks: Array<Buffer> = [];
    let size = 0;
    let refused = false;
    req.on("data", (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > limit) {
        refused = true;
        send(
          res,
          413,
          { error: "body_too_large", message: `The body exceeds ${limit} bytes` },
          { connection: "close" },
        );
        return;
      }
      chunks.push(chunk);
    });
    req.on("error", () => {
      if (!res.headersSent)
        send(res, 400, { error: "invalid_body", message: "The request body could not be read" });
    });
    req.on("end", () => {
      if (refused) return;
      void handler({ headers: req.headers, body: Buffer.concat(chunks) }).then((answer) =>
        send(res, answer.status, answer.body),
      );
    });
  };
