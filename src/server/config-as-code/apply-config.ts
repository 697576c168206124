/**
 * Applies a config document: one transaction for the whole run, one revision and one audit record per
 * tenant that changes. The plan is recomputed on the locked tenants; a tenant whose revision moved since
 * the reviewed plan is refused (409 stale_version), and so is any plan with errors. Cancelling (the
 * signal) before the commit rolls everything back.
 */
import { z } from "zod";
import { actorOf, type ConsoleContext } from "../auth/authorize";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { Db } from "../db/client";
import { inTransaction, type Tx } from "../db/transaction";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../http/errors";
import { bumpRevisions, lockTenantsById } from "../tenants/tenant-changes";
import { tenantSlugSchema } from "../tenants/tenant.types";
import { throwIfCancelled } from "./cancellation";
import { mappedRoleRef, roleRef, type ConfigDocument, type ConfigMapping } from "./config-document.types";
import type { ConfigPlan, ProgressListener, TenantPlan } from "./config-plan.types";
import { countDiff } from "./diff-tenant-config";
import { planConfig } from "./plan-config";

/** The revisions a reviewed plan was computed against, by slug (null: the tenant did not exist). */
export const baseRevisionsSchema = z.record(tenantSlugSchema, z.number().int().min(0).nullable(), {
  error: "baseRevisions must map each organisation slug to the revision the plan was based on",
});
export type BaseRevisions = z.output<typeof baseRevisionsSchema>;
export const baseDigestsSchema = z.record(
  tenantSlugSchema,
  z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable(),
  {
    error: "baseDigests must map each organisation slug to the baseDigest of its plan",
  },
);
export type BaseDigests = z.output<typeof baseDigestsSchema>;

export interface ApplyOptions {
  baseRevisions: BaseRevisions;
  baseDigests: BaseDigests;
  action: "config.import" | "config.rollback";
  onlyTenant?: string;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
  /** Extra audit detail (a rollback names the revision it restores). */
  auditDetail?: Record<string, unknown>;
}

export interface ApplyResult {
  tenants: { slug: string; action: TenantPlan["action"]; revision: number | null }[];
  plan: ConfigPlan;
}

const CHUNK = 1000;

export async function applyConfig(
  db: Db,
  context: ConsoleContext,
  document: ConfigDocument,
  options: ApplyOptions,
): Promise<ApplyResult> {
  return inTransaction(db, async (tx) => {
    const existing = await tx.tenant.findMany({
      where: { OR: document.tenants.flatMap((tenant) => [{ id: tenant.id }, { slug: tenant.slug }]) },
      select: { id: true },
    });
    await lockTenantsById(
      tx,
      existing.map((tenant) => tenant.id),
    );
    const plan = await planConfig(tx, context, document, {
      onlyTenant: options.onlyTenant,
      signal: options.signal,
    });
    assertPlanStillHolds(plan, options.baseRevisions, options.baseDigests);
    assertNoErrors(plan);

    const total = plan.tenants.reduce((sum, tenant) => {
      const counts = countDiff(tenant);
      return sum + counts.added + counts.removed + counts.changed;
    }, 0);
    let done = 0;
    const advance = (count: number, tenant: string) => {
      done += count;
      throwIfCancelled(options.signal);
      options.onProgress?.({ phase: "apply", done, total, tenant });
    };
    advance(0, "");

    const results: ApplyResult["tenants"] = [];
    for (const tenantPlan of plan.tenants) {
      if (tenantPlan.action === "unchanged") {
        results.push({ slug: tenantPlan.slug, action: "unchanged", revision: tenantPlan.baseRevision });
        continue;
      }
      const target = document.tenants.find((tenant) => tenant.slug === tenantPlan.slug);
      if (!target) continue;
      await writeTenant(tx, context, tenantPlan, target.status, (count) => advance(count, tenantPlan.slug));
      const revisions = await bumpRevisions(tx, [tenantPlan.id], {
        actor: actorOf(context),
        action: options.action,
      });
      const revision = revisions.get(tenantPlan.id) ?? null;
      await recordAuditEvent(tx, {
        actor: actorOf(context),
        tenantId: tenantPlan.id,
        action: options.action,
        targetType: "tenant",
        targetId: tenantPlan.slug,
        before: { revision: tenantPlan.baseRevision },
        after: {
          revision,
          created: tenantPlan.action === "create",
          ...countDiff(tenantPlan),
          ...options.auditDetail,
        },
        request: context.request,
      });
      results.push({ slug: tenantPlan.slug, action: tenantPlan.action, revision });
    }
    throwIfCancelled(options.signal);
    options.onProgress?.({ phase: "commit", done: total, total });
    return { tenants: results, plan };
  });
}

function assertPlanStillHolds(
  plan: ConfigPlan,
  baseRevisions: BaseRevisions,
  baseDigests: BaseDigests,
): void {
  for (const tenant of plan.tenants) {
    if (!(tenant.slug in baseRevisions)) {
      throw new ValidationError(
        `baseRevisions: missing the revision the plan for "${tenant.slug}" was based on.`,
        {
          baseRevisions: [`missing ${tenant.slug}`],
        },
      );
    }
    const base = baseRevisions[tenant.slug] ?? null;
    if (base !== tenant.baseRevision) {
      throw new ConflictError(
        `Organisation "${tenant.slug}" changed since the plan was made (revision ${base ?? "none"} → ${tenant.baseRevision ?? "none"}). Make a new plan and review it.`,
        { slug: tenant.slug, revision: tenant.baseRevision },
      );
    }
    if ((baseDigests[tenant.slug] ?? null) !== tenant.baseDigest) {
      throw new ConflictError(
        `Organisation "${tenant.slug}" was edited since the plan was made (a name or note changed). Make a new plan and review it.`,
        { slug: tenant.slug, revision: tenant.baseRevision },
      );
    }
  }
}

function assertNoErrors(plan: ConfigPlan): void {
  const errors = plan.tenants.flatMap((tenant) =>
    tenant.problems.filter((problem) => problem.severity === "error"),
  );
  const first = errors[0];
  if (!first) return;
  const message = `${first.path ? `${first.path}: ` : ""}${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more problems)` : ""}`;
  if (first.code === "forbidden" || first.code === "grant_not_held" || first.code === "unknown_global_role")
    throw new ForbiddenError(message);
  if (first.code === "not_found") throw new NotFoundError(message);
  if (first.code === "unknown_permission" || first.code === "deprecated_permission")
    throw new ValidationError(message, { [first.path ?? "file"]: [first.message] });
  throw new ConflictError(message);
}

async function writeTenant(
  tx: Tx,
  context: ConsoleContext,
  plan: TenantPlan,
  status: "ACTIVE" | "DISABLED",
  advance: (count: number) => void,
): Promise<void> {
  const tenantId = plan.id;
  if (plan.action === "create") {
    await tx.tenant.create({ data: { id: tenantId, slug: plan.slug, name: plan.name, status } });
  } else if (plan.tenant.name || plan.tenant.status) {
    await tx.tenant.update({
      where: { id: tenantId },
      data: { name: plan.tenant.name?.to, status: plan.tenant.status?.to, version: { increment: 1 } },
    });
    advance((plan.tenant.name ? 1 : 0) + (plan.tenant.status ? 1 : 0));
  }

  // Roles first (mappings point at them), removals last.
  if (plan.roles.added.length > 0) {
    const added = plan.roles.added;
    const created = await tx.$queryRaw<{ id: string; key: string; global: boolean }[]>`
      INSERT INTO "Role" (id, "tenantId", key, name, description, "createdBy")
      SELECT gen_random_uuid(), CASE WHEN role.scope = 'tenant' THEN ${tenantId}::uuid END,
             role.key, role.name, role.description, ${context.identity.name}
      FROM unnest(${added.map((role) => role.scope)}::text[], ${added.map((role) => role.key)}::text[],
                  ${added.map((role) => role.name)}::text[], ${added.map((role) => role.description ?? "")}::text[])
        AS role(scope, key, name, description)
      RETURNING id::text AS id, key, "tenantId" IS NULL AS global`;
    const createdId = new Map(
      created.map((role) => [roleRef({ key: role.key, scope: role.global ? "global" : "tenant" }), role.id]),
    );
    const grants = added.flatMap((role) =>
      role.permissions.map((permissionKey) => ({
        roleId: createdId.get(roleRef(role)) ?? "",
        permissionKey,
      })),
    );
    await tx.$executeRaw`
      INSERT INTO "RolePermission" ("roleId", "permissionKey")
      SELECT * FROM unnest(${grants.map((grant) => grant.roleId)}::uuid[], ${grants.map((grant) => grant.permissionKey)}::text[])`;
  }
  advance(plan.roles.added.length);
  for (const change of plan.roles.changed) {
    const role = await tx.role.update({
      where: { tenantId_key: { tenantId, key: change.key } },
      data: { name: change.name?.to, description: change.description?.to, version: { increment: 1 } },
      select: { id: true },
    });
    if (change.permissionsRemoved.length > 0) {
      await tx.rolePermission.deleteMany({
        where: { roleId: role.id, permissionKey: { in: change.permissionsRemoved } },
      });
    }
    if (change.permissionsAdded.length > 0) {
      await tx.rolePermission.createMany({
        data: change.permissionsAdded.map((permissionKey) => ({ roleId: role.id, permissionKey })),
      });
    }
  }
  advance(plan.roles.changed.length);

  const roles = await tx.role.findMany({
    where: { OR: [{ tenantId }, { tenantId: null }] },
    select: { id: true, key: true, tenantId: true },
  });
  const roleIds = new Map(
    roles.map((role) => [roleRef({ key: role.key, scope: role.tenantId ? "tenant" : "global" }), role.id]),
  );
  const roleIdOf = (mapping: Pick<ConfigMapping, "scope" | "role">) => {
    const id = roleIds.get(mappedRoleRef(mapping));
    if (!id) throw new ValidationError(`Role ${mapping.role} (${mapping.scope}) does not exist.`);
    return id;
  };

  for (const chunk of chunks(plan.mappings.removed)) {
    await tx.$executeRaw`
      DELETE FROM "Mapping" m
      USING unnest(${chunk.map((mapping) => mapping.subjectType)}::text[],
                   ${chunk.map((mapping) => mapping.subject)}::text[],
                   ${chunk.map(roleIdOf)}::uuid[]) AS gone(subject_type, subject, role_id)
      WHERE m."tenantId" = ${tenantId}::uuid AND m."subjectType"::text = gone.subject_type
        AND m.subject = gone.subject AND m."roleId" = gone.role_id`;
    advance(chunk.length);
  }
  for (const chunk of chunks(plan.mappings.changed)) {
    await tx.$executeRaw`
      UPDATE "Mapping" m
      SET note = COALESCE(changed.note, m.note),
          "expiresAt" = CASE WHEN changed.expiry = 'set' THEN changed.expires_at ELSE m."expiresAt" END, version = m.version + 1, "updatedAt" = now()
      FROM unnest(${chunk.map((change) => change.subjectType)}::text[],
                  ${chunk.map((change) => change.subject)}::text[],
                  ${chunk.map(roleIdOf)}::uuid[],
                  ${chunk.map((change) => change.note?.to ?? null)}::text[],
                  ${chunk.map((change) => (change.expiresAt ? change.expiresAt.to : undefined) ?? null)}::timestamptz[],
                  ${chunk.map((change) => (change.expiresAt ? "set" : "keep"))}::text[])
        AS changed(subject_type, subject, role_id, note, expires_at, expiry)
      WHERE m."tenantId" = ${tenantId}::uuid AND m."subjectType"::text = changed.subject_type
        AND m.subject = changed.subject AND m."roleId" = changed.role_id`;
    advance(chunk.length);
  }
  for (const chunk of chunks(plan.mappings.added)) {
    await tx.$executeRaw`
      INSERT INTO "Mapping" (id, "tenantId", "subjectType", subject, "roleId", "expiresAt", note, "createdBy")
      SELECT gen_random_uuid(), ${tenantId}::uuid, added.subject_type::"SubjectType", added.subject,
             added.role_id, added.expires_at, added.note, ${context.identity.name}
      FROM unnest(${chunk.map((mapping) => mapping.subjectType)}::text[],
                  ${chunk.map((mapping) => mapping.subject)}::text[],
                  ${chunk.map(roleIdOf)}::uuid[],
                  ${chunk.map((mapping) => mapping.expiresAt ?? null)}::timestamptz[],
                  ${chunk.map((mapping) => mapping.note ?? "")}::text[])
        AS added(subject_type, subject, role_id, expires_at, note)`;
    advance(chunk.length);
  }
  if (plan.roles.removed.length > 0) {
    await tx.role.deleteMany({
      where: { tenantId, key: { in: plan.roles.removed.map((role) => role.key) } },
    });
    advance(plan.roles.removed.length);
  }
}

function* chunks<T>(items: readonly T[]): Generator<T[]> {
  for (let start = 0; start < items.length; start += CHUNK) yield items.slice(start, start + CHUNK);
}
