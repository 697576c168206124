import { actorOf, requireMayGrant, type ConsoleContext } from "../auth/authorize";
import { ConsolePermission } from "../auth/console-permissions";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { Db } from "../db/client";
import { inTransaction } from "../db/transaction";
import { ConflictError } from "../http/errors";
import { assertGrantablePermissions } from "../permissions/assert-grantable";
import { parseInput } from "../shared/parse-input";
import { assertManagersRemain, bumpRevisions } from "../tenants/tenant-changes";
import { roleSummaryInclude, summariseRole } from "./list-roles";
import { loadRoleForChange } from "./role-changes";
import { updateRoleSchema, type RoleSummary } from "./role.types";

/**
 * Changes a role's name, description or permissions. Optimistic concurrency: a stale version gets 409
 * with the current role. Permission changes bump the revision of every tenant that maps the role.
 */
export async function updateRole(
  db: Db,
  context: ConsoleContext,
  roleId: string,
  tenantSlug: string | null,
  input: unknown,
): Promise<RoleSummary> {
  const data = parseInput(updateRoleSchema, input, "role change");
  return inTransaction(db, async (tx) => {
    const { role, tenant, affected } = await loadRoleForChange(
      tx,
      context,
      roleId,
      tenantSlug,
      ConsolePermission.edit,
    );
    const before = await tx.role.findUniqueOrThrow({ where: { id: role.id }, include: roleSummaryInclude });
    const beforeSummary = summariseRole(before);
    if (role.version !== data.version) {
      throw new ConflictError(
        `Role "${role.key}" was changed by someone else since you loaded it (now version ${role.version}). Reload, review and apply your change again.`,
        beforeSummary,
      );
    }
    const permissionsChanged =
      data.permissions !== undefined &&
      [...data.permissions].sort().join() !== beforeSummary.permissions.join();
    if (data.permissions && permissionsChanged) {
      const added = data.permissions.filter((key) => !beforeSummary.permissions.includes(key));
      if (tenant) requireMayGrant(context, tenant, added);
      await assertGrantablePermissions(tx, data.permissions, beforeSummary.permissions);
      await tx.rolePermission.deleteMany({ where: { roleId: role.id } });
      await tx.rolePermission.createMany({
        data: data.permissions.map((permissionKey) => ({ roleId: role.id, permissionKey })),
      });
    }
    const updated = await tx.role.update({
      where: { id: role.id },
      data: { name: data.name, description: data.description, version: { increment: 1 } },
      include: roleSummaryInclude,
    });
    if (permissionsChanged) {
      for (const item of affected) await assertManagersRemain(tx, item, item.managersBefore);
      await bumpRevisions(
        tx,
        affected.map((item) => item.id),
        { actor: actorOf(context), action: "role.update" },
      );
    }
    const summary = summariseRole(updated);
    await recordAuditEvent(tx, {
      actor: actorOf(context),
      tenantId: tenant?.id ?? null,
      action: "role.update",
      targetType: "role",
      targetId: role.key,
      before: {
        name: beforeSummary.name,
        description: beforeSummary.description,
        permissions: beforeSummary.permissions,
      },
      after: {
        name: summary.name,
        description: summary.description,
        permissions: summary.permissions,
        ...(tenant ? {} : { affectedTenants: affected.map((item) => item.slug) }),
      },
      request: context.request,
    });
    return summary;
  });
}
