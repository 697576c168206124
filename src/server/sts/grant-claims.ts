/**
 * The claims of an app token that follow from the subjects alone (`"roles":[…],"permissions":[…]`
 * and the bitmask) as JSON text, remembered per tenant index and subject list until the next mapping
 * expiry: the members of a team present the same groups, and every token refresh presents them again.
 */
import { AnswerCache } from "./answer-cache";
import { resolveAccess } from "./resolve-permissions";
import type { SubjectType, TenantIndex } from "./tenant-index";

export interface GrantClaims {
  /** Members of the payload object, without braces. */
  json: string;
  permissionCount: number;
}

/** About 4 KB for a user with a hundred roles: a thousand group sets or more. */
const remembered = new AnswerCache<GrantClaims>(8 * 1024 * 1024, (claims) => claims.json.length * 2);

export function grantClaims(
  index: TenantIndex,
  subjectType: SubjectType,
  subjects: readonly string[],
  now = Date.now(),
): GrantClaims {
  return remembered.answer(index, subjectType, subjects, "claims", now, () => {
    const access = resolveAccess(index, subjectType, subjects, now);
    const bitmask =
      access.bitmask === undefined ? "" : `,"permissionsBitmask":${JSON.stringify(access.bitmask)}`;
    return {
      json: `"roles":${JSON.stringify(access.roles)},"permissions":${JSON.stringify(access.permissions)}${bitmask}`,
      permissionCount: access.permissions.length,
    };
  });
}
