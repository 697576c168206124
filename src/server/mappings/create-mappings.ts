import { actorOf, requireMayGrant, requireTenantPermission, type ConsoleContext } from "../auth/authorize";
import { ConsolePermission } from "../auth/console-permissions";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { Db } from "../db/client";
import { inTransaction } from "../db/transaction";
import { ConflictError, ValidationError } from "../http/errors";
import { parseInput } from "../shared/parse-input";
import { bumpRevisions, lockTenantBySlug } from "../tenants/tenant-changes";
import { mappingRowInclude, toMappingRow } from "./list-mappings";
import { createMappingsSchema, type MappingRow } from "./mapping.types";

/**
 * Desk's "New access": one IAM role name (or client id), then one or more roles in this organisation.
 * Needs STS_IAM_ROLE_CREATE; a tenant admin may only hand out roles whose permissions they hold.
 */
export async function createMappings(
  db: Db,
  context: ConsoleContext,
  slug: string,
  input: unknown,
): Promise<MappingRow[]> {
  const data = parseInput(createMappingsSchema, input, "mapping");
  const expiresAt = data.expiresAt ? new Date(data.expiresAt) : null;
  if (expiresAt && expiresAt <= new Date()) {
    throw new ValidationError("The expiry must be in the future.", { expiresAt: ["must be in the future"] });
  }
  return inTransaction(db, async (tx) => {
    const tenant = await lockTenantBySlug(tx, slug);
    requireTenantPermission(context, tenant, [ConsolePermission.create]);
    const roles = await tx.role.findMany({
      where: { id: { in: data.roleIds }, OR: [{ tenantId: tenant.id }, { tenantId: null }] },
      select: { id: true, key: true, permissions: { select: { permissionKey: true } } },
    });
    const missing = data.roleIds.filter((id) => !roles.some((role) => role.id === id));
    if (missing.length > 0) {
      throw new ValidationError(`Unknown role for organisation "${slug}": ${missing.join(", ")}.`, {
        roleIds: missing.map((id) => `no role ${id} in this organisation`),
      });
    }
    requireMayGrant(
      context,
      tenant,
      roles.flatMap((role) => role.permissions.map((permission) => permission.permissionKey)),
    );
    const existing = await tx.mapping.findMany({
      where: {
        tenantId: tenant.id,
        subjectType: data.subjectType,
        subject: data.subject,
        roleId: { in: data.roleIds },
      },
      select: { role: { select: { key: true } } },
    });
    if (existing.length > 0) {
      throw new ConflictError(
        `"${data.subject}" is already mapped to ${existing.map((mapping) => mapping.role.key).join(", ")} in "${slug}".`,
      );
    }
    const created = [];
    for (const role of roles) {
      created.push(
        await tx.mapping.create({
          data: {
            tenantId: tenant.id,
            subjectType: data.subjectType,
            subject: data.subject,
            roleId: role.id,
            expiresAt,
            note: data.note,
            createdBy: context.identity.name,
          },
          include: mappingRowInclude,
        }),
      );
    }
    await bumpRevisions(tx, [tenant.id], { actor: actorOf(context), action: "mapping.create" });
    await recordAuditEvent(tx, {
      actor: actorOf(context),
      tenantId: tenant.id,
      action: "mapping.create",
      targetType: "mapping",
      targetId: `${data.subjectType}:${data.subject}`,
      after: {
        subjectType: data.subjectType,
        subject: data.subject,
        roles: roles.map((role) => role.key).sort(),
        expiresAt: expiresAt?.toISOString() ?? null,
        note: data.note,
      },
      request: context.request,
    });
    return created.map((mapping) => toMappingRow(mapping));
  });
}
