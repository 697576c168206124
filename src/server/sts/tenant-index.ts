/**
 * An in-memory index of one tenant's effective permissions, built from the same rows as the SQL view
 * `sts_effective_permissions` (plus expiry, checked at resolve time), so that resolving a user with
 * dozens of groups is a few map look-ups.
 */
import type { Db } from "../db/client";

export type SubjectType = "GROUP" | "CLIENT";

export interface IndexedGrant {
  roleKey: string;
  permissions: readonly string[];
  /** Epoch ms; the grant stops counting at this instant. */
  expiresAt: number | null;
}

export interface TenantIndex {
  tenantId: string;
  slug: string;
  name: string;
  status: "ACTIVE" | "DISABLED";
  revision: number;
  /** `${subjectType}\u0000${subject}` → grants. */
  grants: Map<string, IndexedGrant[]>;
  /** Permission key → bit, for the catalog keys that have one. */
  bits: ReadonlyMap<string, number>;
  builtAt: number;
}

export const subjectKey = (subjectType: SubjectType, subject: string) => `${subjectType}\u0000${subject}`;

/** Loads a tenant's index by slug or id; undefined when no such tenant exists. */
export async function loadTenantIndex(db: Db, tenantRef: string): Promise<TenantIndex | undefined> {
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(tenantRef);
  const tenant = await db.tenant.findFirst({
    where: isUuid ? { OR: [{ id: tenantRef }, { slug: tenantRef }] } : { slug: tenantRef },
    select: { id: true, slug: true, name: true, status: true, revision: true },
  });
  if (!tenant) return undefined;
  const [mappings, bitRows] = await Promise.all([
    db.mapping.findMany({
      where: { tenantId: tenant.id },
      select: {
        subjectType: true,
        subject: true,
        expiresAt: true,
        role: { select: { key: true, permissions: { select: { permissionKey: true } } } },
      },
    }),
    db.permission.findMany({ where: { bit: { not: null } }, select: { key: true, bit: true } }),
  ]);
  const grants = new Map<string, IndexedGrant[]>();
  for (const mapping of mappings) {
    const key = subjectKey(mapping.subjectType, mapping.subject);
    const list = grants.get(key) ?? [];
    list.push({
      roleKey: mapping.role.key,
      permissions: mapping.role.permissions.map((permission) => permission.permissionKey).sort(),
      expiresAt: mapping.expiresAt?.getTime() ?? null,
    });
    grants.set(key, list);
  }
  const bits = new Map<string, number>();
  for (const row of bitRows) if (row.bit !== null) bits.set(row.key, row.bit);
  return {
    tenantId: tenant.id,
    slug: tenant.slug,
    name: tenant.name,
    status: tenant.status,
    revision: tenant.revision,
    grants,
    bits,
    builtAt: Date.now(),
  };
}
