import {
  actorOf,
  requireBootstrapAdmin,
  requireMayGrant,
  requireTenantPermission,
  type ConsoleContext,
} from "../auth/authorize";
import { ConsolePermission } from "../auth/console-permissions";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { Db } from "../db/client";
import { inTransaction, type Tx } from "../db/transaction";
import { ConflictError } from "../http/errors";
import { assertGrantablePermissions } from "../permissions/assert-grantable";
import { parseInput } from "../shared/parse-input";
import { lockTenantBySlug } from "../tenants/tenant-changes";
import { roleSummaryInclude, summariseRole } from "./list-roles";
import { createRoleSchema, type RoleSummary } from "./role.types";

async function insertRole(
  tx: Tx,
  context: ConsoleContext,
  tenant: { id: string; slug: string } | null,
  input: ReturnType<typeof createRoleSchema.parse>,
): Promise<RoleSummary> {
  await assertGrantablePermissions(tx, input.permissions);
  const clash = await tx.role.findFirst({
    where: { tenantId: tenant?.id ?? null, key: input.key },
    select: { id: true },
  });
  if (clash) {
    throw new ConflictError(
      tenant
        ? `Organisation "${tenant.slug}" already has a role "${input.key}".`
        : `A global role "${input.key}" already exists.`,
    );
  }
  const role = await tx.role.create({
    data: {
      tenantId: tenant?.id ?? null,
      key: input.key,
      name: input.name,
      description: input.description,
      createdBy: context.identity.name,
      permissions: { create: input.permissions.map((permissionKey) => ({ permissionKey })) },
    },
    include: roleSummaryInclude,
  });
  const summary = summariseRole(role);
  await recordAuditEvent(tx, {
    actor: actorOf(context),
    tenantId: tenant?.id ?? null,
    action: "role.create",
    targetType: "role",
    targetId: role.key,
    after: {
      scope: summary.scope,
      key: role.key,
      name: role.name,
      description: role.description,
      permissions: summary.permissions,
    },
    request: context.request,
  });
  return summary;
}

/** A role of one tenant: needs STS_IAM_ROLE_CREATE there, and only permissions the creator holds. */
export async function createTenantRole(
  db: Db,
  context: ConsoleContext,
  slug: string,
  input: unknown,
): Promise<RoleSummary> {
  const data = parseInput(createRoleSchema, input, "role");
  return inTransaction(db, async (tx) => {
    const tenant = await lockTenantBySlug(tx, slug);
    requireTenantPermission(context, tenant, [ConsolePermission.create]);
    requireMayGrant(context, tenant, data.permissions);
    return insertRole(tx, context, tenant, data);
  });
}

/** A global template usable in every tenant: bootstrap administrator only. */
export async function createGlobalRole(
  db: Db,
  context: ConsoleContext,
  input: unknown,
): Promise<RoleSummary> {
  requireBootstrapAdmin(context, "create global role templates");
  const data = parseInput(createRoleSchema, input, "role");
  return inTransaction(db, (tx) => insertRole(tx, context, null, data));
}
