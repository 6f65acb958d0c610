/**
 * Model-based test: random command sequences run against the real lifecycle (the pure API) and
 * against a plain table model of a SINGLE session, a Map of (status, command) → next status much
 * simpler than the machines, plus the callbacks each status change sends (W1). The two must agree
 * on every step: status, outcome and the callbacks sent so far.
 *
 * Each command has a real precondition (`check`): an `allowed` command runs only where the table
 * has a next step for it, a `refused` one only where the table refuses it, so a sequence is not
 * mostly refusals and both kinds are still exercised.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  applyEvent,
  chargeStatus,
  currentCharge,
  type Outcome,
  type SessionEvent,
  type SessionSnapshot,
  sessionStatus,
} from "../../src/lifecycle/index.js";
import { seed } from "./arbitraries.js";
import { created, IDR, issueFor, optionsFor, singleRequest, T0 } from "./fixtures.js";

/** The model's statuses: the session status, split where the charge decides what comes next. */
type Status =
  | "REQUIRE_PAYMENT_METHOD"
  | "REQUIRE_CONFIRMATION"
  | "REQUIRE_ACTION"
  | "AUTHENTICATING"
  | "PROCESSING"
  | "AWAITING_CAPTURE"
  | "PAID"
  | "CANCELLED"
  | "CANCELLED_BY_FAILURE"
  | "EXPIRED"
  | "EXPIRED_WITH_CHARGE";

/** push = VA, pull = e-wallet, manual = card with manual capture. */
type Kind = "push" | "pull" | "manual";

type CommandName =
  | "confirm"
  | "cancel"
  | "authenticate"
  | "process"
  | "pay"
  | "payWrong"
  | "fail"
  | "chargeExpire"
  | "capture"
  | "captureTooMuch"
  | "expire";

interface Model {
  status: Status;
  kind: Kind | null;
  late: boolean;
  /** Every callback event sent so far, in order. */
  webhooks: Array<string>;
}

/** What the table says: a next status, "same" (a repeat or a no-op), "late" (P3) or a refusal. */
type Next = Status | "same" | "late" | "refused";

const FINAL: ReadonlyArray<Status> = [
  "PAID",
  "CANCELLED",
  "CANCELLED_BY_FAILURE",
  "EXPIRED",
  "EXPIRED_WITH_CHARGE",
];

/** The whole model: `status|command` or `status|command|kind` → next. Anything missing is refused. */
const table = new Map<string, Next>([
  ["REQUIRE_PAYMENT_METHOD|confirm", "REQUIRE_ACTION"],
  ["REQUIRE_CONFIRMATION|confirm", "REQUIRE_ACTION"],
  ["REQUIRE_PAYMENT_METHOD|cancel", "CANCELLED"],
  ["REQUIRE_CONFIRMATION|cancel", "CANCELLED"],
  ["REQUIRE_PAYMENT_METHOD|expire", "EXPIRED"],
  ["REQUIRE_CONFIRMATION|expire", "EXPIRED"],
  ["REQUIRE_ACTION|expire", "EXPIRED_WITH_CHARGE"],
  ["AUTHENTICATING|expire", "EXPIRED_WITH_CHARGE"],
  ["PROCESSING|expire", "EXPIRED_WITH_CHARGE"],
  ["AWAITING_CAPTURE|expire", "CANCELLED_BY_FAILURE"],
  ["REQUIRE_ACTION|authenticate|pull", "AUTHENTICATING"],
  ["REQUIRE_ACTION|authenticate|manual", "AUTHENTICATING"],
  ["AUTHENTICATING|authenticate", "same"],
  ["REQUIRE_ACTION|process|pull", "PROCESSING"],
  ["REQUIRE_ACTION|process|manual", "PROCESSING"],
  ["AUTHENTICATING|process", "PROCESSING"],
  ["PROCESSING|process", "same"],
  ["REQUIRE_ACTION|pay|push", "PAID"],
  ["REQUIRE_ACTION|pay|pull", "PAID"],
  ["REQUIRE_ACTION|pay|manual", "AWAITING_CAPTURE"],
  ["AUTHENTICATING|pay|pull", "PAID"],
  ["AUTHENTICATING|pay|manual", "AWAITING_CAPTURE"],
  ["PROCESSING|pay|pull", "PAID"],
  ["PROCESSING|pay|manual", "AWAITING_CAPTURE"],
  ["AWAITING_CAPTURE|pay", "same"],
  ["AWAITING_CAPTURE|payWrong", "same"],
  ["PAID|pay", "same"],
  ["PAID|payWrong", "same"],
  ["AWAITING_CAPTURE|capture", "PAID"],
  ["REQUIRE_ACTION|fail", "CANCELLED_BY_FAILURE"],
  ["AUTHENTICATING|fail", "CANCELLED_BY_FAILURE"],
  ["PROCESSING|fail", "CANCELLED_BY_FAILURE"],
  ["AWAITING_CAPTURE|fail", "CANCELLED_BY_FAILURE"],
  ["CANCELLED_BY_FAILURE|fail", "same"],
  ["REQUIRE_ACTION|chargeExpire", "EXPIRED_WITH_CHARGE"],
  ["EXPIRED_WITH_CHARGE|chargeExpire", "same"],
  ...FINAL.map((status): [string, Next] => [`${status}|expire`, "same"]),
  // P3: only an ended session that had a charge can be paid into late; CANCELLED and EXPIRED
  // here never had one (they end from REQUIRE_PAYMENT_METHOD / REQUIRE_CONFIRMATION).
  ...(["CANCELLED_BY_FAILURE", "EXPIRED_WITH_CHARGE"] as const).flatMap(
    (status): Array<[string, Next]> => [
      [`${status}|pay`, "late"],
      [`${status}|payWrong`, "late"],
    ],
  ),
]);

const lookup = (model: Model, command: CommandName): Next =>
  table.get(`${model.status}|${command}|${model.kind ?? ""}`) ??
  table.get(`${model.status}|${command}`) ??
  "refused";

/** The session status a model status shows (the model splits some by their charge). */
const sessionStatusOfModel = (status: Status): string => {
  switch (status) {
    case "AUTHENTICATING":
    case "AWAITING_CAPTURE":
      return "PROCESSING";
    case "CANCELLED_BY_FAILURE":
      return "CANCELLED";
    case "EXPIRED_WITH_CHARGE":
      return "EXPIRED";
    default:
      return status;
  }
};

/** The callback a change of session status sends (W1; a SINGLE session never sends CHARGE.SUCCESS). */
const callbacksOf = (from: Status, to: Status): ReadonlyArray<string> => {
  const was = sessionStatusOfModel(from);
  const is = sessionStatusOfModel(to);
  if (was === is) return [];
  if (is === "PROCESSING") return ["PAYMENT.PROCESSING"];
  if (is === "PAID") return ["PAYMENT.PAID"];
  if (is === "CANCELLED" || is === "EXPIRED") return ["PAYMENT.CANCELLED"];
  return [];
};

/** The real system: a snapshot, the instant of the last event and every callback it sent. */
interface Real {
  snapshot: SessionSnapshot;
  at: number;
  webhooks: Array<string>;
}

const statusOf = (snapshot: SessionSnapshot): Status => {
  const status = sessionStatus(snapshot);
  const charge = currentCharge(snapshot.context);
  const cs = charge === null ? null : chargeStatus(charge);
  switch (status) {
    case "PROCESSING":
      return cs === "WAITING_FOR_AUTHENTICATION"
        ? "AUTHENTICATING"
        : cs === "WAITING_FOR_CAPTURE"
          ? "AWAITING_CAPTURE"
          : "PROCESSING";
    case "CANCELLED":
      return cs === null ? "CANCELLED" : "CANCELLED_BY_FAILURE";
    case "EXPIRED":
      return cs === null ? "EXPIRED" : "EXPIRED_WITH_CHARGE";
    case "REQUIRE_PAYMENT_METHOD":
    case "REQUIRE_CONFIRMATION":
    case "REQUIRE_ACTION":
    case "PAID":
      return status;
    default:
      throw new Error(`a SINGLE session cannot be ${status}`);
  }
};

const methodOf = { push: "VIRTUAL_ACCOUNT", pull: "EWALLET", manual: "CARD" } as const;

const eventFor = (command: CommandName, kind: Kind, real: Real): SessionEvent => {
  const at = real.at + 1;
  const chargeId = currentCharge(real.snapshot.context)?.context.id ?? "none";
  switch (command) {
    case "confirm":
      return {
        type: "CONFIRM",
        at,
        paymentMethod: { type: methodOf[kind] },
        paymentMethodOptions: optionsFor(methodOf[kind], kind === "manual" ? "manual" : "automatic"),
        charge: issueFor(methodOf[kind], "charge-model"),
      };
    case "cancel":
      return { type: "CANCEL", at, cancellationReason: "VOID_SESSION" };
    case "authenticate":
      return { type: "CUSTOMER_AUTHENTICATING", at };
    case "process":
      return { type: "CHARGE_PROCESSING", at };
    case "pay":
      return { type: "PAYMENT_RECEIVED", at, chargeId, amount: IDR(20_000) };
    case "payWrong":
      return { type: "PAYMENT_RECEIVED", at, chargeId, amount: IDR(20_001) };
    case "fail":
      return { type: "CHARGE_FAILED", at, failureCode: "DECLINED_BY_CHANNEL" };
    case "chargeExpire":
      return { type: "CHARGE_EXPIRED", at };
    case "capture":
      return { type: "CAPTURE", at, captureId: "capture-model", releaseRemainingAmount: true };
    case "captureTooMuch":
      return {
        type: "CAPTURE",
        at,
        captureId: "capture-model",
        amount: IDR(20_001),
        releaseRemainingAmount: true,
      };
    case "expire":
      return { type: "EXPIRE", at: Math.max(at, real.snapshot.context.expiryAt ?? at) };
  }
};

const kindOfOutcome = (outcome: Outcome): "refused" | "same" | "late" | "changed" =>
  outcome._tag === "Refused"
    ? "refused"
    : outcome._tag === "Duplicate"
      ? "same"
      : outcome._tag === "LatePaymentRecorded"
        ? "late"
        : "changed";

/** Whether a command is one the table allows in the model's status, or one it refuses. */
type Expectation = "allowed" | "refused";

/** What the runs exercised: commands run per expectation, and the model statuses reached. */
const exercised = { allowed: 0, refused: 0, statuses: new Set<Status>() };

class Command implements fc.Command<Model, Real> {
  constructor(
    readonly name: CommandName,
    readonly kind: Kind,
    readonly expectation: Expectation,
  ) {}
  check(model: Readonly<Model>): boolean {
    return (lookup(model, this.name) === "refused") === (this.expectation === "refused");
  }
  run(model: Model, real: Real): void {
    exercised[this.expectation] += 1;
    let expected = lookup(model, this.name);
    if (expected === "late" && model.late) expected = "same";
    const event = eventFor(this.name, this.kind, real);
    const before = real.snapshot;
    const { snapshot, outcome } = applyEvent(before, event);
    real.snapshot = snapshot;
    real.at = event.at;
    if (outcome._tag !== "Refused") real.webhooks.push(...outcome.webhooks.map((w) => w.event));
    const got = kindOfOutcome(outcome);
    if (expected === "refused" || expected === "same" || expected === "late") {
      // A no-op EXPIRE on a final session is Accepted with nothing changed.
      expect(got === "changed" && this.name === "expire" ? "same" : got).toBe(expected);
      expect(statusOf(snapshot)).toBe(model.status);
      if (expected === "late") model.late = true;
    } else {
      expect(got).toBe("changed");
      model.webhooks.push(...callbacksOf(model.status, expected));
      model.status = expected;
      exercised.statuses.add(expected);
      if (this.name === "confirm") model.kind = this.kind;
      expect(statusOf(snapshot)).toBe(model.status);
    }
    expect(real.webhooks).toEqual(model.webhooks);
  }
  toString(): string {
    const name = this.name === "confirm" ? `confirm(${this.kind})` : this.name;
    return this.expectation === "refused" ? `${name}!refused` : name;
  }
}

const commandNames: ReadonlyArray<CommandName> = [
  "confirm",
  "cancel",
  "authenticate",
  "process",
  "pay",
  "payWrong",
  "fail",
  "chargeExpire",
  "capture",
  "captureTooMuch",
  "expire",
];

const commandArbs = (["allowed", "refused"] as const).flatMap((expectation) => [
  ...(["push", "pull", "manual"] as const).map((kind) =>
    fc.constant(new Command("confirm", kind, expectation)),
  ),
  ...commandNames
    .filter((name) => name !== "confirm")
    .map((name) => fc.constant(new Command(name, "push", expectation))),
]);

// 1000 sequences take seconds on a loaded machine: a generous timeout, no timing assertion.
describe("model-based: the lifecycle agrees with a plain status table", { timeout: 120_000 }, () => {
  it("on every step of random command sequences: status, outcome and callbacks", () => {
    fc.assert(
      fc.property(fc.boolean(), fc.commands(commandArbs, { maxCommands: 25 }), (withMethod, commands) => {
        const snapshot = created(
          withMethod ? singleRequest("QR", { autoConfirm: false }) : singleRequest(null),
        );
        const model: Model = {
          status: withMethod ? "REQUIRE_CONFIRMATION" : "REQUIRE_PAYMENT_METHOD",
          kind: null,
          late: false,
          webhooks: [],
        };
        expect(statusOf(snapshot)).toBe(model.status);
        fc.modelRun(() => ({ model, real: { snapshot, at: T0, webhooks: [] } }), commands);
      }),
      { seed, numRuns: 1000 },
    );
    // The preconditions leave both kinds of command, and every status of the table, exercised.
    expect(exercised.allowed).toBeGreaterThan(100);
    expect(exercised.refused).toBeGreaterThan(100);
    expect([...exercised.statuses].sort()).toEqual(
      [
        ...new Set(
          [...table.values()].filter((next) => next !== "same" && next !== "late" && next !== "refused"),
        ),
      ].sort(),
    );
  });
});
