/**
 * A small in-process provider of the Payments v2 API on the core (node:http on 127.0.0.1, port 0,
 * everything in memory), faithful by default, with at most ONE deliberate defect switched on
 * ({@link DEFECTS}). It serves the provider-states protocol (`POST /_pact/provider-states`) and the
 * messages protocol (`POST /_pact/messages`) of `@payment-session/contracts`, so `verify` and
 * `explore` drive it exactly as they drive any implementation.
 *
 * A test double, not a second reference provider: no database, no sandbox pages, webhooks
 * delivered at least once from an in-memory queue.
 *
 * @example
 * const provider = await startFaultyProvider({ defect: "simulationChangesNothing" })
 * await verifyProvider({ providerBaseUrl: provider.baseUrl, providerStatesSetupUrl: provider.statesUrl,
 *   providerMessagesUrl: provider.messagesUrl, pactDir })
 * await provider.close()
 */
import http from "node:http";
import {
  CancelPaymentSessionRequest,
  CapturePaymentSessionRequest,
  ConfirmPaymentSessionRequest,
  CreatePaymentSessionRequest,
  CreateRefundRequest,
  decodeBody,
  ListChargesQuery,
  ListPaymentSessionsQuery,
  ListRefundsQuery,
  RequestId,
  SimulationRequest,
  SubmerchantId,
} from "@payment-session/core";
import { Result, type Schema } from "effect";
import {
  type Answer,
  accessToken,
  authenticate,
  type Caller,
  cancel,
  capture,
  charges,
  confirm,
  create,
  errorAnswer,
  get,
  list,
  simulate,
  unauthorised,
  validationAnswer,
} from "./api.js";
import type { DefectName } from "./defects.js";
import { makeProviderStates } from "./providerStates.js";
import { createRefund, getRefund, listRefunds } from "./refunds.js";
import { actingFor, makeWorld } from "./world.js";

/** Options of {@link startFaultyProvider}. */
export interface FaultyProviderOptions {
  /** The one defect to switch on; none: the faithful provider. */
  readonly defect?: DefectName | undefined;
  /** What the clock reads before the first `the clock reads` (default 2025-03-30T05:48:17Z). */
  readonly clockStart?: string | undefined;
}

/** A running faulty provider. */
export interface FaultyProvider {
  readonly defect: DefectName | undefined;
  readonly baseUrl: string;
  /** `POST {state, params, action}` (the provider-states protocol). */
  readonly statesUrl: string;
  /** `POST {description, providerStates}` → the webhook body, `Pact-Message-Metadata` with `X-API-Key`. */
  readonly messagesUrl: string;
  /** Waits until every webhook in flight has been delivered (or given up). */
  readonly drainWebhooks: () => Promise<void>;
  readonly close: () => Promise<void>;
}

const STATES_PATH = "/_pact/provider-states";
const MESSAGES_PATH = "/_pact/messages";

const readBody = (req: http.IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });

type Parsed = { readonly ok: true; readonly json: unknown } | { readonly ok: false };

const parseJson = (text: string): Parsed => {
  if (text.trim() === "") return { ok: true, json: undefined };
  try {
    return { ok: true, json: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
};

const header = (req: http.IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
};

/** Starts a faulty provider on 127.0.0.1 (a free port). */
export const startFaultyProvider = async (options: FaultyProviderOptions = {}): Promise<FaultyProvider> => {
  const world = makeWorld(options.defect, options.clockStart ?? "2025-03-30T05:48:17Z");
  const states = makeProviderStates(world);

  /** Decodes a body (JSON text) with a core schema: the value, or the 400 with field paths. */
  const decoded = <S extends Schema.ConstraintDecoder<unknown>>(
    schema: S,
    parsed: Parsed,
    run: (value: S["Type"]) => Answer,
  ): Answer => {
    if (!parsed.ok) return validationAnswer([{ field: "", message: "Expected a valid JSON body" }]);
    const result = decodeBody(schema)(parsed.json);
    return Result.isSuccess(result) ? run(result.success) : validationAnswer(result.failure.details);
  };

  const route = (req: http.IncomingMessage, url: URL, parsed: Parsed): Answer => {
    const method = req.method ?? "GET";
    const path = url.pathname;
    if (method === "POST" && path === "/v1/access-token") {
      const merchantId = header(req, "x-merchant-id");
      const merchantSecret = header(req, "x-merchant-secret");
      // Decision S2: the body and its content type are never a reason to refuse a token request.
      return merchantId === undefined ||
        merchantSecret === undefined ||
        merchantId === "" ||
        merchantSecret === ""
        ? unauthorised("X-MERCHANT-ID and X-MERCHANT-SECRET are required")
        : accessToken(world, merchantId, merchantSecret);
    }
    const isPayments =
      path === "/v2/payments" ||
      path.startsWith("/v2/payments/") ||
      path === "/v2/charges" ||
      path === "/v1/refunds" ||
      path.startsWith("/v1/refunds/");
    if (!isPayments) {
      return errorAnswer(404, {
        code: "not_found",
        message: `No route for ${method} ${path}`,
        error: { type: "GATEWAY_ERROR" },
      });
    }
    const merchant = authenticate(world, header(req, "authorization"));
    if (merchant === undefined) return unauthorised("Missing, invalid or expired access token");
    const rawRequestId = header(req, "x-request-id");
    if (rawRequestId !== undefined) {
      const checked = decodeBody(RequestId)(rawRequestId);
      if (Result.isFailure(checked)) {
        return validationAnswer(checked.failure.details.map((d) => ({ ...d, field: "x-request-id" })));
      }
    }
    // Decision S5: x-submerchant-id (1–255 visible ASCII characters) makes the call act for that
    // sub-account. Defect subAccountIgnored: the header is neither checked nor used.
    const rawSubmerchantId = world.has("subAccountIgnored") ? undefined : header(req, "x-submerchant-id");
    if (rawSubmerchantId !== undefined) {
      const checked = decodeBody(SubmerchantId)(rawSubmerchantId);
      if (Result.isFailure(checked)) {
        return validationAnswer(checked.failure.details.map((d) => ({ ...d, field: "x-submerchant-id" })));
      }
    }
    const caller: Caller = { merchant: actingFor(merchant, rawSubmerchantId), requestId: rawRequestId };
    const query = Object.fromEntries(url.searchParams);
    const match = /^\/v2\/payments\/([^/]+)(?:\/(confirm|cancel|capture))?$/.exec(path);
    if (method === "GET" && path === "/v2/payments") {
      return decoded(ListPaymentSessionsQuery, { ok: true, json: query }, (q) => list(world, caller, q));
    }
    if (method === "GET" && path === "/v2/charges") {
      return decoded(ListChargesQuery, { ok: true, json: query }, (q) => charges(world, caller, q));
    }
    if (method === "POST" && path === "/v2/payments") {
      return decoded(CreatePaymentSessionRequest, parsed, (body) => create(world, caller, body));
    }
    if (method === "POST" && path === "/v1/refunds") {
      return decoded(CreateRefundRequest, parsed, (body) => createRefund(world, caller, body));
    }
    if (method === "GET" && path === "/v1/refunds") {
      return decoded(ListRefundsQuery, { ok: true, json: query }, (q) => listRefunds(world, caller, q));
    }
    const refundMatch = /^\/v1\/refunds\/([^/]+)$/.exec(path);
    if (method === "GET" && refundMatch?.[1] !== undefined) {
      return getRefund(world, caller, decodeURIComponent(refundMatch[1]));
    }
    if (method === "POST" && path === "/v2/payments/simulations") {
      return decoded(SimulationRequest, parsed, (body) => simulate(world, caller, body));
    }
    const id = match?.[1] === undefined ? undefined : decodeURIComponent(match[1]);
    if (id !== undefined && method === "GET" && match?.[2] === undefined) return get(world, caller, id);
    if (id !== undefined && method === "POST") {
      switch (match?.[2]) {
        case "confirm":
          return decoded(ConfirmPaymentSessionRequest, parsed, (body) => confirm(world, caller, id, body));
        case "cancel":
          return decoded(CancelPaymentSessionRequest, parsed, (body) => cancel(world, caller, id, body));
        case "capture":
          return decoded(CapturePaymentSessionRequest, parsed, (body) => capture(world, caller, id, body));
      }
    }
    return errorAnswer(404, {
      code: "not_found",
      message: `No route for ${method} ${path}`,
      error: { type: "GATEWAY_ERROR" },
    });
  };

  /** The envelope defects, applied to every error answer on its way out. */
  const envelope = (answer: Answer): Answer => {
    const body = answer.body;
    if (answer.status < 400 || typeof body !== "object" || body === null || !("error" in body)) return answer;
    const error = { ...(body.error as Record<string, unknown>) };
    // Defect errorWithoutType.
    if (world.has("errorWithoutType")) delete error.type;
    // Defect validationWithoutDetails.
    if (world.has("validationWithoutDetails") && answer.status === 400) delete error.details;
    return { status: answer.status, body: { ...body, error } };
  };

  const send = (res: http.ServerResponse, answer: Answer, extraHeaders: Record<string, string> = {}) => {
    res.writeHead(answer.status, { "content-type": "application/json", ...extraHeaders });
    res.end(typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body));
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const parsed = parseJson(await readBody(req));
      if (req.method === "POST" && url.pathname === STATES_PATH) {
        send(res, parsed.ok ? states.handle(parsed.json) : { status: 400, body: { message: "not JSON" } });
        return;
      }
      if (req.method === "POST" && url.pathname === MESSAGES_PATH) {
        const message = states.message(parsed.ok ? parsed.json : {});
        if (typeof message === "string") {
          res.writeHead(500, { "content-type": "text/plain" });
          res.end(message);
          return;
        }
        const metadata = Buffer.from(JSON.stringify({ "X-API-Key": message.apiKey })).toString("base64");
        send(res, { status: 200, body: message.body }, { "pact-message-metadata": metadata });
        return;
      }
      send(res, envelope(route(req, url, parsed)));
    })().catch((error: unknown) => {
      if (!res.headersSent)
        send(res, {
          status: 500,
          body: { code: "internal_error", message: String(error), error: { type: "GATEWAY_ERROR" } },
        });
      else res.destroy();
    });
  });
  // The Pact verifier sends a JSON body labelled as a form longer than its Content-Length, then
  // `Connection: close`: Node parses the request and reports the extra bytes while it is answered.
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
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    defect: options.defect,
    baseUrl,
    statesUrl: `${baseUrl}${STATES_PATH}`,
    messagesUrl: `${baseUrl}${MESSAGES_PATH}`,
    drainWebhooks: world.drain,
    close: async () => {
      world.close();
      await world.drain();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
};
