/**
 * The sandbox dashboard (`GET /dashboard`, decision S4): a merchant's sessions (filter by status
 * and `clientReferenceId`), one session's timeline (every event applied, with the statuses and
 * the machines' transitions, the webhooks it enqueued and each delivery attempt), the webhook
 * ledger with "resend" and "send a test event", and the test clock. Server-rendered HTML with a
 * little script; its buttons call the sandbox API (`/_sandbox/…`), documented in the README.
 *
 * @since 0.1.0
 */
import {
  millisToInstant,
  type PaymentSession,
  resourceMissingError,
  type SessionStatus,
  sessionMissingError,
  sessionStatuses,
  toPaymentSession,
} from "@payment-session/core";
import { type Answer, errorAnswer, fieldError } from "../answers.js";
import type { ExtraRoute, ExtraRouteRequest, PageAnswer } from "../http/server.js";
import type { Merchant } from "../merchants.js";
import type { ProviderServices } from "../payments.js";
import { freshSnapshots, readSession } from "../sessionWrites.js";
import {
  listSessionEvents,
  listSessions,
  listWebhookAttempts,
  listWebhooks,
  type OutboxRow,
  type SessionEventRow,
  type WebhookAttemptRow,
} from "../store/index.js";
import type { SandboxHost, SandboxOptions } from "./index.js";
import type { SandboxClock } from "./sandboxClock.js";
import { amountText, currentCharge, html, messagePage, pageHtml } from "./sessionPage.js";
import { type LedgerHost, resendWebhook, sendTestEvent } from "./webhookLedger.js";

const instant = (ms: number | null): string => (ms === null ? "" : millisToInstant(ms));

/**
 * The merchant a dashboard or sandbox API request is about (decision S4): the `merchantId` query
 * parameter, or, on the dashboard's pages only, the first registered merchant when it is absent.
 * A missing or unknown id is the field and what is wrong.
 */
export const merchantOf = (
  services: ProviderServices,
  query: URLSearchParams,
  defaultFirst: boolean,
): Merchant | { readonly field: string; readonly message: string } => {
  const id = query.get("merchantId");
  if (id === null || id === "") {
    const first = defaultFirst ? services.merchants.list()[0] : undefined;
    return first ?? { field: "merchantId", message: "the merchant's id (query parameter)" };
  }
  return services.merchants.get(id) ?? { field: "merchantId", message: `no merchant ${id}` };
};

/** The list's filter from the query (`status`, `clientReferenceId`; empty = any), or what is wrong with `status`. */
const filterOf = (
  query: URLSearchParams,
): { status: SessionStatus | undefined; clientReferenceId: string | undefined } | { invalid: string } => {
  const status = query.get("status") || undefined;
  const clientReferenceId = query.get("clientReferenceId") || undefined;
  return status === undefined || (sessionStatuses as ReadonlyArray<string>).includes(status)
    ? { status: status as SessionStatus | undefined, clientReferenceId }
    : { invalid: `one of ${sessionStatuses.join(", ")}` };
};

/** A merchant's sessions as of now, newest first (the sweeper runs first: statuses are current). */
const sessionsOf = async (
  host: SandboxHost,
  merchant: Merchant,
  filter: { readonly status?: SessionStatus | undefined; readonly clientReferenceId?: string | undefined },
): Promise<ReadonlyArray<PaymentSession>> => {
  const at = host.services.clock.now();
  await host.sweepExpired(at);
  const { items: rows } = await listSessions(host.services.db, merchant.id, {
    ...filter,
    page: 1,
    perPage: 100,
  });
  const sessions = (await freshSnapshots(host.services.db, rows, at)).map(toPaymentSession);
  return filter.status === undefined ? sessions : sessions.filter((s) => s.status === filter.status);
};

/**
 * One session's timeline: its applied events, the webhooks it enqueued (with their delivery
 * state) and every delivery attempt, in the order they happened.
 */
interface SessionTimeline {
  readonly session: PaymentSession;
  readonly events: ReadonlyArray<SessionEventRow>;
  readonly webhooks: ReadonlyArray<OutboxRow>;
  readonly attempts: ReadonlyArray<WebhookAttemptRow>;
}

const timelineOf = async (
  host: SandboxHost,
  merchant: Merchant,
  id: string,
): Promise<SessionTimeline | null> => {
  const snapshot = await readSession(host.services.db, merchant.id, id, host.services.clock.now());
  if (snapshot === null) return null;
  const db = host.services.db;
  return {
    session: toPaymentSession(snapshot),
    events: await listSessionEvents(db, merchant.id, id),
    webhooks: await listWebhooks(db, merchant.id, id),
    attempts: [...(await listWebhookAttempts(db, merchant.id, { sessionId: id, limit: 1000 }))].reverse(),
  };
};

const attemptJson = (row: WebhookAttemptRow) => ({
  id: row.id,
  outboxId: row.outboxId,
  sessionId: row.sessionId,
  event: row.event,
  kind: row.kind,
  url: row.url,
  outcome: row.outcome,
  statusCode: row.statusCode,
  latencyMs: row.latencyMs,
  responseBody: row.responseBody,
  error: row.error,
  attemptedAt: instant(row.attemptedAt),
  nextAttemptAt: instant(row.nextAttemptAt) || null,
});

const webhookJson = (row: OutboxRow) => ({
  id: row.id,
  event: row.event,
  status: row.status,
  attempts: row.attempts,
  createdAt: instant(row.createdAt),
  nextAttemptAt: row.status === "pending" ? instant(row.nextAttemptAt) : null,
  deliveredAt: instant(row.deliveredAt) || null,
  lastError: row.lastError,
});

const timelineJson = (timeline: SessionTimeline) => ({
  session: timeline.session,
  events: timeline.events.map((event) => ({
    event: event.event,
    at: instant(event.at),
    statusBefore: event.statusBefore,
    statusAfter: event.statusAfter,
    transitions: event.transitions,
    detail: event.detail,
  })),
  webhooks: timeline.webhooks.map(webhookJson),
  attempts: timeline.attempts.map(attemptJson),
});

const style = `body{font-family:system-ui,sans-serif;margin:0;color:#1d2433;background:#f6f7fb}
header{background:#1d2433;color:#fff;padding:.7rem 1.5rem;display:flex;gap:1.5rem;align-items:center;flex-wrap:wrap}
header a{color:#fff}main{padding:1rem 1.5rem}section{overflow-x:auto;background:#fff;border:1px solid #dde;border-radius:.5rem;padding:.8rem 1rem;margin-bottom:1rem}
h1{font-size:1.1rem;margin:0}h2{font-size:1rem;margin:.2rem 0 .6rem}table{border-collapse:collapse;width:100%;font-size:.85rem}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #eef;vertical-align:top}th{color:#556;font-weight:600}
.mono{font-family:ui-monospace,monospace;font-size:.8rem}.badge{display:inline-block;padding:.05rem .45rem;border-radius:.3rem;background:#eef}
.ok{color:#166534}.bad{color:#b91c1c}button{font:inherit;font-size:.85rem;padding:.3rem .7rem;border-radius:.4rem;border:1px solid #889;background:#fff;cursor:pointer}
#result{margin:1rem 1.5rem 0;padding:.5rem .8rem;border-radius:.4rem;background:#fffbe6;border:1px solid #eed;white-space:pre-wrap;font-family:ui-monospace,monospace;font-size:.8rem}
#result:empty{display:none}form{display:inline}label{margin-right:.6rem}.small{font-size:.75rem;color:#667}`;

const script = `(() => {
  const result = document.getElementById("result");
  const merchantId = document.body.dataset.merchant;
  const refresh = async () => {
    const page = new DOMParser().parseFromString(await (await fetch(location.href)).text(), "text/html");
    document.getElementById("content").replaceWith(page.getElementById("content"));
  };
  const call = async (path, body) => {
    for (const b of document.querySelectorAll("button")) b.disabled = true;
    try {
      const response = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body ?? {}) });
      const answer = await response.json().catch(() => ({}));
      return { ok: response.ok, answer };
    } finally {
      for (const b of document.querySelectorAll("button")) b.disabled = false;
    }
  };
  const describe = (a) => a.event + " (" + a.kind + ") → " + (a.statusCode === null ? "no answer" : "HTTP " + a.statusCode) +
    " in " + a.latencyMs + " ms" + (a.error ? " — " + a.error : "") + (a.responseBody ? "\\n" + a.responseBody : "");
  document.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const q = "?merchantId=" + encodeURIComponent(merchantId);
    let outcome, text = "";
    if (button.dataset.action === "clock") {
      const seconds = button.dataset.seconds ?? document.querySelector("[name=advanceSeconds]").value;
      outcome = await call("/_sandbox/clock", { advanceSeconds: Number(seconds) });
      text = outcome.ok
        ? "Clock moved to " + outcome.answer.now + ": " + outcome.answer.expiredSessions + " session(s) expired, webhooks " + JSON.stringify(outcome.answer.webhooks)
        : (outcome.answer.message ?? "failed") + " " + JSON.stringify(outcome.answer.error?.details ?? []);
    } else if (button.dataset.action === "resend") {
      outcome = await call("/_sandbox/webhooks/" + button.dataset.outbox + "/resend" + q);
      text = outcome.ok ? "Resent " + describe(outcome.answer) : (outcome.answer.message ?? "failed");
    } else if (button.dataset.action === "test-event") {
      outcome = await call("/_sandbox/webhooks/test" + q);
      text = outcome.ok ? "Sent " + describe(outcome.answer) : (outcome.answer.message ?? "failed");
    }
    // The page first shows the state after the action, then what the action answered.
    await refresh();
    result.textContent = text;
  });
})();`;

const page = (
  title: string,
  merchant: Merchant,
  merchants: ReadonlyArray<Merchant>,
  now: number,
  body: string,
) =>
  pageHtml(
    `${html(title)} — sandbox dashboard`,
    style,
    ` data-merchant="${html(merchant.id)}"`,
    `
<div id="result" data-testid="action-result" role="status"></div>
<div id="content"><header><h1><a href="/dashboard?merchantId=${encodeURIComponent(merchant.id)}">Sandbox dashboard</a></h1>
<form method="get" action="/dashboard"><label>Merchant <select name="merchantId" data-testid="merchant" onchange="this.form.submit()">${merchants
      .map(
        (m) =>
          `<option value="${html(m.id)}"${m.id === merchant.id ? " selected" : ""}>${html(m.name)} (${html(m.id)})</option>`,
      )
      .join("")}</select></label></form>
<span>Clock <time class="mono" data-testid="clock-now">${html(instant(now))}</time></span>
<span><button data-action="clock" data-seconds="3600" data-testid="clock-1h">+1 hour</button>
<button data-action="clock" data-seconds="86400" data-testid="clock-1d">+1 day</button>
<label><input name="advanceSeconds" type="number" min="1" value="900" style="width:6rem" data-testid="clock-seconds"> s</label><button data-action="clock" data-testid="clock-move">Move</button></span>
</header><main>${body}</main></div>
`,
    script,
  );

/** A dashboard table: its `data-testid`, its header cells, and its rows (none: one row saying `empty`). */
const table = (testId: string, headers: ReadonlyArray<string>, rows: ReadonlyArray<string>, empty = "") =>
  `<table data-testid="${testId}"><thead><tr>${headers.map((h) => `<th>${h}</th>`).join("")}</tr></thead><tbody>
${rows.length === 0 ? `<tr><td colspan="${headers.length}" class="small">${empty}</td></tr>` : rows.join("")}
</tbody></table>`;

const sessionLink = (merchant: Merchant, id: string, text: string) =>
  `<a class="mono" href="/dashboard/sessions/${encodeURIComponent(id)}?merchantId=${encodeURIComponent(merchant.id)}">${html(text)}</a>`;

const methodOf = (session: PaymentSession): string => {
  const charge = currentCharge(session);
  if (charge?.virtualAccount != null) return `VA ${charge.virtualAccount.channel}`;
  if (charge?.qr != null) return "QR";
  if (charge?.ewallet != null) return `E-wallet ${charge.ewallet.channel}`;
  if (charge?.card != null) return "Card";
  return session.paymentMethod?.type ?? "—";
};

const sessionsTable = (
  merchant: Merchant,
  sessions: ReadonlyArray<PaymentSession>,
  query: URLSearchParams,
) => {
  const status = query.get("status") ?? "";
  const reference = query.get("clientReferenceId") ?? "";
  return `<section><h2>Payment sessions</h2>
<form method="get" action="/dashboard" data-testid="filter"><input type="hidden" name="merchantId" value="${html(merchant.id)}">
<label>Status <select name="status" data-testid="filter-status"><option value="">any</option>${sessionStatuses
    .map((s) => `<option${s === status ? " selected" : ""}>${html(s)}</option>`)
    .join("")}</select></label>
<label>Reference <input name="clientReferenceId" value="${html(reference)}" data-testid="filter-reference"></label><button type="submit">Filter</button></form>
${table(
  "sessions",
  ["Created", "Reference", "Session", "Method", "Amount", "Status", "Expires"],
  sessions.map(
    (
      s,
    ) => `<tr data-testid="session-row" data-session="${html(s.id)}"><td class="mono">${html(s.createdAt)}</td><td>${html(s.clientReferenceId)}</td>
<td>${sessionLink(merchant, s.id, s.id)}</td><td>${html(methodOf(s))}</td><td>${html(amountText(s))}</td>
<td><span class="badge" data-testid="session-status">${html(s.status)}</span></td><td class="mono">${html(s.expiryAt ?? "")}</td></tr>`,
  ),
  `No sessions${status || reference ? " match" : " yet"}.`,
)}</section>`;
};

const ledgerTable = (merchant: Merchant, attempts: ReadonlyArray<WebhookAttemptRow>, withTest: boolean) =>
  `<section><h2>Webhook ledger</h2>
<p class="small">Every delivery attempt to ${html(merchant.callbackUrl ?? "(no callback URL set)")}, newest first. Retries follow the W2 schedule (5 min, 15 min, 1 h, 3 h, 6 h, 12 h, then manual).</p>
${withTest ? `<p><button data-action="test-event" data-testid="test-event">Send a test event (PAYMENT.TEST)</button></p>` : ""}
${table(
  "ledger",
  ["Attempted", "Event", "Session", "Kind", "URL", "Status", "Latency", "Next retry", "Answer", ""],
  attempts.map(
    (
      a,
    ) => `<tr data-testid="attempt" data-event="${html(a.event)}" data-outcome="${html(a.outcome)}" data-kind="${html(a.kind)}">
<td class="mono">${html(instant(a.attemptedAt))}</td><td data-testid="attempt-event">${html(a.event)}</td>
<td>${a.sessionId === null ? "—" : sessionLink(merchant, a.sessionId, a.sessionId.slice(0, 8))}</td><td>${html(a.kind)}</td>
<td class="mono">${html(a.url ?? "—")}</td>
<td data-testid="attempt-status" class="${a.outcome === "delivered" ? "ok" : "bad"}">${a.statusCode === null ? html(a.error ?? "no answer") : html(a.statusCode)}</td>
<td data-variable>${html(a.latencyMs)} ms</td><td class="mono" data-testid="attempt-next">${html(instant(a.nextAttemptAt) || "—")}</td>
<td class="mono small">${html((a.responseBody ?? "").slice(0, 120))}</td>
<td>${a.outboxId === null ? "" : `<button data-action="resend" data-outbox="${a.outboxId}" data-testid="resend">Resend</button>`}</td></tr>`,
  ),
  "No delivery attempts yet.",
)}</section>`;

type TimelineItem = { readonly at: number; readonly order: number; readonly row: string };

const timelineTable = (timeline: SessionTimeline): string => {
  const items: Array<TimelineItem> = [];
  for (const e of timeline.events)
    items.push({
      at: e.at,
      order: 0,
      row: `<tr data-testid="timeline-entry" data-kind="event" data-event="${html(e.event)}"><td class="mono">${html(instant(e.at))}</td><td>event</td>
<td><strong>${html(e.event)}</strong>${
        Object.keys(e.detail).length === 0
          ? ""
          : ` <span class="small mono">${html(
              Object.entries(e.detail)
                .map(([k, v]) => `${k}=${v}`)
                .join(" "),
            )}</span>`
      }</td>
<td>${e.statusBefore === null ? "" : `${html(e.statusBefore)} → `}<span class="badge">${html(e.statusAfter)}</span></td>
<td class="mono small" data-testid="transitions">${e.transitions.map(html).join("<br>") || "—"}</td></tr>`,
    });
  for (const w of timeline.webhooks)
    items.push({
      at: w.createdAt,
      order: 1,
      row: `<tr data-testid="timeline-entry" data-kind="webhook" data-event="${html(w.event)}"><td class="mono">${html(instant(w.createdAt))}</td><td>webhook</td>
<td><strong>${html(w.event)}</strong> enqueued</td><td>${html(w.status)}${w.status === "pending" ? ` · next ${html(instant(w.nextAttemptAt))}` : ""}</td><td class="small">${html(w.attempts)} attempt(s)</td></tr>`,
    });
  for (const a of timeline.attempts)
    items.push({
      at: a.attemptedAt,
      order: 2,
      row: `<tr data-testid="timeline-entry" data-kind="attempt" data-event="${html(a.event)}"><td class="mono">${html(instant(a.attemptedAt))}</td><td>delivery</td>
<td>${html(a.event)} (${html(a.kind)}) → ${a.statusCode === null ? html(a.error ?? "no answer") : `HTTP ${html(a.statusCode)}`}</td><td>${html(a.outcome)}</td>
<td class="small">${a.nextAttemptAt === null ? "" : `retry at ${html(instant(a.nextAttemptAt))}`}</td></tr>`,
    });
  items.sort((x, y) => x.at - y.at || x.order - y.order);
  const headers = ["At", "What", "", "Status", "Transitions (machine state event result)"];
  return `<section><h2>Timeline</h2>${table(
    "timeline",
    headers,
    items.map((item) => item.row),
  )}</section>`;
};

const sessionSummary = (session: PaymentSession) =>
  `<section><h2>Session <span class="mono" data-testid="session-id">${html(session.id)}</span></h2>
<p>${html(amountText(session))} · reference ${html(session.clientReferenceId)} · ${html(session.mode)} · ${html(methodOf(session))} ·
status <span class="badge" data-testid="session-status">${html(session.status)}</span>${session.expiryAt ? ` · expires ${html(session.expiryAt)}` : ""}
${session.paymentUrl ? ` · <a href="${html(session.paymentUrl)}">payment page</a>` : ""}</p></section>`;

/**
 * The dashboard's pages and the sandbox API they call:
 *
 * - `GET /dashboard[?merchantId=&status=&clientReferenceId=]`: sessions, ledger, clock;
 * - `GET /dashboard/sessions/{id}?merchantId=`: one session's timeline and its ledger;
 * - `GET /_sandbox/sessions?merchantId=[&status=&clientReferenceId=]`: the sessions as JSON;
 * - `GET /_sandbox/sessions/{id}/timeline?merchantId=`: the timeline as JSON;
 * - `GET /_sandbox/webhooks?merchantId=[&sessionId=]`: the ledger as JSON, newest first;
 * - `POST /_sandbox/webhooks/{outboxId}/resend?merchantId=`: send that event again now;
 * - `POST /_sandbox/webhooks/test?merchantId=`: send a `PAYMENT.TEST` event now.
 *
 * The two POSTs answer the attempt ({@link LedgerAction}): what the receiver said.
 */
export const dashboardRoutes = (
  clock: SandboxClock,
  host: SandboxHost,
  ledger: SandboxOptions["ledger"],
): ReadonlyArray<ExtraRoute> => {
  const { services } = host;
  const ledgerHost: LedgerHost = {
    db: services.db,
    now: () => clock.now(),
    send: ledger?.send,
    record: ledger?.record,
  };
  const withMerchant =
    (
      defaultFirst: boolean,
      run: (merchant: Merchant, request: ExtraRouteRequest) => Promise<Answer | PageAnswer>,
    ) =>
    async (request: ExtraRouteRequest): Promise<Answer | PageAnswer> => {
      await clock.load(services.db);
      const merchant = merchantOf(services, request.query, defaultFirst);
      if ("field" in merchant)
        return defaultFirst
          ? messagePage(400, merchant.message)
          : fieldError(request.traceId, merchant.field, merchant.message);
      return run(merchant, request);
    };
  const dashboardPage = (title: string, merchant: Merchant, body: string): PageAnswer => ({
    status: 200,
    html: page(title, merchant, services.merchants.list(), clock.now(), body),
  });
  return [
    {
      method: "GET",
      path: "/dashboard",
      handle: withMerchant(true, async (merchant, request) => {
        const filter = filterOf(request.query);
        if ("invalid" in filter) return messagePage(400, `status: ${filter.invalid}`);
        const sessions = await sessionsOf(host, merchant, filter);
        const attempts = await listWebhookAttempts(services.db, merchant.id, { limit: 50 });
        const tables =
          sessionsTable(merchant, sessions, request.query) + ledgerTable(merchant, attempts, true);
        return dashboardPage("Sessions", merchant, tables);
      }),
    },
    {
      method: "GET",
      path: "/dashboard/sessions/:id",
      handle: withMerchant(true, async (merchant, request) => {
        const id = request.params.id ?? "";
        const timeline = await timelineOf(host, merchant, id);
        if (timeline === null) return messagePage(404, `No payment session ${id} of ${merchant.id}.`);
        const attempts = [...timeline.attempts].reverse();
        const tables = timelineTable(timeline) + ledgerTable(merchant, attempts, false);
        return dashboardPage(`Session ${id}`, merchant, sessionSummary(timeline.session) + tables);
      }),
    },
    {
      method: "GET",
      path: "/_sandbox/sessions",
      handle: withMerchant(false, async (merchant, request) => {
        const filter = filterOf(request.query);
        if ("invalid" in filter) return fieldError(request.traceId, "status", filter.invalid);
        return { status: 200, body: { data: await sessionsOf(host, merchant, filter) } };
      }),
    },
    {
      method: "GET",
      path: "/_sandbox/sessions/:id/timeline",
      handle: withMerchant(false, async (merchant, request) => {
        const id = request.params.id ?? "";
        const timeline = await timelineOf(host, merchant, id);
        return timeline === null
          ? errorAnswer(sessionMissingError(id, { traceId: request.traceId }))
          : { status: 200, body: { data: timelineJson(timeline) } };
      }),
    },
    {
      method: "GET",
      path: "/_sandbox/webhooks",
      handle: withMerchant(false, async (merchant, request) => {
        const sessionId = request.query.get("sessionId") ?? undefined;
        const attempts = await listWebhookAttempts(services.db, merchant.id, { sessionId, limit: 200 });
        return { status: 200, body: { data: attempts.map(attemptJson) } };
      }),
    },
    {
      method: "POST",
      path: "/_sandbox/webhooks/test",
      handle: withMerchant(false, async (merchant) => ({
        status: 200,
        body: await sendTestEvent(ledgerHost, merchant),
      })),
    },
    {
      method: "POST",
      path: "/_sandbox/webhooks/:id/resend",
      handle: withMerchant(false, async (merchant, request) => {
        const raw = request.params.id ?? "";
        const id = /^[1-9][0-9]{0,15}$/.test(raw) ? Number(raw) : Number.NaN;
        if (!Number.isSafeInteger(id))
          return fieldError(request.traceId, "id", "a webhook event's id (a positive integer)");
        const action = await resendWebhook(ledgerHost, merchant, id);
        return action === undefined
          ? errorAnswer(resourceMissingError("WebhookEvent", raw, { traceId: request.traceId }))
          : { status: 200, body: action };
      }),
    },
  ];
};
