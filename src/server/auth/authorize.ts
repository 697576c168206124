/**
 * The authorisation rules, as pure functions over a ConsoleContext. Every page, route handler and
 * domain function decides through these; guard order: signed in → may see this tenant → may do this.
 */
import type { AuditRequestContext } from "../audit/record-audit-event";
import { ForbiddenError, NotFoundError } from "../http/errors";
import { READ_PERMISSIONS, grantsConsoleVisibility } from "./console-permissions";
import type { IamIdentity } from "./identity";
import type { TenantPermissions } from "./tenant-permissions";

export interface ConsoleContext {
  identity: IamIdentity;
  isBootstrapAdmin: boolean;
  /** tenantId → permissions held there through live mappings. */
  tenantPermissions: TenantPermissions;
  request: AuditRequestContext;
  /** USER for people; SYSTEM for the console's own jobs (seeding, imports). */
  actorType?: "USER" | "SYSTEM";
}

/** The console opens for the bootstrap admin and for anyone holding an STS_IAM_ROLE_* permission somewhere. */
export function canUseConsole(context: ConsoleContext): boolean {
  if (context.isBootstrapAdmin) return true;
  for (const permissions of context.tenantPermissions.values()) {
    for (const permission of permissions) if (grantsConsoleVisibility(permission)) return true;
  }
  return false;
}

export function requireBootstrapAdmin(context: ConsoleContext, action = "do this"): void {
  if (!context.isBootstrapAdmin) throw new ForbiddenError(`Only the bootstrap administrator may ${action}.`);
}

/** Whether the user may see the tenant at all (any STS_IAM_ROLE_* permission there, or bootstrap). */
export function canSeeTenant(context: ConsoleContext, tenantId: string): boolean {
  if (context.isBootstrapAdmin) return true;
  const permissions = context.tenantPermissions.get(tenantId);
  if (!permissions) return false;
  for (const permission of permissions) if (grantsConsoleVisibility(permission)) return true;
  return false;
}

/** Whether the user may read the tenant's roles, mappings, matrix and explorer (LIST or DETAIL there). */
export function canReadTenant(context: ConsoleContext, tenantId: string): boolean {
  return READ_PERMISSIONS.some((permission) => holdsTenantPermission(context, tenantId, permission));
}

export function holdsTenantPermission(
  context: ConsoleContext,
  tenantId: string,
  permission: string,
): boolean {
  return context.isBootstrapAdmin || (context.tenantPermissions.get(tenantId)?.has(permission) ?? false);
}

/**
 * Requires one of `anyOf` in the tenant. A tenant the user cannot see at all is reported as not found,
 * so tenant names do not leak; a visible tenant without the permission is a 403 naming it.
 */
export function requireTenantPermission(
  context: ConsoleContext,
  tenant: { id: string; slug: string },
  anyOf: readonly string[],
): void {
  if (!canSeeTenant(context, tenant.id)) throw new NotFoundError(`No organisation "${tenant.slug}".`);
  if (anyOf.some((permission) => holdsTenantPermission(context, tenant.id, permission))) return;
  throw new ForbiddenError(
    `This needs ${anyOf.join(" or ")} in organisation "${tenant.slug}".`,
    anyOf.join(" | "),
  );
}

/** Nobody grants what they do not hold: a tenant admin may hand out only permissions they have there. */
export function requireMayGrant(
  context: ConsoleContext,
  tenant: { id: string; slug: string },
  permissions: Iterable<string>,
): void {
  if (context.isBootstrapAdmin) return;
  const held = context.tenantPermissions.get(tenant.id) ?? new Set<string>();
  const missing = [...new Set(permissions)].filter((permission) => !held.has(permission)).sort();
  if (missing.length > 0) {
    throw new ForbiddenError(
      `You cannot grant permissions you do not hold in "${tenant.slug}": ${missing.join(", ")}.`,
      missing.join(", "),
    );
  }
}

export function actorOf(context: ConsoleContext) {
  return { sub: context.identity.sub, name: context.identity.name, type: context.actorType ?? "USER" };
}

/**
 * Whose audit entries and activity the user may read across the console: everything for the bootstrap
 * admin (including entries without a tenant: sign-ins, keys, catalog), otherwise the tenants where
 * they hold STS_IAM_ROLE_LIST or _DETAIL.
 */
export type AuditReadScope = { all: true } | { all: false; tenantIds: string[] };

export function auditReadScope(context: ConsoleContext): AuditReadScope {
  if (context.isBootstrapAdmin) return { all: true };
  const tenantIds: string[] = [];
  for (const [tenantId, permissions] of context.tenantPermissions) {
    if (READ_PERMISSIONS.some((permission) => permissions.has(permission))) tenantIds.push(tenantId);
  }
  return { all: false, tenantIds: tenantIds.sort() };
}

/** Verifying the whole chain reads every entry, including those of other tenants: the bootstrap admin's. */
export function requireMayVerifyAuditChain(context: ConsoleContext): void {
  requireBootstrapAdmin(context, "verify the integrity of the whole audit log");
}
