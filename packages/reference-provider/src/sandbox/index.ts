/**
 * The sandbox a merchant rehearses on (`pnpm start`): the test clock (`/_sandbox/clock`, decision
 * S1), the hosted payment page (`/checkout/{id}`, every `paymentUrl` pointing at it), and the
 * dashboard with its webhook ledger (`/dashboard`, `/_sandbox/…`, decision S4), mounted beside the
 * API. Never mounted in contract-test mode.
 *
 * @since 0.1.0
 */
import type { ProviderClock } from "../clock.js";
import type { ExtraRoute } from "../http/server.js";
import type { Issuers } from "../issuers.js";
import type { ProviderServices } from "../payments.js";
import type { Database } from "../store/index.js";
import type { DispatchOptions, DispatchReport } from "../webhookDispatcher.js";
import { clockRoutes } from "./clockRoutes.js";
import { customerStepRoutes } from "./customerStepPage.js";
import { dashboardRoutes } from "./dashboard.js";
import { hostedPageRoutes } from "./hostedPage.js";
import { createSandboxClock, type SandboxClock } from "./sandboxClock.js";
import { type LedgerHost, ledgerOnAttempt } from "./webhookLedger.js";

export type { AttemptRecorder, LedgerAction, LedgerHost } from "./webhookLedger.js";
export { testEventPayload } from "./webhookLedger.js";

/**
 * Options of the sandbox (`startProvider({ sandbox })`): `publicUrl`, the base URL customers'
 * browsers reach the sandbox at (default: the address it listens on).
 *
 * @since 0.1.0
 * @category Sandbox
 */
export interface SandboxOptions {
  readonly publicUrl?: string | undefined;
  /**
   * Seams of the webhook ledger (tests): how a resend or a test event is sent (default: `fetch`,
   * 10 s timeout) and how an attempt is written (default: the `webhook_attempts` table).
   */
  readonly ledger?: Pick<LedgerHost, "send" | "record"> | undefined;
}

/**
 * What the sandbox needs from the running provider to mount its routes: its services, and one run
 * of its expiry sweeper and webhook dispatcher at an instant (what a clock move runs; the sweeper
 * also runs before the dashboard lists sessions).
 */
export interface SandboxHost {
  readonly services: ProviderServices;
  readonly sweepExpired: (at?: number) => Promise<number>;
  readonly dispatchDue: (at?: number) => Promise<DispatchReport>;
}

/**
 * The sandbox of one provider: its clock (the provider's clock plus the shared offset, read from
 * the database by `clock.load` at start and before every background tick), and its routes.
 */
export interface Sandbox {
  readonly clock: SandboxClock;
  /** `inner` with every customer-facing URL on the sandbox ({@link pageIssuers}). */
  readonly issuers: (inner: Issuers) => Issuers;
  /** Tells the sandbox the address it listens on (the base of its URLs without `publicUrl`). */
  readonly listening: (url: string) => void;
  readonly routes: (host: SandboxHost) => ReadonlyArray<ExtraRoute>;
  /** The dispatcher's options with each delivery attempt also written to the webhook ledger. */
  readonly dispatch: (db: Database, options: DispatchOptions | undefined) => DispatchOptions;
}

/**
 * Issuers whose customer-facing URLs are on the sandbox itself (`base()` is read when a URL is
 * made: the listening address is known only once the server is up). Every `paymentUrl` the `inner`
 * issuers hand out becomes the session's hosted page `/checkout/{id}` (a REDIRECT session, an
 * e-wallet's step in mode API), or for a card (its 3-D Secure step, mode API) the customer step
 * page `/authenticate/{id}`, which serves an e-wallet's approval step too; a QR's `qrUrl` becomes
 * its image `/checkout/{id}/qr.svg`.
 */
const pageIssuers = (inner: Issuers, base: () => string): Issuers => {
  const url = (page: string, sessionId: string) => `${base()}/${page}/${encodeURIComponent(sessionId)}`;
  return {
    forCharge: async (request) => {
      const issued = await inner.forCharge(request);
      const qr = issued.instrument?.qr;
      const page = request.charge.method === "CARD" ? "authenticate" : "checkout";
      return {
        ...issued,
        ...(qr === undefined
          ? {}
          : {
              instrument: {
                ...issued.instrument,
                qr: { ...qr, qrUrl: `${url("checkout", request.sessionId)}/qr.svg` },
              },
            }),
        ...(issued.paymentUrl === undefined ? {} : { paymentUrl: url(page, request.sessionId) }),
      };
    },
    forSession: async (request) => {
      const issued = await inner.forSession(request);
      return issued.paymentUrl === undefined
        ? issued
        : { ...issued, paymentUrl: url("checkout", request.sessionId) };
    },
  };
};

/** Makes the sandbox over the provider's `base` clock. */
export const createSandbox = (base: ProviderClock | undefined, options: SandboxOptions = {}): Sandbox => {
  const clock = createSandboxClock(base);
  const configured =
    options.publicUrl === undefined || options.publicUrl === "" ? undefined : options.publicUrl;
  if (configured !== undefined && !/^https?:\/\/[^/]+/.test(configured))
    throw new Error(`the public URL must be an http(s) URL, got ${configured}`);
  let listeningUrl: string | undefined;
  const baseUrl = () => {
    const url = configured ?? listeningUrl;
    if (url === undefined) throw new Error("the sandbox's URL is not known before it listens");
    return url.replace(/\/+$/, "");
  };
  return {
    clock,
    issuers: (inner) => pageIssuers(inner, baseUrl),
    listening: (url) => {
      listeningUrl = url;
    },
    routes: (host) => [
      ...clockRoutes(clock, host),
      ...hostedPageRoutes(host.services),
      ...dashboardRoutes(clock, host, options.ledger),
      ...customerStepRoutes(host.services),
    ],
    dispatch: (db, outer) => {
      const ledger = ledgerOnAttempt(db, options.ledger?.record);
      return {
        ...outer,
        onAttempt: async (attempt) => {
          await ledger(attempt);
          await outer?.onAttempt?.(attempt);
        },
      };
    },
  };
};
