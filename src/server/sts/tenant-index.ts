/**
 * An in-memory index of one tenant's effective permissions, built from the same rows as the SQL view
 * `sts_effective_permissions` (plus expiry, checked at resolve time). Each role's permissions are a
 * bit set over the tenant's permission keys in sorted order, so resolving a user with dozens of
 * groups is a few map look-ups and word-wise ORs.
 */
import type { Db } from "../db/client";

export type SubjectType = "GROUP" | "CLIENT";

export interface IndexedRole {
  id: string;
  key: string;
  /** Bit set over `TenantIndex.permissionKeys`. */
  words: Uint32Array;
}

export interface IndexedGrant {
  /** Position in `TenantIndex.roles`; roles are sorted by key, so positions sort like keys. */
  role: number;
  /** Epoch ms; the grant stops counting at this instant. */
  expiresAt: number | null;
  /** The provenance entry this grant contributes, built once and shared by every explanation. */
  provenance: Readonly<{ subject: string; role: string }>;
  /** The same entry as UTF-8 JSON, for answers written without re-serialising thousands of objects. */
  provenanceJson: Buffer;
}

export interface TenantIndex {
  tenantId: string;
  slug: string;
  name: string;
  status: "ACTIVE" | "DISABLED";
  revision: number;
  /** The roles some mapping of this tenant uses, sorted by key. */
  roles: IndexedRole[];
  /** Every permission key some role of this tenant holds, sorted. */
  permissionKeys: string[];
  /** Catalog bit of each entry of `permissionKeys` (-1 when it has none). */
  catalogBits: Int16Array;
  /** `"KEY":[` as UTF-8 for each entry of `permissionKeys` (the provenance object's members). */
  provenanceKeyJson: Buffer[];
  /** Grants per subject, one map per subject type (subjects compared exactly, never normalised). */
  grants: Readonly<Record<SubjectType, Map<string, IndexedGrant[]>>>;
  /** Every expiry instant of this tenant's mappings (epoch ms), ascending. */
  expiries: Float64Array;
  builtAt: number;
  /** Unique per index built in this process: anything derived from an index can be keyed by it. */
  generation: number;
}

let generations = 0;

/** The first instant after `now` at which a mapping of the index expires (Infinity when none will). */
export function nextExpiry(index: TenantIndex, now: number): number {
  const { expiries } = index;
  let low = 0;
  let high = expiries.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (expiries[middle]! <= now) low = middle + 1;
    else high = middle;
  }
  return low < expiries.length ? expiries[low]! : Infinity;
}

/** The rows an index is built from: the tenant, its mappings with their roles, and the catalog bits. */
export interface TenantIndexSource {
  tenant: { id: string; slug: string; name: string; status: "ACTIVE" | "DISABLED"; revision: number };
  mappings: {
    id: string;
    subject: string;
    subjectType: SubjectType;
    expiresAt: Date | null;
    role: { id: string; key: string; permissions: { permissionKey: string }[] };
  }[];
  bitRows: { key: string; bit: number | null }[];
}

/** Builds the index from its rows (also used, with rows changed in memory, for what-if answers). */
export function buildTenantIndex(
  { tenant, mappings, bitRows }: TenantIndexSource,
  builtAt = Date.now(),
): TenantIndex {
  const roleRows = new Map<string, { key: string; permissions: string[] }>();
  for (const mapping of mappings) {
    if (!roleRows.has(mapping.role.id)) {
      roleRows.set(mapping.role.id, {
        key: mapping.role.key,
        permissions: mapping.role.permissions.map((item) => item.permissionKey),
      });
    }
  }
  const permissionKeys = [...new Set([...roleRows.values()].flatMap((role) => role.permissions))].sort();
  const position = new Map(permissionKeys.map((key, index) => [key, index]));
  const wordCount = Math.max(1, Math.ceil(permissionKeys.length / 32));
  // Global templates and tenant roles may share a key; the id breaks the tie so the order is total.
  const ordered = [...roleRows].sort(([leftId, left], [rightId, right]) =>
    left.key < right.key ? -1 : left.key > right.key ? 1 : leftId < rightId ? -1 : 1,
  );
  const roleIndex = new Map<string, number>();
  const roles: IndexedRole[] = ordered.map(([id, role], at) => {
    const words = new Uint32Array(wordCount);
    for (const permission of role.permissions) {
      const bit = position.get(permission)!;
      words[bit >>> 5]! |= 1 << (bit & 31);
    }
    roleIndex.set(id, at);
    return { id, key: role.key, words };
  });
  const grants = { GROUP: new Map<string, IndexedGrant[]>(), CLIENT: new Map<string, IndexedGrant[]>() };
  for (const mapping of mappings) {
    const provenance = Object.freeze({ subject: mapping.subject, role: mapping.role.key });
    const grant: IndexedGrant = {
      role: roleIndex.get(mapping.role.id)!,
      expiresAt: mapping.expiresAt?.getTime() ?? null,
      provenance,
      provenanceJson: Buffer.from(JSON.stringify(provenance)),
    };
    const bySubject = grants[mapping.subjectType];
    const list = bySubject.get(mapping.subject);
    if (list) list.push(grant);
    else bySubject.set(mapping.subject, [grant]);
  }
  // A subject's grants in role-key order: explanations read the same whatever order rows came in.
  for (const bySubject of Object.values(grants)) {
    for (const list of bySubject.values()) if (list.length > 1) list.sort((a, b) => a.role - b.role);
  }
  const catalog = new Map(bitRows.map((row) => [row.key, row.bit ?? -1]));
  return {
    tenantId: tenant.id,
    slug: tenant.slug,
    name: tenant.name,
    status: tenant.status,
    revision: tenant.revision,
    roles,
    permissionKeys,
    catalogBits: Int16Array.from(permissionKeys, (key) => catalog.get(key) ?? -1),
    provenanceKeyJson: permissionKeys.map((key) => Buffer.from(`${JSON.stringify(key)}:[`)),
    grants,
    expiries: Float64Array.from(
      mappings.flatMap((mapping) => (mapping.expiresAt ? [mapping.expiresAt.getTime()] : [])),
    ).sort(),
    builtAt,
    generation: (generations += 1),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads a tenant's index rows by slug or id; undefined when no such tenant exists. */
export async function loadTenantIndexSource(
  db: Db,
  tenantRef: string,
): Promise<TenantIndexSource | undefined> {
  const tenant = await db.tenant.findFirst({
    where: UUID.test(tenantRef) ? { OR: [{ id: tenantRef }, { slug: tenantRef }] } : { slug: tenantRef },
    select: { id: true, slug: true, name: true, status: true, revision: true },
  });
  if (!tenant) return undefined;
  const [mappings, bitRows] = await Promise.all([
    db.mapping.findMany({
      where: { tenantId: tenant.id },
      select: {
        id: true,
        subject: true,
        subjectType: true,
        expiresAt: true,
        role: { select: { id: true, key: true, permissions: { select: { permissionKey: true } } } },
      },
    }),
    db.permission.findMany({ where: { bit: { not: null } }, select: { key: true, bit: true } }),
  ]);
  return { tenant, mappings, bitRows };
}

/** Loads a tenant's index by slug or id; undefined when no such tenant exists. */
export async function loadTenantIndex(db: Db, tenantRef: string): Promise<TenantIndex | undefined> {
  const source = await loadTenantIndexSource(db, tenantRef);
  return source && buildTenantIndex(source);
}
