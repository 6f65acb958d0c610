/**
 * The sandbox's customer step page (`/authenticate/{id}`, decision S3): a card's 3-D Secure step
 * (where a mode-API card charge's `paymentUrl` points) and an e-wallet's approval with its OTP. What the
 * step does is the core's (`customerStepEvents`: the documented test cards and test phones, OTP
 * 000000); this page only shows it and applies the core's events through the API's write path.
 *
 * @since 0.2.0
 */
import {
  apiValidationError,
  type CustomerStep,
  customerStepEvents,
  customerStepOf,
  type PaymentSession,
  sandboxOtp,
  stepNeedsOtp,
  toPaymentSession,
} from "@payment-session/core";
import { errorAnswer } from "../answers.js";
import type { ExtraRoute } from "../http/server.js";
import type { ProviderServices } from "../payments.js";
import { amountText, bodyField, customerPage, html, sessionPageRoutes } from "./sessionPage.js";

const style = `body{font-family:system-ui,sans-serif;max-width:30rem;margin:2rem auto;padding:0 1rem;color:#1d2433}
h1{font-size:1.2rem}.mono{font-family:ui-monospace,monospace}.error{color:#b91c1c}
input{font:inherit;padding:.4rem;width:8rem;letter-spacing:.2rem}
button{font:inherit;padding:.5rem 1rem;margin:.25rem .25rem .25rem 0;border-radius:.4rem;border:1px solid #889;background:#fff;cursor:pointer}
button.primary{background:#1d4ed8;color:#fff;border-color:#1d4ed8}footer{margin-top:2rem;font-size:.8rem;color:#777}`;

const script = `  const root = document.querySelector("[data-step]");
  if (!root) return;
  const otp = document.querySelector("[name=otp]");
  const submit = (body) => send(location.pathname, body);
  document.querySelector("[data-testid=submit]")?.addEventListener("click", () => submit(otp ? { otp: otp.value } : {}));
  document.querySelector("[data-testid=cancel]")?.addEventListener("click", () => submit({ cancel: true }));
  if (root.dataset.step === "frictionless") submit({});
`;

const stepHtml = (step: CustomerStep): string => {
  const otp = stepNeedsOtp(step);
  const title =
    step.kind === "CARD"
      ? `3-D Secure: card ending ${html(step.charge.context.instrument.card?.last4 ?? "")}`
      : `Approve in ${html(step.charge.context.instrument.ewallet?.channel ?? "the e-wallet")}`;
  const explain =
    step.kind === "CARD"
      ? otp
        ? "Your bank asks for the one-time password it sent you."
        : "Your bank is checking the payment (frictionless: no password needed)."
      : `Enter the one-time password sent to ${html(step.charge.context.instrument.ewallet?.accountInformations?.mobileNumber ?? "your phone")}.`;
  return `<h2>${title}</h2><p>${explain}</p>
${otp ? `<label>One-time password <input name="otp" inputmode="numeric" autocomplete="one-time-code" data-testid="otp"></label><p class="mono">Sandbox: the password is ${sandboxOtp}.</p>` : ""}
<button class="primary" data-testid="submit">${otp ? "Submit" : "Continue"}</button>
<button data-testid="cancel">Cancel</button>`;
};

/**
 * The step page of a session as HTML: the card's 3-D Secure (frictionless: it goes on by itself; a
 * challenge: the one-time password) or the e-wallet's approval, or, when no step waits, the
 * session's status and the way back to the merchant.
 */
const renderCustomerStep = (session: PaymentSession, step: CustomerStep | null, merchantName: string) =>
  customerPage({
    title: `Authenticate — ${html(merchantName)} sandbox`,
    style,
    main: `data-step="${step === null ? "none" : stepNeedsOtp(step) ? "challenge" : "frictionless"}" data-session="${html(session.id)}"`,
    session,
    merchantName,
    content: `<p>${html(amountText(session))} · status <span data-testid="status">${html(session.status)}</span></p>
${step === null ? "<p>Nothing waits for you here.</p>" : stepHtml(step)}`,
    script,
  });

/**
 * The step page's routes on `services`:
 *
 * - `GET /authenticate/{id}`: the page;
 * - `POST /authenticate/{id}` `{ otp }` or `{ cancel: true }`: the core's events of the answer,
 *   applied in order through the API's write path; answers `{ status, returnUrl }`, 400 at `otp`
 *   for a wrong one-time password (nothing changes), 422 `invalid_state` when no step waits.
 */
export const customerStepRoutes = (services: ProviderServices): ReadonlyArray<ExtraRoute> => {
  const { page, action, apply } = sessionPageRoutes(services);
  return [
    {
      method: "GET",
      path: "/authenticate/:id",
      handle: page(({ context, snapshot }) => ({
        status: 200,
        html: renderCustomerStep(toPaymentSession(snapshot), customerStepOf(snapshot), context.merchant.name),
      })),
    },
    {
      method: "POST",
      path: "/authenticate/:id",
      handle: action(async (session, request) => {
        const otp = bodyField(request, "otp");
        const plan = customerStepEvents(
          session.snapshot,
          { otp: typeof otp === "string" ? otp : undefined, cancel: bodyField(request, "cancel") === true },
          session.context.at,
        );
        return plan._tag === "Invalid"
          ? errorAnswer(apiValidationError(plan.details, { traceId: request.traceId }))
          : apply(session, plan._tag === "Events" ? plan.events : [plan.event]);
      }),
    },
  ];
};
