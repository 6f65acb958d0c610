/**
 * The sandbox's hosted payment page (`GET /checkout/{id}`): what the customer of a REDIRECT
 * session, an e-wallet charge or a card 3-D Secure step sees, server-rendered HTML with a little
 * script. Its buttons act through the same operations as the API: choosing a method is a confirm,
 * "pay" and "let it expire" are the simulation endpoint's events (a card's "pay" is the issuer's
 * authentication and authorisation), "fail" is the channel's decline with a documented failure
 * code. Then the browser goes to the session's `redirectUrl` for the outcome.
 *
 * @since 0.1.0
 */
import {
  awaitsCustomer,
  awaitsPaymentMethod,
  type ConfirmPaymentSessionRequest,
  cardPaymentEvents,
  type FailureCode,
  failureCodes,
  type PaymentSession,
  toPaymentSession,
} from "@payment-session/core";
import { fieldError } from "../answers.js";
import type { ExtraRoute } from "../http/server.js";
import type { ProviderServices } from "../payments.js";
import { answerOf } from "../writes.js";
import { qrSvg } from "./qrSvg.js";
import {
  amountText,
  bodyField,
  currentCharge,
  customerPage,
  html,
  sessionPageRoutes,
} from "./sessionPage.js";

const instrumentHtml = (session: PaymentSession): string => {
  const charge = currentCharge(session);
  if (charge?.virtualAccount != null) {
    const va = charge.virtualAccount;
    return `<section class="instrument"><h2>Bank transfer (virtual account)</h2>
<dl><dt>Bank</dt><dd data-testid="va-bank">${html(va.channel)}</dd>
<dt>Virtual account number</dt><dd data-testid="va-number" class="mono">${html(va.virtualAccountNumber)}</dd>
<dt>Account name</dt><dd>${html(va.virtualAccountName)}</dd></dl></section>`;
  }
  if (charge?.qr != null) {
    return `<section class="instrument"><h2>QRIS (${html(charge.qr.acquirer)})</h2>
<img data-testid="qr" alt="QR code to scan" width="240" height="240" src="/checkout/${html(session.id)}/qr.svg">
<p class="mono small">${html(charge.qr.qrContent)}</p></section>`;
  }
  if (charge?.ewallet != null) {
    return `<section class="instrument"><h2>E-wallet: ${html(charge.ewallet.channel)}</h2>
<p>Approve the payment in the ${html(charge.ewallet.channel)} app${charge.ewallet.accountInformations?.mobileNumber ? ` for ${html(charge.ewallet.accountInformations.mobileNumber)}` : ""}.</p></section>`;
  }
  if (charge?.card != null) {
    const card = charge.card;
    return `<section class="instrument"><h2>Card: 3-D Secure</h2>
<p>The issuer asks the cardholder to authenticate${card.last4 ? ` card ending ${html(card.last4)}` : ""}.</p></section>`;
  }
  return "";
};

/** The methods a REDIRECT session's customer chooses from, and the confirm each one is. */
const choices = [
  {
    method: "VIRTUAL_ACCOUNT",
    label: "Bank transfer (PERMATA virtual account)",
    confirm: {
      paymentMethod: { type: "VIRTUAL_ACCOUNT" },
      paymentMethodOptions: { virtualAccount: { channel: "PERMATA" } },
    },
  },
  {
    method: "QR",
    label: "QRIS",
    confirm: { paymentMethod: { type: "QR" }, paymentMethodOptions: { qr: { acquirer: "BRI" } } },
  },
  {
    method: "EWALLET",
    label: "DANA e-wallet",
    confirm: { paymentMethod: { type: "EWALLET" }, paymentMethodOptions: { ewallet: { channel: "DANA" } } },
  },
] as const satisfies ReadonlyArray<{
  readonly method: string;
  readonly label: string;
  readonly confirm: ConfirmPaymentSessionRequest;
}>;

const style = `body{font-family:system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;color:#1d2433}
h1{font-size:1.3rem}.amount{font-size:2rem;font-weight:600}.mono{font-family:ui-monospace,monospace}
.small{font-size:.75rem;word-break:break-all;color:#555}dl{display:grid;grid-template-columns:auto 1fr;gap:.3rem 1rem}
dt{color:#555}dd{margin:0}.badge{display:inline-block;padding:.1rem .5rem;border-radius:.3rem;background:#eef;font-size:.85rem}
button{font:inherit;padding:.5rem 1rem;margin:.25rem .25rem .25rem 0;border-radius:.4rem;border:1px solid #889;background:#fff;cursor:pointer}
button.primary{background:#1d4ed8;color:#fff;border-color:#1d4ed8}.error{color:#b91c1c}
footer{margin-top:2rem;font-size:.8rem;color:#777}`;

const script = `  const root = document.querySelector("[data-session]");
  if (!root) return;
  const id = root.dataset.session;
  const expiry = root.dataset.expiry ? Date.parse(root.dataset.expiry) : NaN;
  const skew = Date.parse(root.dataset.now) - Date.now();
  const countdown = document.querySelector("[data-testid=countdown]");
  const tick = () => {
    if (!countdown || Number.isNaN(expiry)) return;
    const left = Math.max(0, Math.floor((expiry - (Date.now() + skew)) / 1000));
    const h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
    countdown.textContent = (h > 0 ? h + ":" : "") + String(m).padStart(h > 0 ? 2 : 1, "0") + ":" + String(s).padStart(2, "0");
  };
  tick();
  setInterval(tick, 1000);
  for (const button of document.querySelectorAll("button[data-action]")) {
    button.addEventListener("click", () => {
      const body = {};
      if (button.dataset.method) body.method = button.dataset.method;
      if (button.dataset.action === "fail") body.failureCode = document.querySelector("[name=failureCode]").value;
      send("/checkout/" + id + "/" + button.dataset.action, body);
    });
  }
`;

const actionsHtml = (session: PaymentSession): string => {
  if (awaitsPaymentMethod(session.status)) {
    return `<section><h2>Choose how to pay</h2>${choices
      .map(
        (choice) =>
          `<button data-action="choose" data-method="${choice.method}" data-testid="choose-${choice.method}">${html(choice.label)}</button>`,
      )
      .join("")}</section>`;
  }
  const charge = currentCharge(session);
  if (charge === undefined || !awaitsCustomer(charge.status)) return "";
  const card = charge.card != null;
  return `<section><h2>Sandbox: what the customer does</h2>
<button class="primary" data-action="pay" data-testid="pay">${card ? "Authenticate and pay" : "Pay"}</button>
<label>Failure code <select name="failureCode" data-testid="failure-code">${failureCodes
    .map((code) => `<option>${html(code)}</option>`)
    .join("")}</select></label>
<button data-action="fail" data-testid="fail">Fail</button>
${card ? "" : `<button data-action="expire" data-testid="expire">Let it expire</button>`}</section>`;
};

/**
 * The hosted page of a session as HTML: merchant, amount, countdown to `expiryAt`, the current
 * charge's instrument (VA number and bank, QR image, e-wallet or card step), the sandbox's buttons,
 * and when the session has ended, its status and the link back to the merchant.
 */
const renderCheckout = (session: PaymentSession, merchantName: string, now: string): string =>
  customerPage({
    title: `Pay ${html(merchantName)} — sandbox`,
    style,
    main: `data-session="${html(session.id)}" data-expiry="${html(session.expiryAt ?? "")}" data-now="${html(now)}"`,
    session,
    merchantName,
    content: `<p class="amount" data-testid="amount">${html(amountText(session))}</p>
<p>Order <span class="mono">${html(session.clientReferenceId)}</span> · status <span class="badge" data-testid="status">${html(session.status)}</span></p>
${session.expiryAt ? `<p>Expires at ${html(session.expiryAt)} — <strong data-testid="countdown"></strong> left</p>` : ""}
${instrumentHtml(session)}
${actionsHtml(session)}`,
    script,
  });

/**
 * The hosted page's routes on `services`:
 *
 * - `GET /checkout/{id}`: the page; `GET /checkout/{id}/qr.svg`: the current QR as an image;
 * - `POST /checkout/{id}/choose` `{ method }`: a confirm with that method (REDIRECT, no method yet);
 * - `POST /checkout/{id}/pay`: the simulation's `SUCCESS` (a card: authentication, then the
 *   issuer's authorisation of the full amount);
 * - `POST /checkout/{id}/fail` `{ failureCode }`: the channel's decline (`CHARGE_FAILED`);
 * - `POST /checkout/{id}/expire`: the simulation's `EXPIRED`.
 *
 * Each action answers `{ status, returnUrl }` (the session's status after it, and where the
 * customer goes: {@link returnUrlOf}), or the API's error answer.
 */
export const hostedPageRoutes = (services: ProviderServices): ReadonlyArray<ExtraRoute> => {
  const { writes, page, action, apply } = sessionPageRoutes(services);
  return [
    {
      method: "GET",
      path: "/checkout/:id",
      handle: page(({ context, snapshot }) => ({
        status: 200,
        html: renderCheckout(
          toPaymentSession(snapshot),
          context.merchant.name,
          new Date(context.at).toISOString(),
        ),
      })),
    },
    {
      method: "GET",
      path: "/checkout/:id/qr.svg",
      handle: page(({ snapshot }) => {
        const session = toPaymentSession(snapshot);
        const content =
          currentCharge(session)?.qr?.qrContent ??
          (session.paymentMethod?.type === "QR" ? session.paymentMethod.qr?.qrContent : undefined);
        return content === undefined || content === null
          ? null
          : { status: 200, html: qrSvg(content), contentType: "image/svg+xml" };
      }),
    },
    {
      method: "POST",
      path: "/checkout/:id/choose",
      handle: action(async ({ context, id }, request) => {
        const method = bodyField(request, "method");
        const chosen = choices.find((choice) => choice.method === method);
        if (chosen === undefined)
          return fieldError(request.traceId, "method", `one of ${choices.map((c) => c.method).join(", ")}`);
        return answerOf(writes.confirm(context, undefined, id, chosen.confirm));
      }),
    },
    {
      method: "POST",
      path: "/checkout/:id/pay",
      handle: action(async (session) => {
        const { context, id } = session;
        const rendered = toPaymentSession(session.snapshot);
        const charge = currentCharge(rendered);
        return charge?.card != null
          ? apply(session, cardPaymentEvents(charge, context.at))
          : answerOf(writes.simulate(context, undefined, { paymentSessionId: id, chargeStatus: "SUCCESS" }));
      }),
    },
    {
      method: "POST",
      path: "/checkout/:id/fail",
      handle: action(async (session, request) => {
        const code = bodyField(request, "failureCode");
        if (!(failureCodes as ReadonlyArray<unknown>).includes(code))
          return fieldError(request.traceId, "failureCode", `one of ${failureCodes.join(", ")}`);
        return apply(session, [
          { type: "CHARGE_FAILED", at: session.context.at, failureCode: code as FailureCode },
        ]);
      }),
    },
    {
      method: "POST",
      path: "/checkout/:id/expire",
      handle: action(({ context, id }) =>
        answerOf(writes.simulate(context, undefined, { paymentSessionId: id, chargeStatus: "EXPIRED" })),
      ),
    },
  ];
};
