/**
 * The card encryption scheme of facts §13, both ends: `encryptCard` (contracts, merchant side)
 * and `decryptCard` (provider) agree; a value that does not decrypt, or that holds no card, is
 * named. (Wiring into `POST …/confirm` is not done yet.)
 */
import { generateKeyPairSync } from "node:crypto";
import { encryptCard } from "@payment-session/contracts";
import { describe, expect, it } from "vitest";
import { decryptCard } from "../../src/index.js";

const pair = () => {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { encryptionKey: publicKey.export({ type: "spki", format: "der" }).toString("base64"), privateKey };
};

const card = {
  number: "4000000000001091",
  expiryMonth: "12",
  expiryYear: "2030",
  cvc: "123",
  nameOnCard: "Budi",
};

describe("card encryption (facts §13)", () => {
  it("round-trips a card and the device", () => {
    const { encryptionKey, privateKey } = pair();
    const encrypted = encryptCard(encryptionKey, card, { type: "BROWSER", browserWidth: 1280 });
    const parts = JSON.parse(Buffer.from(encrypted, "base64").toString("utf8")) as Record<string, string>;
    expect(Object.keys(parts).sort()).toEqual(["ciphertext", "encryptedKey", "nonce"]);
    expect(Buffer.from(parts.nonce ?? "", "base64")).toHaveLength(12);
    expect(decryptCard(privateKey, encrypted)).toEqual({
      card: { ...card, deviceInformations: { type: "BROWSER", browserWidth: 1280 } },
    });
  });

  it("refuses another session's key, a tampered ciphertext, garbage and a payload without a card", () => {
    const { encryptionKey, privateKey } = pair();
    const other = pair();
    expect(decryptCard(privateKey, encryptCard(other.encryptionKey, card))).toEqual({
      error: "does not decrypt with this session's key",
    });
    const parts = JSON.parse(Buffer.from(encryptCard(encryptionKey, card), "base64").toString("utf8")) as {
      ciphertext: string;
    };
    const flipped = Buffer.from(parts.ciphertext, "base64");
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    const tampered = Buffer.from(
      JSON.stringify({ ...parts, ciphertext: flipped.toString("base64") }),
    ).toString("base64");
    expect(decryptCard(privateKey, tampered)).toEqual({ error: "does not decrypt with this session's key" });
    expect("error" in decryptCard(privateKey, "not base64 json")).toBe(true);
    expect(decryptCard(privateKey, encryptCard(encryptionKey, { ...card, number: "12" }))).toEqual({
      error: "holds no card number (12–19 digits)",
    });
  });

  it("is longer than the 500 characters the core's schema allows for encryptedCard (a finding)", () => {
    const { encryptionKey } = pair();
    expect(encryptCard(encryptionKey, card).length).toBeGreaterThan(500);
  });
});
