/**
 * The webhook side of a contract verification: an inbox that receives the provider's real webhook
 * deliveries (the merchants' callback URL), and the messages endpoint the verifier asks for each
 * webhook message — answered with the delivery the provider's dispatcher just made for the
 * session the message's provider states set up, never with a hand-written body.
 *
 * @since 0.1.0
 */
import http from "node:http";
import type { MessageRequest } from "@payment-session/contracts";
import { readRequestText } from "@payment-session/contracts/verifier";
import type { ProviderContext } from "../startProvider.js";
import type { ContractStates } from "./contractStates.js";

/**
 * One webhook POST the inbox received: lower-case header names and the body as sent.
 *
 * @since 0.1.0
 * @category Contract verification
 */
export interface WebhookDelivery {
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

/**
 * A webhook message for the verifier: the body exactly as delivered (JSON text) and the message
 * metadata the pact matches (`X-API-Key`, the header the delivery carried).
 *
 * @since 0.1.0
 * @category Contract verification
 */
export interface WebhookMessage {
  readonly body: string;
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * The deliveries an inbox holds, oldest first, and how to empty it.
 *
 * @since 0.1.0
 * @category Contract verification
 */
export interface WebhookInbox {
  readonly deliveries: () => ReadonlyArray<WebhookDelivery>;
  readonly clear: () => void;
}

/**
 * A running pair of loopback endpoints: `callbackUrl` (the inbox: answers every POST 200 and keeps
 * it) and `messagesUrl` (the provider-messages protocol of `@payment-session/contracts`: `POST
 * {description, providerStates}` → 200 with the message body and a `Pact-Message-Metadata` header).
 *
 * @since 0.1.0
 * @category Contract verification
 */
export interface WebhookEndpoints {
  readonly callbackUrl: string;
  readonly messagesUrl: string;
  readonly inbox: WebhookInbox;
  readonly problems: () => ReadonlyArray<string>;
  readonly close: () => Promise<void>;
}

/**
 * Produces the message a request asks for, reading what the inbox received.
 *
 * @since 0.1.0
 * @category Contract verification
 */
export type WebhookMessageProducer = (
  request: MessageRequest,
  inbox: WebhookInbox,
) => Promise<WebhookMessage>;

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === "object" && u !== null && !Array.isArray(u);

const toMessageRequest = (text: string): MessageRequest => {
  const json: unknown = text.trim() === "" ? {} : JSON.parse(text);
  const body = isRecord(json) ? json : {};
  const states = Array.isArray(body.providerStates) ? body.providerStates : [];
  return {
    description: typeof body.description === "string" ? body.description : "",
    providerStates: states.flatMap((s: unknown) =>
      isRecord(s) && typeof s.name === "string"
        ? [
            {
              name: s.name,
              params: isRecord(s.params)
                ? (s.params as MessageRequest["providerStates"][number]["params"])
                : {},
            },
          ]
        : [],
    ),
  };
};

const headerValues = (req: http.IncomingMessage): Record<string, string | undefined> =>
  Object.fromEntries(
    Object.entries(req.headers).map(([name, value]) => [
      name,
      Array.isArray(value) ? value.join(", ") : value,
    ]),
  );

/**
 * Starts the inbox and the messages endpoint on one loopback port (chosen by the OS). A producer
 * that throws answers 500 with its message, which is also kept in `problems()` for the run's report.
 *
 * @since 0.1.0
 * @category Contract verification
 */
export const startWebhookEndpoints = async (produce: WebhookMessageProducer): Promise<WebhookEndpoints> => {
  let received: Array<WebhookDelivery> = [];
  const problems: Array<string> = [];
  const inbox: WebhookInbox = {
    deliveries: () => received,
    clear: () => {
      received = [];
    },
  };
  const server = http.createServer((req, res) => {
    void (async () => {
      const text = await readRequestText(req);
      const path = (req.url ?? "/").split("?")[0];
      if (req.method === "POST" && path === "/webhooks") {
        received.push({ headers: headerValues(req), body: text });
        res.writeHead(200, { "content-type": "application/json" });
        res.end("{}");
        return;
      }
      if (req.method === "POST" && path === "/messages") {
        let description = "";
        try {
          const request = toMessageRequest(text);
          description = request.description;
          const message = await produce(request, inbox);
          res.writeHead(200, {
            "content-type": "application/json",
            "pact-message-metadata": Buffer.from(JSON.stringify(message.metadata)).toString("base64"),
          });
          res.end(message.body);
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          problems.push(`message "${description}": ${reason}`);
          res.writeHead(500, { "content-type": "text/plain" });
          res.end(reason);
        }
        return;
      }
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
    })().catch(() => {
      res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = address !== null && typeof address === "object" ? address.port : 0;
  const base = `http://127.0.0.1:${port}`;
  return {
    callbackUrl: `${base}/webhooks`,
    messagesUrl: `${base}/messages`,
    inbox,
    problems: () => [...problems],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

const sessionIdOf = (body: string): string | undefined => {
  try {
    const json: unknown = JSON.parse(body);
    const data = isRecord(json) ? json.data : undefined;
    // A refund callback's data is the refund: it belongs to its payment session.
    if (isRecord(data) && typeof data.paymentSessionId === "string") return data.paymentSessionId;
    return isRecord(data) && typeof data.id === "string" ? data.id : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The message producer of a running provider: for the session the message's provider states set up
 * last (see `ContractStates.interaction`), runs the provider's webhook dispatcher once at the clock
 * (it delivers the outbox rows the session's transitions wrote, to the merchant's callback URL: the
 * inbox) and answers the newest delivery for that session: its body as sent, and its `X-API-Key`
 * header as the message metadata. Fails when the states set up no session, or the session's
 * transitions wrote no webhook event.
 *
 * @since 0.1.0
 * @category Contract verification
 */
export const webhookMessageProducer =
  (provider: ProviderContext, states: ContractStates): WebhookMessageProducer =>
  async (request, inbox) => {
    const { merchant, sessionIds, now } = states.interaction();
    const sessionId = sessionIds[sessionIds.length - 1];
    if (merchant === undefined || sessionId === undefined) {
      throw new Error("its provider states set up no payment session");
    }
    if (merchant.callbackUrl === undefined) throw new Error(`merchant ${merchant.id} has no callback URL`);
    inbox.clear();
    await provider.dispatchDue(now);
    const delivered = inbox.deliveries().filter((d) => sessionIdOf(d.body) === sessionId);
    const last = delivered[delivered.length - 1];
    if (last === undefined) {
      throw new Error(`the provider delivered no webhook for session ${sessionId} (${request.description})`);
    }
    return { body: last.body, metadata: { "X-API-Key": last.headers["x-api-key"] ?? "" } };
  };
