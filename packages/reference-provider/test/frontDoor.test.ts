/**
 * The tolerant front door (decision C7 extended): `POST /v1/access-token` answers on the headers
 * alone, whatever the body and content type; missing credentials are 401, never 400.
 */
import { describe, expect, it } from "vitest";
import { demoMerchant } from "../src/index.js";
import { envelopeOf, pglite, useProvider } from "./support/provider.js";

describe("POST /v1/access-token, as real clients send it", () => {
  const h = useProvider(pglite);
  const credentials = { "x-merchant-id": demoMerchant.id, "x-merchant-secret": demoMerchant.secret };
  const token = async (init: { headers?: Record<string, string>; body?: string }) => {
    const response = await fetch(`${h.provider.url}/v1/access-token`, { method: "POST", ...init });
    const text = await response.text();
    return {
      status: response.status,
      body: text === "" ? undefined : (JSON.parse(text) as unknown),
      headers: response.headers,
    };
  };

  const accepted: ReadonlyArray<readonly [string, { headers?: Record<string, string>; body?: string }]> = [
    [
      "a JSON body as JSON",
      {
        headers: { ...credentials, "content-type": "application/json" },
        body: '{"grantType":"client_credentials"}',
      },
    ],
    [
      "a JSON body sent as application/x-www-form-urlencoded (PHP curl)",
      {
        headers: { ...credentials, "content-type": "application/x-www-form-urlencoded" },
        body: '{"grantType":"client_credentials"}',
      },
    ],
    [
      "a form body",
      {
        headers: { ...credentials, "content-type": "application/x-www-form-urlencoded" },
        body: "grantType=client_credentials",
      },
    ],
    [
      "an empty body with a JSON content type",
      { headers: { ...credentials, "content-type": "application/json" }, body: "" },
    ],
    ["no body and no content type", { headers: credentials }],
    [
      "a body that is not JSON at all, as text/plain",
      { headers: { ...credentials, "content-type": "text/plain" }, body: "hello" },
    ],
  ];
  for (const [name, init] of accepted) {
    it(`gives a token for ${name}`, async () => {
      const reply = await token(init);
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      const data = (reply.body as { data: { accessToken: string; tokenType: string } }).data;
      expect(data.tokenType).toBe("Bearer");
      // The token works.
      const list = await fetch(`${h.provider.url}/v2/payments`, {
        headers: { authorization: `Bearer ${data.accessToken}` },
      });
      expect(list.status).toBe(200);
      expect(reply.headers.get("x-trace-id")).toEqual(expect.any(String));
    });
  }

  const refused: ReadonlyArray<readonly [string, Record<string, string>]> = [
    ["no credentials", { "content-type": "application/json" }],
    ["no secret", { "x-merchant-id": demoMerchant.id }],
    ["an empty id", { "x-merchant-id": "", "x-merchant-secret": demoMerchant.secret }],
    ["a wrong secret", { "x-merchant-id": demoMerchant.id, "x-merchant-secret": "wrong" }],
  ];
  for (const [name, headers] of refused) {
    it(`answers 401 credentials_invalid for ${name}`, async () => {
      const reply = await token({ headers, body: '{"grantType":"client_credentials"}' });
      const envelope = envelopeOf({ ...reply, headers: reply.headers }, 401);
      expect(envelope.code).toBe("credentials_invalid");
    });
  }
});
