import { createHash } from "node:crypto";
/**
 * The plan of a config file: per tenant, exactly what would be added, removed and changed, with the
 * problems that block it (errors) or deserve a look (warnings). Read-only; apply-config.ts recomputes
 * the same plan inside its transaction, on locked tenants, before writing anything.
 */
import { canSeeTenant, holdsTenantPermission, type ConsoleContext } from "../auth/authorize";
import { ConsolePermission } from "../auth/console-permissions";
import type { Db } from "../db/client";
import type { Tx } from "../db/transaction";
import { NotFoundError, ValidationError } from "../http/errors";
import { countManagers } from "../tenants/tenant-changes";
import { describeDifference, foldSubject } from "../mappings/subject-hints";
import {
  mappedRoleRef,
  roleRef,
  type ConfigDocument,
  type ConfigRole,
  type ConfigTenant,
} from "./config-document.types";
import type { ConfigPlan, PlanProblem, ProgressListener, TenantPlan } from "./config-plan.types";
import { countDiff, diffTenantConfig, roleDiffers } from "./diff-tenant-config";
import { loadTenantConfigs } from "./load-tenant-config";
import { throwIfCancelled } from "./cancellation";

export function configDigest(tenant: ConfigTenant): string {
  return createHash("sha256").update(JSON.stringify(tenant)).digest("hex");
}

export interface PlanOptions {
  /** Only this tenant may appear in the file (imports from a tenant's own page). */
  onlyTenant?: string;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

const SHOWN_NAMES = 10;

export async function planConfig(
  db: Db | Tx,
  context: ConsoleContext,
  document: ConfigDocument,
  options: PlanOptions = {},
): Promise<ConfigPlan> {
  if (options.onlyTenant !== undefined) {
    const index = document.tenants.findIndex((tenant) => tenant.slug !== options.onlyTenant);
    if (index >= 0 || document.tenants.length === 0) {
      throw new ValidationError(
        index >= 0
          ? `tenants[${index}].slug: this file is for "${document.tenants[index]?.slug}", not for "${options.onlyTenant}". Import it from the organisations page.`
          : `tenants: the file holds no organisation; expected "${options.onlyTenant}".`,
        { [index >= 0 ? `tenants[${index}].slug` : "tenants"]: [`expected ${options.onlyTenant}`] },
      );
    }
  }
  const slugs = document.tenants.map((tenant) => tenant.slug);
  const ids = document.tenants.map((tenant) => tenant.id);
  const [existing, globalRoles, catalog, observed] = await Promise.all([
    db.tenant.findMany({
      where: { OR: [{ slug: { in: slugs } }, { id: { in: ids } }] },
      select: { id: true, slug: true, revision: true },
    }),
    db.role.findMany({
      where: { tenantId: null },
      select: { key: true, name: true, description: true, permissions: { select: { permissionKey: true } } },
    }),
    db.permission.findMany({ select: { key: true, deprecatedAt: true } }),
    // What counts as seen follows the console's rule: every name for the bootstrap administrator,
    // the names presented to an organisation for its own administrators.
    context.isBootstrapAdmin
      ? db.observedGroup.findMany({ where: { subjectType: "GROUP" }, select: { subject: true } })
      : db.observedSubjectInTenant.findMany({
          where: { subjectType: "GROUP", tenant: { OR: [{ slug: { in: slugs } }, { id: { in: ids } }] } },
          select: { subject: true, tenantId: true },
        }),
  ]);
  const global = new Map<string, ConfigRole>(
    globalRoles.map((role) => [
      role.key,
      {
        key: role.key,
        scope: "global",
        name: role.name,
        description: role.description,
        permissions: role.permissions.map((permission) => permission.permissionKey).sort(),
      },
    ]),
  );
  const known = new Map(catalog.map((permission) => [permission.key, permission.deprecatedAt !== null]));
  const seenBy = new Map<string | null, { seen: Set<string>; seenFolded: Map<string, string> }>();
  for (const row of observed as { subject: string; tenantId?: string }[]) {
    const owner = row.tenantId ?? null;
    let entry = seenBy.get(owner);
    if (!entry) {
      entry = { seen: new Set(), seenFolded: new Map() };
      seenBy.set(owner, entry);
    }
    entry.seen.add(row.subject);
    entry.seenFolded.set(foldSubject(row.subject), row.subject);
  }
  const nothingSeen = { seen: new Set<string>(), seenFolded: new Map<string, string>() };
  const seenIn = (tenantId: string | undefined) =>
    (context.isBootstrapAdmin ? seenBy.get(null) : tenantId ? seenBy.get(tenantId) : undefined) ??
    nothingSeen;
  const bySlug = new Map(existing.map((tenant) => [tenant.slug, tenant]));
  const byId = new Map(existing.map((tenant) => [tenant.id, tenant]));
  const current = await loadTenantConfigs(
    db,
    existing.map((tenant) => tenant.id),
  );

  const plans: TenantPlan[] = [];
  for (const [index, target] of document.tenants.entries()) {
    throwIfCancelled(options.signal);
    options.onProgress?.({ phase: "plan", done: index, total: document.tenants.length, tenant: target.slug });
    const path = `tenants[${index}]`;
    const stored = bySlug.get(target.slug);
    const idOwner = byId.get(target.id);
    if (stored && stored.id !== target.id) {
      plans.push(
        refused(
          target,
          stored.revision,
          path,
          "tenant_clash",
          `${path}.id: organisation "${target.slug}" exists with another id; an organisation's id never changes.`,
        ),
      );
      continue;
    }
    if (!stored && idOwner) {
      plans.push(
        refused(
          target,
          null,
          path,
          "tenant_clash",
          `${path}.slug: the id ${target.id} belongs to another organisation; slugs never change.`,
        ),
      );
      continue;
    }
    if (!stored && !context.isBootstrapAdmin) {
      throw new NotFoundError(
        `${path}.slug: no organisation "${target.slug}" (only the bootstrap administrator creates organisations).`,
      );
    }
    if (stored && !canSeeTenant(context, stored.id)) {
      throw new NotFoundError(`${path}.slug: no organisation "${target.slug}".`);
    }
    const before = stored ? (current.get(stored.id) ?? null) : null;
    const managersBefore = stored ? await countManagers(db, stored.id) : 0;
    plans.push(
      planTenant(context, target, before, stored?.revision ?? null, path, {
        global,
        known,
        ...seenIn(stored?.id),
        managersBefore,
      }),
    );
  }
  options.onProgress?.({ phase: "plan", done: document.tenants.length, total: document.tenants.length });
  return summarisePlan(plans);
}

function refused(
  target: ConfigTenant,
  revision: number | null,
  path: string,
  code: PlanProblem["code"],
  message: string,
): TenantPlan {
  return {
    id: target.id,
    slug: target.slug,
    name: target.name,
    action: "unchanged",
    baseRevision: revision,
    baseDigest: null,
    tenant: {},
    roles: { added: [], removed: [], changed: [] },
    mappings: { added: [], removed: [], changed: [] },
    problems: [{ severity: "error", code, message, path }],
  };
}

interface PlanFacts {
  global: Map<string, ConfigRole>;
  known: Map<string, boolean>;
  seen: Set<string>;
  seenFolded: Map<string, string>;
  managersBefore: number;
}

function planTenant(
  context: ConsoleContext,
  target: ConfigTenant,
  before: ConfigTenant | null,
  baseRevision: number | null,
  path: string,
  facts: PlanFacts,
): TenantPlan {
  const diff = diffTenantConfig(before, target);
  const problems: PlanProblem[] = [];
  const rolePath = (role: ConfigRole) =>
    `${path}.roles[${target.roles.findIndex((item) => roleRef(item) === roleRef(role))}]`;

  // Global templates are referenced, never changed by an import: a missing one is created (bootstrap
  // only), a differing one is left as it is and flagged.
  diff.roles.removed = diff.roles.removed.filter((role) => role.scope === "tenant");
  diff.roles.changed = diff.roles.changed.filter((change) => {
    if (change.scope === "tenant") return true;
    problems.push(globalDiffers(change.key, path));
    return false;
  });
  diff.roles.added = diff.roles.added.filter((role) => {
    if (role.scope === "tenant") return true;
    const stored = facts.global.get(role.key);
    if (!stored) {
      facts.global.set(role.key, role);
      if (!context.isBootstrapAdmin) {
        problems.push({
          severity: "error",
          code: "unknown_global_role",
          message: `There is no role template "${role.key}"; only the bootstrap administrator can create it.`,
          path: rolePath(role),
        });
      }
      return true;
    }
    if (roleDiffers(stored, role)) problems.push(globalDiffers(role.key, path));
    return false;
  });

  // The permissions each role will hold after the change.
  const rolePermissions = new Map<string, string[]>();
  for (const role of target.roles) {
    rolePermissions.set(
      roleRef(role),
      role.scope === "global"
        ? (facts.global.get(role.key)?.permissions ?? role.permissions)
        : role.permissions,
    );
  }

  // Catalog: unknown keys anywhere we would write them; deprecated keys are not newly granted.
  const written = [
    ...diff.roles.added.map((role) => ({ role, keys: role.permissions })),
    ...diff.roles.changed.map((change) => ({
      role: target.roles.find((role) => roleRef(role) === roleRef(change)) as ConfigRole,
      keys: change.permissionsAdded,
    })),
  ];
  for (const { role, keys } of written) {
    const unknown = keys.filter((key) => !facts.known.has(key));
    const deprecated = keys.filter((key) => facts.known.get(key) === true);
    if (unknown.length > 0) {
      problems.push({
        severity: "error",
        code: "unknown_permission",
        message: `Role "${role.key}" names permissions the catalog does not know: ${unknown.join(", ")}.`,
        path: `${rolePath(role)}.permissions`,
      });
    }
    if (deprecated.length > 0) {
      problems.push({
        severity: "error",
        code: "deprecated_permission",
        message: `Role "${role.key}" would newly grant deprecated permissions: ${deprecated.join(", ")}.`,
        path: `${rolePath(role)}.permissions`,
      });
    }
  }

  // Who may do this: each kind of change needs its own permission (the bootstrap admin holds them all).
  const needs = new Set<string>();
  if (diff.roles.added.length + diff.mappings.added.length > 0) needs.add(ConsolePermission.create);
  if (diff.roles.removed.length + diff.mappings.removed.length > 0) needs.add(ConsolePermission.delete);
  if (diff.roles.changed.length + diff.mappings.changed.length > 0) needs.add(ConsolePermission.edit);
  if (diff.tenant.name || diff.tenant.status) needs.add(ConsolePermission.organisationEdit);
  if (before) {
    for (const permission of needs) {
      if (!holdsTenantPermission(context, target.id, permission)) {
        problems.push({
          severity: "error",
          code: "forbidden",
          message: `This change needs ${permission} in organisation "${target.slug}".`,
          path,
        });
      }
    }
  }

  // Nobody grants what they do not hold.
  if (!context.isBootstrapAdmin) {
    const held = context.tenantPermissions.get(target.id) ?? new Set<string>();
    const granted = new Set<string>();
    for (const mapping of diff.mappings.added) {
      for (const key of rolePermissions.get(mappedRoleRef(mapping)) ?? []) granted.add(key);
    }
    const mappedRoles = new Set(target.mappings.map((mapping) => mappedRoleRef(mapping)));
    for (const change of diff.roles.changed) {
      if (mappedRoles.has(roleRef(change))) for (const key of change.permissionsAdded) granted.add(key);
    }
    const notHeld = [...granted].filter((key) => !held.has(key)).sort();
    if (notHeld.length > 0) {
      problems.push({
        severity: "error",
        code: "grant_not_held",
        message: `You cannot grant permissions you do not hold in "${target.slug}": ${notHeld.join(", ")}.`,
        path: `${path}.mappings`,
      });
    }
  }

  // Managers: a live mapping to a role granting STS_IAM_ROLE_EDIT must remain.
  const now = Date.now();
  const managers = new Set<string>();
  for (const mapping of target.mappings) {
    const live = !mapping.expiresAt || new Date(mapping.expiresAt).getTime() > now;
    if (live && rolePermissions.get(mappedRoleRef(mapping))?.includes(ConsolePermission.edit)) {
      managers.add(`${mapping.subjectType}:${mapping.subject}`);
    }
  }
  if (managers.size === 0 && facts.managersBefore > 0) {
    problems.push({
      severity: "error",
      code: "last_manager",
      message: `This would leave organisation "${target.slug}" without a manager (a live mapping granting ${ConsolePermission.edit}).`,
      path: `${path}.mappings`,
    });
  } else if (managers.size === 0 && !before) {
    problems.push({
      severity: "warning",
      code: "no_manager",
      message: `Organisation "${target.slug}" will have no manager: only the bootstrap administrator can change it.`,
      path: `${path}.mappings`,
    });
  }

  // IAM role names nobody has signed in with, or that differ from a seen one only by case or spaces.
  const neverSeen = new Set<string>();
  const nearMisses: string[] = [];
  for (const mapping of diff.mappings.added) {
    if (mapping.subjectType !== "GROUP" || facts.seen.has(mapping.subject)) continue;
    const similar = facts.seenFolded.get(foldSubject(mapping.subject));
    if (similar !== undefined) {
      nearMisses.push(
        `"${mapping.subject}" differs from the seen name "${similar}" only by ${describeDifference(mapping.subject, similar)}`,
      );
    } else neverSeen.add(mapping.subject);
  }
  if (neverSeen.size > 0) {
    problems.push({
      severity: "warning",
      code: "never_observed",
      message: `${neverSeen.size} IAM role name${neverSeen.size === 1 ? " has" : "s have"} never been seen in a sign-in or token exchange: ${listNames([...neverSeen].map((name) => `"${name}"`))}.`,
      path: `${path}.mappings`,
    });
  }
  for (const message of nearMisses.slice(0, SHOWN_NAMES)) {
    problems.push({
      severity: "warning",
      code: "near_miss",
      message: `${message}.`,
      path: `${path}.mappings`,
    });
  }

  const counts = countDiff(diff);
  return {
    id: target.id,
    slug: target.slug,
    name: target.name,
    action: !before ? "create" : counts.added + counts.removed + counts.changed > 0 ? "update" : "unchanged",
    baseRevision,
    baseDigest: before ? configDigest(before) : null,
    ...diff,
    problems,
  };
}

function globalDiffers(key: string, path: string): PlanProblem {
  return {
    severity: "warning",
    code: "global_role_differs",
    message: `The role template "${key}" differs from the file; imports never change templates (edit it under Roles).`,
    path: `${path}.roles`,
  };
}

function listNames(names: string[]): string {
  const shown = names.slice(0, SHOWN_NAMES).join(", ");
  return names.length > SHOWN_NAMES ? `${shown} and ${names.length - SHOWN_NAMES} more` : shown;
}

export function summarisePlan(tenants: TenantPlan[]): ConfigPlan {
  const counts = { added: 0, removed: 0, changed: 0, errors: 0, warnings: 0 };
  for (const tenant of tenants) {
    const diff = countDiff(tenant);
    counts.added += diff.added;
    counts.removed += diff.removed;
    counts.changed += diff.changed;
    for (const problem of tenant.problems) {
      if (problem.severity === "error") counts.errors += 1;
      else counts.warnings += 1;
    }
  }
  return { tenants, counts };
}
