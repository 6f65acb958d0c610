/**
 * The payment session most interactions are about: a PERMATA VA session of IDR 20 000 (its provider
 * state and its expected body with its one charge), the token header of an authenticated request,
 * and the 404 `resource_missing` a merchant gets for what is not its own. Written once here for the
 * reads, the webhooks, the sub-accounts and the refunds.
 */
import type { PactV4 } from "@pact-foundation/pact";
import { expect } from "vitest";
import {
  type GivenBuilder,
  givenState,
  type ProviderStateParams,
} from "../../../src/providerStates/index.js";
import {
  clockPlus,
  errorEnvelope,
  idr,
  instant,
  instantFromClock,
  pushCharge,
  session,
  vaPart,
} from "./expectations.js";
import { asMerchant, atClock, authorization, clientFor, merchant, recorded, rejectionOf } from "./pact.js";

type Client = ReturnType<typeof clientFor>;
type SessionState = ProviderStateParams<"a payment session exists">;
type Interaction = ReturnType<PactV4["addInteraction"]>;
type RequestBuilder = Parameters<NonNullable<Parameters<Interaction["withRequest"]>[2]>>[0];

/** The params of `a payment session exists` for a PERMATA VA session of IDR 20 000 (`extra` last). */
export const vaState = (
  status: SessionState["status"],
  clientReferenceId: string,
  extra: Omit<SessionState, "status" | "clientReferenceId"> = {},
): SessionState => ({
  status,
  clientReferenceId,
  amount: 20000,
  paymentMethodType: "VIRTUAL_ACCOUNT",
  channel: "PERMATA",
  ...extra,
});

/** The expected body of a PERMATA VA session of IDR 20 000 with its one charge in `chargeStatus`. */
export const vaSession = (s: {
  readonly clientReferenceId: string;
  readonly status: string;
  readonly chargeStatus: string;
  readonly paid?: boolean;
  readonly expiryAt?: unknown;
}) =>
  session({
    clientReferenceId: s.clientReferenceId,
    amount: idr(20000),
    status: s.status,
    paymentMethod: { type: "VIRTUAL_ACCOUNT" },
    ...(s.expiryAt === undefined ? {} : { expiryAt: s.expiryAt }),
    chargeDetails: [
      pushCharge({
        clientReferenceId: s.clientReferenceId,
        amount: 20000,
        status: s.chargeStatus,
        ...(s.paid === undefined ? {} : { paid: s.paid }),
        method: vaPart("PERMATA"),
      }),
    ],
  });

/** A paid VA session: its charge succeeded and carries `paidAt`. */
export const paidVaSession = (clientReferenceId: string) =>
  vaSession({ clientReferenceId, status: "PAID", chargeStatus: "SUCCESS", paid: true });

/** A VA session expired a minute before the clock, its charge expired too. */
export const expiredVaSession = (clientReferenceId: string) =>
  vaSession({
    clientReferenceId,
    status: "EXPIRED",
    chargeStatus: "EXPIRED",
    expiryAt: instantFromClock(clockPlus(-1)),
  });

/** The request's `Authorization: Bearer <token of the merchant state>`. */
export const withToken = (b: RequestBuilder) => b.headers({ Authorization: authorization });

/** A request with the merchant's token and the JSON `body`. */
export const postingJson = (body: unknown) => (b: RequestBuilder) => withToken(b).jsonBody(body);

/** 404 `resource_missing`, of the gateway or of the API (decision L2: matched loosely). */
export const resourceMissing = () =>
  errorEnvelope({ status: 404, code: "resource_missing", type: ["GATEWAY_ERROR", "API_ERROR"] });

/**
 * Records a GET with the merchant's token answered 404 `resource_missing`, and checks the typed
 * client's rejection; returns the rejection for further checks.
 */
export const expectResourceMissing = (
  pact: PactV4,
  given: Interaction,
  description: string,
  path: Parameters<Interaction["withRequest"]>[1],
  call: (client: Client) => Promise<unknown>,
): Promise<unknown> =>
  given
    .uponReceiving(description)
    .withRequest("GET", path, withToken)
    .willRespondWith(404, (b) => b.jsonBody(resourceMissing()))
    .executeTest(
      recorded(pact, async (mock) => {
        const error = await rejectionOf(call(clientFor(mock.url)));
        expect(error).toMatchObject({ _tag: "PaymentsApiError", status: 404 });
        return error;
      }),
    );

/** A second merchant, whose sessions and refunds the merchant of the token must not see. */
export const otherMerchant = {
  merchantId: "merchant-0002",
  merchantSecret: "secret-0002",
  callbackApiKey: "callback-key-0002",
} as const;

/** Names `the clock reads` and `a merchant with credentials exists` for {@link otherMerchant}. */
export const asOtherMerchant = <B extends GivenBuilder<B>>(builder: B): B =>
  givenState(atClock(builder), "a merchant with credentials exists", otherMerchant);

/** Names `a merchant with credentials exists` for the merchant again: the token is of the merchant set up last. */
export const thenAsMerchant = <B extends GivenBuilder<B>>(builder: B): B =>
  givenState(builder, "a merchant with credentials exists", merchant);

/** A session just created without a payment method, `autoConfirm` true as sent: no method, no charge. */
export const createdWithoutMethod = (clientReferenceId: string) =>
  session({
    clientReferenceId,
    amount: idr(20000),
    autoConfirm: true,
    status: "REQUIRE_PAYMENT_METHOD",
    paymentMethod: null,
    chargeDetails: null,
  });

/** Names the merchant's states (`asMerchant`) and `a payment session exists` with `params`. */
export const sessionExists = <B extends GivenBuilder<B>>(builder: B, params: SessionState): B =>
  givenState(asMerchant(builder), "a payment session exists", params);

/** A VA session the merchant cancelled with `reason` before the clock: no charge (L3). */
export const cancelledVaSession = (clientReferenceId: string, reason: string) =>
  session({
    clientReferenceId,
    amount: idr(20000),
    status: "CANCELLED",
    paymentMethod: { type: "VIRTUAL_ACCOUNT" },
    chargeDetails: null,
    // L3: the cancel set `expiryAt` to its own instant, before the clock.
    expiryAt: instant("2025-03-30T05:40:00Z"),
    extra: { cancelledAt: instant("2025-03-30T05:40:00Z"), cancellationReason: reason },
  });
