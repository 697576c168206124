import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Compares two secrets in constant time: both are hashed first, so neither their contents nor their
 * lengths show in how long the comparison takes.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = createHash("sha256").update(a).digest();
  const right = createHash("sha256").update(b).digest();
  return timingSafeEqual(left, right);
}
