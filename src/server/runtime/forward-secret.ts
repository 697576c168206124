import { constantTimeEqual } from "../shared/constant-time";

/** Carries the per-start secret from the front process to the console process. */
export const FORWARD_SECRET_HEADER = "x-sts-forward-secret";

export function forwardSecretMatches(presented: string | string[] | undefined, expected: string): boolean {
  return typeof presented === "string" && constantTimeEqual(presented, expected);
}
