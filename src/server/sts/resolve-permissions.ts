/**
 * Resolves subjects (a user's IAM roles/groups, or a client id) to roles and permissions in one tenant.
 * `resolveAccess` is the hot path (token exchange, authorisation); `explainAccess` adds provenance —
 * for each permission, which subject and role granted it — for the resolve API and the explorer.
 * Both allocate little: grants are found by exact subject in per-type maps, roles come out sorted
 * because the index keeps them in key order, and permissions are read off a word-wise OR.
 */
import type { IndexedGrant, SubjectType, TenantIndex } from "./tenant-index";

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
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("base64url");
}

interface Matched {
  access: Access;
  /** The live grants that matched, in subject order (each subject once). */
  grants: IndexedGrant[];
}

/** Each subject once, in first-seen order (a token may repeat a group under both claim paths). */
function distinct(subjects: readonly string[]): readonly string[] {
  if (subjects.length < 2) return subjects;
  const seen = new Set(subjects);
  return seen.size === subjects.length ? subjects : [...seen];
}

function match(
  index: TenantIndex,
  subjectType: SubjectType,
  subjects: readonly string[],
  now: number,
): Matched {
  const tenant = { id: index.tenantId, slug: index.slug, status: index.status };
  const unique = distinct(subjects);
  if (index.status !== "ACTIVE") {
    return {
      access: { tenant, revision: index.revision, roles: [], permissions: [], unmapped: [...unique] },
      grants: [],
    };
  }
  const bySubject = index.grants[subjectType];
  const roles = index.roles;
  const wordCount = roles[0]?.words.length ?? 1;
  const held = new Uint32Array(wordCount);
  const roleSeen = new Uint8Array(roles.length);
  let roleCount = 0;
  const matched: IndexedGrant[] = [];
  const unmapped: string[] = [];
  for (let at = 0; at < unique.length; at += 1) {
    const subject = unique[at]!;
    const grants = bySubject.get(subject);
    let live = false;
    if (grants !== undefined) {
      for (let g = 0; g < grants.length; g += 1) {
        const grant = grants[g]!;
        if (grant.expiresAt !== null && grant.expiresAt <= now) continue;
        live = true;
        matched.push(grant);
        if (roleSeen[grant.role] === 1) continue;
        roleSeen[grant.role] = 1;
        roleCount += 1;
        const words = roles[grant.role]!.words;
        for (let word = 0; word < wordCount; word += 1) held[word]! |= words[word]!;
      }
    }
    if (!live) unmapped.push(subject);
  }
  // Roles are indexed in key order: walking the seen flags yields sorted keys without a sort.
  const roleKeys: string[] = new Array<string>(roleCount);
  for (let role = 0, out = 0; out < roleCount; role += 1) {
    if (roleSeen[role] === 1) roleKeys[out++] = roles[role]!.key;
  }
  const permissions: string[] = [];
  let bytes: Uint8Array | undefined;
  let highestBit = -1;
  for (let word = 0; word < wordCount; word += 1) {
    let value = held[word]!;
    while (value !== 0) {
      const low = value & -value;
      const position = word * 32 + (31 - Math.clz32(low));
      permissions.push(index.permissionKeys[position]!);
      const bit = index.catalogBits[position]!;
      if (bit >= 0) {
        bytes ??= new Uint8Array(64);
        if (bit >> 3 >= bytes.length) {
          const grown = new Uint8Array(Math.max(bytes.length * 2, (bit >> 3) + 1));
          grown.set(bytes);
          bytes = grown;
        }
        bytes[bit >> 3]! |= 1 << (bit & 7);
        if (bit > highestBit) highestBit = bit;
      }
      value ^= low;
    }
  }
  const bitmask = bytes
    ? Buffer.from(bytes.buffer, 0, (highestBit >> 3) + 1).toString("base64url")
    : undefined;
  return {
    access: {
      tenant,
      revision: index.revision,
      roles: roleKeys,
      permissions,
      ...(bitmask ? { bitmask } : {}),
      unmapped,
    },
    grants: matched,
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

/**
 * Calls `visit(slot, grant)` for every (permission, grant) pair of the matched grants, where `slot`
 * is the permission's position in `access.permissions`; grants are visited in subject order.
 */
function forEachContribution(
  index: TenantIndex,
  { access, grants }: Matched,
  visit: (slot: number, grant: IndexedGrant) => void,
): void {
  // Permission position in the index → its slot in access.permissions (both in key order).
  const { permissions } = access;
  const slotOf = new Int32Array(index.permissionKeys.length);
  for (let at = 0, slot = 0; at < slotOf.length && slot < permissions.length; at += 1) {
    if (index.permissionKeys[at] === permissions[slot]) slotOf[at] = slot++;
  }
  for (const grant of grants) {
    const words = index.roles[grant.role]!.words;
    for (let word = 0; word < words.length; word += 1) {
      let value = words[word]!;
      while (value !== 0) {
        const low = value & -value;
        visit(slotOf[word * 32 + (31 - Math.clz32(low))]!, grant);
        value ^= low;
      }
    }
  }
}

export function explainAccess(
  index: TenantIndex,
  subjectType: SubjectType,
  subjects: readonly string[],
  now = Date.now(),
): Resolution {
  const matched = match(index, subjectType, subjects, now);
  const lists: ProvenanceEntry[][] = matched.access.permissions.map(() => []);
  forEachContribution(index, matched, (slot, grant) => lists[slot]!.push(grant.provenance));
  const provenance: Record<string, ProvenanceEntry[]> = {};
  matched.access.permissions.forEach((permission, slot) => {
    provenance[permission] = lists[slot]!;
  });
  return { ...matched.access, provenance };
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
  const matched = match(index, subjectType, subjects, now);
  const { permissions } = matched.access;
  const parts: string[] = permissions.map(() => "");
  forEachContribution(index, matched, (slot, grant) => {
    parts[slot] = parts[slot] === "" ? grant.provenanceJson : `${parts[slot]},${grant.provenanceJson}`;
  });
  let provenance = "";
  for (let slot = 0; slot < permissions.length; slot += 1) {
    provenance += `${slot === 0 ? "" : ","}${JSON.stringify(permissions[slot])}:[${parts[slot]}]`;
  }
  const head = JSON.stringify(matched.access);
  return `${head.slice(0, -1)},"provenance":{${provenance}}}`;
}

/** The resolve API's answer: access with provenance. */
export const resolvePermissions = explainAccess;
