/**
 * Creating a session (decisions C1–C3, C5) and asking, before issuing an instrument, whether an
 * operation will open a charge.
 *
 * @since 0.1.0
 */
import { withCreateDefaults } from "../schemas/CreatePaymentSessionRequest.js";
import { instantToMillis } from "../schemas/Instant.js";
import type {
  Amount,
  CreatePaymentSessionInput,
  CreatePaymentSessionRequest,
  ErrorDetail,
  PaymentMethod,
  PaymentMethodOptions,
  PaymentMethodType,
} from "../schemas/index.js";
import { compiledSessionMachine, compiledSessionStep, refusalMessage } from "./applyEvent.js";
import {
  defaultPaymentMethodConfig,
  methodIssues,
  methodOptionExpiry,
  optionExpiryIssues,
  type PaymentMethodConfig,
} from "./config.js";
import { type SessionSnapshot, sessionStatus } from "./status.js";
import type { Accepted, ChargeRecord, ConfirmEvent, IssuedCharge, Refused, SessionInput } from "./types.js";

/**
 * What the provider passes with a create request: the new session's `id`, the instant `at` (epoch
 * ms), and whatever it issued for it: the `charge` an autoConfirm request opens, the static
 * `paymentMethod` (VA / QR) of a MULTIPLE session, the hosted `paymentUrl`, the card
 * `encryptionKey`. `config` defaults to {@link defaultPaymentMethodConfig}.
 *
 * @since 0.1.0
 * @category Creating sessions
 */
export interface CreateSessionContext {
  readonly id: string;
  readonly at: number;
  readonly charge?: IssuedCharge;
  readonly paymentMethod?: PaymentMethod;
  readonly paymentUrl?: string;
  readonly encryptionKey?: string;
  readonly config?: PaymentMethodConfig;
}

/** {@link createSession}'s answer. @since 0.1.0 @category Creating sessions */
export type CreateSessionResult =
  | { readonly ok: true; readonly snapshot: SessionSnapshot; readonly outcome: Accepted }
  | { readonly ok: false; readonly refusal: Refused };

const MULTIPLE_METHODS: ReadonlyArray<PaymentMethodType> = ["VIRTUAL_ACCOUNT", "QR"];

/**
 * The `creation` check: what C3, C5 and the MULTIPLE rules say about a create request at instant
 * `at`. One `details[]` entry per broken rule; empty when the request can be served.
 *
 * - `expiryAt` not after `at`, or beyond the method's maximum → `expiryAt`
 * - amount outside the method's bounds → `amount.value`; method disabled → `paymentMethod.type`
 * - MULTIPLE: mode API only (`mode`), VIRTUAL_ACCOUNT or QR only (`paymentMethod.type`), autoConfirm
 *   true (`autoConfirm`), no amount for a static QR (`amount`)
 *
 * @since 0.1.0
 * @category Creating sessions
 */
export const creationIssues = (
  request: CreatePaymentSessionInput,
  at: number,
  config: PaymentMethodConfig = defaultPaymentMethodConfig,
): ReadonlyArray<ErrorDetail> => {
  const issues: Array<ErrorDetail> = [];
  const method = request.paymentMethod?.type;
  const isMultiple = request.paymentType === "MULTIPLE";
  const option = methodOptionExpiry(method, request.paymentMethodOptions);
  const given = request.expiryAt !== undefined ? instantToMillis(request.expiryAt) : null;
  // H3: the option's expiry is the session's when the request has none of its own.
  const expiryAt = given ?? option?.expiryAt ?? (isMultiple ? null : at + config.defaultExpiryMs);
  const expiryField = given === null && option !== null ? option.field : "expiryAt";
  issues.push(...optionExpiryIssues(option, given, "expiryAt"));
  if (isMultiple) {
    if (request.mode !== "API")
      issues.push({ field: "mode", message: "MULTIPLE is only allowed in mode API" });
    if (method === undefined || !MULTIPLE_METHODS.includes(method)) {
      issues.push({
        field: "paymentMethod.type",
        message: "MULTIPLE is not allowed for this payment method type",
      });
    }
    if (!request.autoConfirm)
      issues.push({ field: "autoConfirm", message: "MULTIPLE needs autoConfirm true" });
    if (method === "QR" && request.amount !== undefined) {
      issues.push({ field: "amount", message: "QRIS MULTIPLE must not carry an amount" });
    }
  }
  if (method !== undefined) {
    const amount: Amount = request.amount ?? { value: 0, currency: "IDR" };
    issues.push(...methodIssues(config, method, amount, at, expiryAt, expiryField));
  } else if (expiryAt !== null && expiryAt <= at) {
    issues.push({ field: "expiryAt", message: "expiryAt must be later than the request instant" });
  }
  return issues;
};

const PROBE_ID = "lifecycle-probe-charge";

/**
 * What the issuer needs to know about a charge an operation would open: the method, the amount,
 * the session's expiry (epoch ms), the capture method, and the method and options as confirmed.
 *
 * @since 0.1.0
 * @category Creating sessions
 */
export interface ChargeRequest {
  readonly method: PaymentMethodType;
  readonly amount: Amount;
  readonly expiryAt: number | null;
  readonly captureMethod: "automatic" | "manual";
  readonly paymentMethod: PaymentMethod | null;
  readonly paymentMethodOptions: PaymentMethodOptions | null;
}

/** A CONFIRM before the provider issued its charge. @since 0.1.0 @category Creating sessions */
export type ConfirmIntent = Omit<ConfirmEvent, "charge">;

const describe = (charge: ChargeRecord, snapshot: Pick<SessionSnapshot, "context">): ChargeRequest => ({
  method: charge.context.method,
  amount: charge.context.amount,
  expiryAt: snapshot.context.expiryAt,
  captureMethod: charge.context.captureMethod,
  paymentMethod: snapshot.context.paymentMethod,
  paymentMethodOptions: snapshot.context.paymentMethodOptions,
});

const probeOpened = (snapshot: SessionSnapshot): ChargeRequest | null => {
  const opened = snapshot.context.charges.find((charge) => charge.context.id === PROBE_ID);
  return opened === undefined ? null : describe(opened, snapshot);
};

/**
 * Whether an operation would open a charge, and for which method, asked of the machine itself
 * (it is run with a probe charge and the result inspected): call it before issuing a VA number,
 * a QR or a 3DS page.
 *
 * - `chargeRequestFor(request, at?)`: a create request (after defaults). `null` when it opens none
 *   (no method, autoConfirm false, MULTIPLE).
 * - `chargeRequestFor(snapshot, confirm)`: a CONFIRM without its `charge`. `null` when the machine would
 *   refuse it or open nothing.
 *
 * @example
 * const plan = chargeRequestFor(request)
 * const charge = plan === null ? undefined : await issuer.issue(plan)
 * createSession(request, { id, at, charge })
 * @since 0.1.0
 * @category Creating sessions
 */
export function chargeRequestFor(request: CreatePaymentSessionRequest, at?: number): ChargeRequest | null;
export function chargeRequestFor(snapshot: SessionSnapshot, confirm: ConfirmIntent): ChargeRequest | null;
export function chargeRequestFor(
  subject: CreatePaymentSessionRequest | SessionSnapshot,
  second?: number | ConfirmIntent,
): ChargeRequest | null {
  const probe: IssuedCharge = { id: PROBE_ID };
  if ("machine" in subject) {
    if (second === undefined || typeof second === "number") return null;
    const [next] = compiledSessionStep(subject, { ...second, charge: probe });
    return probeOpened(next);
  }
  const request = withCreateDefaults(subject);
  const at = typeof second === "number" ? second : 0;
  const snapshot = compiledSessionMachine.start({ id: PROBE_ID, at, request, charge: probe });
  return probeOpened(snapshot);
}

/**
 * What a new session gets from the provider besides a charge: a hosted payment page (mode
 * REDIRECT), the card encryption key (CARD in mode API with autoConfirm false: the customer's card
 * is encrypted client-side before the confirm) and, for a MULTIPLE session, its static VA or QR
 * (`staticMethod`). The provider's issuers make them; the core decides which.
 *
 * @since 0.1.0
 * @category Creating sessions
 */
export interface SessionExtras {
  readonly hostedPage: boolean;
  readonly encryptionKey: boolean;
  readonly staticMethod: "VIRTUAL_ACCOUNT" | "QR" | null;
}

/**
 * A create request checked and planned once: the request with its defaults (`input`), the
 * charge it opens (`charge`, as {@link chargeRequestFor} says; `null` for none) and the session's
 * {@link SessionExtras}. Made by {@link planCreate}, turned into a session by
 * {@link createFromPlan} once the provider issued what the plan asks for.
 *
 * @since 0.1.0
 * @category Creating sessions
 */
export interface CreatePlan {
  readonly input: CreatePaymentSessionInput;
  readonly at: number;
  readonly config: PaymentMethodConfig;
  readonly charge: ChargeRequest | null;
  readonly extras: SessionExtras;
}

const extrasOf = (input: CreatePaymentSessionInput): SessionExtras => {
  const method = input.paymentMethod?.type;
  return {
    hostedPage: input.mode === "REDIRECT",
    encryptionKey: method === "CARD" && input.mode === "API" && !input.autoConfirm,
    staticMethod:
      input.paymentType === "MULTIPLE" && (method === "VIRTUAL_ACCOUNT" || method === "QR") ? method : null,
  };
};

const refusal = (code: "validation" | "charge_required", details?: ReadonlyArray<ErrorDetail>): Refused => ({
  _tag: "Refused",
  code,
  message: refusalMessage(code, "create", null),
  operation: "create",
  status: null,
  ...(details === undefined ? {} : { details }),
});

/**
 * Checks a create request at instant `at` ({@link creationIssues}: refused with `validation` and
 * `details`, decisions C3, C5) and plans it: which charge it opens and what else the session gets.
 * Call it before issuing anything; then {@link createFromPlan}.
 *
 * @example
 * const plan = planCreate(request, at, config)
 * if (!plan.ok) return fail(refusalError(plan.refusal))
 * const charge = plan.plan.charge === null ? undefined : await issue(plan.plan.charge)
 * createFromPlan(plan.plan, { id, charge })
 * @since 0.1.0
 * @category Creating sessions
 */
export const planCreate = (
  request: CreatePaymentSessionRequest,
  at: number,
  config: PaymentMethodConfig = defaultPaymentMethodConfig,
): { readonly ok: true; readonly plan: CreatePlan } | { readonly ok: false; readonly refusal: Refused } => {
  const input = withCreateDefaults(request);
  const issues = creationIssues(input, at, config);
  if (issues.length > 0) return { ok: false, refusal: refusal("validation", issues) };
  return {
    ok: true,
    plan: { input, at, config, charge: chargeRequestFor(request, at), extras: extrasOf(input) },
  };
};

/**
 * Creates the session of a {@link CreatePlan} with what the provider issued for it (`id`, the
 * charge the plan opens, the static method, page and key it asks for). Refused with
 * `charge_required` when the plan opens a charge and `issued.charge` is missing.
 *
 * @since 0.1.0
 * @category Creating sessions
 */
export const createFromPlan = (
  plan: CreatePlan,
  issued: Omit<CreateSessionContext, "at" | "config">,
): CreateSessionResult => {
  if (issued.charge === undefined && plan.charge !== null) {
    return { ok: false, refusal: refusal("charge_required") };
  }
  const sessionInput: SessionInput = {
    id: issued.id,
    at: plan.at,
    request: plan.input,
    config: plan.config,
    ...(issued.charge === undefined ? {} : { charge: issued.charge }),
    ...(issued.paymentMethod === undefined ? {} : { paymentMethod: issued.paymentMethod }),
    ...(issued.paymentUrl === undefined ? {} : { paymentUrl: issued.paymentUrl }),
    ...(issued.encryptionKey === undefined ? {} : { encryptionKey: issued.encryptionKey }),
  };
  const snapshot = compiledSessionMachine.start(sessionInput);
  return {
    ok: true,
    snapshot,
    outcome: { _tag: "Accepted", operation: "create", status: sessionStatus(snapshot), webhooks: [] },
  };
};

/**
 * Creates a payment session (decision C1 picks the first status inside the machine):
 * no method → REQUIRE_PAYMENT_METHOD; method + autoConfirm false → REQUIRE_CONFIRMATION; method +
 * autoConfirm true → REQUIRE_ACTION with the issued charge WAITING_FOR_USER_ACTION; MULTIPLE →
 * ACTIVE. `expiryAt` defaults to `at` + 15 min (C2). Refused with `validation` and `details` when
 * {@link creationIssues} finds something (C3, C5: nothing is stored), or `charge_required` when
 * the request opens a charge and `context.charge` is missing. {@link planCreate} then
 * {@link createFromPlan}, in one call.
 *
 * @example
 * const created = createSession(request, { id: "7f65…", at: Date.parse("2025-03-30T05:48:17Z"), charge })
 * if (!created.ok) return http400(created.refusal)
 * store(persistSession(created.snapshot))
 * @since 0.1.0
 * @category Creating sessions
 */
export const createSession = (
  request: CreatePaymentSessionRequest,
  context: CreateSessionContext,
): CreateSessionResult => {
  const planned = planCreate(request, context.at, context.config);
  return planned.ok ? createFromPlan(planned.plan, context) : { ok: false, refusal: planned.refusal };
};
