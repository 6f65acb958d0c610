/**
 * `X-REQUEST-ID` (decision C6) as one layer around the write endpoints: it runs the operation in a
 * transaction, encodes its answer once, stores that encoded answer in the same transaction, and
 * replays it byte for byte to a retry — or answers 409 to a key reused for another request.
 *
 * @since 0.1.0
 */
import { createHash } from "node:crypto";
import {
  type ApiErrorResponse,
  type IdempotencyError,
  idempotencyError,
  requestIdentity,
} from "@payment-session/core";
import { Cause, Effect, Exit, Option } from "effect";
import { type Answer, errorAnswer } from "./answers.js";
import type { ProviderServices, RequestContext } from "./payments.js";
import { fromStore, inTransaction } from "./sessionWrites.js";
import {
  deferIdempotencyRecord,
  findIdempotencyRecord,
  type IdempotencyRecord,
  StoreUnavailable,
  type Tx,
} from "./store/index.js";

/**
 * The write endpoints, by the name their idempotency records carry (a key reused on another
 * endpoint is a 409).
 */
export const idempotentEndpoints = {
  create: "POST /v2/payments",
  confirm: "POST /v2/payments/{id}/confirm",
  cancel: "POST /v2/payments/{id}/cancel",
  capture: "POST /v2/payments/{id}/capture",
  simulate: "POST /v2/payments/simulations",
  refund: "POST /v1/refunds",
  /** A channel's notification (sandbox): never sent with a key, so never recorded. */
  channel: "channel notification",
} as const;

/**
 * One request to a write endpoint: which one, its `X-REQUEST-ID` (none: no replay protection), and
 * what identifies it besides (its path parameters and its encoded body: the same JSON with another
 * key order or other ignored fields is the same request).
 */
export interface IdempotentRequest {
  readonly endpoint: keyof typeof idempotentEndpoints;
  readonly requestId: string | undefined;
  readonly request: unknown;
}

/** Whether the operation failed because the database cannot be used (its own typed failure). */
const isStoreUnavailable = (cause: Cause.Cause<unknown>): boolean =>
  cause.reasons.some((reason) => reason._tag === "Fail" && reason.error instanceof StoreUnavailable);

/** Only answers of requests that ran are kept: 200, and the 422 refusals of the lifecycle (C6). */
const recordable = <A, E extends ApiErrorResponse>(
  exit: Exit.Exit<A, E>,
  encode: (value: A) => unknown,
): Answer | undefined => {
  if (Exit.isSuccess(exit)) return { status: 200, body: encode(exit.value) };
  const answer = Option.map(Cause.findErrorOption(exit.cause), errorAnswer);
  return Option.isSome(answer) && answer.value.status === 422 ? answer.value : undefined;
};

/**
 * Runs `run` in one transaction and keeps its answer for the request's key, unless the key already
 * has a live record: then that record's answer again, or 409 `idempotency_error` for another
 * request. Its answer is encoded with `encode` (the endpoint's success schema) or its error class;
 * when it is kept (200, 422), the record is written in the same transaction, deferred (on a
 * PostgreSQL server it travels with the COMMIT): the key is not looked up first. A key that has a
 * live record — a retry, or a concurrent request with the same key that committed first — makes
 * that write fail, everything this request did is rolled back, and the record is replayed. Other
 * errors (400, 404, 409) are not kept: the key is looked up then (a used key still answers its
 * record or 409), else they fail as they are and a corrected retry is served afresh.
 */
export const idempotent = <A, E extends ApiErrorResponse>(
  services: ProviderServices,
  context: RequestContext,
  request: IdempotentRequest,
  encode: (value: A) => unknown,
  run: (tx: Tx) => Effect.Effect<A, E | StoreUnavailable>,
): Effect.Effect<Answer, E | IdempotencyError | StoreUnavailable> =>
  Effect.gen(function* () {
    const endpoint = idempotentEndpoints[request.endpoint];
    const requestHash = createHash("sha256").update(requestIdentity(endpoint, request.request)).digest("hex");
    const requestKey = request.requestId;
    const merchantId = context.merchant.id;
    const replay = (record: IdempotencyRecord | null): Effect.Effect<Answer, IdempotencyError> =>
      record !== null && record.requestHash === requestHash && record.endpoint === endpoint
        ? Effect.succeed({
            status: record.responseStatus,
            body: record.responseBody,
            json: record.responseJson,
          })
        : Effect.fail(idempotencyError({ traceId: context.traceId }));
    const ran = yield* inTransaction(services.db, (tx) =>
      Effect.gen(function* () {
        const ran = yield* Effect.exit(run(tx));
        // A defect (a bug) or the database gone rolls everything back.
        if (Exit.isFailure(ran) && (!Exit.hasFails(ran) || isStoreUnavailable(ran.cause)))
          return yield* Effect.failCause(ran.cause);
        // What is left: a success or the operation's own API errors.
        const exit = ran as Exit.Exit<A, E>;
        const answer = recordable(exit, encode);
        if (requestKey === undefined) return { exit, answer };
        if (answer === undefined) {
          // Not kept (400, 404, 409): a key already used answers its record (or 409) instead.
          const record = yield* fromStore(() =>
            findIdempotencyRecord(tx, merchantId, requestKey, context.at),
          );
          return record === null ? { exit, answer } : { replay: record };
        }
        // Encoded once (decision P23): the record stores the bytes the response sends.
        const json = JSON.stringify(answer.body);
        deferIdempotencyRecord(tx, {
          merchantId,
          requestKey,
          endpoint,
          requestHash,
          responseStatus: answer.status,
          responseBody: answer.body,
          responseJson: json,
          createdAt: context.at,
        });
        return { exit, answer: { ...answer, json } };
      }),
    ).pipe(
      // The key has a live record (the deferred write failed; nothing was committed): replay it.
      Effect.catchTag("DuplicateIdempotencyKey", (duplicate) =>
        requestKey === undefined
          ? Effect.die(duplicate)
          : Effect.map(
              fromStore(() => findIdempotencyRecord(services.db, merchantId, requestKey, context.at)),
              (record) => ({ replay: record }),
            ),
      ),
    );
    if ("replay" in ran) return yield* replay(ran.replay ?? null);
    if (ran.answer !== undefined) return ran.answer;
    return yield* Exit.isFailure(ran.exit)
      ? Effect.failCause(ran.exit.cause)
      : Effect.die(new Error("unreachable: a success is always kept"));
  });
