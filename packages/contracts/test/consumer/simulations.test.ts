/**
 * Contract: POST /v2/payments/simulations (sandbox) — settle or expire the open charge of a session.
 *
 * Answering `{updated: "true"}` proves nothing about the effect, and Pact keeps one request per
 * interaction, so each simulation is paired with what a merchant then reads: the state
 * `a simulation was accepted` runs the simulation exactly as the endpoint does (the provider's
 * own simulation code), and a `GET` reads the session it leads to. A provider whose simulation
 * changes nothing answers the simulation contract but fails the read.
 */
import { MatchersV3 } from "@pact-foundation/pact";
import { describe, expect, it } from "vitest";
import { givenState } from "../../src/providerStates/index.js";
import {
  clockPlus,
  idr,
  instant,
  instantFromClock,
  ok,
  pushCharge,
  session,
  vaPart,
} from "./support/expectations.js";
import { authorization, clientFor, example, httpPact, recorded, sessionPath } from "./support/pact.js";
import { sessionExists, vaState, withToken } from "./support/sessions.js";

const { fromProviderState, regex } = MatchersV3;
const pact = httpPact();

/** `updated` is documented as a Boolean and shown as the string "true": either passes. */
const updated = { updated: regex("^true$", "true") };

describe("POST /v2/payments/simulations", () => {
  for (const chargeStatus of ["SUCCESS", "EXPIRED"] as const) {
    it(`a payment session exists in REQUIRE_ACTION: a simulated ${chargeStatus} is accepted`, async () => {
      await sessionExists(pact.addInteraction(), vaState("REQUIRE_ACTION", `INV-SIM-${chargeStatus}`))
        .uponReceiving(`a request to simulate chargeStatus ${chargeStatus} on the open VA charge`)
        .withRequest("POST", "/v2/payments/simulations", (b) =>
          b
            .headers({ Authorization: authorization })
            // biome-ignore lint/suspicious/noTemplateCurlyInString: a Pact provider-state expression, not a template
            .jsonBody({ paymentSessionId: fromProviderState("${id}", example.sessionId), chargeStatus }),
        )
        .willRespondWith(200, (b) => b.jsonBody(ok(updated)))
        .executeTest(
          recorded(pact, async (mock) => {
            const result = await clientFor(mock.url).simulate({
              paymentSessionId: example.sessionId,
              chargeStatus,
            });
            expect(String(result.updated)).toBe("true");
          }),
        );
    });
  }

  const readBack = {
    SUCCESS: { session: "PAID", charge: "SUCCESS", paid: true, expiryAt: clockPlus(15) },
    EXPIRED: { session: "EXPIRED", charge: "EXPIRED", paid: false, expiryAt: undefined },
  } as const;
  for (const chargeStatus of ["SUCCESS", "EXPIRED"] as const) {
    const expected = readBack[chargeStatus];
    it(`a simulation of ${chargeStatus} was accepted: the session then reads ${expected.session}`, async () => {
      await givenState(
        sessionExists(pact.addInteraction(), vaState("REQUIRE_ACTION", `INV-SIM-READ-${chargeStatus}`)),
        "a simulation was accepted",
        { chargeStatus },
      )
        .uponReceiving(`a request for a payment session after a simulated ${chargeStatus} of its VA charge`)
        .withRequest("GET", sessionPath(), withToken)
        .willRespondWith(200, (b) =>
          b.jsonBody(
            ok(
              session({
                clientReferenceId: `INV-SIM-READ-${chargeStatus}`,
                amount: idr(20000),
                status: expected.session,
                paymentMethod: { type: "VIRTUAL_ACCOUNT" },
                // A simulated expiry ends the session at the clock (its expiryAt is not extended).
                expiryAt: expected.expiryAt === undefined ? instant() : instantFromClock(expected.expiryAt),
                chargeDetails: [
                  pushCharge({
                    clientReferenceId: `INV-SIM-READ-${chargeStatus}`,
                    amount: 20000,
                    status: expected.charge,
                    paid: expected.paid,
                    method: vaPart("PERMATA"),
                  }),
                ],
              }),
            ),
          ),
        )
        .executeTest(
          recorded(pact, async (mock) => {
            const s = await clientFor(mock.url).get(example.sessionId);
            expect(s.status).toBe(expected.session);
            expect(s.chargeDetails?.[0]?.status).toBe(expected.charge);
          }),
        );
    });
  }
});
