/**
 * The explorer ("why do I have this?"): for a set of groups (typed, picked, or read from a token in
 * the browser) or one client, the resolver's answer with provenance, plus what the resolver does not
 * say: which mappings matched each name, which had expired, and mapped names a non-matching one
 * nearly equals. Nothing is recorded: the names may be hypothetical.
 */
import type { ConsoleContext } from "../auth/authorize";
import type { Db } from "../db/client";
import { NotFoundError } from "../http/errors";
import { nearMissesAmong } from "../mappings/subject-hints";
import { parseInput } from "../shared/parse-input";
import { explainAccess } from "../sts/resolve-permissions";
import { buildTenantIndex, loadTenantIndexSource, type TenantIndexSource } from "../sts/tenant-index";
import { getTenant } from "../tenants/get-tenant";
import {
  explainRequestSchema,
  type ExplainedRole,
  type ExplainedSubject,
  type Explanation,
  type RoleScope,
} from "./access.types";

export type RoleInfo = { id: string; key: string; name: string; scope: RoleScope };

/** Names and scopes of the roles a tenant's mappings use, by role id. */
export async function mappedRoleInfo(db: Db, source: TenantIndexSource): Promise<Map<string, RoleInfo>> {
  const ids = [...new Set(source.mappings.map((mapping) => mapping.role.id))];
  const rows = await db.role.findMany({
    where: { id: { in: ids } },
    select: { id: true, key: true, name: true, tenantId: true },
  });
  return new Map(
    rows.map((role) => [
      role.id,
      { id: role.id, key: role.key, name: role.name, scope: role.tenantId ? "tenant" : "global" },
    ]),
  );
}

/** Loads a readable tenant's index rows; 404 when it vanished between the checks. */
export async function loadReadableTenantSource(
  db: Db,
  context: ConsoleContext,
  slug: string,
): Promise<TenantIndexSource> {
  const tenant = await getTenant(db, context, slug);
  const source = await loadTenantIndexSource(db, tenant.id);
  if (!source) throw new NotFoundError(`No organisation "${slug}".`);
  return source;
}

export async function explainSubjects(
  db: Db,
  context: ConsoleContext,
  slug: string,
  body: unknown,
  now = Date.now(),
): Promise<Explanation> {
  const source = await loadReadableTenantSource(db, context, slug);
  const input = parseInput(explainRequestSchema, body, "explain request");
  const subjectType = input.clientId !== undefined ? "CLIENT" : "GROUP";
  const names = input.clientId !== undefined ? [input.clientId] : [...new Set(input.groups ?? [])];
  const resolution = explainAccess(buildTenantIndex(source), subjectType, names, now);

  const roles = await mappedRoleInfo(db, source);
  const ofType = source.mappings.filter((mapping) => mapping.subjectType === subjectType);
  const liveNames = new Set(
    ofType
      .filter((mapping) => mapping.expiresAt === null || mapping.expiresAt.getTime() > now)
      .map((mapping) => mapping.subject),
  );
  const wanted = new Set(names);
  const bySubject = new Map<string, { live: ExplainedRole[]; expired: ExplainedRole[] }>();
  for (const mapping of ofType) {
    if (!wanted.has(mapping.subject)) continue;
    const role = roles.get(mapping.role.id)!;
    const entry = { mappingId: mapping.id, ...role, expiresAt: mapping.expiresAt?.toISOString() ?? null };
    let lists = bySubject.get(mapping.subject);
    if (!lists) bySubject.set(mapping.subject, (lists = { live: [], expired: [] }));
    if (mapping.expiresAt !== null && mapping.expiresAt.getTime() <= now) lists.expired.push(entry);
    else lists.live.push(entry);
  }

  const warnings: string[] = [];
  if (source.tenant.status !== "ACTIVE")
    warnings.push(`${source.tenant.name} is disabled: the STS grants nothing here until it is enabled.`);
  const subjects: ExplainedSubject[] = names.map((subject) => {
    const lists = bySubject.get(subject) ?? { live: [], expired: [] };
    const byName = (a: ExplainedRole, b: ExplainedRole) => a.key.localeCompare(b.key);
    const nearMisses =
      lists.live.length === 0
        ? nearMissesAmong(subject, liveNames, "mapped").map(({ subject: known, difference }) => ({
            subject: known,
            difference,
          }))
        : [];
    for (const miss of nearMisses)
      warnings.push(
        `"${subject}" matches nothing, but differs from the mapped "${miss.subject}" only by ${miss.difference}.`,
      );
    if (lists.live.length === 0 && lists.expired.length > 0)
      warnings.push(`"${subject}" is mapped only through expired mappings: they grant nothing.`);
    return {
      subject,
      roles: lists.live.sort(byName),
      expiredRoles: lists.expired.sort(byName),
      nearMisses,
    };
  });

  const roleNames: Explanation["roleNames"] = {};
  for (const role of roles.values()) {
    if (resolution.roles.includes(role.key)) roleNames[role.key] = { name: role.name, scope: role.scope };
  }
  const categoryRows = await db.permission.findMany({
    where: { key: { in: resolution.permissions } },
    select: { key: true, category: true },
  });
  return {
    resolution,
    subjectType,
    subjects,
    roleNames,
    categories: Object.fromEntries(categoryRows.map((row) => [row.key, row.category])),
    warnings,
  };
}
