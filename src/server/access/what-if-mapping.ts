/**
 * "What would change if I added or removed this mapping?" The tenant's index is rebuilt from its rows
 * with the change applied in memory and resolved with the same code as every token exchange; nothing
 * is written.
 */
import type { ConsoleContext } from "../auth/authorize";
import type { Db } from "../db/client";
import { NotFoundError } from "../http/errors";
import { parseInput } from "../shared/parse-input";
import { resolveAccess, type Access } from "../sts/resolve-permissions";
import {
  buildTenantIndex,
  type SubjectType,
  type TenantIndex,
  type TenantIndexSource,
} from "../sts/tenant-index";
import { whatIfRequestSchema, type AccessDiff, type WhatIfAnswer } from "./access.types";
import { loadReadableTenantSource, type RoleInfo } from "./explain-subjects";

function diff(before: Access, after: Access): AccessDiff {
  const minus = (a: string[], b: string[]) => {
    const other = new Set(b);
    return a.filter((item) => !other.has(item));
  };
  return {
    before: { roles: before.roles, permissions: before.permissions },
    after: { roles: after.roles, permissions: after.permissions },
    rolesGained: minus(after.roles, before.roles),
    rolesLost: minus(before.roles, after.roles),
    permissionsGained: minus(after.permissions, before.permissions),
    permissionsLost: minus(before.permissions, after.permissions),
  };
}

function compare(
  before: TenantIndex,
  after: TenantIndex,
  subjectType: SubjectType,
  subjects: string[],
  now: number,
): AccessDiff {
  return diff(
    resolveAccess(before, subjectType, subjects, now),
    resolveAccess(after, subjectType, subjects, now),
  );
}

export async function whatIfMapping(
  db: Db,
  context: ConsoleContext,
  slug: string,
  body: unknown,
  now = Date.now(),
): Promise<WhatIfAnswer> {
  const source = await loadReadableTenantSource(db, context, slug);
  const { change, groups } = parseInput(whatIfRequestSchema, body, "what-if request");
  let changed: TenantIndexSource;
  let subjectType: SubjectType;
  let subject: string;
  let roleId: string;
  let note: string | null = null;
  let noop = false;

  if (change.op === "add") {
    // The role must be usable here: the tenant's own or a global template.
    const role = await db.role.findFirst({
      where: { id: change.roleId, OR: [{ tenantId: source.tenant.id }, { tenantId: null }] },
      select: { id: true, key: true, permissions: { select: { permissionKey: true } } },
    });
    if (!role) throw new NotFoundError(`No role ${change.roleId} in organisation "${slug}".`);
    subjectType = change.subjectType;
    subject = change.subject;
    roleId = role.id;
    const existing = source.mappings.find(
      (mapping) =>
        mapping.subjectType === subjectType && mapping.subject === subject && mapping.role.id === role.id,
    );
    if (existing && (existing.expiresAt === null || existing.expiresAt.getTime() > now)) {
      noop = true;
      note = "This mapping exists already.";
      changed = source;
    } else {
      // Adding over an expired mapping would replace it: the new one never expires.
      changed = {
        ...source,
        mappings: [
          ...source.mappings.filter((mapping) => mapping !== existing),
          { id: "what-if", subject, subjectType, expiresAt: null, role },
        ],
      };
    }
  } else {
    const mapping = source.mappings.find((item) => item.id === change.mappingId);
    if (!mapping) throw new NotFoundError(`No mapping ${change.mappingId} in organisation "${slug}".`);
    subjectType = mapping.subjectType;
    subject = mapping.subject;
    roleId = mapping.role.id;
    if (mapping.expiresAt !== null && mapping.expiresAt.getTime() <= now) {
      note = "This mapping has expired: removing it changes nothing.";
    }
    changed = { ...source, mappings: source.mappings.filter((item) => item !== mapping) };
  }

  const before = buildTenantIndex(source);
  const after = changed === source ? before : buildTenantIndex(changed);
  const roleRow = await db.role.findUniqueOrThrow({
    where: { id: roleId },
    select: { id: true, key: true, name: true, tenantId: true },
  });
  const role: RoleInfo = {
    id: roleRow.id,
    key: roleRow.key,
    name: roleRow.name,
    scope: roleRow.tenantId ? "tenant" : "global",
  };
  const subjectDiff = compare(before, after, subjectType, [subject], now);
  if (source.tenant.status !== "ACTIVE")
    note = "The organisation is disabled: no mapping grants anything until it is enabled.";
  if (!noop && subjectDiff.permissionsGained.length + subjectDiff.permissionsLost.length === 0) {
    noop = subjectDiff.rolesGained.length + subjectDiff.rolesLost.length === 0;
    note ??=
      change.op === "add"
        ? `"${subject}" holds every permission of ${role.name} already; only the role list changes.`
        : `"${subject}" keeps every permission through its other roles; only the role list changes.`;
  }
  return {
    change: { op: change.op, subjectType, subject, role, noop, note },
    subject: subjectDiff,
    groups: groups ? compare(before, after, "GROUP", [...new Set(groups)], now) : null,
  };
}
