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
  // Only tokens as this provider issues them: issued no later than now, for exactly the lifetime.
  if (claims.iat * 1000 > now || claims.exp - claims.iat !== accessTokenLifetimeSeconds) return undefined;
  return now < claims.exp * 1000 ? merchant : undefined;
};
