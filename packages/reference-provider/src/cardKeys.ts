/**
 * The card encryption keys (facts §13, decision S3): the RSA key pair whose public half is a card
 * session's `encryptionKey`, kept with the data (`provider_settings`), so that every instance on a
 * database and a restarted one decrypt what a merchant encrypted. A session keeps the public key it
 * was given; its private half is found by that public key, so installing another key (the published
 * test key of the contracts) changes the key of sessions created after it and not of older ones.
 *
 * @since 0.2.0
 */
import { createHash, createPrivateKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import type { Queryable } from "./store/index.js";
import { loadOrCreateSetting, readSetting, writeSetting } from "./store/settings.js";

/** The `provider_settings` name of the key new card sessions get (base64 SPKI DER). */
const currentCardKeySetting = "card_encryption_key";

const privateKeySetting = (encryptionKey: string): string =>
  `card_encryption_key:${createHash("sha256").update(encryptionKey).digest("hex")}`;

/** A card encryption key pair: `encryptionKey` as sessions show it, and the private key as PKCS#8 PEM. @since 0.2.0 */
export interface CardKeyPair {
  readonly encryptionKey: string;
  readonly privateKeyPem: string;
}

/**
 * A fresh RSA-2048 key pair (about 240 ms of CPU on the build machine: made once per database, not
 * per session).
 *
 * @since 0.2.0
 */
export const generateCardKeyPair = (): CardKeyPair => {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    encryptionKey: publicKey.export({ type: "spki", format: "der" }).toString("base64"),
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
};

/**
 * Makes `pair` the key of the card sessions created from now on (and keeps its private half for
 * them). The contracts' provider state installs the published test key this way.
 *
 * @since 0.2.0
 */
export const installCardKey = async (db: Queryable, pair: CardKeyPair): Promise<void> => {
  await writeSetting(db, privateKeySetting(pair.encryptionKey), pair.privateKeyPem);
  await writeSetting(db, currentCardKeySetting, pair.encryptionKey);
};

/**
 * The `encryptionKey` a new card session gets: the database's current one, made on first use.
 * Safe when several processes ask at once: the first insert wins (its private half is stored
 * before it, so whoever reads the key finds its private half).
 *
 * @since 0.2.0
 */
export const currentCardKey = async (db: Queryable): Promise<string> => {
  const current = await readSetting(db, currentCardKeySetting);
  if (current !== undefined) return current;
  const pair = generateCardKeyPair();
  await loadOrCreateSetting(db, privateKeySetting(pair.encryptionKey), () => pair.privateKeyPem);
  return loadOrCreateSetting(db, currentCardKeySetting, () => pair.encryptionKey);
};

const privateKeys = new Map<string, KeyObject>();

/**
 * The private key of a session's `encryptionKey`, or `null` when this database holds none for it.
 *
 * @since 0.2.0
 */
export const privateCardKeyOf = async (db: Queryable, encryptionKey: string): Promise<KeyObject | null> => {
  const name = privateKeySetting(encryptionKey);
  const cached = privateKeys.get(name);
  if (cached !== undefined) return cached;
  const pem = await readSetting(db, name);
  if (pem === undefined) return null;
  const key = createPrivateKey(pem);
  privateKeys.set(name, key);
  return key;
};
