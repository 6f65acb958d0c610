/**
 * Contract: POST /v1/access-token — the merchant trades its id and secret for a Bearer token. The
 * provider never refuses for the body or its content type (decision C7 extended: PHP curl sends
 * the JSON as a form, some clients send no body), and missing credentials are 401, not 400.
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
  const tokenAnswer = () =>
    ok({ accessToken: like(example.accessToken), expiresIn: regex("^[0-9]+$", "900"), tokenType: "Bearer" });

  it("a merchant with credentials exists: a JSON body sent as a form (PHP curl's default) still gets a token", async () => {
    const body = '{"grantType":"client_credentials"}';
    await asMerchant(pact.addInteraction())
      .uponReceiving(
        "a request for an access token whose JSON body is sent as application/x-www-form-urlencoded",
      )
      .withRequest("POST", "/v1/access-token", (b) =>
        // Pact checks a binary body's detected type (plain text); the header is the client's.
        b.body("text/plain", Buffer.from(body)).headers({
          "Content-Type": "application/x-www-form-urlencoded",
          "X-MERCHANT-ID": merchant.merchantId,
          "X-MERCHANT-SECRET": merchant.merchantSecret,
        }),
      )
      .willRespondWith(200, (b) => b.jsonBody(tokenAnswer()))
      .executeTest(
        recorded(pact, async (mock) => {
          const response = await fetch(`${mock.url}/v1/access-token`, {
            method: "POST",
            headers: {
              "content-type": "application/x-www-form-urlencoded",
              "x-merchant-id": merchant.merchantId,
              "x-merchant-secret": merchant.merchantSecret,
            },
            body,
          });
          expect(response.status).toBe(200);
          expect(((await response.json()) as { data: { tokenType: string } }).data.tokenType).toBe("Bearer");
        }),
      );
  });

  it("a merchant with credentials exists: no body and no content type still gets a token", async () => {
    await asMerchant(pact.addInteraction())
      .uponReceiving("a request for an access token without a body or a content type")
      .withRequest("POST", "/v1/access-token", (b) =>
        b.headers({ "X-MERCHANT-ID": merchant.merchantId, "X-MERCHANT-SECRET": merchant.merchantSecret }),
      )
      .willRespondWith(200, (b) => b.jsonBody(tokenAnswer()))
      .executeTest(
        recorded(pact, async (mock) => {
          const response = await fetch(`${mock.url}/v1/access-token`, {
            method: "POST",
            headers: { "x-merchant-id": merchant.merchantId, "x-merchant-secret": merchant.merchantSecret },
          });
          expect(response.status).toBe(200);
        }),
      );
  });

  it("a merchant with credentials exists: missing credentials are 401 credentials_invalid, not 400", async () => {
    await asMerchant(pact.addInteraction())
      .uponReceiving("a request for an access token without credentials")
      .withRequest("POST", "/v1/access-token", (b) => b.jsonBody({ grantType: "client_credentials" }))
      .willRespondWith(401, (b) =>
        b.jsonBody(errorEnvelope({ status: 401, code: "credentials_invalid", type: "API_ERROR" })),
      )
      .executeTest(
        recorded(pact, async (mock) => {
          const response = await fetch(`${mock.url}/v1/access-token`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ grantType: "client_credentials" }),
          });
          expect(response.status).toBe(401);
          expect(((await response.json()) as { code: string }).code).toBe("credentials_invalid");
        }),
      );
  });
});
