/**
 * Test data made the way real data is: a session brought into a status by the same operations and
 * core events a merchant's requests and the channels' notifications use — never by writing raw
 * state. For the provider-states endpoint and for tests.
 *
 * @since 0.1.0
 */
import {
  type CancellationReason,
  type ChargeStatus,
  type CreatePaymentSessionRequest,
  currentCharge,
  type EwalletChannel,
  type Mode,
  millisToInstant,
  type PaymentMethodOptions,
  type PaymentMethodType,
  type PaymentSession,
  type PaymentType,
  type SessionEvent,
  type SessionSnapshot,
  type SessionStatus,
  sessionStatus,
  toPaymentSession,
  type VirtualAccountChannel,
} from "@payment-session/core";
import type { Answer } from "./answers.js";
import {
  applyChannelEvent,
  cancelPayment,
  confirmPayment,
  createPayment,
  type ProviderServices,
  type RequestContext,
  simulatePayment,
} from "./payments.js";
import { readSession } from "./sessionWrites.js";
import { toEpochMillis } from "./store/index.js";

const MINUTE = 60_000;

/**
 * The session to seed. Only `merchantId` and `status` are needed; the rest follow the provider-state
 * catalogue's defaults: mode API, SINGLE (MULTIPLE for ACTIVE / INACTIVE), 20 000 IDR, VIRTUAL_ACCOUNT
 * on PERMATA (DANA for EWALLET; CARD for PROCESSING; none for REQUIRE_PAYMENT_METHOD), `expiryAt`
 * now + 15 min (now − 1 min for EXPIRED and INACTIVE; none for ACTIVE), `autoConfirm` false for
 * REQUIRE_CONFIRMATION, true otherwise. `at` is "now" (default: the provider's clock); the
 * session is created 2 minutes before it (or before its expiry) and its events happen a minute
 * after creation, so `paidAt` and `cancelledAt` lie before now. `request` overrides create fields.
 *
 * @since 0.1.0
 */
export interface SeedSessionOptions {
  readonly merchantId: string;
  readonly status: SessionStatus;
  readonly at?: number | undefined;
  readonly clientReferenceId?: string | undefined;
  readonly amount?: number | undefined;
  readonly paymentType?: PaymentType | undefined;
  readonly mode?: Mode | undefined;
  readonly paymentMethodType?: PaymentMethodType | undefined;
  readonly channel?: VirtualAccountChannel | EwalletChannel | undefined;
  readonly autoConfirm?: boolean | undefined;
  readonly expiryAt?: number | string | undefined;
  readonly captureMethod?: "automatic" | "manual" | undefined;
  readonly chargeStatus?: ChargeStatus | undefined;
  readonly cancellationReason?: CancellationReason | undefined;
  readonly paymentsReceived?: number | undefined;
  readonly requestId?: string | undefined;
  readonly request?: Partial<CreatePaymentSessionRequest> | undefined;
}

/** A seeded session: its id, the session object as of now, and its snapshot. @since 0.1.0 */
export interface SeededSession {
  readonly id: string;
  readonly session: PaymentSession;
  readonly snapshot: SessionSnapshot;
}

/**
 * A step of the seeding was refused (bad combination of options, e.g. PROCESSING on a VA):
 * `answer` is what the provider answered.
 *
 * @since 0.1.0
 */
export class SeedError extends Error {
  readonly _tag = "SeedError";
  constructor(
    message: string,
    readonly answer?: Answer,
  ) {
    super(answer === undefined ? message : `${message}: ${answer.status} ${JSON.stringify(answer.body)}`);
    this.name = "SeedError";
  }
}

const isVaChannel = (channel: string | undefined): channel is VirtualAccountChannel =>
  channel !== undefined && !["DANA", "SHOPEEPAY", "OVO"].includes(channel);

const optionsFor = (
  method: PaymentMethodType,
  options: SeedSessionOptions,
): PaymentMethodOptions | undefined => {
  switch (method) {
    case "VIRTUAL_ACCOUNT":
      return { virtualAccount: { channel: isVaChannel(options.channel) ? options.channel : "PERMATA" } };
    case "EWALLET":
      return {
        ewallet: {
          channel: options.channel === "SHOPEEPAY" || options.channel === "OVO" ? options.channel : "DANA",
        },
      };
    case "CARD":
      return {
        card: {
          captureMethod:
            options.captureMethod ??
            (options.chargeStatus === "WAITING_FOR_CAPTURE" ? "manual" : "automatic"),
        },
      };
    case "QR":
      return undefined;
  }
};

const NEEDS_CHARGE: ReadonlyArray<SessionStatus> = ["REQUIRE_ACTION", "PROCESSING", "PAID"];

const dataId = (answer: Answer): string => {
  const body = answer.body;
  if (typeof body === "object" && body !== null && "data" in body) {
    const data: unknown = body.data;
    if (typeof data === "object" && data !== null && "id" in data && typeof data.id === "string")
      return data.id;
  }
  throw new SeedError("the create answer has no session id", answer);
};

const expect200 = async (what: string, answer: Promise<Answer>): Promise<Answer> => {
  const result = await answer;
  if (result.status !== 200) throw new SeedError(`seeding: ${what} was refused`, result);
  return result;
};

/**
 * Creates a session of `merchantId` and drives it into `status` with the provider's own
 * operations (create, confirm, cancel, simulate) and channel events (authenticate, process,
 * authorise, fail), then reads it as of now (which stores an expiry that is due). Throws
 * {@link SeedError} when a step is refused or the session does not end in `status`.
 *
 * @example
 * const { id } = await seedSession(services, { merchantId: "demo-merchant", status: "PAID" })
 * @since 0.1.0
 */
export const seedSession = async (
  services: ProviderServices,
  options: SeedSessionOptions,
): Promise<SeededSession> => {
  const merchant = services.merchants.get(options.merchantId);
  if (merchant === undefined) throw new SeedError(`seeding: no merchant ${options.merchantId}`);
  const now = options.at ?? services.clock.now();
  const { status } = options;
  const multiple = options.paymentType === "MULTIPLE" || status === "ACTIVE" || status === "INACTIVE";
  const expiryAt =
    options.expiryAt !== undefined
      ? toEpochMillis(options.expiryAt, "expiryAt")
      : status === "EXPIRED" || status === "INACTIVE"
        ? now - MINUTE
        : multiple
          ? null
          : now + 15 * MINUTE;
  const createdAt = expiryAt === null ? now - 2 * MINUTE : Math.min(now, expiryAt) - 2 * MINUTE;
  const stepAt = createdAt + MINUTE;
  const cancelledByMerchant = status === "CANCELLED" && options.cancellationReason !== "CHARGE_FAILED";
  const method: PaymentMethodType | undefined =
    status === "REQUIRE_PAYMENT_METHOD"
      ? undefined
      : (options.paymentMethodType ?? (status === "PROCESSING" ? "CARD" : "VIRTUAL_ACCOUNT"));
  const autoConfirm =
    status === "REQUIRE_CONFIRMATION" || cancelledByMerchant ? false : (options.autoConfirm ?? true);
  const amountValue = options.amount ?? 20_000;
  const staticQr = multiple && method === "QR";
  const paymentMethodOptions = method === undefined ? undefined : optionsFor(method, options);
  const request: CreatePaymentSessionRequest = {
    clientReferenceId: options.clientReferenceId ?? `seed-${services.ids.chargeId().slice(0, 8)}`,
    ...(staticQr ? {} : { amount: { value: amountValue, currency: "IDR" } }),
    paymentType: multiple ? "MULTIPLE" : "SINGLE",
    mode: options.mode ?? "API",
    autoConfirm,
    ...(method === undefined ? {} : { paymentMethod: { type: method } }),
    ...(paymentMethodOptions === undefined ? {} : { paymentMethodOptions }),
    ...(expiryAt === null ? {} : { expiryAt: millisToInstant(expiryAt) }),
    ...options.request,
  };
  const context = (at: number, requestId?: string): RequestContext => ({
    merchant,
    at,
    traceId: services.ids.traceId(),
    requestId,
  });
  const id = dataId(
    await expect200("create", createPayment(services, context(createdAt, options.requestId), request)),
  );
  const step = (what: string, event: (snapshot: SessionSnapshot) => SessionEvent) =>
    expect200(what, applyChannelEvent(services, context(stepAt), id, event));

  const needsCharge = NEEDS_CHARGE.includes(status) || (status === "CANCELLED" && !cancelledByMerchant);
  if (needsCharge && !autoConfirm && method !== undefined) {
    await expect200(
      "confirm",
      confirmPayment(services, context(stepAt), id, {
        paymentMethod: { type: method },
        ...(paymentMethodOptions === undefined ? {} : { paymentMethodOptions }),
      }),
    );
  }
  const chargeAmount = { value: amountValue, currency: "IDR" };
  switch (status) {
    case "PROCESSING": {
      const chargeStatus =
        options.chargeStatus ?? (options.captureMethod === "manual" ? "WAITING_FOR_CAPTURE" : "PROCESSING");
      if (chargeStatus === "WAITING_FOR_AUTHENTICATION") {
        await step("authenticate", () => ({ type: "CUSTOMER_AUTHENTICATING", at: stepAt }));
      } else if (chargeStatus === "WAITING_FOR_CAPTURE") {
        await step("authorize", () => ({ type: "AUTHORIZED", at: stepAt, authorizedAmount: chargeAmount }));
      } else {
        await step("process", () => ({ type: "CHARGE_PROCESSING", at: stepAt }));
      }
      break;
    }
    case "PAID":
      await expect200(
        "payment",
        simulatePayment(services, context(stepAt), { paymentSessionId: id, chargeStatus: "SUCCESS" }),
      );
      break;
    case "CANCELLED":
      if (cancelledByMerchant) {
        await expect200(
          "cancel",
          cancelPayment(services, context(stepAt), id, {
            cancellationReason:
              options.cancellationReason === "DUPLICATED" || options.cancellationReason === "VOID_SESSION"
                ? options.cancellationReason
                : "REQUESTED_BY_CUSTOMER",
          }),
        );
      } else {
        await step("decline", (snapshot) => ({
          type: "CHARGE_FAILED",
          at: stepAt,
          failureCode: currentCharge(snapshot.context) === null ? "UNKNOWN" : "DECLINED_BY_CHANNEL",
        }));
      }
      break;
    case "ACTIVE":
      for (let i = 0; i < (options.paymentsReceived ?? 0); i++) {
        await expect200(
          `payment ${i + 1}`,
          simulatePayment(services, context(stepAt + i), {
            paymentSessionId: id,
            chargeStatus: "SUCCESS",
            amount: chargeAmount,
          }),
        );
      }
      break;
    default:
      break;
  }
  const snapshot = await readSession(services.db, merchant.id, id, now);
  if (snapshot === null) throw new SeedError(`seeding: session ${id} disappeared`);
  if (sessionStatus(snapshot) !== status) {
    throw new SeedError(`seeding ${status} ended in ${sessionStatus(snapshot)}; check the options`);
  }
  return { id, session: toPaymentSession(snapshot), snapshot };
};
