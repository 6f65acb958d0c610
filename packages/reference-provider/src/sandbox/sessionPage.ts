/**
 * What the sandbox's pages share (the hosted page `/checkout/{id}`, the customer step page
 * `/authenticate/{id}`, the dashboard): HTML escaping, the page shell, the not-found page, and the
 * customer pages' routes' plumbing — the session read as an API request of its own merchant would
 * read it, events applied through the API's write path, and the `{ status, returnUrl }` answer of an
 * action.
 *
 * @since 0.2.0
 */
import {
  type Charge,
  type PaymentSession,
  returnUrlOf,
  type SessionEvent,
  type SessionSnapshot,
  sessionMissingError,
  toPaymentSession,
} from "@payment-session/core";
import { type Answer, errorAnswer } from "../answers.js";
import type { ExtraRouteRequest, PageAnswer } from "../http/server.js";
import type { ProviderServices, RequestContext } from "../payments.js";
import { readSession } from "../sessionWrites.js";
import { merchantOfSession } from "../store/sessions.js";
import { answerOf, writeEndpoints } from "../writes.js";

/** `value` as HTML text (`&`, `<`, `>`, quotes escaped; `null` / `undefined` as nothing). */
export const html = (value: unknown): string =>
  String(value ?? "")
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");

/**
 * A sandbox page: the document shell (`lang`, charset, viewport, `title`, the page's `style`) around
 * `content` in a `<body>` with `attributes`, the page's `script` last.
 */
export const pageHtml = (
  title: string,
  style: string,
  attributes: string,
  content: string,
  script: string,
): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title}</title><style>${style}</style></head>
<body${attributes}>${content}<script>${script}</script></body></html>`;

/** A session's amount as a page shows it: `IDR 20,000`. */
export const amountText = (session: PaymentSession): string =>
  `${session.amount.currency} ${new Intl.NumberFormat("en-US").format(session.amount.value)}`;

/** The charge the customer acts on: the last one of the session. */
export const currentCharge = (session: PaymentSession): Charge | undefined => session.chargeDetails?.at(-1);

/**
 * The customer pages' client side of an action: `send(path, body)` POSTs the body as JSON with every
 * button disabled, then goes where the answer's `returnUrl` says, or shows what went wrong (the first
 * field error's message, else the envelope's) and enables the buttons again.
 */
const sendScript = `const message = document.querySelector("[data-testid=message]");
  const send = async (path, body) => {
    for (const b of document.querySelectorAll("button")) b.disabled = true;
    const response = await fetch(path, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      message.textContent = answer.error?.details?.[0]?.message || answer.message || ("HTTP " + response.status);
      for (const b of document.querySelectorAll("button")) b.disabled = false;
      return;
    }
    location.href = answer.returnUrl || location.href;
  };`;

/**
 * A customer page (the hosted page, the step page): the document shell around its `<main>` (with
 * the `main` attributes: the script finds its session there), which opens with the merchant's name
 * and ends with the way back to the merchant once the session has one ({@link returnUrlOf}), the
 * line an action's error is shown on, and the sandbox's footer. Its `script` runs after the shared
 * client side of an action ({@link sendScript}).
 */
export const customerPage = (page: {
  readonly title: string;
  readonly style: string;
  readonly main: string;
  readonly session: PaymentSession;
  readonly merchantName: string;
  readonly content: string;
  readonly script: string;
}): string => {
  const back = returnUrlOf(page.session);
  return pageHtml(
    page.title,
    page.style,
    "",
    `<main ${page.main}>
<h1 data-testid="merchant">${html(page.merchantName)}</h1>
${page.content}
${back === null ? "" : `<p><a data-testid="return" href="${html(back)}">Return to ${html(page.merchantName)}</a></p>`}
<p class="error" data-testid="message" role="alert"></p>
<footer>Pivot Payments v2 sandbox (payment-session reference provider). No money moves.</footer>
</main>`,
    `(() => {
  ${sendScript}
${page.script}})();`,
  );
};

/** A field of a JSON object body (`undefined` when the body is no object). */
export const bodyField = (request: ExtraRouteRequest, name: string): unknown =>
  typeof request.body === "object" && request.body !== null
    ? (request.body as Record<string, unknown>)[name]
    : undefined;

/**
 * A customer page's session: its id, the request as its merchant's (the instant read once), and
 * the session as of that instant.
 */
interface PageSession {
  readonly id: string;
  readonly context: RequestContext;
  readonly snapshot: SessionSnapshot;
}

/**
 * A bare page of one message: `404` "Not found" or `400` "Bad request" (an unknown session, a
 * dashboard query that does not fit).
 */
export const messagePage = (status: 400 | 404, message: string): PageAnswer => ({
  status,
  html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${status === 404 ? "Not found" : "Bad request"}</title></head><body><p>${html(message)}</p></body></html>`,
});

/**
 * The route handlers of a customer page on `services`:
 *
 * - `page(render)`: a `GET` of session `{id}`; an unknown session is a 404 page;
 * - `action(run)`: a `POST` on session `{id}`: what `run` answers; after a 200 the session's status
 *   as of then and where the customer goes ({@link returnUrlOf}): `{ status, returnUrl }`; an
 *   unknown session is a 404 envelope;
 * - `apply(session, events)`: the events in order through the API's write path (a channel's
 *   notification), stopping at the first refusal, whose answer it is.
 */
export const sessionPageRoutes = (services: ProviderServices) => {
  const writes = writeEndpoints(services);

  const load = async (request: ExtraRouteRequest): Promise<PageSession | null> => {
    const id = request.params.id ?? "";
    const merchantId = await merchantOfSession(services.db, id);
    const merchant = merchantId === null ? undefined : services.merchants.get(merchantId);
    if (merchant === undefined) return null;
    const context: RequestContext = { merchant, at: services.clock.now(), traceId: request.traceId };
    const snapshot = await readSession(services.db, merchant.id, id, context.at);
    return snapshot === null ? null : { id, context, snapshot };
  };

  return {
    writes,
    page:
      (render: (session: PageSession) => PageAnswer | null) =>
      async (request: ExtraRouteRequest): Promise<PageAnswer> => {
        const session = await load(request);
        return (
          (session === null ? null : render(session)) ??
          messagePage(404, `No payment session ${request.params.id ?? ""}.`)
        );
      },
    action:
      (run: (session: PageSession, request: ExtraRouteRequest) => Promise<Answer>) =>
      async (request: ExtraRouteRequest): Promise<Answer> => {
        const session = await load(request);
        if (session === null)
          return errorAnswer(sessionMissingError(request.params.id ?? "", { traceId: request.traceId }));
        const answer = await run(session, request);
        if (answer.status !== 200) return answer;
        const { context, id } = session;
        const after = await readSession(services.db, context.merchant.id, id, services.clock.now());
        if (after === null) return errorAnswer(sessionMissingError(id, { traceId: context.traceId }));
        const rendered = toPaymentSession(after);
        return { status: 200, body: { status: rendered.status, returnUrl: returnUrlOf(rendered) } };
      },
    apply: async ({ context, id }: PageSession, events: ReadonlyArray<SessionEvent>): Promise<Answer> => {
      let answer: Answer = { status: 200, body: null };
      for (const event of events) {
        answer = await answerOf(writes.channel(context, id, () => event));
        if (answer.status !== 200) return answer;
      }
      return answer;
    },
  };
};
