/**
 * The refunds of the consumer contracts (facts §14; decisions R1–R5): the refund object as the API
 * answers it and as the refund callbacks carry it, its path, and the paid session it is made on.
 * Written once here for the refund requests and the refund callbacks.
 */
import { MatchersV3, type PactV4 } from "@pact-foundation/pact";
import {
  type GivenBuilder,
  givenState,
  type ProviderStateParams,
} from "../../../src/providerStates/index.js";
import { instant, sessionId, UUID_PATTERN } from "./expectations.js";
import { example } from "./pact.js";
import { sessionExists, vaState } from "./sessions.js";

const { like, regex } = MatchersV3;

/** The example refund id standing in for the one the refund state returns. */
export const exampleRefundId = "5d0c8f2e-8a3b-4c1e-9f7a-2b6d4e8f1a3c";

/** `/v1/refunds/${refundId}`, the id coming from the refund state. */
export const refundPath = () =>
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Pact provider-state expression, not a template
  MatchersV3.fromProviderState("/v1/refunds/${refundId}", `/v1/refunds/${exampleRefundId}`);

/**
 * A refund amount as the gateway writes it (facts §7.7, §14): a string with two decimals, pinned
 * exactly — a regex would also let a number through (Pact matches a regex against a number's text).
 */
export const refundAmount = (value: number) => ({ value: `${value}.00`, currency: "IDR" });

interface RefundExpectation {
  readonly clientReferenceId?: string | undefined;
  readonly amount: number;
  readonly captured?: number;
  readonly status: string;
  readonly isFullAmount?: boolean;
  readonly method?: string | undefined;
  readonly extra?: Record<string, unknown>;
}

/** A refund object: literals for what the request or the state fixed, matchers for the rest. */
export const refund = (r: RefundExpectation) => ({
  id: regex(UUID_PATTERN, exampleRefundId),
  clientReferenceId: r.clientReferenceId === undefined ? like("REFUND-0001") : r.clientReferenceId,
  paymentSessionId: sessionId(),
  chargeId: like(example.chargeId),
  isFullAmount: r.isFullAmount ?? false,
  amount: refundAmount(r.amount),
  capturedAmount: refundAmount(r.captured ?? 20000),
  reason: "REQUESTED_BY_CUSTOMER",
  method: r.method ?? "AUTO",
  status: r.status,
  createdAt: instant(),
  updatedAt: instant(),
  ...(r.extra ?? {}),
});

/** Names `a payment session exists` for a paid VA session of the merchant (the session refunds are made on). */
export const paidSession = <B extends GivenBuilder<B>>(builder: B, clientReferenceId: string): B =>
  sessionExists(builder, vaState("PAID", clientReferenceId));

/** A paid VA session of the merchant with one refund (`a refund exists`). */
export const refundedSession = (
  pact: PactV4,
  clientReferenceId: string,
  refundState: ProviderStateParams<"a refund exists">,
) => givenState(paidSession(pact.addInteraction(), clientReferenceId), "a refund exists", refundState);
