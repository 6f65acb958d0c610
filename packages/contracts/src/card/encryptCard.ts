/**
 * The merchant side of the card encryption flow (facts §13), for Node backends and tests: a
 * CARD session in mode API with `autoConfirm: false` carries an `encryptionKey` (RSA public key,
 * base64 SPKI DER); the card and the device are encrypted with it and sent as
 * `paymentMethod.card.encryptedCard` on `POST /v2/payments/{id}/confirm`.
 *
 * @since 0.1.0
 */
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
} from "node:crypto";

/**
 * The card, as the encrypted payload names its fields.
 *
 * @since 0.1.0
 * @category Card encryption
 */
export interface CardToEncrypt {
  readonly number: string;
  readonly expiryMonth: string;
  readonly expiryYear: string;
  readonly cvc: string;
  readonly nameOnCard?: string | undefined;
}

/**
 * The customer's device (`deviceInformations`), every field optional.
 *
 * @since 0.1.0
 * @category Card encryption
 */
export interface DeviceInformations {
  readonly type?: string | undefined;
  readonly userAgent?: string | undefined;
  readonly ipAddress?: string | undefined;
  readonly acceptLanguage?: string | undefined;
  readonly cookieToken?: string | undefined;
  readonly deviceId?: string | undefined;
  readonly browserWidth?: number | undefined;
  readonly browserHeight?: number | undefined;
  readonly country?: string | undefined;
}

/**
 * The `encryptedCard` value: AES-256-GCM (a random key, a 12-byte nonce) over the JSON
 * `{ card, deviceInformations, metadata }`, the AES key wrapped with RSA-OAEP/SHA-256 under
 * `encryptionKey`, all as `base64(JSON{ encryptedKey, nonce, ciphertext })` (each part base64;
 * `ciphertext` ends with the 16-byte GCM tag).
 *
 * @example
 * const encryptedCard = encryptCard(session.encryptionKey, { number: "4000000000001091", expiryMonth: "12", expiryYear: "2030", cvc: "123" }, { type: "BROWSER" })
 * await client.confirm(session.id, { paymentMethod: { type: "CARD", card: { encryptedCard } } })
 * @since 0.1.0
 * @category Card encryption
 */
export const encryptCard = (
  encryptionKey: string,
  card: CardToEncrypt,
  device: DeviceInformations = {},
  metadata: Readonly<Record<string, unknown>> = {},
): string => {
  const publicKey = createPublicKey({
    key: Buffer.from(encryptionKey, "base64"),
    format: "der",
    type: "spki",
  });
  const key = randomBytes(32);
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  const plaintext = Buffer.from(JSON.stringify({ card, deviceInformations: device, metadata }), "utf8");
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  const encryptedKey = publicEncrypt(
    { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" },
    key,
  );
  return Buffer.from(
    JSON.stringify({
      encryptedKey: encryptedKey.toString("base64"),
      nonce: nonce.toString("base64"),
      ciphertext: ciphertext.toString("base64"),
    }),
    "utf8",
  ).toString("base64");
};

/**
 * The inverse of {@link encryptCard} for whoever holds the private key (a test, the contracts'
 * model with the published test key): the JSON `{ card, deviceInformations, metadata }` inside an
 * `encryptedCard`, or `undefined` when it does not open with `privateKeyPem` (PKCS#8 PEM).
 *
 * @example
 * openEncryptedCard(testCardKeyPair.privateKeyPem, testEncryptedCard)?.card.number // "4440000112200001"
 * @since 0.2.0
 * @category Card encryption
 */
export const openEncryptedCard = (
  privateKeyPem: string,
  encryptedCard: string,
): { readonly card?: Partial<CardToEncrypt>; readonly [key: string]: unknown } | undefined => {
  try {
    const parts = JSON.parse(Buffer.from(encryptedCard, "base64").toString("utf8")) as Record<
      string,
      unknown
    >;
    if (
      typeof parts.encryptedKey !== "string" ||
      typeof parts.nonce !== "string" ||
      typeof parts.ciphertext !== "string"
    )
      return undefined;
    const key = privateDecrypt(
      { key: createPrivateKey(privateKeyPem), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" },
      Buffer.from(parts.encryptedKey, "base64"),
    );
    const sealed = Buffer.from(parts.ciphertext, "base64");
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(parts.nonce, "base64"));
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    const content: unknown = JSON.parse(
      Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]).toString(
        "utf8",
      ),
    );
    return typeof content === "object" && content !== null
      ? (content as { card?: Partial<CardToEncrypt> })
      : undefined;
  } catch {
    return undefined;
  }
};
