/**
 * Shared steps of every change to a tenant's effective permissions: lock the tenant row (changes to
 * one tenant run one at a time, so invariants cannot be raced), bump its revision and notify readers
 * (NOTIFY is delivered on commit only), record the revision in the tenant's history, and keep at least
 * one manager.
 */
import type { AuditActor } from "../audit/record-audit-event";
import { ConsolePermission } from "../auth/console-permissions";
import type { Tx } from "../db/transaction";
import { ConflictError, NotFoundError } from "../http/errors";

export const MAPPINGS_CHANNEL = "sts_mappings_changed";

export interface LockedTenant {
  id: string;
  slug: string;
  name: string;
  status: "ACTIVE" | "DISABLED";
  revision: number;
  version: number;
}

export async function lockTenantBySlug(tx: Tx, slug: string): Promise<LockedTenant> {
  const rows = await tx.$queryRaw<LockedTenant[]>`
    SELECT id::text AS id, slug, name, status::text AS status, revision, version
    FROM "Tenant" WHERE slug = ${slug} FOR UPDATE`;
  const tenant = rows[0];
  if (!tenant) throw new NotFoundError(`No organisation "${slug}".`);
  return tenant;
}

/** Locks several tenants in id order (a fixed order cannot deadlock). */
export async function lockTenantsById(tx: Tx, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.$executeRaw`
    SELECT 1 FROM "Tenant" WHERE id = ANY(${[...ids]}::uuid[]) ORDER BY id FOR UPDATE`;
}

/** Who made a revision and how (the audit action), kept in the tenant's history. */
export interface RevisionChange {
  actor: AuditActor;
  action: string;
}

/**
 * The one place a tenant's revision moves: +1, NOTIFY on commit, and a history row holding the
 * tenant's configuration as it is now (so every revision can be viewed, diffed and rolled back to).
 * Returns the new revision per tenant id.
 */
export async function bumpRevisions(
  tx: Tx,
  tenantIds: readonly string[],
  change: RevisionChange,
): Promise<Map<string, number>> {
  if (tenantIds.length === 0) return new Map();
  const rows = await tx.$queryRaw<{ id: string; revision: number }[]>`
    WITH bumped AS (
      UPDATE "Tenant" SET revision = revision + 1, "updatedAt" = now()
      WHERE id = ANY(${[...new Set(tenantIds)]}::uuid[])
      RETURNING id, slug, revision
    ), notified AS (
      SELECT pg_notify(${MAPPINGS_CHANNEL}, json_build_object('tenant', slug, 'revision', revision)::text)
      FROM bumped
    )
    SELECT id::text AS id, revision FROM bumped, (SELECT count(*) FROM notified) AS sent`;
  await recordRevisions(tx, tenantIds, change);
  return new Map(rows.map((row) => [row.id, row.revision]));
}

/** Writes the history row of each tenant's current revision (also used for revision 0 at creation). */
export async function recordRevisions(
  tx: Tx,
  tenantIds: readonly string[],
  change: RevisionChange,
): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO "TenantRevision" ("tenantId", revision, "actorSub", "actorName", "actorType", action, snapshot)
    SELECT t.id, t.revision, ${change.actor.sub}, ${change.actor.name}, ${change.actor.type}::"ActorType",
           ${change.action}, sts_tenant_config(t.id)
    FROM "Tenant" t WHERE t.id = ANY(${[...new Set(tenantIds)]}::uuid[])`;
}

/** Subjects with a live (unexpired) mapping granting STS_IAM_ROLE_EDIT in the tenant. */
export async function countManagers(tx: Tx, tenantId: string): Promise<number> {
  const rows = await tx.$queryRaw<{ managers: bigint }[]>`
    SELECT count(DISTINCT (m."subjectType", m.subject)) AS managers
    FROM "Mapping" m
    JOIN "RolePermission" rp ON rp."roleId" = m."roleId"
    WHERE m."tenantId" = ${tenantId}::uuid
      AND rp."permissionKey" = ${ConsolePermission.edit}
      AND (m."expiresAt" IS NULL OR m."expiresAt" > now())`;
  return Number(rows[0]?.managers ?? 0);
}

/** Refuses a change that takes the tenant from having managers to having none. */
export async function assertManagersRemain(
  tx: Tx,
  tenant: { id: string; slug: string },
  managersBefore: number,
): Promise<void> {
  if (managersBefore === 0) return;
  if ((await countManagers(tx, tenant.id)) > 0) return;
  throw new ConflictError(
    `This would leave organisation "${tenant.slug}" without a manager (a live mapping granting ${ConsolePermission.edit}). ` +
      "Map another IAM role to a role holding it first.",
  );
}
