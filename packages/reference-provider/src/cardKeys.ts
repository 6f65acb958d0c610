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

/** The `provider_settings` name of the key new card sessions get (base64 SPKI DER). @since 0.2.0 */
export const currentCardKeySetting = "card_encryption_key";

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

const setting = async (db: Queryable, name: string): Promise<string | undefined> => {
  const { rows } = await db.query<{ value: unknown }>("SELECT value FROM provider_settings WHERE name = $1", [
    name,
  ]);
  const value = rows[0]?.value;
  return typeof value === "string" ? value : undefined;
};

/**
 * Makes `pair` the key of the card sessions created from now on (and keeps its private half for
 * them). The contracts' provider state installs the published test key this way.
 *
 * @since 0.2.0
 */
export const installCardKey = async (db: Queryable, pair: CardKeyPair): Promise<void> => {
  await db.query(
    `INSERT INTO provider_settings (name, value) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value`,
    [privateKeySetting(pair.encryptionKey), pair.privateKeyPem],
  );
  await db.query(
    `INSERT INTO provider_settings (name, value) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value`,
    [currentCardKeySetting, pair.encryptionKey],
  );
};

/**
 * The `encryptionKey` a new card session gets: the database's current one, made on first use.
 * Safe when several processes ask at once: the first insert wins.
 *
 * @since 0.2.0
 */
export const currentCardKey = async (db: Queryable): Promise<string> => {
  const current = await setting(db, currentCardKeySetting);
  if (current !== undefined) return current;
  const pair = generateCardKeyPair();
  await db.query(
    "INSERT INTO provider_settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
    [privateKeySetting(pair.encryptionKey), pair.privateKeyPem],
  );
  await db.query(
    "INSERT INTO provider_settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
    [currentCardKeySetting, pair.encryptionKey],
  );
  const stored = await setting(db, currentCardKeySetting);
  if (stored === undefined) throw new Error("the card encryption key was not stored");
  return stored;
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
  const pem = await setting(db, name);
  if (pem === undefined) return null;
  const key = createPrivateKey(pem);
  privateKeys.set(name, key);
  return key;
};
