import { hash, randomBytes, timingSafeEqual } from "node:crypto";

/** 256 bits of randomness; the prefix makes leaked secrets easy to recognise in scans. */
export function generateClientSecret(): string {
  return `sts_${randomBytes(32).toString("base64url")}`;
}

export function hashClientSecret(secret: string): string {
  return hash("sha256", secret, "hex");
}

/** Compares hashes in constant time, so timing does not reveal how much of a guess was right. */
export function secretMatches(presented: string, storedHash: string): boolean {
  const presentedHash = hash("sha256", presented, "buffer");
  const stored = Buffer.from(storedHash, "hex");
  return stored.length === presentedHash.length && timingSafeEqual(presentedHash, stored);
}
