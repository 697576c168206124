/** The user as the console sees them: subject, names and the IAM roles/groups read from the claims. */
import type { AppConfig } from "../config";
import { claimValues, type Claims } from "./claim-path";

export interface IamIdentity {
  sub: string;
  name: string;
  email: string;
  /** Values at STS_ROLE_PATH; the bootstrap role is looked for here only. */
  roles: string[];
  /** Values at STS_GROUPS_PATH. */
  groups: string[];
}

/** Longer values cannot be mapping subjects; a token with thousands of groups is cut, not trusted whole. */
export const MAX_SUBJECT_LENGTH = 255;
export const MAX_SUBJECTS = 1_000;

type ClaimConfig = Pick<AppConfig, "STS_ROLE_PATH" | "STS_GROUPS_PATH" | "STS_CLAIM_SEPARATOR">;

function usable(values: string[]): string[] {
  return values.filter((value) => value.length <= MAX_SUBJECT_LENGTH).slice(0, MAX_SUBJECTS);
}

function stringClaim(claims: Claims, ...names: string[]): string {
  for (const name of names) {
    const value = claims[name];
    if (typeof value === "string" && value.length > 0) return value.slice(0, 255);
  }
  return "";
}

export function identityFromClaims(claims: Claims, config: ClaimConfig): IamIdentity {
  const sub = stringClaim(claims, "sub");
  return {
    sub,
    name: stringClaim(claims, "name", "preferred_username", "email") || sub,
    email: stringClaim(claims, "email"),
    roles: usable(claimValues(claims, config.STS_ROLE_PATH, config.STS_CLAIM_SEPARATOR)),
    groups: usable(claimValues(claims, config.STS_GROUPS_PATH, config.STS_CLAIM_SEPARATOR)),
  };
}

/** Mapping subjects of a user: the union of both claim paths (Procivis' "IAM roles", Okta's groups). */
export function mappingSubjects(identity: Pick<IamIdentity, "roles" | "groups">): string[] {
  return [...new Set([...identity.roles, ...identity.groups])];
}

export function holdsBootstrapRole(identity: Pick<IamIdentity, "roles">, bootstrapRole: string): boolean {
  return identity.roles.includes(bootstrapRole);
}
