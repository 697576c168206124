/**
 * Verified IAM tokens remembered by SHA-256 until they expire (DESIGN §4 allows it): a client that
 * presents the same access token again skips signature verification. Only successes are kept, never
 * the token itself; entries leave at the token's `exp` or when the cache is full (oldest first).
 */
import type { IamVerificationFailure, IamVerificationSuccess } from "./iam-token-verifier";
import { hashToken } from "./iam-token-verifier";

type Verify = (token: string) => Promise<IamVerificationSuccess | IamVerificationFailure>;

export function cacheVerifiedTokens(
  verify: Verify,
  maxEntries: number,
  now: () => number = Date.now,
): Verify {
  if (maxEntries <= 0) return verify;
  const entries = new Map<string, { result: IamVerificationSuccess; expiresAt: number }>();
  return async (token) => {
    const key = hashToken(token);
    const cached = entries.get(key);
    if (cached) {
      if (cached.expiresAt > now()) return cached.result;
      entries.delete(key);
    }
    const result = await verify(token);
    const exp = result.ok ? result.claims.exp : undefined;
    if (result.ok && typeof exp === "number") {
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      entries.set(key, { result, expiresAt: exp * 1000 });
    }
    return result;
  };
}
