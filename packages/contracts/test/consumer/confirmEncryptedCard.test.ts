/**
 * Contract: POST /v2/payments/{id}/confirm with `paymentMethod.card.encryptedCard` (facts §13,
 * decision S3). The session's key is the published test key (state `card sessions use the
 * published test key`), so the provider opens the fixed vector `testEncryptedCard`: the charge
 * shows the masked card only the decrypted number gives. A value that does not decrypt is 400 at
 * its field path.
 */
import { constants, createDecipheriv, createPrivateKey, privateDecrypt } from "node:crypto";
import { MatchersV3 } from "@pact-foundation/pact";
import type { ConfirmPaymentSessionRequest } from "@payment-session/core";
import { describe, expect, it } from "vitest";
import {
  testCardKeyPair,
  testEncryptedCard,
  testEncryptedCardContent,
  undecryptableEncryptedCard,
} from "../../src/card/testKey.js";
import { PaymentsApiError } from "../../src/client/index.js";
import { givenState } from "../../src/providerStates/index.js";
import { idr, ok, pushCharge, session, validationError } from "./support/expectations.js";
import {
  asMerchant,
  clientFor,
  example,
  httpPact,
  recorded,
  rejectionOf,
  sessionPath,
} from "./support/pact.js";
import { postingJson } from "./support/sessions.js";

const { like, regex } = MatchersV3;
const pact = httpPact();

const confirmBody = (encryptedCard: string): typeof ConfirmPaymentSessionRequest.Encoded => ({
  paymentMethod: { type: "CARD", card: { encryptedCard } },
  paymentMethodOptions: { card: { captureMethod: "automatic" } },
});

const cardSessionState = (clientReferenceId: string) =>
  givenState(
    givenState(asMerchant(pact.addInteraction()), "card sessions use the published test key", {}),
    "a payment session exists",
    {
      status: "REQUIRE_CONFIRMATION",
      clientReferenceId,
      amount: 150000,
      mode: "API",
      paymentMethodType: "CARD",
      autoConfirm: false,
      captureMethod: "automatic",
    },
  );

/** Opens an `encryptedCard` with a PKCS#8 key, as facts §13 describe (the test's own reading of the scheme). */
const open = (privateKeyPem: string, encryptedCard: string): unknown => {
  const parts = JSON.parse(Buffer.from(encryptedCard, "base64").toString("utf8")) as Record<string, string>;
  const key = privateDecrypt(
    { key: createPrivateKey(privateKeyPem), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" },
    Buffer.from(parts.encryptedKey ?? "", "base64"),
  );
  const sealed = Buffer.from(parts.ciphertext ?? "", "base64");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(parts.nonce ?? "", "base64"));
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  return JSON.parse(
    Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]).toString(
      "utf8",
    ),
  );
};

describe("the published card test vectors", () => {
  it("testEncryptedCard opens with the published private key to the documented frictionless test card", () => {
    expect(open(testCardKeyPair.privateKeyPem, testEncryptedCard)).toEqual(testEncryptedCardContent);
  });

  it("undecryptableEncryptedCard does not open with it", () => {
    expect(() => open(testCardKeyPair.privateKeyPem, undecryptableEncryptedCard)).toThrow();
  });
});

describe("POST /v2/payments/{id}/confirm with an encryptedCard", () => {
  it("a card session with the published test key: the card opens, the charge shows it masked", async () => {
    await cardSessionState("INV-CARD-ENC-1")
      .uponReceiving(
        "a request to confirm a card session with an encryptedCard made with the published test key",
      )
      .withRequest("POST", sessionPath("/confirm"), postingJson(confirmBody(testEncryptedCard)))
      .willRespondWith(200, (b) =>
        b.jsonBody(
          ok(
            session({
              clientReferenceId: "INV-CARD-ENC-1",
              amount: idr(150000),
              status: "REQUIRE_ACTION",
              autoConfirm: false,
              paymentMethod: { type: "CARD" },
              chargeDetails: [
                pushCharge({
                  clientReferenceId: "INV-CARD-ENC-1",
                  amount: 150000,
                  status: "WAITING_FOR_USER_ACTION",
                  method: {
                    card: {
                      first6: "444000",
                      last4: "0001",
                      expMonth: "12",
                      expYear: "2030",
                    },
                  },
                }),
              ],
              extra: {
                encryptionKey: testCardKeyPair.encryptionKey,
                paymentUrl: regex("^https?://.+$", "https://pay-stg.pivot-payment.com/3ds/example"),
              },
            }),
          ),
        ),
      )
      .executeTest(
        recorded(pact, async (mock) => {
          const s = await clientFor(mock.url).confirm(example.sessionId, confirmBody(testEncryptedCard));
          expect(s.status).toBe("REQUIRE_ACTION");
          expect(s.chargeDetails?.[0]?.card?.last4).toBe("0001");
          expect(s.paymentUrl).toMatch(/^https?:\/\//u);
        }),
      );
  });

  it("a card session with the published test key: an encryptedCard that does not decrypt is 400 at its field", async () => {
    await cardSessionState("INV-CARD-ENC-2")
      .uponReceiving("a request to confirm a card session with an encryptedCard that does not decrypt")
      .withRequest("POST", sessionPath("/confirm"), postingJson(confirmBody(undecryptableEncryptedCard)))
      .willRespondWith(400, (b) =>
        b.jsonBody(
          validationError([
            {
              field: "paymentMethod.card.encryptedCard",
              message: like("does not decrypt with this session's key"),
            },
          ]),
        ),
      )
      .executeTest(
        recorded(pact, async (mock) => {
          const error = await rejectionOf(
            clientFor(mock.url).confirm(example.sessionId, confirmBody(undecryptableEncryptedCard)),
          );
          expect(error).toBeInstanceOf(PaymentsApiError);
          expect(error).toMatchObject({ status: 400, code: "api_validation_error" });
          const fields = error instanceof PaymentsApiError ? error.details.map((d) => d.field) : [];
          expect(fields).toEqual(["paymentMethod.card.encryptedCard"]);
        }),
      );
  });
});
