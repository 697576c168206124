import {
  mappingKey,
  roleRef,
  type ConfigMapping,
  type ConfigRole,
  type ConfigTenant,
} from "./config-document.types";
import type { MappingChange, RoleChange, TenantDiff } from "./config-plan.types";

/** What turns `from` into `to` (a tenant that does not exist yet is an empty one). Pure. */
export function diffTenantConfig(from: ConfigTenant | null, to: ConfigTenant): TenantDiff {
  const diff: TenantDiff = {
    tenant: {},
    roles: { added: [], removed: [], changed: [] },
    mappings: { added: [], removed: [], changed: [] },
  };
  if (from && from.name !== to.name) diff.tenant.name = { from: from.name, to: to.name };
  if (from && from.status !== to.status) diff.tenant.status = { from: from.status, to: to.status };

  const fromRoles = new Map((from?.roles ?? []).map((role) => [roleRef(role), role]));
  const toRoles = new Map(to.roles.map((role) => [roleRef(role), role]));
  for (const [ref, role] of toRoles) {
    const before = fromRoles.get(ref);
    if (!before) diff.roles.added.push(role);
    else {
      const change = diffRole(before, role);
      if (change) diff.roles.changed.push(change);
    }
  }
  for (const [ref, role] of fromRoles) if (!toRoles.has(ref)) diff.roles.removed.push(role);

  const fromMappings = new Map((from?.mappings ?? []).map((mapping) => [mappingKey(mapping), mapping]));
  const toKeys = new Set<string>();
  for (const mapping of to.mappings) {
    const key = mappingKey(mapping);
    toKeys.add(key);
    const before = fromMappings.get(key);
    if (!before) diff.mappings.added.push(mapping);
    else {
      const change = diffMapping(before, mapping);
      if (change) diff.mappings.changed.push(change);
    }
  }
  for (const [key, mapping] of fromMappings) if (!toKeys.has(key)) diff.mappings.removed.push(mapping);
  return diff;
}

export function roleDiffers(a: ConfigRole, b: ConfigRole): boolean {
  return diffRole(a, b) !== null;
}

function diffRole(from: ConfigRole, to: ConfigRole): RoleChange | null {
  const before = new Set(from.permissions);
  const after = new Set(to.permissions);
  const change: RoleChange = {
    key: to.key,
    scope: to.scope,
    permissionsAdded: to.permissions.filter((key) => !before.has(key)),
    permissionsRemoved: from.permissions.filter((key) => !after.has(key)),
  };
  if (from.name !== to.name) change.name = { from: from.name, to: to.name };
  if ((from.description ?? "") !== (to.description ?? ""))
    change.description = { from: from.description ?? "", to: to.description ?? "" };
  const changed =
    change.name || change.description || change.permissionsAdded.length || change.permissionsRemoved.length;
  return changed ? change : null;
}

function diffMapping(from: ConfigMapping, to: ConfigMapping): MappingChange | null {
  const change: MappingChange = {
    subjectType: to.subjectType,
    subject: to.subject,
    role: to.role,
    scope: to.scope,
  };
  const fromExpiry = from.expiresAt ? new Date(from.expiresAt).toISOString() : null;
  const toExpiry = to.expiresAt ? new Date(to.expiresAt).toISOString() : null;
  if (fromExpiry !== toExpiry) change.expiresAt = { from: fromExpiry, to: toExpiry };
  if ((from.note ?? "") !== (to.note ?? "")) change.note = { from: from.note ?? "", to: to.note ?? "" };
  return change.expiresAt || change.note ? change : null;
}

export function countDiff(diff: TenantDiff): { added: number; removed: number; changed: number } {
  return {
    added: diff.roles.added.length + diff.mappings.added.length,
    removed: diff.roles.removed.length + diff.mappings.removed.length,
    changed:
      diff.roles.changed.length +
      diff.mappings.changed.length +
      (diff.tenant.name ? 1 : 0) +
      (diff.tenant.status ? 1 : 0),
  };
}
