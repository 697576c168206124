import { createHash, timingSafeEqual } from "node:crypto";

/** Carries the per-start secret from the front process to the console process. */
export const FORWARD_SECRET_HEADER = "x-sts-forward-secret";

export function forwardSecretMatches(presented: string | string[] | undefined, expected: string): boolean {
  if (typeof presented !== "string") return false;
  const left = createHash("sha256").update(presented).digest();
  const right = createHash("sha256").update(expected).digest();
  return timingSafeEqual(left, right);
}
