/**
 * The provider-states endpoint the Pact core talks to is always ours: a loopback server that either runs
 * in-process `stateHandlers` or forwards each call, once, to the implementation's setup URL. Either way
 * it records every call (state, params, HTTP status, content type, the start of the body, the values),
 * so that a failed set-up is reported by what failed instead of the core's "One or more of the setup
 * state change handlers has failed", and an interaction whose request fell back to the pact's example
 * values (a state that returned no `id`) can say so.
 *
 * The core retries a set-up that answers 5xx (three attempts, a second apart). A set-up is not
 * idempotent (it creates sessions), so the proxy sends it to the implementation once and answers the core
 * a failure it does not retry (424); the recorded status is the implementation's.
 */
import http from "node:http";
import https from "node:https";
import { timed } from "../timings.js";
import type { JsonValue, StateHandler } from "../types.js";
import { isRecord, stringAt } from "./json.js";
import type { LoopbackAnswer } from "./messages.js";

/** One provider-state call as the implementation answered it. */
export interface StateCall {
  readonly state: string;
  readonly params: Readonly<Record<string, JsonValue>>;
  readonly action: string;
  /** True for a 2xx answer (or a handler that returned). */
  readonly ok: boolean;
  /** Why it failed, one line (`POST … answered HTTP 404 (text/html): "…"`); empty when ok. */
  readonly failure: string;
  /** The values the core can use: the answer's JSON object, or undefined when it gave none. */
  readonly values: Readonly<Record<string, JsonValue>> | undefined;
  /** Why the answer gave no values (not JSON, not an object), for the report; empty when it did. */
  readonly noValuesReason: string;
}

/** A running state server: its URL, its port, every call it served (in order), and `close`. */
export interface StateServer {
  readonly url: string;
  readonly port: number;
  readonly calls: ReadonlyArray<StateCall>;
  readonly close: () => Promise<void>;
}

/** Where the calls go: in-process handlers, or the implementation's setup URL. */
export type StateBackend =
  | { readonly handlers: Readonly<Record<string, StateHandler>> }
  | { readonly url: string; readonly timeoutMs: number; readonly forwardTeardowns?: boolean | undefined };

const BODY_START = 200;

/**
 * The whole body of a Node request as UTF-8 text (the provider-states proxy's reader).
 */
export const readRequestText = (req: http.IncomingMessage): Promise<string> =>
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

/** The start of a body as one quoted line: `"Cannot POST /_pact/provider-state"`, `"" (empty)`. */
export const bodyStart = (text: string): string => {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length === 0) return "(empty body)";
  return JSON.stringify(flat.length > BODY_START ? `${flat.slice(0, BODY_START)}…` : flat);
};

/** What the Pact core does with a set-up answer: a JSON object under a JSON content type gives values. */
const valuesOf = (
  contentType: string,
  text: string,
): { values: Readonly<Record<string, JsonValue>> | undefined; reason: string } => {
  if (!/\bjson\b/i.test(contentType)) {
    return {
      values: undefined,
      reason: `answered ${contentType === "" ? "without a content type" : `content type ${contentType}`}, not JSON, so the verifier ignored its body ${bodyStart(text)}`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { values: undefined, reason: `answered a body that is not JSON: ${bodyStart(text)}` };
  }
  if (!isRecord(json)) return { values: undefined, reason: `answered ${bodyStart(text)}, not a JSON object` };
  return { values: json as Readonly<Record<string, JsonValue>>, reason: "" };
};

const runHandler = async (
  handlers: Readonly<Record<string, StateHandler>>,
  state: string,
  params: Readonly<Record<string, JsonValue>>,
  action: string,
): Promise<Omit<StateCall, "state" | "params" | "action">> => {
  const handler = Object.hasOwn(handlers, state) ? handlers[state] : undefined;
  const fn = handler === undefined ? undefined : handlerFor(handler, action);
  try {
    const values = fn === undefined ? undefined : await fn(params);
    return { ok: true, failure: "", values: values ?? {}, noValuesReason: "" };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return {
      ok: false,
      failure: `its state handler threw: ${message}`,
      values: undefined,
      noValuesReason: "",
    };
  }
};

/** The implementation's answer to one forwarded call, or why there was none. */
export type Forwarded =
  | {
      readonly _tag: "answer";
      readonly status: number;
      readonly contentType: string;
      readonly text: string;
      readonly headers: http.IncomingHttpHeaders;
    }
  | { readonly _tag: "none"; readonly reason: string };

/**
 * Kept-alive connections to the implementation (its setup URL, its messages URL): one call per
 * state set-up and teardown, hundreds a run. `destroy` them when the run ends.
 */
export interface Agents {
  readonly http: http.Agent;
  readonly https: https.Agent;
}

/** New kept-alive {@link Agents}. */
export const keepAliveAgents = (): Agents => ({
  http: new http.Agent({ keepAlive: true }),
  https: new https.Agent({ keepAlive: true }),
});

/**
 * POSTs the JSON `body` to `url` with node:http (a fraction of fetch's cost per call on loopback),
 * with `headers` besides its content type and length.
 */
export const post = (
  agents: Agents,
  url: string,
  timeoutMs: number,
  body: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<Forwarded> =>
  new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch (e) {
      resolve({ _tag: "none", reason: e instanceof Error ? e.message : String(e) });
      return;
    }
    const secure = target.protocol === "https:";
    const req = (secure ? https : http).request(
      target,
      {
        method: "POST",
        agent: secure ? agents.https : agents.http,
        headers: {
          ...headers,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks: Array<Buffer> = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        const done = () =>
          resolve({
            _tag: "answer",
            status: res.statusCode ?? 0,
            contentType: res.headers["content-type"] ?? "",
            text: Buffer.concat(chunks).toString("utf8"),
            headers: res.headers,
          });
        res.on("end", done);
        res.on("error", done);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", (e) => resolve({ _tag: "none", reason: e.message }));
    req.end(body);
  });

const forward = async (
  agents: Agents,
  url: string,
  timeoutMs: number,
  body: string,
): Promise<
  Omit<StateCall, "state" | "params" | "action"> & { readonly contentType: string; readonly text: string }
> => {
  const res = await post(agents, url, timeoutMs, body);
  if (res._tag === "none") {
    return {
      ok: false,
      failure: `POST ${url} got no answer: ${res.reason}`,
      values: undefined,
      noValuesReason: "",
      contentType: "",
      text: "",
    };
  }
  const { status, contentType, text } = res;
  if (status < 200 || status > 299) {
    return {
      ok: false,
      failure: `POST ${url} answered HTTP ${status}${contentType === "" ? "" : ` (${contentType})`}: ${bodyStart(text)}`,
      values: undefined,
      noValuesReason: "",
      contentType,
      text,
    };
  }
  const { values, reason } = valuesOf(contentType, text);
  return { ok: true, failure: "", values, noValuesReason: reason, contentType, text };
};

/**
 * The Pact core's message requests (`POST {description, providerStates, …}`), served beside the
 * state calls: at `path`, answered by `answer`.
 */
export interface MessageRoute {
  readonly path: string;
  readonly answer: (body: unknown) => Promise<LoopbackAnswer>;
}

/**
 * Starts the loopback state server in front of `backend` (port chosen by the OS) on `host`
 * (default `127.0.0.1`), with the message route when given; every other path is a state call.
 */
export const startStateServer = async (
  backend: StateBackend,
  options: { readonly messages?: MessageRoute | undefined; readonly host?: string | undefined } = {},
): Promise<StateServer> => {
  const calls: Array<StateCall> = [];
  const agents = keepAliveAgents();
  const { messages } = options;
  const server = http.createServer((req, res) => {
    void (async () => {
      const raw = await readRequestText(req).catch(() => "");
      let body: unknown;
      try {
        body = JSON.parse(raw || "{}");
      } catch {
        body = {};
      }
      if (messages !== undefined && req.url?.split("?")[0] === messages.path) {
        const answer = await messages.answer(body);
        res.writeHead(answer.status, {
          ...answer.headers,
          "content-length": Buffer.byteLength(answer.body),
        });
        res.end(answer.body);
        return;
      }
      const r = isRecord(body) ? body : {};
      const state = stringAt(r, "state") ?? "";
      const params = isRecord(r.params) ? (r.params as Readonly<Record<string, JsonValue>>) : {};
      const action = stringAt(r, "action") ?? "setup";
      if ("handlers" in backend) {
        const result = await runHandler(backend.handlers, state, params, action);
        calls.push({ state, params, action, ...result });
        const answer = result.ok ? JSON.stringify(result.values ?? {}) : result.failure;
        res.writeHead(result.ok ? 200 : 424, {
          "content-type": result.ok ? "application/json" : "text/plain",
          "content-length": Buffer.byteLength(answer),
        });
        res.end(answer);
        return;
      }
      if (action === "teardown" && backend.forwardTeardowns === false) {
        // The implementation's teardown does nothing (it said so): answered here, as it would.
        calls.push({ state, params, action, ok: true, failure: "", values: {}, noValuesReason: "" });
        res.writeHead(200, { "content-type": "application/json", "content-length": 2 });
        res.end("{}");
        return;
      }
      const { contentType, text, ...result } = await timed(`proxied state ${action}s`, () =>
        forward(agents, backend.url, backend.timeoutMs, raw),
      );
      calls.push({ state, params, action, ...result });
      if (result.ok) {
        // The implementation's own answer, so the core reads values exactly as it would without us.
        res.writeHead(200, {
          ...(contentType === "" ? {} : { "content-type": contentType }),
          "content-length": Buffer.byteLength(text),
        });
        res.end(text);
        return;
      }
      // 424, not the implementation's 5xx: the core would send the set-up twice more.
      res.writeHead(424, {
        "content-type": "text/plain",
        "content-length": Buffer.byteLength(result.failure),
      });
      res.end(result.failure);
    })();
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, resolve);
  });
  const address = server.address();
  const port = address !== null && typeof address === "object" ? address.port : 0;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}/`,
    port,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        agents.http.destroy();
        agents.https.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
