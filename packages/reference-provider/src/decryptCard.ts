/**
 * The provider side of the card encryption flow (facts §13): opens an `encryptedCard` with the
 * private key of the session's `encryptionKey` (`POST …/confirm`, decision S3).
 *
 * @since 0.1.0
 */
import { constants, createDecipheriv, type KeyObject, privateDecrypt } from "node:crypto";

/**
 * A decrypted card: the PAN and the rest of the payload.
 *
 * @since 0.1.0
 * @category Sandbox
 */
export interface DecryptedCard {
  readonly number: string;
  readonly expiryMonth: string;
  readonly expiryYear: string;
  readonly cvc: string;
  readonly nameOnCard?: string;
  readonly deviceInformations: Readonly<Record<string, unknown>>;
}

/**
 * The card inside `encryptedCard`, or why it is not one (the message of a 400 at
 * `paymentMethod.card.encryptedCard`).
 *
 * @since 0.1.0
 * @category Sandbox
 */
export const decryptCard = (
  privateKey: KeyObject,
  encryptedCard: string,
): { readonly card: DecryptedCard } | { readonly error: string } => {
  let envelope: unknown;
  try {
    envelope = JSON.parse(Buffer.from(encryptedCard, "base64").toString("utf8"));
  } catch {
    return { error: "not base64 of a JSON object { encryptedKey, nonce, ciphertext }" };
  }
  const parts = envelope as Record<string, unknown> | null;
  if (
    typeof parts !== "object" ||
    parts === null ||
    typeof parts.encryptedKey !== "string" ||
    typeof parts.nonce !== "string" ||
    typeof parts.ciphertext !== "string"
  )
    return { error: "expected base64 of JSON { encryptedKey, nonce, ciphertext }" };
  let plaintext: string;
  try {
    const key = privateDecrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" },
      Buffer.from(parts.encryptedKey, "base64"),
    );
    const nonce = Buffer.from(parts.nonce, "base64");
    const sealed = Buffer.from(parts.ciphertext, "base64");
    if (key.length !== 32 || nonce.length !== 12 || sealed.length < 16)
      return { error: "does not decrypt with this session's key" };
    const decipher = createDecipheriv("aes-256-gcm", key, nonce);
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    plaintext = Buffer.concat([
      decipher.update(sealed.subarray(0, sealed.length - 16)),
      decipher.final(),
    ]).toString("utf8");
  } catch {
    return { error: "does not decrypt with this session's key" };
  }
  let payload: { card?: Record<string, unknown>; deviceInformations?: Record<string, unknown> };
  try {
    payload = JSON.parse(plaintext) as typeof payload;
  } catch {
    return { error: "the decrypted value is not JSON" };
  }
  const card = payload.card;
  const field = (name: string) => (typeof card?.[name] === "string" ? (card[name] as string) : undefined);
  const number = field("number")?.replace(/\s/g, "");
  if (number === undefined || !/^[0-9]{12,19}$/.test(number))
    return { error: "holds no card number (12–19 digits)" };
  const expiryMonth = field("expiryMonth");
  const expiryYear = field("expiryYear");
  if (expiryMonth === undefined || expiryYear === undefined) return { error: "holds no card expiry" };
  const nameOnCard = field("nameOnCard");
  return {
    card: {
      number,
      expiryMonth,
      expiryYear,
      cvc: field("cvc") ?? "",
      ...(nameOnCard === undefined ? {} : { nameOnCard }),
      deviceInformations: payload.deviceInformations ?? {},
    },
  };
};
