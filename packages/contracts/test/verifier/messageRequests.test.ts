/**
 * The verifier's answer to the Pact core's request on its `message` transport, as pact-js's message
 * proxy gave it: the message as JSON (or as is under a declared content type when it is text), the
 * metadata base64-encoded in `Pact-Message-Metadata`, and a 500 that says why when there is no message.
 */
import { describe, expect, it } from "vitest";
import { answerMessageRequest, type PactMessageProvider } from "../../src/verifier/internal/messages.js";

const request = {
  description: "a PAYMENT.PAID webhook",
  providerStates: [{ name: "a payment session is paid" }],
};
const only =
  (provider: PactMessageProvider) =>
  (description: string): PactMessageProvider | undefined =>
    description === request.description ? provider : undefined;
const decoded = (header: string | undefined): unknown =>
  JSON.parse(Buffer.from(header ?? "", "base64").toString("utf8"));

describe("the core's message requests", () => {
  it("a message with metadata: the body as JSON, the metadata in Pact-Message-Metadata, its content type", async () => {
    const metadata = { contentType: "application/json", "X-API-Key": "callback-key-0001" };
    const answer = await answerMessageRequest(
      only(async () => ({ __pactMessageMetadata: metadata, message: { event: "PAYMENT.PAID" } })),
      request,
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('{"event":"PAYMENT.PAID"}');
    expect(answer.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(decoded(answer.headers["pact-message-metadata"])).toEqual(metadata);
  });

  it("a text message under a declared content type goes as is; without metadata, as JSON", async () => {
    const text = await answerMessageRequest(
      only(async () => ({ __pactMessageMetadata: { contentType: "text/plain" }, message: "hello" })),
      request,
    );
    expect([text.body, text.headers["content-type"]]).toEqual(["hello", "text/plain; charset=utf-8"]);
    const bare = await answerMessageRequest(
      only(async () => ({ event: "PAYMENT.PAID" })),
      request,
    );
    expect([bare.body, bare.headers["pact-message-metadata"]]).toEqual([
      '{"event":"PAYMENT.PAID"}',
      undefined,
    ]);
  });

  it("no provider for the description, or one that throws: 500 with the reason", async () => {
    const missing = await answerMessageRequest(() => undefined, request);
    expect([missing.status, missing.body]).toEqual([500, 'no message provider for "a PAYMENT.PAID webhook"']);
    const thrown = await answerMessageRequest(
      only(async () => {
        throw new Error("the outbox is empty");
      }),
      request,
    );
    expect([thrown.status, thrown.body]).toEqual([500, "the outbox is empty"]);
  });
});
