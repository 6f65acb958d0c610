/**
 * Building blocks of the expected bodies. The rule (issue 3, decisions.md): matchers for whatever
 * an implementation chooses (ids, instants, VA numbers, tokens, our own error codes), literal values
 * for what the API fixes (statuses, enums, amounts echoed back), and no optional field asserted
 * unless the provider state guarantees it.
 */

import { MatchersV3 } from "@pact-foundation/pact";
import { failureCodes } from "@payment-session/core";
import { clockNow, example } from "./pact.js";

const { like, regex, eachKeyMatches, nullValue } = MatchersV3;

/** ISO-8601 instant in UTC, as the API answers them (decision C7), with 0–9 fraction digits. */
export const INSTANT_PATTERN = "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$";

/** An instant the implementation chooses. */
export const instant = (value = "2025-03-30T05:48:17.105883834Z") => regex(INSTANT_PATTERN, value);

/**
 * The regex of one instant, or of the instants in `[at, at + tickSeconds]` (whole seconds), in every
 * form {@link INSTANT_PATTERN} admits: `…:05Z`, `…:05.000Z`, `…:05.123456789Z` (decision F2).
 */
export const instantPattern = (at: string, tickSeconds = 0): string => {
  const start = Date.parse(at);
  if (Number.isNaN(start) || start % 1000 !== 0)
    throw new Error(`instantPattern: ${at} is not a whole-second instant`);
  const seconds = Array.from({ length: tickSeconds + 1 }, (_, i) =>
    new Date(start + i * 1000).toISOString().slice(0, 19),
  );
  const fraction = tickSeconds === 0 ? "(\\.0{1,9})?" : "(\\.\\d{1,9})?";
  return `^(${seconds.join("|")})${fraction}Z$`;
};

/**
 * An instant the provider state or the request fixes: exactly `at`, in any ISO-8601 UTC form
 * (decision F2: `2025-03-31T23:59:05Z` and `2025-03-31T23:59:05.000Z` are one instant).
 */
export const instantAt = (at: string) => regex(instantPattern(at), at);

/**
 * An instant taken from the provider's clock during the request: `at` (what `the clock reads`) or a
 * little later, as the clock may tick on by up to {@link CLOCK_TICK_SECONDS} seconds.
 */
export const instantFromClock = (at: string) => regex(instantPattern(at, CLOCK_TICK_SECONDS), at);

/** How far the provider's clock may tick on from `the clock reads` during one interaction. */
export const CLOCK_TICK_SECONDS = 5;

/** A UUID in any case, anchored (Pact's own `uuid()` matcher is neither). */
export const UUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

/** The id of a session or a charge: the implementation chooses it (the docs: UUIDs). */
export const sessionId = () => regex(UUID_PATTERN, example.sessionId);
export const chargeId = () => regex(UUID_PATTERN, example.chargeId);

/** A VA number the implementation issues: digits only. */
export const vaNumber = (value = "76630000123456") => regex("^[0-9]+$", value);

/** `the clock reads` plus `minutes` (negative: before), as ISO-8601. */
export const clockPlus = (minutes: number): string =>
  new Date(Date.parse(clockNow) + minutes * 60_000).toISOString().replace(".000Z", "Z");

/** The default `expiryAt` of a SINGLE session set up or created as of the clock: clock + 15 min (C2). */
export const defaultExpiry = () => instantFromClock(clockPlus(15));

/** `{ value, currency }` echoed back. */
export const idr = (value: number) => ({ value, currency: "IDR" });

/** The success envelope: `code` "00" (documented), any message. */
export const ok = <T>(data: T) => ({ code: "00", message: like("Success"), data });

/** A list answer: the success envelope plus `pagination`. */
export const okList = <T>(data: T, pagination: unknown) => ({ ...ok(data), pagination });

/** The documented `error.type`s (facts §3.3; the third, the channel's, is never answered here). */
export type ErrorType = "API_ERROR" | "GATEWAY_ERROR";

/**
 * An error envelope. `code` is matched by regex: the documented code or the older numeric style
 * (`400100…`) for the gateway's own codes, any snake_case word for this project's choices
 * (decision L2: matched loosely, HTTP status plus `error.type`).
 */
export const errorEnvelope = (options: {
  readonly status: number;
  readonly code: string;
  readonly ours?: boolean;
  /** The `error.type`, or the types a faithful implementation may answer (matched by regex, first one the example). */
  readonly type: ErrorType | readonly [ErrorType, ...Array<ErrorType>];
  readonly details?: unknown;
  /** A phrase the message must contain (clients match it), with an example message. */
  readonly message?: { readonly contains: string; readonly example: string };
}) => ({
  code:
    options.ours === true
      ? regex("^[a-z][a-z0-9_]*$", options.code)
      : regex(`^(${options.code}|${options.status}[0-9]*)$`, options.code),
  message:
    options.message === undefined
      ? like("message")
      : regex(`^.*${options.message.contains}.*$`, options.message.example),
  error: {
    type:
      typeof options.type === "string"
        ? options.type
        : regex(`^(${options.type.join("|")})$`, options.type[0]),
    ...(options.details === undefined ? {} : { details: options.details }),
  },
});

/** 400 `api_validation_error` (an API_ERROR) with the `details` naming the refused fields. */
export const validationError = (details: unknown) =>
  errorEnvelope({ status: 400, code: "api_validation_error", type: "API_ERROR", details });

/** A failure code from the documented list (facts §11). */
export const failureCode = (value: (typeof failureCodes)[number]) =>
  regex(`^(${failureCodes.join("|")})$`, value);

interface ChargeExpectation {
  readonly clientReferenceId: string;
  readonly amount: number;
  readonly status: string;
  readonly paid?: boolean;
  readonly method?: Record<string, unknown>;
  readonly extra?: Record<string, unknown>;
}

/**
 * A charge of a push method (VA, QR, e-wallet): nothing authorised or captured before it is paid
 * (`authorizedAmount`/`capturedAmount` null: they are card fields), `paidAt` and `isCaptured` set
 * once SUCCESS.
 */
export const pushCharge = (c: ChargeExpectation) => ({
  id: chargeId(),
  paymentSessionId: sessionId(),
  paymentSessionClientReferenceId: c.clientReferenceId,
  amount: idr(c.amount),
  statementDescriptor: like("Harsya"),
  status: c.status,
  authorizedAmount: null,
  capturedAmount: null,
  isCaptured: c.paid === true,
  createdAt: instant(),
  updatedAt: instant(),
  paidAt: c.paid === true ? instant("2025-03-30T05:40:00Z") : null,
  ...(c.method ?? {}),
  ...(c.extra ?? {}),
});

/** The `virtualAccount` part of a VA charge: bank (literal), number, name and its own expiry. */
export const vaPart = (channel: string, name = "Pivot - Reforza Harsya") => ({
  virtualAccount: {
    channel,
    virtualAccountNumber: vaNumber(),
    virtualAccountName: like(name),
    expiryAt: instant("2025-03-30T23:59:05Z"),
  },
});

interface SessionExpectation {
  readonly clientReferenceId: string;
  readonly amount: unknown;
  readonly status: string;
  readonly paymentMethod: unknown;
  readonly chargeDetails: unknown;
  readonly expiryAt?: unknown;
  readonly createdAt?: unknown;
  readonly autoConfirm?: unknown;
  readonly mode?: unknown;
  readonly paymentType?: unknown;
  readonly extra?: Record<string, unknown>;
}

/**
 * A payment session: every field the core's schema requires, with literals for what the request
 * or the state fixed, matchers for the rest.
 */
export const session = (s: SessionExpectation) => ({
  id: sessionId(),
  clientReferenceId: s.clientReferenceId,
  amount: s.amount,
  autoConfirm: s.autoConfirm ?? like(true),
  mode: s.mode ?? "API",
  paymentType: s.paymentType ?? "SINGLE",
  paymentMethod: s.paymentMethod,
  status: s.status,
  createdAt: s.createdAt ?? instant("2025-03-30T05:48:17.089512345Z"),
  updatedAt: instant("2025-03-30T05:48:17.105883916Z"),
  expiryAt: s.expiryAt === undefined ? defaultExpiry() : s.expiryAt,
  chargeDetails: s.chargeDetails,
  ...(s.extra ?? {}),
});

/** A VA session in REQUIRE_ACTION with its one charge waiting for the transfer. */
export const vaSessionRequiringAction = (clientReferenceId: string, amount: number, channel = "PERMATA") =>
  session({
    clientReferenceId,
    amount: idr(amount),
    status: "REQUIRE_ACTION",
    paymentMethod: { type: "VIRTUAL_ACCOUNT" },
    chargeDetails: [
      pushCharge({ clientReferenceId, amount, status: "WAITING_FOR_USER_ACTION", method: vaPart(channel) }),
    ],
  });

/**
 * An object whose `keys` must carry no value: `null` or absent (decision F1), never a value. Pact
 * cannot make one key optional, so the object gets an `eachKey` rule (keys it leaves out are not
 * required) and each of `keys` a `null` matcher (a value there fails). An `eachKey` rule also stops
 * the object's other fields from being compared, so use this in an interaction of its own, beside
 * the one that pins the object's other fields.
 */
export const withoutValues = (object: Record<string, unknown>, keys: ReadonlyArray<string>) =>
  eachKeyMatches(
    { ...object, ...Object.fromEntries(keys.map((key) => [key, nullValue()])) },
    regex("^[A-Za-z][A-Za-z0-9]*$", "status"),
  );
