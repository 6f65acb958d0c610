/**
 * Test data made the way real data is: the core finds the shortest event path to the wanted
 * session (`seedPath`, over what the machines accept), and the provider replays it through its own
 * write endpoints and channel path — never by writing raw state. For the provider-states endpoint
 * and for tests.
 *
 * @since 0.1.0
 */
import {
  type CreatePaymentSessionRequest,
  catalogueSeedPath,
  type PaymentSession,
  type SeedPath,
  type SeedTarget,
  type SessionEvent,
  type SessionSnapshot,
  sessionStatus,
  toPaymentSession,
} from "@payment-session/core";
import type { Answer } from "./answers.js";
import type { Merchant } from "./merchants.js";
import type { ProviderServices, RequestContext } from "./payments.js";
import { readSession } from "./sessionWrites.js";
import { inOneTransaction, toEpochMillis } from "./store/index.js";
import { answerOf, writeEndpoints } from "./writes.js";

/**
 * The session to seed: the core's {@link SeedTarget} (only `status` is needed) of merchant
 * `merchantId`, as of `at` ("now", default: the provider's clock), with the provider-state
 * catalogue's defaults (the core's `catalogueSeedPath`: capture, expiry). `requestId` is the create's `X-REQUEST-ID`; `request` overrides create fields.
 *
 * @since 0.1.0
 * @category Seeding
 */
export interface SeedSessionOptions extends SeedTarget {
  readonly merchantId: string;
  readonly at?: number | undefined;
  readonly requestId?: string | undefined;
  readonly request?: Partial<CreatePaymentSessionRequest> | undefined;
}

/**
 * A seeded session: its id, the session object as of now, and its snapshot.
 *
 * @since 0.1.0
 * @category Seeding
 */
export interface SeededSession {
  readonly id: string;
  readonly session: PaymentSession;
  readonly snapshot: SessionSnapshot;
}

/**
 * No path reaches the wanted session, or a step of it was refused: `answer` is what the provider
 * answered.
 *
 * @since 0.1.0
 * @category Seeding
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

const dataId = (answer: Answer): string | undefined => {
  const body = answer.body;
  if (typeof body !== "object" || body === null || !("data" in body)) return undefined;
  const data: unknown = body.data;
  return typeof data === "object" && data !== null && "id" in data && typeof data.id === "string"
    ? data.id
    : undefined;
};

/**
 * Creates a session of `merchantId` and drives it along the core's `seedPath` with the provider's
 * own operations: the create (with `requestId`), confirms (issuing real instruments), cancels, and
 * the channels' events (payments, authorisations, declines, …) with the provider's charge ids; an
 * expiry by reading the session at its instant. Then reads it as of now. All of it runs in one
 * transaction (decision P21): a seeding that throws leaves nothing behind. Throws {@link SeedError}
 * when no path exists, a step is refused, or the session does not end as the path did.
 *
 * @example
 * const { id } = await seedSession(services, { merchantId: "demo-merchant", status: "PAID" })
 * @since 0.1.0
 * @category Seeding
 */
export const seedSession = async (
  services: ProviderServices,
  options: SeedSessionOptions,
): Promise<SeededSession> => {
  const merchant = services.merchants.get(options.merchantId);
  if (merchant === undefined) throw new SeedError(`seeding: no merchant ${options.merchantId}`);
  const now = options.at ?? services.clock.now();
  const { merchantId: _, at: __, requestId: ___, request: ____, ...target } = options;
  const expiryAt = target.expiryAt === undefined ? undefined : toEpochMillis(target.expiryAt, "expiryAt");
  const path = seedPathOf({ ...target, expiryAt }, now);
  if (path === null) throw new SeedError(`seeding: no event path reaches ${JSON.stringify(target)}`);
  // One transaction for the whole seeding (decision P21): the create, every step and the final read
  // commit together (one BEGIN and COMMIT instead of one pair per step), and a seeding that fails
  // part-way leaves nothing behind.
  return inOneTransaction(services.db, (db) => replayPath({ ...services, db }, merchant, options, path, now));
};

/**
 * Paths already searched (decision P21), by target and instant: `catalogueSeedPath` is a pure
 * function of both, and a verification seeds the same few targets as of the same instant again and
 * again (111 sessions, 34 paths). The key leaves out `clientReferenceId`, which only the create's
 * request carries and `replayPath` sets itself. Emptied when full.
 */
const seedPaths = new Map<string, SeedPath | null>();
const seedPathsMax = 256;

const seedPathOf = (target: SeedTarget, now: number): SeedPath | null => {
  const { clientReferenceId: _, ...rest } = target;
  const key = JSON.stringify([rest, now]);
  const known = seedPaths.get(key);
  if (known !== undefined) return known;
  const path = catalogueSeedPath(rest, now);
  if (seedPaths.size >= seedPathsMax) seedPaths.clear();
  seedPaths.set(key, path);
  return path;
};

/** Drives a new session of `merchant` along `path` with `services`' write endpoints, then reads it. */
const replayPath = async (
  services: ProviderServices,
  merchant: Merchant,
  options: SeedSessionOptions,
  path: SeedPath,
  now: number,
): Promise<SeededSession> => {
  const writes = writeEndpoints(services);
  const context = (at: number): RequestContext => ({ merchant, at, traceId: services.ids.traceId() });
  const expect200 = async (what: string, answer: Promise<Answer>): Promise<Answer> => {
    const result = await answer;
    if (result.status !== 200) throw new SeedError(`seeding: ${what} was refused`, result);
    return result;
  };

  const request: CreatePaymentSessionRequest = {
    ...path.request,
    clientReferenceId: options.clientReferenceId ?? `seed-${services.ids.chargeId().slice(0, 8)}`,
    ...options.request,
  };
  const created = await expect200(
    "create",
    answerOf(writes.create(context(path.create.at), options.requestId, request)),
  );
  const id = dataId(created);
  if (id === undefined) throw new SeedError("seeding: the create answer has no session id", created);

  /** The path's charge ids are placeholders: the provider's charge at the same position, or a new id. */
  const rebased = (event: SessionEvent, before: SessionSnapshot) => (actual: SessionSnapshot) => {
    if (event.type !== "PAYMENT_RECEIVED") return event;
    const index = before.context.charges.findIndex((charge) => charge.context.id === event.chargeId);
    const chargeId = actual.context.charges[index]?.context.id ?? services.ids.chargeId();
    return { ...event, chargeId };
  };

  for (const { event, before } of path.steps) {
    const at = context(event.at);
    switch (event.type) {
      case "CONFIRM": {
        const { paymentMethod, paymentMethodOptions } = event;
        const body = {
          paymentMethod,
          ...(paymentMethodOptions === undefined ? {} : { paymentMethodOptions }),
        };
        await expect200("confirm", answerOf(writes.confirm(at, undefined, id, body)));
        break;
      }
      case "CANCEL":
        await expect200(
          "cancel",
          answerOf(writes.cancel(at, undefined, id, { cancellationReason: event.cancellationReason })),
        );
        break;
      case "EXPIRE":
        // Time passing: reading the session at the expiry stores it (decision L4).
        await readSession(services.db, merchant.id, id, event.at);
        break;
      default:
        await expect200(event.type, answerOf(writes.channel(at, id, rebased(event, before))));
    }
  }
  const snapshot = await readSession(services.db, merchant.id, id, now);
  if (snapshot === null) throw new SeedError(`seeding: session ${id} disappeared`);
  if (sessionStatus(snapshot) !== sessionStatus(path.snapshot)) {
    throw new SeedError(`seeding ${sessionStatus(path.snapshot)} ended in ${sessionStatus(snapshot)}`);
  }
  return { id, session: toPaymentSession(snapshot), snapshot };
};
