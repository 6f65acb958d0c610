/**
 * A tiny implementation of the fixture pacts' slice of the Payments v2 API (node:http, port 0), with a
 * provider-states endpoint and a messages endpoint. `wrong: true` breaks two interactions on purpose:
 * GET answers the wrong `data.status`, cancel leaves out `data.cancellationReason`. `states` makes the
 * provider-states endpoint misbehave one way, `data` overrides fields of what GET answers as `data`.
 */
import http from "node:http";

/** The id the provider-state setup creates; it differs from the pact's example id on purpose, so an
 * interaction only passes when the verifier injects it through `fromProviderState`. */
export const STATE_SESSION_ID = "0d8f2b1e-3c4a-4b5d-8e6f-7a8b9c0d1e2f";

/** Paths of the tiny provider's test endpoints. */
export const STATES_PATH = "/_pact/provider-states";
export const MESSAGES_PATH = "/_pact/messages";

export interface StateCall {
  readonly state: string;
  readonly params: Record<string, unknown>;
  readonly action: string;
}

export interface TinyProvider {
  readonly baseUrl: string;
  readonly statesUrl: string;
  readonly messagesUrl: string;
  /** Every provider-state request received, in order. */
  readonly stateCalls: ReadonlyArray<StateCall>;
  /** Every `{description, providerStates}` the messages endpoint received. */
  readonly messageCalls: ReadonlyArray<unknown>;
  /** What the states endpoint does, callable in-process (for `stateHandlers`). */
  readonly applyState: (call: StateCall) => Record<string, unknown>;
  /** What the messages endpoint answers for the session set up last. */
  readonly currentWebhook: () => ReturnType<typeof paidWebhook> | undefined;
  readonly close: () => Promise<void>;
}

interface Session {
  id: string;
  clientReferenceId: string;
  status: string;
}

const readJson = (req: http.IncomingMessage): Promise<unknown> =>
  new Promise((resolve) => {
    let text = "";
    req.on("data", (c: Buffer) => {
      text += c.toString("utf8");
    });
    req.on("end", () => {
      try {
        resolve(text.length === 0 ? {} : JSON.parse(text));
      } catch {
        resolve({});
      }
    });
  });

const record = (u: unknown): Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u) ? (u as Record<string, unknown>) : {};

const send = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};

/** The webhook body the fixture message pact expects, for a paid session. */
export const paidWebhook = (sessionId: string, status = "PAID") => ({
  event: "PAYMENT.PAID",
  data: {
    id: sessionId,
    status,
    chargeDetails: [
      { id: "b4db4aa5-4ee4-4722-b414-050c745c93cd", status: "SUCCESS", paidAt: "2025-03-30T06:00:00Z" },
    ],
  },
});

/**
 * How the provider-states endpoint misbehaves: `"500"` answers HTTP 500 text/plain "database is down";
 * `"text"` answers 200 with the right values as text/plain (so they are ignored); `"empty"` answers
 * 200 `{}` (sets up the session but returns no `sessionId`).
 */
export type StatesMisbehaviour = "500" | "text" | "empty";

/** Starts the tiny provider on 127.0.0.1 (port chosen by the OS). */
export const startTinyProvider = async ({
  wrong = false,
  states,
  data,
}: {
  wrong?: boolean;
  states?: StatesMisbehaviour;
  /** Fields GET answers in `data` instead of the session's (e.g. `{ status: null }`). */
  data?: Record<string, unknown>;
} = {}): Promise<TinyProvider> => {
  const sessions = new Map<string, Session>();
  const stateCalls: Array<StateCall> = [];
  const messageCalls: Array<unknown> = [];

  const setup = (state: string, params: Record<string, unknown>): Record<string, unknown> => {
    switch (state) {
      case "a payment session exists":
        sessions.set(STATE_SESSION_ID, {
          id: STATE_SESSION_ID,
          clientReferenceId: "1743240981",
          status: String(params.status ?? "REQUIRE_ACTION"),
        });
        return { sessionId: STATE_SESSION_ID };
      case "a payment session awaits a payment method":
        sessions.set(STATE_SESSION_ID, {
          id: STATE_SESSION_ID,
          clientReferenceId: String(params.clientReferenceId ?? ""),
          status: "REQUIRE_PAYMENT_METHOD",
        });
        return { sessionId: STATE_SESSION_ID };
      case "a payment session is paid": {
        const id = String(params.sessionId ?? STATE_SESSION_ID);
        sessions.set(id, { id, clientReferenceId: "1743240981", status: "PAID" });
        return { sessionId: id };
      }
      default:
        return {};
    }
  };

  const applyState = (call: StateCall): Record<string, unknown> => {
    stateCalls.push(call);
    if (call.action !== "teardown") return setup(call.state, call.params);
    sessions.clear();
    return {};
  };
  const currentWebhook = () => {
    const session = [...sessions.values()][0];
    return session === undefined ? undefined : paidWebhook(session.id);
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://localhost");
      const body = record(await readJson(req));
      if (req.method === "POST" && url.pathname === STATES_PATH) {
        const values = applyState({
          state: String(body.state),
          params: record(body.params),
          action: String(body.action),
        });
        if (states === "500") {
          res.writeHead(500, { "content-type": "text/plain" });
          res.end("database is down");
        } else if (states === "text") {
          res.writeHead(200, { "content-type": "text/plain" });
          res.end(JSON.stringify(values));
        } else send(res, 200, states === "empty" ? {} : values);
        return;
      }
      if (req.method === "POST" && url.pathname === MESSAGES_PATH) {
        messageCalls.push(body);
        const webhook = currentWebhook();
        if (body.description === "a PAYMENT.PAID webhook" && webhook !== undefined) {
          send(res, 200, webhook);
          return;
        }
        send(res, 404, { error: `no message "${String(body.description)}"` });
        return;
      }
      const match = /^\/v2\/payments\/([^/]+)(?:\/(cancel|confirm))?$/.exec(url.pathname);
      const session = match?.[1] === undefined ? undefined : sessions.get(match[1]);
      if (match === null || session === undefined) {
        send(res, 404, {
          code: "resource_missing",
          message: "Payment session cannot be found",
          error: { type: "GATEWAY_ERROR" },
        });
        return;
      }
      const action = match[2];
      if (req.method === "GET" && action === undefined) {
        send(res, 200, {
          code: "00",
          message: "Success",
          data: {
            id: session.id,
            clientReferenceId: session.clientReferenceId,
            status: wrong ? "PAID" : session.status,
            amount: { value: 20000, currency: "IDR" },
            ...data,
          },
        });
        return;
      }
      if (req.method === "POST" && action === "cancel" && session.status === "REQUIRE_PAYMENT_METHOD") {
        send(res, 200, {
          code: "00",
          message: "Success",
          data: {
            id: session.id,
            status: "CANCELLED",
            ...(wrong ? {} : { cancellationReason: body.cancellationReason }),
            cancelledAt: "2025-03-30T06:00:00Z",
          },
        });
        return;
      }
      if (req.method === "POST" && action === "confirm" && session.status === "PAID") {
        send(res, 422, {
          code: "invalid_state",
          message: "confirm is not allowed in PAID",
          error: { type: "API_ERROR" },
        });
        return;
      }
      send(res, 400, {
        code: "api_validation_error",
        message: "unexpected request",
        error: { type: "API_ERROR" },
      });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = address !== null && typeof address === "object" ? address.port : 0;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    statesUrl: `${baseUrl}${STATES_PATH}`,
    messagesUrl: `${baseUrl}${MESSAGES_PATH}`,
    stateCalls,
    messageCalls,
    applyState,
    currentWebhook,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
