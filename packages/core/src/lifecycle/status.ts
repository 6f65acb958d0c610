/**
 * The one mapping from machine state to documented status (facts table 9.3): the session's status
 * is its machine state, a charge's status is its machine state, and the pairs the docs show are
 * listed once here.
 *
 * @since 0.1.0
 */
import type { SnapshotFrom } from "xstate";
import type { ChargeStatus, SessionStatus } from "../schemas/index.js";
import type { chargeMachine } from "./chargeMachine.js";
import type { sessionMachine } from "./sessionMachine.js";
import type { ChargeRecord } from "./types.js";

/** A session machine snapshot: what the pure API takes and returns. @since 0.1.0 @category Statuses */
export type SessionSnapshot = SnapshotFrom<typeof sessionMachine>;

/** The session machine's state names. @since 0.1.0 @category Statuses */
export type SessionState = SessionSnapshot["value"];

/** The charge machine's state names. @since 0.1.0 @category Statuses */
export type ChargeState = SnapshotFrom<typeof chargeMachine>["value"];

/**
 * Session state → documented session status. The machine's states are named after the statuses,
 * so this is the identity; it is spelled out so that a renamed state fails to compile here.
 *
 * @since 0.1.0
 * @category Statuses
 */
export const sessionStatusOfState: Readonly<Record<SessionState, SessionStatus>> = {
  REQUIRE_PAYMENT_METHOD: "REQUIRE_PAYMENT_METHOD",
  REQUIRE_CONFIRMATION: "REQUIRE_CONFIRMATION",
  REQUIRE_ACTION: "REQUIRE_ACTION",
  PROCESSING: "PROCESSING",
  PAID: "PAID",
  CANCELLED: "CANCELLED",
  EXPIRED: "EXPIRED",
  ACTIVE: "ACTIVE",
  INACTIVE: "INACTIVE",
};

/** Charge state → documented charge status (the identity, spelled out). @since 0.1.0 @category Statuses */
export const chargeStatusOfState: Readonly<Record<ChargeState, ChargeStatus>> = {
  WAITING_FOR_USER_ACTION: "WAITING_FOR_USER_ACTION",
  WAITING_FOR_AUTHENTICATION: "WAITING_FOR_AUTHENTICATION",
  PROCESSING: "PROCESSING",
  WAITING_FOR_CAPTURE: "WAITING_FOR_CAPTURE",
  SUCCESS: "SUCCESS",
  FAILED: "FAILED",
  EXPIRED: "EXPIRED",
};

/**
 * The documented status of a session snapshot.
 *
 * @example
 * sessionStatus(created.snapshot) // "REQUIRE_ACTION"
 * @since 0.1.0
 * @category Statuses
 */
export const sessionStatus = (snapshot: SessionSnapshot): SessionStatus =>
  sessionStatusOfState[snapshot.value];

/** The documented status of a charge record. @since 0.1.0 @category Statuses */
export const chargeStatus = (charge: ChargeRecord): ChargeStatus => chargeStatusOfState[charge.state];

/**
 * A (session status, latest charge status) pair the lifecycle may show, with where it comes from.
 * `charge: null` = no charge yet.
 *
 * @since 0.1.0
 * @category Statuses
 */
export interface StatusPair {
  readonly session: SessionStatus;
  readonly charge: ChargeStatus | null;
  readonly source: string;
}

/**
 * Facts table 9.3 (and the decisions that complete it): every (session, charge) pair the lifecycle
 * can be in. A property test checks that no other pair is ever reached.
 *
 * @since 0.1.0
 * @category Statuses
 */
export const documentedStatusPairs: ReadonlyArray<StatusPair> = [
  { session: "REQUIRE_PAYMENT_METHOD", charge: null, source: "9.3 pre-charge: merchant creates (C1)" },
  { session: "REQUIRE_CONFIRMATION", charge: null, source: "9.3 pre-charge: payment data final (C1)" },
  { session: "CANCELLED", charge: null, source: "9.3 pre-charge: merchant cancels (L3)" },
  { session: "EXPIRED", charge: null, source: "L4: expiry before a charge exists" },
  {
    session: "REQUIRE_ACTION",
    charge: "WAITING_FOR_USER_ACTION",
    source: "9.3 confirm → VA / QR / auth page made",
  },
  { session: "PROCESSING", charge: "WAITING_FOR_AUTHENTICATION", source: "9.3 pull: customer authenticates" },
  { session: "PROCESSING", charge: "PROCESSING", source: "9.3 pull: partner processes" },
  { session: "PROCESSING", charge: "WAITING_FOR_CAPTURE", source: "9.3 pull: manual capture (P6)" },
  { session: "PAID", charge: "SUCCESS", source: "9.3 paid / captured" },
  { session: "CANCELLED", charge: "FAILED", source: "L5 / SIM: charge failed; P6 capture period exceeded" },
  { session: "EXPIRED", charge: "EXPIRED", source: "9.3 post-charge: charge expired (L4)" },
  { session: "ACTIVE", charge: null, source: "9.5 MULTIPLE created" },
  { session: "ACTIVE", charge: "SUCCESS", source: "9.5 MULTIPLE: each payment appends a SUCCESS charge" },
  { session: "INACTIVE", charge: null, source: "9.5 MULTIPLE ended without payment" },
  { session: "INACTIVE", charge: "SUCCESS", source: "9.5 MULTIPLE ended" },
];

/**
 * Decision P5's rank: REQUIRE_PAYMENT_METHOD < REQUIRE_CONFIRMATION < REQUIRE_ACTION < PROCESSING <
 * final; ACTIVE < INACTIVE on the MULTIPLE path. A session's rank never falls.
 *
 * @since 0.1.0
 * @category Statuses
 */
export const sessionStatusRank: Readonly<Record<SessionStatus, number>> = {
  REQUIRE_PAYMENT_METHOD: 0,
  REQUIRE_CONFIRMATION: 1,
  REQUIRE_ACTION: 2,
  ACTIVE: 2,
  PROCESSING: 3,
  PAID: 4,
  CANCELLED: 4,
  EXPIRED: 4,
  INACTIVE: 4,
};

/** Final session statuses: PAID, CANCELLED, EXPIRED, INACTIVE. @since 0.1.0 @category Statuses */
export const isFinalSessionStatus = (status: SessionStatus): boolean => sessionStatusRank[status] === 4;
