/**
 * Resolves subjects (a user's IAM roles/groups, or a client id) to roles and permissions in one tenant.
 * `resolveAccess` is the hot path (token exchange, authorisation); `explainAccess` adds provenance —
 * for each permission, which subject and role granted it — for the resolve API and the explorer.
 */
import { subjectKey, type IndexedGrant, type SubjectType, type TenantIndex } from "./tenant-index";

export type ProvenanceEntry = Readonly<{ subject: string; role: string }>;

export interface Access {
  tenant: { id: string; slug: string; status: "ACTIVE" | "DISABLED" };
  revision: number;
  roles: string[];
  permissions: string[];
  /** base64url of a little-endian bit field over catalog bits (bit n = byte n>>3, mask 1<<(n&7)); absent when no bits apply. */
  bitmask?: string;
  /** Subjects that matched no live mapping here. */
  unmapped: string[];
}

export interface Resolution extends Access {
  provenance: Record<string, ProvenanceEntry[]>;
}

export function encodeBitmask(bits: Iterable<number>): string | undefined {
  const list = [...bits];
  let highest = -1;
  for (const bit of list) highest = Math.max(highest, bit);
  if (highest < 0) return undefined;
  const bytes = new Uint8Array((highest >> 3) + 1);
  for (const bit of list) bytes[bit >> 3]! |= 1 << (bit & 7);
  return Buffer.from(bytes).toString("base64url");
}

interface Matched {
  access: Access;
  /** Permission positions held, as a bit set over index.permissionKeys. */
  held: Uint32Array;
}

function match(
  index: TenantIndex,
  subjectType: SubjectType,
  subjects: readonly string[],
  now: number,
): Matched {
  const tenant = { id: index.tenantId, slug: index.slug, status: index.status };
  const unique = subjects.length > 1 ? [...new Set(subjects)] : [...subjects];
  const wordCount = index.roles[0]?.words.length ?? 1;
  const held = new Uint32Array(wordCount);
  if (index.status !== "ACTIVE") {
    return {
      access: { tenant, revision: index.revision, roles: [], permissions: [], unmapped: unique },
      held,
    };
  }
  const roleSeen = new Uint8Array(index.roles.length);
  const roleKeys: string[] = [];
  const unmapped: string[] = [];
  for (const subject of unique) {
    const grants = index.grants.get(subjectKey(subjectType, subject));
    let matched = false;
    if (grants) {
      for (const grant of grants) {
        if (grant.expiresAt !== null && grant.expiresAt <= now) continue;
        matched = true;
        if (roleSeen[grant.role] === 1) continue;
        roleSeen[grant.role] = 1;
        const role = index.roles[grant.role]!;
        roleKeys.push(role.key);
        for (let word = 0; word < wordCount; word += 1) held[word]! |= role.words[word]!;
      }
    }
    if (!matched) unmapped.push(subject);
  }
  const permissions: string[] = [];
  const bits: number[] = [];
  for (let word = 0; word < wordCount; word += 1) {
    let value = held[word]!;
    while (value !== 0) {
      const low = value & -value;
      const position = word * 32 + (31 - Math.clz32(low));
      permissions.push(index.permissionKeys[position]!);
      const bit = index.catalogBits[position]!;
      if (bit >= 0) bits.push(bit);
      value ^= low;
    }
  }
  const bitmask = encodeBitmask(bits);
  return {
    access: {
      tenant,
      revision: index.revision,
      roles: roleKeys.sort(),
      permissions,
      ...(bitmask ? { bitmask } : {}),
      unmapped,
    },
    held,
  };
}

export function resolveAccess(
  index: TenantIndex,
  subjectType: SubjectType,
  subjects: readonly string[],
  now = Date.now(),
): Access {
  return match(index, subjectType, subjects, now).access;
}

/** For each permission of `access` (in order), the grants that contribute it. */
function grantsPerPermission(
  index: TenantIndex,
  access: Access,
  subjectType: SubjectType,
  subjects: readonly string[],
  now: number,
): IndexedGrant[][] {
  const lists: IndexedGrant[][] = access.permissions.map(() => []);
  const slot = new Map(access.permissions.map((permission, at) => [permission, at]));
  const positionToSlot = new Int32Array(index.permissionKeys.length).fill(-1);
  index.permissionKeys.forEach((key, position) => {
    const at = slot.get(key);
    if (at !== undefined) positionToSlot[position] = at;
  });
  if (access.tenant.status === "ACTIVE") {
    for (const subject of new Set(subjects)) {
      for (const grant of index.grants.get(subjectKey(subjectType, subject)) ?? []) {
        if (grant.expiresAt !== null && grant.expiresAt <= now) continue;
        const words = index.roles[grant.role]!.words;
        for (let word = 0; word < words.length; word += 1) {
          let value = words[word]!;
          while (value !== 0) {
            const low = value & -value;
            lists[positionToSlot[word * 32 + (31 - Math.clz32(low))]!]!.push(grant);
            value ^= low;
          }
        }
      }
    }
  }
  return lists;
}

export function explainAccess(
  index: TenantIndex,
  subjectType: SubjectType,
  subjects: readonly string[],
  now = Date.now(),
): Resolution {
  const { access } = match(index, subjectType, subjects, now);
  const lists = grantsPerPermission(index, access, subjectType, subjects, now);
  const provenance: Record<string, ProvenanceEntry[]> = {};
  access.permissions.forEach((permission, at) => {
    provenance[permission] = lists[at]!.map((grant) => grant.provenance);
  });
  return { ...access, provenance };
}

/**
 * `explainAccess` written straight to JSON (the resolve API's body): provenance entries are joined
 * from fragments serialised once per grant, instead of serialising thousands of objects per request.
 */
export function explainAccessJson(
  index: TenantIndex,
  subjectType: SubjectType,
  subjects: readonly string[],
  now = Date.now(),
): string {
  const { access } = match(index, subjectType, subjects, now);
  const lists = grantsPerPermission(index, access, subjectType, subjects, now);
  const parts: string[] = [];
  access.permissions.forEach((permission, at) => {
    parts.push(
      `${JSON.stringify(permission)}:[${lists[at]!.map((grant) => grant.provenanceJson).join(",")}]`,
    );
  });
  const head = JSON.stringify(access);
  return `${head.slice(0, -1)},"provenance":{${parts.join(",")}}}`;
}

/** The resolve API's answer: access with provenance. */
export const resolvePermissions = explainAccess;
