/**
 * fast-check generators for the lifecycle properties: a starting scenario (one per documented flow)
 * and a sequence of event specs with random instants, turned into concrete events against the
 * snapshot they are applied to.
 */
import fc from "fast-check";
import {
  type CreateSessionContext,
  currentCharge,
  defaultPaymentMethodConfig,
  type SessionEvent,
  type SessionSnapshot,
} from "../../src/lifecycle/index.js";
import type { CreatePaymentSessionRequest, FailureCode, PaymentMethodType } from "../../src/schemas/index.js";
import { propertySeed } from "../../src/testing/index.js";
import { IDR, issueFor, MINUTE, multipleVaRequest, optionsFor, singleRequest, staticVa } from "./fixtures.js";

/**
 * The seed of every lifecycle property: `FC_SEED` if set, fixed in CI (`CI=true`), random otherwise;
 * printed either way (see `propertySeed`).
 */
export const { seed } = propertySeed("lifecycle properties");

export interface Scenario {
  readonly name: string;
  readonly request: CreatePaymentSessionRequest;
  readonly context: Omit<CreateSessionContext, "id" | "at">;
}

export const scenarios: ReadonlyArray<Scenario> = [
  { name: "no method", request: singleRequest(null), context: {} },
  { name: "VA to confirm", request: singleRequest("VIRTUAL_ACCOUNT", { autoConfirm: false }), context: {} },
  { name: "VA", request: singleRequest("VIRTUAL_ACCOUNT"), context: { charge: issueFor("VIRTUAL_ACCOUNT") } },
  { name: "QR", request: singleRequest("QR"), context: { charge: issueFor("QR") } },
  { name: "e-wallet", request: singleRequest("EWALLET"), context: { charge: issueFor("EWALLET") } },
  { name: "card", request: singleRequest("CARD"), context: { charge: issueFor("CARD") } },
  {
    name: "card manual",
    request: singleRequest("CARD", {}, "manual"),
    context: { charge: issueFor("CARD") },
  },
  { name: "static VA open", request: multipleVaRequest(), context: { paymentMethod: staticVa } },
  {
    name: "static VA closed, expiring",
    request: multipleVaRequest({ amount: IDR(50_000), expiryAt: "2025-03-30T07:48:17Z" }),
    context: { paymentMethod: staticVa },
  },
];

export type EventSpec =
  | {
      readonly kind: "confirm";
      readonly method: PaymentMethodType;
      readonly manual: boolean;
      readonly disabled: boolean;
    }
  | { readonly kind: "cancel" }
  | { readonly kind: "capture"; readonly amount: "all" | "part" | "over" }
  | { readonly kind: "authenticating" }
  | { readonly kind: "processing" }
  | { readonly kind: "authorized"; readonly amount: "full" | "part" | "over" }
  | {
      readonly kind: "pay";
      readonly charge: "current" | "new" | "known" | "other";
      readonly amount: "right" | "wrong";
    }
  | { readonly kind: "failed"; readonly code: FailureCode }
  | { readonly kind: "chargeExpired" }
  | { readonly kind: "tick" };

export interface TimedSpec {
  readonly delay: number;
  readonly spec: EventSpec;
}

const methods: ReadonlyArray<PaymentMethodType> = ["VIRTUAL_ACCOUNT", "QR", "EWALLET", "CARD"];

export const eventSpecArb: fc.Arbitrary<EventSpec> = fc.oneof(
  fc.record({
    kind: fc.constant("confirm" as const),
    method: fc.constantFrom(...methods),
    manual: fc.boolean(),
    disabled: fc.boolean(),
  }),
  fc.constant({ kind: "cancel" as const }),
  fc.record({
    kind: fc.constant("capture" as const),
    amount: fc.constantFrom("all" as const, "part" as const, "over" as const),
  }),
  fc.constant({ kind: "authenticating" as const }),
  fc.constant({ kind: "processing" as const }),
  fc.record({
    kind: fc.constant("authorized" as const),
    amount: fc.constantFrom("full" as const, "part" as const, "over" as const),
  }),
  {
    arbitrary: fc.record({
      kind: fc.constant("pay" as const),
      charge: fc.constantFrom("current" as const, "new" as const, "known" as const, "other" as const),
      amount: fc.constantFrom("right" as const, "right" as const, "wrong" as const),
    }),
    weight: 3,
  },
  fc.record({
    kind: fc.constant("failed" as const),
    code: fc.constantFrom<FailureCode>("DECLINED_BY_CHANNEL", "INSUFFICIENT_FUND", "CANCELLED_BY_USER"),
  }),
  fc.constant({ kind: "chargeExpired" as const }),
  fc.constant({ kind: "tick" as const }),
);

/** A delay before each event: mostly within the 15-minute default life, sometimes hours. */
export const delayArb: fc.Arbitrary<number> = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 4 * MINUTE }), weight: 4 },
  { arbitrary: fc.integer({ min: 0, max: 3 * 60 * MINUTE }), weight: 1 },
);

export const timedSpecsArb: fc.Arbitrary<ReadonlyArray<TimedSpec>> = fc.array(
  fc.record({ delay: delayArb, spec: eventSpecArb }),
  { maxLength: 12 },
);

export const scenarioArb: fc.Arbitrary<Scenario> = fc.constantFrom(...scenarios);

const qrDisabled = {
  ...defaultPaymentMethodConfig,
  methods: {
    ...defaultPaymentMethodConfig.methods,
    QR: { ...defaultPaymentMethodConfig.methods.QR, enabled: false },
  },
};

/** The concrete event a spec stands for, at instant `at`, against `snapshot`. */
export const materialize = (
  spec: EventSpec,
  snapshot: SessionSnapshot,
  at: number,
  n: number,
): SessionEvent => {
  const ctx = snapshot.context;
  const amount = ctx.amount.value === 0 ? IDR(12_345) : ctx.amount;
  const charge = currentCharge(ctx);
  switch (spec.kind) {
    case "confirm":
      return {
        type: "CONFIRM",
        at,
        paymentMethod: { type: spec.method },
        paymentMethodOptions: optionsFor(spec.method, spec.manual ? "manual" : "automatic"),
        charge: issueFor(spec.method, `confirmed-${n}`),
        ...(spec.disabled && spec.method === "QR" ? { config: qrDisabled } : {}),
      };
    case "cancel":
      return { type: "CANCEL", at, cancellationReason: "REQUESTED_BY_CUSTOMER" };
    case "capture": {
      const authorized = charge?.context.authorizedAmount ?? amount.value;
      const value =
        spec.amount === "all"
          ? undefined
          : spec.amount === "part"
            ? Math.max(1, authorized - 1)
            : authorized + 1;
      return {
        type: "CAPTURE",
        at,
        captureId: `capture-${n}`,
        releaseRemainingAmount: spec.amount !== "part",
        ...(value === undefined ? {} : { amount: IDR(value) }),
      };
    }
    case "authenticating":
      return { type: "CUSTOMER_AUTHENTICATING", at };
    case "processing":
      return { type: "CHARGE_PROCESSING", at };
    case "authorized": {
      const value =
        spec.amount === "full" ? amount.value : spec.amount === "part" ? amount.value - 1 : amount.value + 1;
      return { type: "AUTHORIZED", at, authorizedAmount: IDR(value) };
    }
    case "pay": {
      const chargeId =
        spec.charge === "current"
          ? (charge?.context.id ?? `payment-${n}`)
          : spec.charge === "new"
            ? `payment-${n}`
            : spec.charge === "known"
              ? (ctx.charges[0]?.context.id ?? ctx.latePayments[0]?.chargeId ?? `payment-${n}`)
              : "intruder";
      return {
        type: "PAYMENT_RECEIVED",
        at,
        chargeId,
        amount: spec.amount === "right" ? amount : IDR(amount.value + 7),
      };
    }
    case "failed":
      return { type: "CHARGE_FAILED", at, failureCode: spec.code };
    case "chargeExpired":
      return { type: "CHARGE_EXPIRED", at };
    case "tick":
      return { type: "EXPIRE", at };
  }
};
