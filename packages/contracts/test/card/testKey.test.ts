/**
 * The published card test key (decision S3) is one pair in two places: `testCardKeyPair` (for
 * TypeScript) and `contracts/card-test-key.pem` (for implementations in any language). They agree,
 * and the pair is a pair.
 */
import { constants, createPrivateKey, createPublicKey, privateDecrypt, publicEncrypt } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { testCardKeyPair } from "../../src/card/testKey.js";

const pem = readFileSync(new URL("../../../../contracts/card-test-key.pem", import.meta.url), "utf8");
const block = (label: string) => {
  const found = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`).exec(pem);
  if (found === null) throw new Error(`no ${label} block`);
  return found[0];
};

describe("the published card test key", () => {
  it("contracts/card-test-key.pem holds testCardKeyPair", () => {
    const spki = createPublicKey(block("PUBLIC KEY"))
      .export({ type: "spki", format: "der" })
      .toString("base64");
    expect(spki).toBe(testCardKeyPair.encryptionKey);
    expect(block("PRIVATE KEY").trim()).toBe(testCardKeyPair.privateKeyPem.trim());
  });

  it("is a pair: what the public half wraps, the private half opens", () => {
    const secret = Buffer.from("0123456789abcdef0123456789abcdef");
    const wrapped = publicEncrypt(
      {
        key: createPublicKey({
          key: Buffer.from(testCardKeyPair.encryptionKey, "base64"),
          format: "der",
          type: "spki",
        }),
        padding: constants.RSA_PKCS1_OAEP_PADDING,
        oaepHash: "sha256",
      },
      secret,
    );
    const opened = privateDecrypt(
      {
        key: createPrivateKey(testCardKeyPair.privateKeyPem),
        padding: constants.RSA_PKCS1_OAEP_PADDING,
        oaepHash: "sha256",
      },
      wrapped,
    );
    expect(opened).toEqual(secret);
  });
});
