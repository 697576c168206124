/**
 * Resolves subjects (a user's IAM roles/groups, or a client id) to roles and permissions in one tenant,
 * with provenance: for each permission, which subject and role granted it.
 */
import { subjectKey, type SubjectType, type TenantIndex } from "./tenant-index";

export interface Resolution {
  tenant: { id: string; slug: string; status: "ACTIVE" | "DISABLED" };
  revision: number;
  roles: string[];
  permissions: string[];
  /** base64url of a little-endian bit field (bit n = byte n>>3, mask 1<<(n&7)); absent when no bits apply. */
  bitmask?: string;
  provenance: Record<string, { subject: string; role: string }[]>;
  /** Subjects that matched no live mapping here. */
  unmapped: string[];
}

export function encodeBitmask(bits: Iterable<number>): string | undefined {
  let highest = -1;
  const list = [...bits];
  for (const bit of list) highest = Math.max(highest, bit);
  if (highest < 0) return undefined;
  const bytes = new Uint8Array((highest >> 3) + 1);
  for (const bit of list) bytes[bit >> 3]! |= 1 << (bit & 7);
  return Buffer.from(bytes).toString("base64url");
}

export function resolvePermissions(
  index: TenantIndex,
  subjectType: SubjectType,
  subjects: readonly string[],
  now = Date.now(),
): Resolution {
  const tenant = { id: index.tenantId, slug: index.slug, status: index.status };
  const unique = [...new Set(subjects)];
  if (index.status !== "ACTIVE") {
    return { tenant, revision: index.revision, roles: [], permissions: [], provenance: {}, unmapped: unique };
  }
  const roles = new Set<string>();
  const provenance: Record<string, { subject: string; role: string }[]> = {};
  const unmapped: string[] = [];
  for (const subject of unique) {
    const grants = index.grants.get(subjectKey(subjectType, subject));
    let matched = false;
    if (grants) {
      for (const grant of grants) {
        if (grant.expiresAt !== null && grant.expiresAt <= now) continue;
        matched = true;
        roles.add(grant.roleKey);
        for (const permission of grant.permissions) {
          (provenance[permission] ??= []).push({ subject, role: grant.roleKey });
        }
      }
    }
    if (!matched) unmapped.push(subject);
  }
  const permissions = Object.keys(provenance).sort();
  const bits: number[] = [];
  for (const permission of permissions) {
    const bit = index.bits.get(permission);
    if (bit !== undefined) bits.push(bit);
  }
  const bitmask = encodeBitmask(bits);
  return {
    tenant,
    revision: index.revision,
    roles: [...roles].sort(),
    permissions,
    ...(bitmask ? { bitmask } : {}),
    provenance,
    unmapped,
  };
}
