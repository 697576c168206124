import { actorOf, type ConsoleContext } from "../auth/authorize";
import { ConsolePermission } from "../auth/console-permissions";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { Db } from "../db/client";
import { inTransaction } from "../db/transaction";
import { ConflictError } from "../http/errors";
import { parseInput } from "../shared/parse-input";
import { assertManagersRemain, bumpRevisions } from "../tenants/tenant-changes";
import { roleSummaryInclude, summariseRole } from "./list-roles";
import { loadRoleForChange } from "./role-changes";
import { deleteRoleSchema } from "./role.types";

/** Deletes a role and the mappings that use it (the UI shows them and asks first). */
export async function deleteRole(
  db: Db,
  context: ConsoleContext,
  roleId: string,
  tenantSlug: string | null,
  input: unknown,
): Promise<{ deleted: string; removedMappings: number }> {
  const data = parseInput(deleteRoleSchema, input, "role deletion");
  return inTransaction(db, async (tx) => {
    const { role, tenant, affected } = await loadRoleForChange(
      tx,
      context,
      roleId,
      tenantSlug,
      ConsolePermission.delete,
    );
    if (role.version !== data.version) {
      throw new ConflictError(
        `Role "${role.key}" was changed since you loaded it. Review it before deleting.`,
        undefined,
        "stale_version",
      );
    }
    const before = await tx.role.findUniqueOrThrow({ where: { id: role.id }, include: roleSummaryInclude });
    const mappings = await tx.mapping.findMany({
      where: { roleId: role.id },
      select: { subjectType: true, subject: true, tenant: { select: { slug: true } } },
    });
    await tx.role.delete({ where: { id: role.id } });
    for (const item of affected) await assertManagersRemain(tx, item, item.managersBefore);
    await bumpRevisions(
      tx,
      affected.map((item) => item.id),
      { actor: actorOf(context), action: "role.delete" },
    );
    await recordAuditEvent(tx, {
      actor: actorOf(context),
      tenantId: tenant?.id ?? null,
      action: "role.delete",
      targetType: "role",
      targetId: role.key,
      before: {
        ...summariseRole(before),
        mappings: mappings.map((mapping) => ({
          tenant: mapping.tenant.slug,
          subjectType: mapping.subjectType,
          subject: mapping.subject,
        })),
      },
      request: context.request,
    });
    return { deleted: role.key, removedMappings: mappings.length };
  });
}
