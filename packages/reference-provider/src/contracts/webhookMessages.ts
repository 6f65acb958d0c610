/**
 * The webhook side of a contract verification: an inbox that receives the provider's real webhook
 * deliveries (the merchants' callback URL), and the messages endpoint the verifier asks for each
 * webhook message — answered with the delivery the provider's dispatcher just made for the
 * session the message's provider states set up, never with a hand-written body.
 *
 * @since 0.1.0
 */
import type { MessageRequest } from "@payment-session/contracts";
import { messageRequestOf } from "@payment-session/contracts/verifier";
import type { ExtraRoute } from "../http/server.js";
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
 * Produces the message a request asks for, reading what the inbox received.
 *
 * @since 0.1.0
 * @category Contract verification
 */
export type WebhookMessageProducer = (
  request: MessageRequest,
  inbox: WebhookInbox,
) => Promise<WebhookMessage>;

/**
 * Where the provider serves the webhook side in test mode, beside the provider-states endpoint:
 * `POST /_pact/webhooks` (the inbox: the merchants' callback URL; answers 200 and keeps the
 * delivery) and `POST /_pact/messages` (the provider-messages protocol of
 * `@payment-session/contracts`: `{description, providerStates}` → 200 with the message body and a
 * `Pact-Message-Metadata` header).
 *
 * @since 0.1.0
 * @category Contract verification
 */
export const webhookInboxPath = "/_pact/webhooks";

/**
 * The provider-messages endpoint's path (see {@link webhookInboxPath}).
 *
 * @since 0.1.0
 * @category Contract verification
 */
export const providerMessagesPath = "/_pact/messages";

/**
 * The inbox and messages routes (mounted on the provider's own server), the inbox they fill, and
 * every message that could not be produced (for the run's report).
 *
 * @since 0.1.0
 * @category Contract verification
 */
export interface WebhookEndpoints {
  readonly routes: ReadonlyArray<ExtraRoute>;
  readonly inbox: WebhookInbox;
  readonly problems: () => ReadonlyArray<string>;
}

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === "object" && u !== null && !Array.isArray(u);

/**
 * The inbox and messages routes. A producer that throws answers 500 with its message, which is also
 * kept in `problems()`.
 *
 * @since 0.1.0
 * @category Contract verification
 */
export const webhookEndpoints = (produce: WebhookMessageProducer): WebhookEndpoints => {
  let received: Array<WebhookDelivery> = [];
  const problems: Array<string> = [];
  const inbox: WebhookInbox = {
    deliveries: () => received,
    clear: () => {
      received = [];
    },
  };
  const inboxRoute: ExtraRoute = {
    method: "POST",
    path: webhookInboxPath,
    handle: async ({ headers, text }) => {
      received.push({ headers, body: text });
      return { status: 200, body: {} };
    },
  };
  const messagesRoute: ExtraRoute = {
    method: "POST",
    path: providerMessagesPath,
    handle: async ({ body }) => {
      const request = messageRequestOf(body);
      try {
        const message = await produce(request, inbox);
        const metadata = Buffer.from(JSON.stringify(message.metadata)).toString("base64");
        return {
          status: 200,
          html: message.body,
          contentType: "application/json",
          headers: { "pact-message-metadata": metadata },
        };
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        problems.push(`message "${request.description}": ${reason}`);
        return { status: 500, html: reason, contentType: "text/plain" };
      }
    },
  };
  return { routes: [inboxRoute, messagesRoute], inbox, problems: () => [...problems] };
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
