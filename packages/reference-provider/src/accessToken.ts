/**
 * Stateless Bearer tokens: a JWT (HS256) whose signature key is derived from the merchant's secret
 * (and the provider's token secret), so a token survives a restart and dies with a rotated secret.
 *
 * @since 0.1.0
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Merchant, MerchantRegistry } from "./merchants.js";

/**
 * Lifetime of an access token, in seconds (the docs: 900, answered as the string `"900"`).
 *
 * @since 0.1.0
 * @category Authentication
 */
export const accessTokenLifetimeSeconds = 900;

/**
 * The issuer claim of the tokens this provider signs.
 *
 * @since 0.1.0
 * @category Authentication
 */
export const accessTokenIssuer = "payment-session-reference-provider";

const base64url = (data: string | Buffer): string => Buffer.from(data).toString("base64url");

const HEADER = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));

const signingKey = (merchant: Merchant, tokenSecret: string): Buffer =>
  createHmac("sha256", tokenSecret).update(`${merchant.id}\u0000${merchant.secret}`).digest();

const sign = (input: string, key: Buffer): string =>
  createHmac("sha256", key).update(input).digest("base64url");

/**
 * A signed access token for `merchant`, valid {@link accessTokenLifetimeSeconds} from `now` (epoch
 * ms). Claims: `iss`, `sub` (merchant id), `merchantId`, `clientId`, `iat`, `exp` (seconds).
 *
 * @since 0.1.0
 * @category Authentication
 */
export const issueAccessToken = (merchant: Merchant, now: number, tokenSecret: string): string => {
  const iat = Math.floor(now / 1000);
  const payload = base64url(
    JSON.stringify({
      iss: accessTokenIssuer,
      sub: merchant.id,
      merchantId: merchant.id,
      clientId: merchant.id,
      iat,
      exp: iat + accessTokenLifetimeSeconds,
    }),
  );
  const input = `${HEADER}.${payload}`;
  return `${input}.${sign(input, signingKey(merchant, tokenSecret))}`;
};

const readClaims = (payload: string): { merchantId: string; iat: number; exp: number } | undefined => {
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    if (typeof claims !== "object" || claims === null) return undefined;
    const merchantId: unknown = Reflect.get(claims, "merchantId");
    const iat: unknown = Reflect.get(claims, "iat");
    const exp: unknown = Reflect.get(claims, "exp");
    return typeof merchantId === "string" &&
      typeof iat === "number" &&
      typeof exp === "number" &&
      Number.isSafeInteger(iat) &&
      Number.isSafeInteger(exp)
      ? { merchantId, iat, exp }
      : undefined;
  } catch {
    return undefined;
  }
};

/** A token's signature checked: the merchant it was checked against and its claims. */
interface Verified {
  readonly merchant: Merchant;
  readonly iat: number;
  readonly exp: number;
}

/** Signature and claims of `token`, against the merchant its claims name now (no time checks). */
const verifySignature = (
  token: string,
  merchants: MerchantRegistry,
  tokenSecret: string,
): Verified | undefined => {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const [header, payload, signature] = parts;
  if (header !== HEADER || payload === undefined || signature === undefined) return undefined;
  const claims = readClaims(payload);
  if (claims === undefined) return undefined;
  const merchant = merchants.get(claims.merchantId);
  if (merchant === undefined) return undefined;
  const expected = Buffer.from(sign(`${header}.${payload}`, signingKey(merchant, tokenSecret)));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  return { merchant, iat: claims.iat, exp: claims.exp };
};

/** The time checks: issued no later than `now`, for exactly the lifetime, not expired at `now`. */
const liveAt = ({ merchant, iat, exp }: Verified, now: number): Merchant | undefined =>
  iat * 1000 > now || exp - iat !== accessTokenLifetimeSeconds || now >= exp * 1000 ? undefined : merchant;

/**
 * The merchant a token belongs to, if its signature is right, it was issued no later than `now`
 * (epoch ms, claim `iat`), for exactly {@link accessTokenLifetimeSeconds} (`exp - iat`), and it has
 * not expired at `now`; otherwise `undefined`. A token of a merchant no longer configured is refused.
 *
 * @since 0.1.0
 * @category Authentication
 */
export const verifyAccessToken = (
  token: string,
  merchants: MerchantRegistry,
  now: number,
  tokenSecret: string,
): Merchant | undefined => {
  const verified = verifySignature(token, merchants, tokenSecret);
  return verified === undefined ? undefined : liveAt(verified, now);
};

/**
 * How many verified tokens an {@link accessTokenVerifier} keeps (the oldest goes first).
 *
 * @since 0.2.0
 * @category Authentication
 */
export const verifiedTokensKept = 1024;

/**
 * {@link verifyAccessToken} with a bounded cache of tokens whose signature was checked (decision
 * P17): a token seen again skips the two HMACs and the claims' decoding, nothing else. Every call
 * still checks the times against `now` (the injected clock) and that the merchant the token names
 * is still configured with the secret its signature was checked against (a rotated secret refuses
 * it at once). Only valid signatures are kept, at most `max` of them (default
 * {@link verifiedTokensKept}); the oldest is dropped first. `size` is how many are kept now.
 *
 * @example
 * const tokens = accessTokenVerifier(tokenSecret);
 * tokens.verify(token, merchants, clock.now()); // the merchant, or undefined
 *
 * @since 0.2.0
 * @category Authentication
 */
export const accessTokenVerifier = (tokenSecret: string, max: number = verifiedTokensKept) => {
  const kept = new Map<string, Verified>();
  return {
    verify: (token: string, merchants: MerchantRegistry, now: number): Merchant | undefined => {
      const seen = kept.get(token);
      if (seen !== undefined) {
        const current = merchants.get(seen.merchant.id);
        if (current !== undefined && current.secret === seen.merchant.secret)
          return liveAt({ ...seen, merchant: current }, now);
        kept.delete(token);
      }
      const verified = verifySignature(token, merchants, tokenSecret);
      if (verified === undefined) return undefined;
      if (kept.size >= max) {
        const oldest = kept.keys().next();
        if (oldest.done !== true) kept.delete(oldest.value);
      }
      kept.set(token, verified);
      return liveAt(verified, now);
    },
    /** How many verified tokens are kept now. */
    get size(): number {
      return kept.size;
    },
  };
};
