/**
 * Contract: POST /v1/access-token — the merchant trades its id and secret for a Bearer token.
 */
import { MatchersV3 } from "@pact-foundation/pact";
import { describe, expect, it } from "vitest";
import { PaymentsApiError } from "../../src/client/index.js";
import { errorEnvelope, ok } from "./support/expectations.js";
import { asMerchant, clientFor, example, httpPact, merchant, recorded, rejectionOf } from "./support/pact.js";

const { like, regex } = MatchersV3;
const pact = httpPact();

describe("POST /v1/access-token", () => {
  it("a merchant with credentials exists: answers a Bearer token and its lifetime in seconds", async () => {
    await asMerchant(pact.addInteraction())
      .uponReceiving("a request for an access token with the merchant's credentials")
      .withRequest("POST", "/v1/access-token", (b) =>
        b
          .headers({ "X-MERCHANT-ID": merchant.merchantId, "X-MERCHANT-SECRET": merchant.merchantSecret })
          .jsonBody({ grantType: "client_credentials" }),
      )
      .willRespondWith(200, (b) =>
        b.jsonBody(
          ok({
            accessToken: like(example.accessToken),
            expiresIn: regex("^[0-9]+$", "900"),
            tokenType: "Bearer",
          }),
        ),
      )
      .executeTest(
        recorded(pact, async (mock) => {
          const token = await clientFor(mock.url, null).accessToken(merchant);
          expect(token.tokenType).toBe("Bearer");
          expect(token.accessToken).toBe(example.accessToken);
          expect(Number(token.expiresIn)).toBe(900);
        }),
      );
  });

  it("a merchant with credentials exists: a wrong secret is refused with 401", async () => {
    await asMerchant(pact.addInteraction())
      .uponReceiving("a request for an access token with a wrong secret")
      .withRequest("POST", "/v1/access-token", (b) =>
        b
          .headers({ "X-MERCHANT-ID": merchant.merchantId, "X-MERCHANT-SECRET": "wrong-secret" })
          .jsonBody({ grantType: "client_credentials" }),
      )
      .willRespondWith(401, (b) =>
        b.jsonBody(errorEnvelope({ status: 401, code: "credentials_invalid", type: "API_ERROR" })),
      )
      .executeTest(
        recorded(pact, async (mock) => {
          const error = await rejectionOf(
            clientFor(mock.url, null).accessToken({
              merchantId: merchant.merchantId,
              merchantSecret: "wrong-secret",
            }),
          );
          expect(error).toBeInstanceOf(PaymentsApiError);
          expect(error).toMatchObject({ status: 401, code: "credentials_invalid", type: "API_ERROR" });
        }),
      );
  });
});
