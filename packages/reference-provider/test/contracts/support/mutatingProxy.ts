/**
 * A small HTTP proxy in front of the reference provider in contract-test mode that turns it into a
 * deliberately wrong (or a differently-but-faithfully formatted) provider: it forwards the API, the
 * provider-states endpoint and the webhook-messages endpoint, and lets one {@link Mutation} rewrite
 * a state set-up, an API answer or a webhook message on the way. The contract-strength tests verify
 * the pact files through it, one mutation at a time.
 */
import { randomUUID } from "node:crypto";
import http from "node:http";

/** A JSON value. */
export type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json };

/** A provider-state request as the verifier sends it. */
export interface StateRequest {
  readonly state: string;
  readonly params: Readonly<Record<string, Json>>;
  readonly action: string;
}

/** An API request the proxy forwards. */
export interface ApiRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Json | undefined;
}

/** An answer: status and JSON body (undefined when the body was not JSON). */
export interface ApiAnswer {
  readonly status: number;
  readonly body: Json | undefined;
}

/** A webhook message as the messages endpoint answers it. */
export interface MessageAnswer {
  readonly body: Json;
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * One change of behaviour. Each hook is optional; a hook returning `undefined` leaves the exchange
 * as it is.
 *
 * - `state`: called before a state set-up is forwarded; `"skip"` answers `{}` without forwarding
 *   (the provider ignores the state), a `StateRequest` forwards that instead.
 * - `request`: called before an API request is forwarded; an `ApiAnswer` is answered without
 *   forwarding (a no-op endpoint).
 * - `forward`: rewrites an API request before it is forwarded (a header or query parameter ignored).
 * - `answer`: rewrites an API answer.
 * - `message`: rewrites a webhook message.
 */
export interface Mutation {
  readonly state?: (request: StateRequest) => "skip" | StateRequest | undefined;
  readonly request?: (request: ApiRequest) => ApiAnswer | undefined;
  readonly forward?: (request: ApiRequest) => ApiRequest | undefined;
  readonly answer?: (request: ApiRequest, answer: ApiAnswer) => ApiAnswer | undefined;
  readonly message?: (description: string, message: MessageAnswer) => MessageAnswer | undefined;
}

/** The proxy's URLs (give them to the verifier) and how to switch the mutation or stop it. */
export interface MutatingProxy {
  readonly providerBaseUrl: string;
  readonly providerStatesSetupUrl: string;
  readonly providerMessagesUrl: string;
  readonly use: (mutation: Mutation) => void;
  readonly close: () => Promise<void>;
}

const readBody = (req: http.IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });

const parseJson = (text: string): Json | undefined => {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
};

const isObject = (u: unknown): u is Readonly<Record<string, Json>> =>
  typeof u === "object" && u !== null && !Array.isArray(u);

const headerValues = (req: http.IncomingMessage): Record<string, string | undefined> =>
  Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : v]));

/** Request headers worth forwarding (not the hop-by-hop ones nor the length, which may change). */
const forwardedHeaders = (req: http.IncomingMessage): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headerValues(req))) {
    if (v === undefined || ["host", "connection", "content-length", "transfer-encoding"].includes(k))
      continue;
    out[k] = v;
  }
  return out;
};

const send = (
  res: http.ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(body);
};

/**
 * Starts the proxy on a loopback port, forwarding to a provider in contract-test mode.
 */
export const startMutatingProxy = async (target: {
  readonly providerBaseUrl: string;
  readonly providerStatesSetupUrl: string;
  readonly providerMessagesUrl: string;
}): Promise<MutatingProxy> => {
  let mutation: Mutation = {};
  const statesPath = new URL(target.providerStatesSetupUrl).pathname;

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const text = await readBody(req);
    const url = new URL(req.url ?? "/", "http://proxy");
    const method = req.method ?? "GET";

    if (method === "POST" && url.pathname === statesPath) {
      const json = parseJson(text);
      const body = isObject(json) ? json : {};
      const request: StateRequest = {
        state: typeof body.state === "string" ? body.state : "",
        params: isObject(body.params) ? body.params : {},
        action: typeof body.action === "string" ? body.action : "setup",
      };
      const decided = mutation.state?.(request);
      if (decided === "skip") return send(res, 200, "{}");
      const forwarded = decided === undefined ? text : JSON.stringify(decided);
      const upstream = await fetch(target.providerStatesSetupUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: forwarded,
      });
      return send(res, upstream.status, await upstream.text());
    }

    if (method === "POST" && url.pathname === "/_proxy/messages") {
      const upstream = await fetch(target.providerMessagesUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: text,
      });
      const bodyText = await upstream.text();
      const metadataHeader = upstream.headers.get("pact-message-metadata");
      if (upstream.status !== 200 || mutation.message === undefined) {
        return send(
          res,
          upstream.status,
          bodyText,
          metadataHeader === null ? {} : { "pact-message-metadata": metadataHeader },
        );
      }
      const metadata =
        metadataHeader === null
          ? {}
          : (JSON.parse(Buffer.from(metadataHeader, "base64").toString("utf8")) as Record<string, string>);
      const request = parseJson(text);
      const description =
        isObject(request) && typeof request.description === "string" ? request.description : "";
      const original: MessageAnswer = { body: parseJson(bodyText) ?? null, metadata };
      const changed = mutation.message(description, original) ?? original;
      return send(res, 200, JSON.stringify(changed.body), {
        "pact-message-metadata": Buffer.from(JSON.stringify(changed.metadata)).toString("base64"),
      });
    }

    const received: ApiRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: forwardedHeaders(req),
      body: parseJson(text),
    };
    const shortCut = mutation.request?.(received);
    if (shortCut !== undefined) return send(res, shortCut.status, JSON.stringify(shortCut.body ?? null));
    const request = mutation.forward?.(received) ?? received;
    const search = request.query.toString();
    const headers = Object.fromEntries(
      Object.entries(request.headers).flatMap(([k, v]) => (v === undefined ? [] : [[k, v]])),
    );
    const upstream = await fetch(
      new URL(`${request.path}${search === "" ? "" : `?${search}`}`, target.providerBaseUrl),
      {
        method,
        headers,
        ...(method === "GET" || method === "HEAD" ? {} : { body: text }),
      },
    );
    const answerText = await upstream.text();
    const original: ApiAnswer = { status: upstream.status, body: parseJson(answerText) };
    const changed = original.body === undefined ? undefined : mutation.answer?.(request, original);
    if (changed === undefined) {
      const contentType = upstream.headers.get("content-type") ?? "application/json";
      res.writeHead(upstream.status, { "content-type": contentType });
      res.end(answerText);
      return;
    }
    return send(res, changed.status, JSON.stringify(changed.body ?? null));
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      send(res, 502, JSON.stringify({ proxyError: error instanceof Error ? error.message : String(error) }));
    });
  });
  // The Pact verifier sends a JSON body labelled as a form longer than its Content-Length, then
  // `Connection: close`: Node parses the request and reports the extra bytes. The request is being
  // answered, so that error must not end the socket (Node's default answers a bare 400 first).
  server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
    if (error.code === "HPE_CLOSED_CONNECTION" && socket.writable) return;
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = address !== null && typeof address === "object" ? address.port : 0;
  const base = `http://127.0.0.1:${port}`;
  return {
    providerBaseUrl: base,
    providerStatesSetupUrl: `${base}${statesPath}`,
    providerMessagesUrl: `${base}/_proxy/messages`,
    use: (next) => {
      mutation = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

/** A fresh UUID (a "new session" id). */
export const newId = (): string => randomUUID();

/** Applies `f` to every JSON value of a tree, depth first (children before their parent). */
export const mapJson = (
  value: Json,
  f: (value: Json, key: string | undefined) => Json | undefined,
  key?: string,
): Json | undefined => {
  let mapped: Json;
  if (Array.isArray(value)) {
    mapped = (value as ReadonlyArray<Json>).flatMap((v) => {
      const m = mapJson(v, f);
      return m === undefined ? [] : [m];
    });
  } else if (isObject(value)) {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) {
      const m = mapJson(v, f, k);
      if (m !== undefined) out[k] = m;
    }
    mapped = out;
  } else {
    mapped = value;
  }
  return f(mapped, key);
};

export { isObject };
