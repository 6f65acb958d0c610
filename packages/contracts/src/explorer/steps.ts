/**
 * The explorer's commands: plain JSON steps (so a shrunk sequence can be written to a replay file
 * and run again exactly), the fast-check arbitraries that generate them, and the request bodies
 * they send.
 *
 * A step names sessions by their position among the run's sessions (modulo how many exist), so a
 * sequence stays meaningful when shrinking removes some of its steps.
 *
 * @since 0.1.0
 */
import fc from "fast-check";

/**
 * How a create names its payment method.
 *
 * @since 0.1.0
 * @category Explorer
 */
export type MethodChoice =
  | { readonly type: "VIRTUAL_ACCOUNT"; readonly channel: "PERMATA" | "BRI" | "BNI" | "MANDIRI" | "BCA" }
  | { readonly type: "QR" }
  | { readonly type: "EWALLET"; readonly channel: "DANA" | "SHOPEEPAY" | "OVO" }
  | { readonly type: "CARD"; readonly captureMethod: "automatic" | "manual" };

/**
 * A body the core's schema must refuse (400).
 *
 * @since 0.1.0
 * @category Explorer
 */
export type InvalidBody =
  | "noAmount"
  | "negativeAmount"
  | "fractionalAmount"
  | "unknownMethod"
  | "noReference";

/**
 * One step of an exploration, as JSON.
 *
 * - `create`: `POST /v2/payments` (`method` absent = no method; `multiple`: MULTIPLE closed at
 *   `amount`, or open when `amount` is 0; `expiryInMs`: a custom `expiryAt` this far from now,
 *   negative = in the past; `invalid`: a body the schema refuses);
 * - `confirm`, `cancel`, `capture`, `simulate`, `get`: on session number `session`;
 * - `list` / `charges`: `GET /v2/payments` / `GET /v2/charges` by the reference `ref`, page `page`
 *   of `perPage`;
 * - `advance`: the clock moves forward past (`pastExpiry`) or short of (`shortOfExpiry`) a
 *   session's `expiryAt`, or by `ms`;
 * - `repeat`: POST number `post` (of this run's successful POSTs) again under its `X-REQUEST-ID`,
 *   with the same body or another one;
 * - `otherMerchant`: `get` / `cancel` / `confirm` of a session with another merchant's token, then
 *   a `get` of it with the merchant's own token and a sub-account's `x-submerchant-id` (decision
 *   S5: both 404; the second request draws nothing random, so the generated runs stay as they were);
 * - `expiredToken`: `get` of a session with a token the provider's clock has expired (900 s);
 * - `refund`: `POST /v1/refunds` of session number `session` (`target` `refundable`: counted among
 *   the sessions the refund machine would refund 1 IDR of, when there are any): `amount` half of what was captured,
 *   the rest still refundable, more than that (`over`), the full amount (`isFullAmount`), `zero` or
 *   none at all; `method` AUTO or TRANSFER_ONLY; `sandbox` the kind of refund the sandbox makes of
 *   it (facts §12: `plain`, `1001` channel fails then the transfer succeeds, `2001` both fail,
 *   `2002` account not found);
 * - `getRefund`: `GET /v1/refunds/{id}` of refund number `refund` of the run; `otherMerchantRefund`:
 *   the same (or a refund of one of this merchant's sessions) with another merchant's token;
 * - `listRefunds`: `GET /v1/refunds?paymentSessionId=` of session number `session`, page `page` of
 *   `perPage`.
 *
 * @since 0.1.0
 * @category Explorer
 */
export type Step =
  | {
      readonly kind: "create";
      readonly ref: number;
      readonly amount: number;
      readonly method?: MethodChoice;
      readonly autoConfirm?: boolean;
      readonly mode?: "API" | "REDIRECT";
      readonly multiple?: boolean;
      readonly expiryInMs?: number;
      readonly invalid?: InvalidBody;
    }
  | { readonly kind: "confirm"; readonly session: number; readonly method: MethodChoice }
  | {
      readonly kind: "cancel";
      readonly session: number;
      readonly reason: "REQUESTED_BY_CUSTOMER" | "DUPLICATED" | "VOID_SESSION";
    }
  | {
      readonly kind: "capture";
      readonly session: number;
      readonly amount: "partial" | "full" | "over" | "none";
      readonly release: boolean;
    }
  | {
      readonly kind: "simulate";
      readonly session: number;
      readonly status: "SUCCESS" | "EXPIRED";
      readonly amount: "right" | "wrong" | "none";
    }
  | { readonly kind: "get"; readonly session: number }
  | {
      readonly kind: "list" | "charges";
      readonly ref: number;
      readonly page: number;
      readonly perPage: number;
    }
  | {
      readonly kind: "advance";
      readonly session?: number;
      readonly to?: "pastExpiry" | "shortOfExpiry";
      readonly ms?: number;
    }
  | { readonly kind: "repeat"; readonly post: number; readonly sameBody: boolean }
  | { readonly kind: "otherMerchant"; readonly session: number; readonly op: "get" | "cancel" | "confirm" }
  | { readonly kind: "expiredToken"; readonly session: number }
  | {
      readonly kind: "refund";
      readonly session: number;
      readonly target?: "refundable" | "any";
      readonly amount: RefundAmountChoice;
      readonly method: "AUTO" | "TRANSFER_ONLY";
      readonly sandbox: RefundSandboxChoice;
    }
  | { readonly kind: "getRefund"; readonly refund: number }
  | { readonly kind: "otherMerchantRefund"; readonly refund: number; readonly op: "get" | "create" }
  | {
      readonly kind: "listRefunds";
      readonly session: number;
      readonly page: number;
      readonly perPage: number;
    };

/** How much a refund step asks for. @since 0.2.0 */
export type RefundAmountChoice = "half" | "rest" | "over" | "full" | "zero" | "none";

/** Which sandbox refund a refund step makes (facts §12: a `clientReferenceId` prefix and an account). @since 0.2.0 */
export type RefundSandboxChoice = "plain" | "1001" | "2001" | "2002";

const method: fc.Arbitrary<MethodChoice> = fc.oneof(
  fc.record({
    type: fc.constant("VIRTUAL_ACCOUNT" as const),
    channel: fc.constantFrom(
      "PERMATA" as const,
      "BRI" as const,
      "BNI" as const,
      "MANDIRI" as const,
      "BCA" as const,
    ),
  }),
  fc.constant({ type: "QR" as const }),
  fc.record({
    type: fc.constant("EWALLET" as const),
    channel: fc.constantFrom("DANA" as const, "SHOPEEPAY" as const, "OVO" as const),
  }),
  fc.record({
    type: fc.constant("CARD" as const),
    captureMethod: fc.constantFrom("automatic" as const, "manual" as const),
  }),
);

const MINUTE = 60_000;
const session = fc.nat({ max: 7 });

const create: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record(
      {
        kind: fc.constant("create" as const),
        ref: fc.nat({ max: 2 }),
        amount: fc.constantFrom(20_000, 20_000, 20_000, 10_000, 75_000, 500, 15_000_000),
        method,
        autoConfirm: fc.boolean(),
        mode: fc.constantFrom("API" as const, "REDIRECT" as const),
        expiryInMs: fc.constantFrom(5 * MINUTE, 45 * MINUTE, 3 * 60 * MINUTE, -MINUTE),
      },
      { requiredKeys: ["kind", "ref", "amount"] },
    ),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("create" as const),
      ref: fc.nat({ max: 2 }),
      amount: fc.constantFrom(0, 20_000),
      method: fc.oneof(
        method.filter((m) => m.type === "VIRTUAL_ACCOUNT"),
        fc.constant({ type: "QR" as const }),
      ),
      autoConfirm: fc.constant(true),
      mode: fc.constant("API" as const),
      multiple: fc.constant(true),
    }),
  },
  {
    // A manual-capture card (its payment waits for capture, decision P6).
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("create" as const),
      ref: fc.nat({ max: 2 }),
      amount: fc.constant(20_000),
      method: fc.constant({ type: "CARD" as const, captureMethod: "manual" as const }),
      autoConfirm: fc.constant(true),
      mode: fc.constant("API" as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("create" as const),
      ref: fc.nat({ max: 2 }),
      amount: fc.constant(20_000),
      invalid: fc.constantFrom(
        "noAmount" as const,
        "negativeAmount" as const,
        "fractionalAmount" as const,
        "unknownMethod" as const,
        "noReference" as const,
      ),
    }),
  },
);

/**
 * The arbitrary of one step, weighted towards what moves a lifecycle (creates, confirms, payments,
 * time) and the reads that check it.
 *
 * @since 0.1.0
 * @category Explorer
 */
export const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: create },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("confirm" as const), session, method }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("cancel" as const),
      session,
      reason: fc.constantFrom(
        "REQUESTED_BY_CUSTOMER" as const,
        "DUPLICATED" as const,
        "VOID_SESSION" as const,
      ),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("capture" as const),
      session,
      amount: fc.constantFrom(
        "partial" as const,
        "full" as const,
        "over" as const,
        "over" as const,
        "none" as const,
      ),
      release: fc.boolean(),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("simulate" as const),
      session,
      status: fc.constantFrom("SUCCESS" as const, "SUCCESS" as const, "EXPIRED" as const),
      amount: fc.constantFrom("right" as const, "right" as const, "wrong" as const, "none" as const),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("get" as const), session }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constantFrom("list" as const, "charges" as const),
      ref: fc.nat({ max: 2 }),
      page: fc.constantFrom(1, 1, 2, 3),
      perPage: fc.constantFrom(1, 2, 20),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.record({
        kind: fc.constant("advance" as const),
        session,
        to: fc.constantFrom("pastExpiry" as const, "shortOfExpiry" as const),
      }),
      fc.record({
        kind: fc.constant("advance" as const),
        ms: fc.constantFrom(MINUTE, 20 * MINUTE, 26 * 60 * MINUTE),
      }),
    ),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("repeat" as const),
      post: fc.nat({ max: 7 }),
      sameBody: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("otherMerchant" as const),
      session,
      op: fc.constantFrom("get" as const, "cancel" as const, "confirm" as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("expiredToken" as const), session }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("refund" as const),
      session,
      target: fc.constantFrom(
        "refundable" as const,
        "refundable" as const,
        "refundable" as const,
        "any" as const,
      ),
      amount: fc.constantFrom(
        "half" as const,
        "half" as const,
        "rest" as const,
        "over" as const,
        "full" as const,
        "full" as const,
        "zero" as const,
        "none" as const,
      ),
      method: fc.constantFrom("AUTO" as const, "AUTO" as const, "TRANSFER_ONLY" as const),
      sandbox: fc.constantFrom(
        "plain" as const,
        "plain" as const,
        "1001" as const,
        "2001" as const,
        "2002" as const,
      ),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("getRefund" as const), refund: session }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("otherMerchantRefund" as const),
      refund: session,
      op: fc.constantFrom("get" as const, "create" as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("listRefunds" as const),
      session,
      page: fc.constantFrom(1, 1, 2),
      perPage: fc.constantFrom(1, 2, 20),
    }),
  },
);

// ---------------------------------------------------------------------------------------------
// Bodies
// ---------------------------------------------------------------------------------------------

/**
 * The `paymentMethod` and `paymentMethodOptions` of a method choice.
 *
 * @since 0.1.0
 * @category Explorer
 */
export const methodBody = (choice: MethodChoice): Record<string, unknown> => {
  switch (choice.type) {
    case "VIRTUAL_ACCOUNT":
      return {
        paymentMethod: { type: "VIRTUAL_ACCOUNT" },
        paymentMethodOptions: { virtualAccount: { channel: choice.channel } },
      };
    case "QR":
      return { paymentMethod: { type: "QR" } };
    case "EWALLET":
      return {
        paymentMethod: { type: "EWALLET" },
        paymentMethodOptions: { ewallet: { channel: choice.channel } },
      };
    case "CARD":
      return {
        paymentMethod: { type: "CARD" },
        paymentMethodOptions: { card: { captureMethod: choice.captureMethod } },
      };
  }
};

/** The `clientReferenceId` of reference number `ref` in a run. @since 0.1.0 */
export const referenceOf = (runTag: string, ref: number): string => `${runTag}-ref${ref}`;

/**
 * The JSON body of a create step at instant `now` (epoch ms).
 *
 * @since 0.1.0
 * @category Explorer
 */
export const createBody = (step: Extract<Step, { kind: "create" }>, runTag: string, now: number): unknown => {
  const clientReferenceId = referenceOf(runTag, step.ref);
  const amount = { value: step.amount, currency: "IDR" };
  switch (step.invalid) {
    case "noAmount":
      return { clientReferenceId };
    case "negativeAmount":
      return { clientReferenceId, amount: { value: -step.amount, currency: "IDR" } };
    case "fractionalAmount":
      return { clientReferenceId, amount: { value: step.amount + 0.5, currency: "IDR" } };
    case "unknownMethod":
      return { clientReferenceId, amount, paymentMethod: { type: "CHEQUE" } };
    case "noReference":
      return { amount };
    case undefined:
      break;
  }
  return {
    clientReferenceId,
    ...(step.multiple === true && step.amount === 0 ? {} : { amount }),
    ...(step.multiple === true ? { paymentType: "MULTIPLE" } : {}),
    ...(step.mode === undefined ? {} : { mode: step.mode }),
    ...(step.autoConfirm === undefined ? {} : { autoConfirm: step.autoConfirm }),
    ...(step.method === undefined ? {} : methodBody(step.method)),
    ...(step.expiryInMs === undefined ? {} : { expiryAt: new Date(now + step.expiryInMs).toISOString() }),
  };
};

/**
 * A one-line description of a step, for reports.
 *
 * @since 0.1.0
 * @category Explorer
 */
export const describeStep = (step: Step): string => JSON.stringify(step);

/** The sandbox's test accounts and `clientReferenceId` prefixes (facts §12), by sandbox choice. */
const SANDBOX_REFUNDS: Readonly<
  Record<RefundSandboxChoice, { readonly prefix: string; readonly account: string }>
> = {
  plain: { prefix: "", account: "999966660001" },
  "1001": { prefix: "1001-", account: "999966660001" },
  "2001": { prefix: "2001-", account: "999966660008" },
  "2002": { prefix: "2002-", account: "999966660002" },
};

/**
 * The JSON body of a refund step for `paymentSessionId`: `captured` and `held` are what the model's
 * refund ledger says of the session's charge (they size `half`, `rest` and `over`), `n` numbers the
 * run's refund requests (for a distinct `clientReferenceId`).
 *
 * @since 0.2.0
 */
export const refundBody = (
  step: Extract<Step, { kind: "refund" }>,
  runTag: string,
  n: number,
  paymentSessionId: string,
  ledger: { readonly captured: number; readonly held: number },
): unknown => {
  const sandbox = SANDBOX_REFUNDS[step.sandbox];
  const rest = ledger.captured - ledger.held;
  const value =
    step.amount === "half"
      ? Math.max(1, Math.floor(ledger.captured / 2))
      : step.amount === "rest"
        ? Math.max(1, rest)
        : step.amount === "over"
          ? Math.max(1, rest + 1)
          : 0;
  return {
    clientReferenceId: `${sandbox.prefix}${runTag}-rf${n}`,
    paymentSessionId,
    reason: "REQUESTED_BY_CUSTOMER",
    method: step.method,
    transferDestination: {
      channelCode: "BCA",
      channelInformation: { accountNumber: sandbox.account, accountName: "Explorer" },
    },
    ...(step.amount === "full"
      ? { isFullAmount: true }
      : step.amount === "none"
        ? {}
        : { amount: { value: `${value}.00`, currency: "IDR" } }),
  };
};

/**
 * Steps that do less than `step` and may fail the same way, for minimising a shrunk sequence: a
 * refund of a refundable session (which may pay the session first) → the payment alone.
 *
 * @since 0.2.0
 */
export const simplerSteps = (step: Step): ReadonlyArray<Step> =>
  step.kind === "refund" && step.target === "refundable"
    ? [{ kind: "simulate", session: step.session, status: "SUCCESS", amount: "right" }]
    : [];
