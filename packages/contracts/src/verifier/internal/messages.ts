/**
 * Message (webhook) interactions: adapts our message providers, or an HTTP messages endpoint of the
 * implementation, to pact-js's message-provider mechanism (its verifier proxy answers the core's
 * `message` transport by calling `messageProviders[description]`).
 */

import { timed } from "../timings.js";
import type { MessageProvider, MessageRequest, ProviderStateRef } from "../types.js";
import { isRecord, stringAt } from "./json.js";
import { type Agents, post } from "./stateServer.js";

/** pact-js's wrapper shape for a message with metadata. */
interface PactMessageWithMetadata {
  readonly __pactMessageMetadata: Record<string, string>;
  readonly message: unknown;
}

/** A message provider as pact-js's message proxy calls it (and our loopback server). */
export type PactMessageProvider = (descriptor: unknown) => Promise<unknown>;

/**
 * A provider-messages request (`{description, providerStates}`, as the verifier sends it and Pact's
 * `message` transport does) from its parsed JSON; what is missing or mistyped is left out.
 *
 * @since 0.1.0
 * @category Verifier
 */
export const messageRequestOf = (descriptor: unknown): MessageRequest => {
  const d = isRecord(descriptor) ? descriptor : {};
  const states = Array.isArray(d.providerStates) ? d.providerStates : [];
  return {
    description: stringAt(d, "description") ?? "",
    providerStates: states.flatMap((s): ReadonlyArray<ProviderStateRef> => {
      if (!isRecord(s)) return [];
      const name = stringAt(s, "name");
      return name === undefined
        ? []
        : [{ name, params: isRecord(s.params) ? (s.params as ProviderStateRef["params"]) : {} }];
    }),
  };
};

const decodeMetadata = (header: string | undefined): Record<string, string> | undefined => {
  if (header === undefined || header.length === 0) return undefined;
  try {
    const json: unknown = JSON.parse(Buffer.from(header, "base64").toString("utf8"));
    if (!isRecord(json)) return undefined;
    return Object.fromEntries(
      Object.entries(json).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
    );
  } catch {
    return undefined;
  }
};

/**
 * A message provider that asks the implementation over HTTP: `POST url` with `{description, providerStates}`;
 * the response body is the message (JSON when the response says so), the optional `Pact-Message-Metadata`
 * header (base64 of a JSON object) its metadata. This is the body Pact's own verifiers send to a provider's
 * `message` transport, so one endpoint serves both. Sent with node:http over `agents` (kept alive),
 * like the provider-state calls.
 */
export const httpMessageProvider =
  (url: string, timeoutMs: number, agents: Agents): MessageProvider =>
  async (request) => {
    const res = await post(agents, url, timeoutMs, JSON.stringify(request), { accept: "application/json" });
    if (res._tag === "none") throw new Error(`POST ${url} got no answer: ${res.reason}`);
    const { text, status } = res;
    if (status < 200 || status > 299) throw new Error(`POST ${url} answered HTTP ${status}`);
    const body: unknown = res.contentType.includes("json") ? JSON.parse(text) : text;
    const header = res.headers["pact-message-metadata"];
    const metadata = decodeMetadata(Array.isArray(header) ? header[0] : header);
    return metadata === undefined
      ? body
      : ({ __pactMessageMetadata: metadata, message: body } satisfies PactMessageWithMetadata);
  };

interface MessageProvidersInput {
  readonly providers: Readonly<Record<string, MessageProvider>>;
  readonly fallback: MessageProvider | undefined;
  /** Message descriptions of the local pacts. */
  readonly descriptions: ReadonlyArray<string>;
  /** True when pacts come from URLs or a broker too, so descriptions are not all known up front. */
  readonly open: boolean;
  /** Filled with the reason when a message cannot be produced, by description. */
  readonly failures: Map<string, string>;
  /** Filled with every description the core asks for. */
  readonly requested: Set<string>;
  /** Name options as CLI flags (`--provider-messages-url`) or as API options. */
  readonly hints: "api" | "cli";
}

/** Property names other code may probe on an object (JSON.stringify, await, util.inspect); never descriptions. */
const RESERVED = new Set(["then", "toJSON", "constructor", "valueOf", "toString", "inspect", "__proto__"]);

/**
 * The `messageProviders` object handed to pact-js: one entry per known message description (ours, the
 * HTTP fallback, or one that records why there is none). With remote pacts it is a Proxy, so that any
 * description the core asks for also resolves.
 */
export const pactMessageProviders = ({
  providers,
  fallback,
  descriptions,
  open,
  failures,
  requested,
  hints,
}: MessageProvidersInput): Record<string, PactMessageProvider> => {
  const resolve =
    (description: string): PactMessageProvider =>
    async (descriptor) => {
      requested.add(description);
      const provider = Object.hasOwn(providers, description) ? providers[description] : fallback;
      if (provider === undefined) {
        const reason =
          hints === "cli"
            ? `no message provider for "${description}": give --provider-messages-url URL (your messages endpoint, which answers POST {"description","providerStates"} with the message)`
            : `no message provider for "${description}": give messageProviders["${description}"] or providerMessagesUrl`;
        failures.set(description, reason);
        throw new Error(reason);
      }
      const request = messageRequestOf(descriptor);
      try {
        if (typeof provider === "function") return await timed("messages produced", () => provider(request));
        const message = await provider.produce(request);
        return { __pactMessageMetadata: { ...provider.metadata }, message } satisfies PactMessageWithMetadata;
      } catch (e) {
        const reason = e instanceof Error ? e.message : String(e);
        failures.set(description, `message provider for "${description}" failed: ${reason}`);
        throw e;
      }
    };
  const known: Record<string, PactMessageProvider> = Object.fromEntries(
    [...new Set([...descriptions, ...Object.keys(providers)])].map((d) => [d, resolve(d)]),
  );
  if (!open) return known;
  return new Proxy(known, {
    get: (target, key) =>
      typeof key !== "string" || RESERVED.has(key)
        ? undefined
        : Object.hasOwn(target, key)
          ? target[key]
          : resolve(key),
  });
};

/** An HTTP answer of the verifier's own loopback server. */
export interface LoopbackAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const hasMetadata = (u: unknown): u is PactMessageWithMetadata =>
  isRecord(u) && isRecord(u.__pactMessageMetadata);

const withCharset = (contentType: string): string =>
  /;\s*charset=/i.test(contentType) ? contentType : `${contentType}; charset=utf-8`;

/** No message: a 500 whose body is the reason (the core prints it). */
const failedMessage = (reason: string): LoopbackAnswer => ({
  status: 500,
  headers: { "content-type": "text/plain; charset=utf-8" },
  body: reason,
});

/**
 * Answers the Pact core's request on the `message` transport (`{description, providerStates, …}`)
 * from the `messageProviders` object, as pact-js's message proxy answers it: the message as the
 * body (JSON, or as is under the metadata's content type when it is a string), its metadata in the
 * `Pact-Message-Metadata` header (base64 of a JSON object). A description without a provider, or a
 * provider that throws, is a 500 with the reason (the report names it from `failures`).
 */
export const answerMessageRequest = async (
  providerFor: (description: string) => PactMessageProvider | undefined,
  descriptor: unknown,
): Promise<LoopbackAnswer> => {
  const description = messageRequestOf(descriptor).description;
  const provider = providerFor(description);
  if (provider === undefined) return failedMessage(`no message provider for "${description}"`);
  let produced: unknown;
  try {
    produced = await provider(descriptor);
  } catch (e) {
    return failedMessage(e instanceof Error ? e.message : String(e));
  }
  if (!hasMetadata(produced)) {
    return {
      status: 200,
      headers: { "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify(produced) ?? "",
    };
  }
  const metadata = produced.__pactMessageMetadata;
  const encoded = Buffer.from(JSON.stringify(metadata), "utf8").toString("base64");
  const declared = metadata["content-type"] ?? metadata["Content-Type"] ?? metadata.contentType;
  const asIs = declared !== undefined && typeof produced.message === "string";
  return {
    status: 200,
    headers: {
      "content-type": withCharset(declared ?? "application/json"),
      "pact-message-metadata": encoded,
      pact_message_metadata: encoded,
    },
    body: asIs ? String(produced.message) : (JSON.stringify(produced.message) ?? ""),
  };
};
