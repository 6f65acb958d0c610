/**
 * The interaction every state-changing operation has for a status that does not allow it (decision
 * L2): a session in that status, the operation's POST, 422 `invalid_state` with the gateway's message,
 * and the typed client's rejection. Written once here for confirm, cancel and capture.
 */
import type { PactV4 } from "@pact-foundation/pact";
import { expect } from "vitest";
import { givenState, type ProviderStateParams } from "../../../src/providerStates/index.js";
import { errorEnvelope } from "./expectations.js";
import { asMerchant, authorization, clientFor, example, recorded, rejectionOf, sessionPath } from "./pact.js";

type Client = ReturnType<typeof clientFor>;

/** One refused operation: the session it is made on, the request, and the client call that sends it. */
export interface RefusedOperation<Body> {
  readonly operation: "confirm" | "cancel" | "capture";
  /** The params of `a payment session exists` (its `status` is the one the message names). */
  readonly session: ProviderStateParams<"a payment session exists"> & { readonly status: string };
  readonly description: string;
  readonly body: Body;
  readonly call: (client: Client, sessionId: string, body: Body) => Promise<unknown>;
}

/** Records the interaction of a refused operation and checks the typed client's rejection. */
export const expectRefusedOperation = <Body>(
  pact: PactV4,
  refused: RefusedOperation<Body>,
): Promise<unknown> =>
  givenState(asMerchant(pact.addInteraction()), "a payment session exists", refused.session)
    .uponReceiving(refused.description)
    .withRequest("POST", sessionPath(`/${refused.operation}`), (b) =>
      b.headers({ Authorization: authorization }).jsonBody(refused.body),
    )
    .willRespondWith(422, (b) =>
      b.jsonBody(
        errorEnvelope({
          status: 422,
          code: "invalid_state",
          ours: true,
          type: "API_ERROR",
          message: {
            contains: `not allowed to ${refused.operation} payment session`,
            example: `Payment session in status ${refused.session.status} is not allowed to ${refused.operation} payment session`,
          },
        }),
      ),
    )
    .executeTest(
      recorded(pact, async (mock) => {
        const error = await rejectionOf(refused.call(clientFor(mock.url), example.sessionId, refused.body));
        expect(error).toMatchObject({
          _tag: "PaymentsApiError",
          status: 422,
          type: "API_ERROR",
          code: "invalid_state",
        });
      }),
    );
