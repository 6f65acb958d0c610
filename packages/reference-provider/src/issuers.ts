/**
 * Issuers: what the provider hands out for a session or a charge — VA numbers, QR content,
 * e-wallet deep links, card 3-D Secure pages, hosted payment pages, the card encryption key.
 * Pluggable: `startProvider({ issuers })` takes any implementation; {@link sandboxIssuers} is the
 * deterministic default.
 *
 * @since 0.1.0
 */
import {
  type CardCharge,
  type ChargeRequest,
  type CreatePaymentSessionInput,
  type EwalletChannel,
  type EwalletCharge,
  type IssuedCharge,
  type Mode,
  millisToInstant,
  type PaymentMethod,
  type QrAcquirer,
  type QrCharge,
  type SessionExtras,
  type VirtualAccountChannel,
  type VirtualAccountCharge,
} from "@payment-session/core";
import { currentCardKey } from "./cardKeys.js";
import type { Merchant } from "./merchants.js";
import { nextSequence, type Queryable } from "./store/index.js";

/**
 * What an issuer knows when a charge is opened (by an autoConfirm create or a confirm). `db` is the
 * open transaction: numbers drawn from it (`nextSequence`) are given back if the request fails.
 *
 * @since 0.1.0
 * @category Issuers
 */
export interface IssuerInput {
  readonly db: Queryable;
  readonly merchant: Merchant;
  readonly sessionId: string;
  readonly chargeId: string;
  readonly mode: Mode;
  readonly at: number;
  /** What the core says the charge will be (`chargeRequestFor`). */
  readonly charge: ChargeRequest;
}

/**
 * What an issuer knows when a session is created (defaults applied), and what the core says the
 * session gets (`extras`: `planCreate`'s hosted page, encryption key, static VA / QR).
 *
 * @since 0.1.0
 * @category Issuers
 */
export interface SessionIssueRequest {
  readonly db: Queryable;
  readonly merchant: Merchant;
  readonly sessionId: string;
  readonly at: number;
  readonly request: CreatePaymentSessionInput;
  readonly extras: SessionExtras;
}

/**
 * What a session gets at creation, as the core's `SessionExtras` asked. Absent = none.
 *
 * @since 0.1.0
 * @category Issuers
 */
export interface SessionIssue {
  readonly paymentUrl?: string | undefined;
  readonly encryptionKey?: string | undefined;
  readonly paymentMethod?: PaymentMethod | undefined;
}

/**
 * The issuer interface. `forCharge` returns the charge's instrument (and, for pull methods in API
 * mode, the URL the customer goes to); the provider adds the id. `forSession` returns what a new
 * session gets.
 *
 * @since 0.1.0
 * @category Issuers
 */
export interface Issuers {
  readonly forCharge: (request: IssuerInput) => Promise<Omit<IssuedCharge, "id">>;
  readonly forSession: (request: SessionIssueRequest) => Promise<SessionIssue>;
}

/**
 * The host of the sandbox's made-up URLs (a reserved `.invalid` name: they never resolve).
 *
 * @since 0.1.0
 * @category Issuers
 */
export const sandboxHost = "sandbox.payment-session.invalid";

/**
 * Fixed number prefixes of sandbox virtual accounts, per bank. A VA number is the prefix followed
 * by a 10-digit sequence number (`nextSequence("va:<BANK>")`), e.g. PERMATA `76630000000001`.
 *
 * @since 0.1.0
 * @category Issuers
 */
export const virtualAccountPrefixes: Readonly<Record<VirtualAccountChannel, string>> = {
  PERMATA: "7663",
  BRI: "8877",
  MANDIRI: "8960",
  CIMB: "5919",
  BNC: "9055",
  BNI: "9888",
  BCA: "3901",
  BSI: "9347",
  DANAMON: "7915",
};

const deepLinkSchemes: Readonly<Record<EwalletChannel, string>> = {
  DANA: "dana",
  SHOPEEPAY: "shopeepayid",
  OVO: "ovo",
};

/** The expiry of a static (MULTIPLE) VA without one, as the gateway shows it. */
const NO_EXPIRY = "0001-01-01T00:00:00Z";

const expiryOf = (expiryAt: number | null): string =>
  expiryAt === null ? NO_EXPIRY : millisToInstant(expiryAt);

/**
 * The VA display name: `"<merchant name> - <virtualAccountName>"` (the seed page shows it), or the
 * merchant name alone when no name was asked for.
 *
 * @since 0.1.0
 * @category Issuers
 */
export const virtualAccountName = (merchant: Merchant, requested: string | undefined): string =>
  requested === undefined || requested === "" ? merchant.name : `${merchant.name} - ${requested}`;

/**
 * A VA of `kind` (dynamic: a charge's; static: a MULTIPLE session's): the bank and name from the
 * options, else the method (default PERMATA), and a fresh number of that bank and kind.
 */
const virtualAccount = async (
  { db, merchant }: { readonly db: Queryable; readonly merchant: Merchant },
  requested: {
    readonly paymentMethod?: PaymentMethod | null | undefined;
    readonly paymentMethodOptions?: ChargeRequest["paymentMethodOptions"] | undefined;
  },
  kind: "va" | "static-va",
  expiryAt: string,
): Promise<VirtualAccountCharge> => {
  const options = requested.paymentMethodOptions?.virtualAccount;
  const method = requested.paymentMethod;
  const asked = method?.type === "VIRTUAL_ACCOUNT" ? method.virtualAccount : undefined;
  const channel = options?.channel ?? asked?.channel ?? "PERMATA";
  const n = await nextSequence(db, `${kind}:${channel}`);
  const name = options?.virtualAccountName ?? asked?.virtualAccountName;
  return {
    channel,
    virtualAccountNumber: `${virtualAccountPrefixes[channel]}${String(n).padStart(10, "0")}`,
    virtualAccountName: virtualAccountName(merchant, name),
    expiryAt,
  };
};

/** A QRIS-like QR of `id` (a charge's: dynamic; a MULTIPLE session's: static) with a made-up image. */
const qrOf = (acquirer: QrAcquirer, id: string, amount: number, qrType: "DYNAMIC" | "STATIC") => ({
  acquirer,
  qrContent: `00020101021${qrType === "DYNAMIC" ? "2" : "1"}26${acquirer}.SANDBOX.${id}54${amount}5802ID6304`,
  qrUrl: `https://${sandboxHost}/qr/${id}.png`,
  qrType,
});

const issueQr = ({ charge, chargeId, merchant }: IssuerInput): QrCharge => ({
  ...qrOf(charge.paymentMethodOptions?.qr?.acquirer ?? "BRI", chargeId, charge.amount.value, "DYNAMIC"),
  expiryAt: charge.expiryAt === null ? null : millisToInstant(charge.expiryAt),
  merchantName: merchant.name,
});

const issueEwallet = (request: IssuerInput): { instrument: EwalletCharge; deepLink: string } => {
  const method = request.charge.paymentMethod;
  const wallet = method?.type === "EWALLET" ? method.ewallet : undefined;
  const channel = request.charge.paymentMethodOptions?.ewallet?.channel ?? wallet?.channel ?? "DANA";
  const phone = wallet?.accountIdentifier ?? null;
  return {
    instrument: { channel, accountInformations: { mobileNumber: phone, name: null } },
    deepLink: `${deepLinkSchemes[channel]}://${sandboxHost}/pay/${request.chargeId}`,
  };
};

const issueCard = (request: IssuerInput): CardCharge => {
  const method = request.charge.paymentMethod;
  const card = method?.type === "CARD" ? method.card : undefined;
  const digits = card?.number?.replace(/\D/g, "") ?? "";
  if (digits.length < 12) return {};
  return {
    first6: digits.slice(0, 6),
    first8: digits.slice(0, 8),
    last4: digits.slice(-4),
    expMonth: card?.expMonth === undefined ? null : String(card.expMonth).padStart(2, "0"),
    expYear: card?.expYear === undefined ? null : String(card.expYear),
  };
};

/** The static VA / QR of a MULTIPLE session, numbered like dynamic ones. */
const staticPaymentMethod = async (
  request: SessionIssueRequest,
  method: "VIRTUAL_ACCOUNT" | "QR",
): Promise<PaymentMethod> => {
  const { paymentMethodOptions, expiryAt, amount } = request.request;
  if (method === "VIRTUAL_ACCOUNT") {
    const va = await virtualAccount(request, request.request, "static-va", expiryAt ?? NO_EXPIRY);
    return { type: "VIRTUAL_ACCOUNT", virtualAccount: va };
  }
  const acquirer = paymentMethodOptions?.qr?.acquirer ?? "BRI";
  return {
    type: "QR",
    qr: {
      ...qrOf(acquirer, request.sessionId, amount?.value ?? 0, "STATIC"),
      storeId: request.merchant.id,
      merchantName: request.merchant.name,
    },
  };
};

/**
 * The deterministic sandbox issuers.
 *
 * - VA: bank from `paymentMethodOptions.virtualAccount.channel` (default PERMATA), number =
 *   {@link virtualAccountPrefixes} + a 10-digit DB sequence, name via {@link virtualAccountName},
 *   expiry = the session's.
 * - QR: acquirer from the options (default BRI), a QRIS-like content string and a made-up image URL.
 * - E-wallet: the channel's deep link (`dana://…`, `shopeepayid://…`, `ovo://…`) in API mode.
 * - Card: the masked parts of a PAN if one was sent (`first6`, `first8`, `last4`, expiry: never the
 *   number); a 3-D Secure page URL in API mode.
 * - Session: what the core's `SessionExtras` ask for: a hosted page URL, the database's card key
 *   (`currentCardKey`), a static VA / QR.
 *
 * Every URL is on {@link sandboxHost}, which never resolves.
 *
 * @since 0.1.0
 * @category Issuers
 */
export const sandboxIssuers: Issuers = {
  forCharge: async (request) => {
    const api = request.mode === "API";
    switch (request.charge.method) {
      case "VIRTUAL_ACCOUNT": {
        const expiryAt = expiryOf(request.charge.expiryAt);
        return {
          instrument: { virtualAccount: await virtualAccount(request, request.charge, "va", expiryAt) },
        };
      }
      case "QR":
        return { instrument: { qr: issueQr(request) } };
      case "EWALLET": {
        const { instrument, deepLink } = issueEwallet(request);
        return api
          ? { instrument: { ewallet: instrument }, paymentUrl: deepLink }
          : { instrument: { ewallet: instrument } };
      }
      case "CARD": {
        const card = issueCard(request);
        const threeDs = `https://${sandboxHost}/3ds/${request.chargeId}`;
        return api ? { instrument: { card }, paymentUrl: threeDs } : { instrument: { card } };
      }
    }
  },
  forSession: async (request) => {
    const { hostedPage, encryptionKey, staticMethod } = request.extras;
    return {
      paymentUrl: hostedPage ? `https://${sandboxHost}/checkout/${request.sessionId}` : undefined,
      encryptionKey: encryptionKey ? await currentCardKey(request.db) : undefined,
      paymentMethod: staticMethod === null ? undefined : await staticPaymentMethod(request, staticMethod),
    };
  },
};
