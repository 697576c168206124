import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** 256 bits of randomness; the prefix makes leaked secrets easy to recognise in scans. */
export function generateClientSecret(): string {
  return `sts_${randomBytes(32).toString("base64url")}`;
}

export function hashClientSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** Compares hashes in constant time, so timing does not reveal how much of a guess was right. */
export function secretMatches(presented: string, storedHash: string): boolean {
  const presentedHash = Buffer.from(hashClientSecret(presented), "hex");
  const stored = Buffer.from(storedHash, "hex");
  return stored.length === presentedHash.length && timingSafeEqual(presentedHash, stored);
}
