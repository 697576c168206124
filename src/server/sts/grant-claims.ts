/**
 * The claims of an app token that follow from the subjects alone (`"roles":[…],"permissions":[…]`
 * and the bitmask) as JSON text, remembered per tenant index and subject list until the next mapping
 * expiry: the members of a team present the same groups, and every token refresh presents them again.
 */
import { AnswerCache } from "./answer-cache";
import { resolveAccess } from "./resolve-permissions";
import { nextExpiry, type SubjectType, type TenantIndex } from "./tenant-index";

export interface GrantClaims {
  /** Members of the payload object, without braces. */
  json: string;
  permissionCount: number;
}

/** About 4 KB each for a user with a hundred roles: a few megabytes at most. */
const MAX_ENTRIES = 2_000;
const remembered = new Map<string, GrantClaims & { validUntil: number }>();

export function grantClaims(
  index: TenantIndex,
  subjectType: SubjectType,
  subjects: readonly string[],
  now = Date.now(),
): GrantClaims {
  const key = AnswerCache.key(index.generation, subjectType, subjects, false);
  const known = remembered.get(key);
  if (known && known.validUntil > now) return known;
  const access = resolveAccess(index, subjectType, subjects, now);
  const bitmask =
    access.bitmask === undefined ? "" : `,"permissionsBitmask":${JSON.stringify(access.bitmask)}`;
  const entry = {
    json: `"roles":${JSON.stringify(access.roles)},"permissions":${JSON.stringify(access.permissions)}${bitmask}`,
    permissionCount: access.permissions.length,
    validUntil: nextExpiry(index, now),
  };
  remembered.delete(key);
  if (remembered.size >= MAX_ENTRIES) remembered.delete(remembered.keys().next().value as string);
  remembered.set(key, entry);
  return entry;
}
