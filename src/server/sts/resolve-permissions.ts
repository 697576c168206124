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
  /** For each entry of `access.permissions`, its position in `index.permissionKeys`; for explanations only. */
  positions: number[];
  /** The live grants that matched, in subject order (each subject once); collected for explanations only. */
  grants: IndexedGrant[];
}

/** Each subject once, in first-seen order (a token may repeat a group under both claim paths). */
function distinct(subjects: readonly string[]): readonly string[] {
  if (subjects.length < 2) return subjects;
  const seen = new Set(subjects);
  return seen.size === subjects.length ? subjects : [...seen];
}

/**
 * Adds a subject to the unmapped list unless it is there already. Only explanations deduplicate all
 * subjects up front; a plain resolution, on the hot path, needs it for these few names alone (a
 * repeated mapped subject sets the same role flags twice, which changes nothing).
 */
function addUnmapped(
  unmapped: string[],
  seen: Set<string> | undefined,
  subject: string,
): Set<string> | undefined {
  if (seen) {
    if (!seen.has(subject)) {
      seen.add(subject);
      unmapped.push(subject);
    }
    return seen;
  }
  if (!unmapped.includes(subject)) unmapped.push(subject);
  // Past a few dozen names a set is cheaper than scanning the list.
  return unmapped.length > 32 ? new Set(unmapped) : undefined;
}

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** base64url (no padding) of the first `length` bytes: the same text as Buffer's, without a Buffer. */
function base64url(bytes: Uint8Array, length: number): string {
  let out = "";
  let at = 0;
  for (; at + 2 < length; at += 3) {
    const n = (bytes[at]! << 16) | (bytes[at + 1]! << 8) | bytes[at + 2]!;
    out += BASE64URL[n >> 18]! + BASE64URL[(n >> 12) & 63]! + BASE64URL[(n >> 6) & 63]! + BASE64URL[n & 63]!;
  }
  if (length - at === 1) {
    const n = bytes[at]! << 16;
    out += BASE64URL[n >> 18]! + BASE64URL[(n >> 12) & 63]!;
  } else if (length - at === 2) {
    const n = (bytes[at]! << 16) | (bytes[at + 1]! << 8);
    out += BASE64URL[n >> 18]! + BASE64URL[(n >> 12) & 63]! + BASE64URL[(n >> 6) & 63]!;
  }
  return out;
}

/**
 * Scratch space reused by every resolution (resolution is synchronous, so one set per process is
 * enough): allocating typed arrays costs more than the rest of a small resolution.
 */
const scratch = {
  /** roleStamp[role] === stamp ⇔ the role was seen in the current resolution. */
  roleStamp: new Uint32Array(256),
  stamp: 0,
  held: new Uint32Array(16),
  bytes: new Uint8Array(64),
};

function match(
  index: TenantIndex,
  subjectType: SubjectType,
  subjects: readonly string[],
  now: number,
  collectGrants: boolean,
): Matched {
  const tenant = { id: index.tenantId, slug: index.slug, status: index.status };
  const unique = collectGrants ? distinct(subjects) : subjects;
  if (index.status !== "ACTIVE") {
    return {
      access: {
        tenant,
        revision: index.revision,
        roles: [],
        permissions: [],
        unmapped: [...distinct(unique)],
      },
      positions: [],
      grants: [],
    };
  }
  const bySubject = index.grants[subjectType];
  const roles = index.roles;
  const wordCount = roles[0]?.words.length ?? 1;
  if (scratch.held.length < wordCount) scratch.held = new Uint32Array(wordCount * 2);
  const held = scratch.held.fill(0, 0, wordCount);
  if (scratch.roleStamp.length < roles.length || scratch.stamp === 0xffffffff) {
    scratch.roleStamp = new Uint32Array(Math.max(roles.length * 2, scratch.roleStamp.length));
    scratch.stamp = 0;
  }
  const roleStamp = scratch.roleStamp;
  const stamp = (scratch.stamp += 1);
  let roleCount = 0;
  const matched: IndexedGrant[] = [];
  const unmapped: string[] = [];
  let unmappedSeen: Set<string> | undefined;
  for (let at = 0; at < unique.length; at += 1) {
    const subject = unique[at]!;
    const grants = bySubject.get(subject);
    let live = false;
    if (grants !== undefined) {
      for (let g = 0; g < grants.length; g += 1) {
        const grant = grants[g]!;
        if (grant.expiresAt !== null && grant.expiresAt <= now) continue;
        live = true;
        if (collectGrants) matched.push(grant);
        if (roleStamp[grant.role] === stamp) continue;
        roleStamp[grant.role] = stamp;
        roleCount += 1;
        const words = roles[grant.role]!.words;
        for (let word = 0; word < wordCount; word += 1) held[word]! |= words[word]!;
      }
    }
    if (!live) unmappedSeen = addUnmapped(unmapped, unmappedSeen, subject);
  }
  // Roles are indexed in key order: walking the seen flags yields sorted keys without a sort.
  const roleKeys: string[] = new Array<string>(roleCount);
  for (let role = 0, out = 0; out < roleCount; role += 1) {
    if (roleStamp[role] === stamp) roleKeys[out++] = roles[role]!.key;
  }
  const permissions: string[] = [];
  const positions: number[] = [];
  let highestBit = -1;
  for (let word = 0; word < wordCount; word += 1) {
    let value = held[word]!;
    while (value !== 0) {
      const low = value & -value;
      const position = word * 32 + (31 - Math.clz32(low));
      permissions.push(index.permissionKeys[position]!);
      if (collectGrants) positions.push(position);
      const bit = index.catalogBits[position]!;
      if (bit >= 0) {
        if (highestBit < 0) scratch.bytes.fill(0);
        if (bit >> 3 >= scratch.bytes.length) {
          const grown = new Uint8Array(Math.max(scratch.bytes.length * 2, (bit >> 3) + 1));
          grown.set(scratch.bytes);
          scratch.bytes = grown;
        }
        scratch.bytes[bit >> 3]! |= 1 << (bit & 7);
        if (bit > highestBit) highestBit = bit;
      }
      value ^= low;
    }
  }
  const bitmask = highestBit >= 0 ? base64url(scratch.bytes, (highestBit >> 3) + 1) : undefined;
  return {
    // Written out rather than spread (far slower on this path); bitmask before unmapped, as documented.
    access: bitmask
      ? { tenant, revision: index.revision, roles: roleKeys, permissions, bitmask, unmapped }
      : { tenant, revision: index.revision, roles: roleKeys, permissions, unmapped },
    positions,
    grants: matched,
  };
}

export function resolveAccess(
  index: TenantIndex,
  subjectType: SubjectType,
  subjects: readonly string[],
  now = Date.now(),
): Access {
  return match(index, subjectType, subjects, now, false).access;
}

/**
 * For each permission of the answer (in order), the matched grants that contribute it, in subject
 * order.
 */
function grantsPerPermission(index: TenantIndex, { positions, grants }: Matched): IndexedGrant[][] {
  // Permission position in the index → its slot in the answer.
  const slotOf = new Int32Array(index.permissionKeys.length);
  positions.forEach((position, slot) => (slotOf[position] = slot));
  const lists: IndexedGrant[][] = positions.map(() => []);
  for (const grant of grants) {
    const words = index.roles[grant.role]!.words;
    for (let word = 0; word < words.length; word += 1) {
      let value = words[word]!;
      while (value !== 0) {
        const low = value & -value;
        lists[slotOf[word * 32 + (31 - Math.clz32(low))]!]!.push(grant);
        value ^= low;
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
  const matched = match(index, subjectType, subjects, now, true);
  const lists = grantsPerPermission(index, matched);
  const provenance: Record<string, ProvenanceEntry[]> = {};
  matched.access.permissions.forEach((permission, slot) => {
    provenance[permission] = lists[slot]!.map((grant) => grant.provenance);
  });
  return Object.assign({}, matched.access, { provenance });
}

const COMMA = 0x2c;
const CLOSE_LIST = 0x5d;
const CLOSE_OBJECT = 0x7d;

/**
 * `explainAccess` written straight to UTF-8 JSON (the resolve API's body). Thousands of provenance
 * entries are copied from fragments the index serialised once per grant into one buffer sized in
 * advance: no objects to serialise, and no long string to build and encode per request.
 */
export function explainAccessJson(
  index: TenantIndex,
  subjectType: SubjectType,
  subjects: readonly string[],
  now = Date.now(),
): Buffer {
  const matched = match(index, subjectType, subjects, now, true);
  const { permissions } = matched.access;
  const { positions } = matched;
  const lists = grantsPerPermission(index, matched);
  const head = Buffer.from(`${JSON.stringify(matched.access).slice(0, -1)},"provenance":{`);
  let size = head.length + 2;
  for (let slot = 0; slot < permissions.length; slot += 1) {
    const grants = lists[slot]!;
    size += (slot === 0 ? 0 : 1) + index.provenanceKeyJson[positions[slot]!]!.length + 1;
    for (let at = 0; at < grants.length; at += 1)
      size += (at === 0 ? 0 : 1) + grants[at]!.provenanceJson.length;
  }
  const out = Buffer.allocUnsafe(size);
  out.set(head, 0);
  let offset = head.length;
  for (let slot = 0; slot < permissions.length; slot += 1) {
    if (slot > 0) out[offset++] = COMMA;
    const key = index.provenanceKeyJson[positions[slot]!]!;
    out.set(key, offset);
    offset += key.length;
    const grants = lists[slot]!;
    for (let at = 0; at < grants.length; at += 1) {
      if (at > 0) out[offset++] = COMMA;
      const entry = grants[at]!.provenanceJson;
      out.set(entry, offset);
      offset += entry.length;
    }
    out[offset++] = CLOSE_LIST;
  }
  out[offset++] = CLOSE_OBJECT;
  out[offset++] = CLOSE_OBJECT;
  return out;
}

/** The resolve API's answer: access with provenance. */
export const resolvePermissions = explainAccess;
