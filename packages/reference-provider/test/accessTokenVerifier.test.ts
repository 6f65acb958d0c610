/**
 * The cache of verified access tokens (decision P17) skips only the signature check: a token seen
 * before is still refused once it expires on the injected clock, before its issue instant, when
 * its merchant's secret rotates, and the cache keeps at most its bound.
 */
import { describe, expect, it } from "vitest";
import {
  accessTokenLifetimeSeconds,
  accessTokenVerifier,
  issueAccessToken,
  verifyAccessToken,
} from "../src/accessToken.js";
import { createMerchantRegistry, demoMerchant, type Merchant } from "../src/merchants.js";

const tokenSecret = "test-token-secret";
const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const lifetimeMs = accessTokenLifetimeSeconds * 1000;

describe("accessTokenVerifier", () => {
  it("answers as verifyAccessToken does, on a first and a repeated call", () => {
    const merchants = createMerchantRegistry([demoMerchant]);
    const { verify } = accessTokenVerifier(tokenSecret);
    const token = issueAccessToken(demoMerchant, t0, tokenSecret);
    for (const at of [t0, t0 + 1000, t0 + lifetimeMs - 1, t0 + lifetimeMs, t0 - 1000]) {
      const expected = verifyAccessToken(token, merchants, at, tokenSecret);
      expect(verify(token, merchants, at)).toEqual(expected);
      expect(verify(token, merchants, at)).toEqual(expected);
    }
  });

  it("refuses a token it has verified once it expires on the clock", () => {
    const merchants = createMerchantRegistry([demoMerchant]);
    const { verify } = accessTokenVerifier(tokenSecret);
    const token = issueAccessToken(demoMerchant, t0, tokenSecret);
    expect(verify(token, merchants, t0 + 1000)?.id).toBe(demoMerchant.id);
    expect(verify(token, merchants, t0 + lifetimeMs)).toBeUndefined();
    expect(verify(token, merchants, t0 + lifetimeMs + 60_000)).toBeUndefined();
  });

  it("refuses a token it has verified at an instant before the token was issued", () => {
    const merchants = createMerchantRegistry([demoMerchant]);
    const { verify } = accessTokenVerifier(tokenSecret);
    const token = issueAccessToken(demoMerchant, t0, tokenSecret);
    expect(verify(token, merchants, t0)?.id).toBe(demoMerchant.id);
    expect(verify(token, merchants, t0 - 1000)).toBeUndefined();
  });

  it("refuses a token it has verified once the merchant's secret rotates", () => {
    const merchants = createMerchantRegistry([demoMerchant]);
    const { verify } = accessTokenVerifier(tokenSecret);
    const token = issueAccessToken(demoMerchant, t0, tokenSecret);
    expect(verify(token, merchants, t0 + 1000)?.id).toBe(demoMerchant.id);
    const rotated: Merchant = { ...demoMerchant, secret: `${demoMerchant.secret}-rotated` };
    merchants.upsert(rotated);
    expect(verify(token, merchants, t0 + 2000)).toBeUndefined();
    // Rotated back: the signature is good again (checked afresh, not remembered as refused).
    merchants.upsert(demoMerchant);
    expect(verify(token, merchants, t0 + 3000)?.id).toBe(demoMerchant.id);
  });

  it("refuses a forged token every time, and a token signed with another provider's secret", () => {
    const merchants = createMerchantRegistry([demoMerchant]);
    const { verify } = accessTokenVerifier(tokenSecret);
    const token = issueAccessToken(demoMerchant, t0, tokenSecret);
    const forged = `${token.slice(0, -4)}AAAA`;
    expect(verify(forged, merchants, t0 + 1000)).toBeUndefined();
    expect(verify(token, merchants, t0 + 1000)?.id).toBe(demoMerchant.id);
    expect(verify(forged, merchants, t0 + 1000)).toBeUndefined();
    const other = issueAccessToken(demoMerchant, t0, "another-secret");
    expect(verify(other, merchants, t0 + 1000)).toBeUndefined();
  });

  it("keeps at most its bound of tokens, the oldest dropped first, and a dropped token still verifies", () => {
    const merchants = createMerchantRegistry([demoMerchant]);
    const tokens = accessTokenVerifier(tokenSecret, 2);
    const issued = [0, 1, 2].map((s) => issueAccessToken(demoMerchant, t0 + s * 1000, tokenSecret));
    for (const [i, token] of issued.entries()) {
      expect(tokens.verify(token, merchants, t0 + 5000)?.id).toBe(demoMerchant.id);
      expect(tokens.size).toBe(Math.min(i + 1, 2));
    }
    // The first was dropped: verified afresh, and still refused once expired.
    expect(tokens.verify(issued[0] ?? "", merchants, t0 + 6000)?.id).toBe(demoMerchant.id);
    expect(tokens.size).toBe(2);
    expect(tokens.verify(issued[0] ?? "", merchants, t0 + lifetimeMs)).toBeUndefined();
  });

  it("does not keep a token whose signature is wrong", () => {
    const merchants = createMerchantRegistry([demoMerchant]);
    const tokens = accessTokenVerifier(tokenSecret);
    const forged = `${issueAccessToken(demoMerchant, t0, tokenSecret).slice(0, -4)}AAAA`;
    expect(tokens.verify(forged, merchants, t0 + 1000)).toBeUndefined();
    expect(tokens.size).toBe(0);
  });
});
