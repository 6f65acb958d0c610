/**
 * What every webhook message goes through: the merchant's Callback API Key as its metadata, and the
 * real handler (decision W2), which accepts a delivery once and answers a second one as a duplicate.
 * Written once here for the payment and the refund callbacks.
 */
import type { PactV4 } from "@pact-foundation/pact";
import { expect } from "vitest";
import { createWebhookHandler, type WebhookHandlerOptions } from "../../../src/webhooks/index.js";
import { merchant } from "./pact.js";

type Message = Parameters<
  Parameters<
    ReturnType<ReturnType<PactV4["addAsynchronousInteraction"]>["expectsToReceive"]>["executeTest"]
  >[0]
>[0];

/**
 * The metadata of a message: the merchant's own Callback API Key (state `a merchant with credentials
 * exists`), exactly: the handler refuses any other key, so a webhook signed with another one is worthless.
 */
export const callbackMetadata = { "X-API-Key": merchant.callbackApiKey };

/**
 * Delivers `message` twice to a handler made with the merchant's key and `options`: 200 the first
 * time, 200 as a duplicate the second.
 */
export const deliverTwice = async (
  message: Message,
  event: string,
  options: Omit<WebhookHandlerOptions, "apiKey">,
): Promise<void> => {
  const handle = createWebhookHandler({ apiKey: merchant.callbackApiKey, ...options });
  const headers = {
    "X-API-Key": String(message.metadata["X-API-Key"]),
    "Content-Type": "application/json",
  };
  const body = JSON.stringify(message.contents.content);
  const first = await handle({ headers, body });
  const second = await handle({ headers, body });
  expect(first).toMatchObject({ status: 200, body: { duplicate: false, event } });
  expect(second).toMatchObject({ status: 200, body: { duplicate: true } });
};
