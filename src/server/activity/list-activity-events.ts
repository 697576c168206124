/**
 * Machine activity (token exchanges, machine-API calls) with the audit log's filters and paging:
 * actor = subject or client id, action = kind (token_exchange, machine_api) or result (ok, denied,
 * error), target = error code, free text over all of them.
 */
import { Prisma } from "../../generated/prisma/client";
import type { ConsoleContext } from "../auth/authorize";
import type { Db } from "../db/client";
import type { KeysetPosition } from "../audit/audit-cursor";
import type { ActivityEntry, AuditFilter, Page } from "../audit/audit-log.types";
import { containsPattern, cutPage, listPage, type ReadScope } from "../audit/list-audit-events";

function activityConditions(scope: ReadScope, filter: AuditFilter, after: KeysetPosition | undefined) {
  const conditions: Prisma.Sql[] = [];
  if (scope.tenantIds !== undefined)
    conditions.push(Prisma.sql`"tenantId" = ANY(${scope.tenantIds}::uuid[])`);
  if (filter.actor)
    conditions.push(Prisma.sql`("subject" = ${filter.actor} OR "clientId" = ${filter.actor})`);
  if (filter.action) conditions.push(Prisma.sql`("kind" = ${filter.action} OR "result" = ${filter.action})`);
  if (filter.target) conditions.push(Prisma.sql`"errorCode" = ${filter.target}`);
  if (filter.from) conditions.push(Prisma.sql`"at" >= ${filter.from}`);
  if (filter.to) conditions.push(Prisma.sql`"at" < ${filter.to}`);
  if (filter.q) {
    const pattern = containsPattern(filter.q);
    conditions.push(Prisma.sql`("subject" ILIKE ${pattern} OR "clientId" ILIKE ${pattern}
      OR "kind" ILIKE ${pattern} OR "errorCode" ILIKE ${pattern})`);
  }
  if (after) conditions.push(Prisma.sql`("at", "id") < (${after.at}, ${after.id})`);
  return conditions.length > 0 ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty;
}

interface ActivityRow {
  id: bigint;
  at: Date;
  kind: string;
  tenantId: string | null;
  tenantSlug: string | null;
  subject: string;
  clientId: string;
  result: string;
  errorCode: string;
}

export async function queryActivityPage(
  db: Db,
  scope: ReadScope,
  filter: AuditFilter,
  after: KeysetPosition | undefined,
  limit: number,
): Promise<Page<ActivityEntry>> {
  if (scope.tenantIds?.length === 0) return { entries: [], nextCursor: null };
  const rows = await db.$queryRaw<ActivityRow[]>`
    SELECT e."id", e."at", e."kind", e."tenantId", t."slug" AS "tenantSlug", e."subject", e."clientId",
           e."result", e."errorCode"
    FROM (
      SELECT * FROM "ActivityEvent" ${activityConditions(scope, filter, after)}
      ORDER BY "at" DESC, "id" DESC
      LIMIT ${limit + 1}
    ) e
    LEFT JOIN "Tenant" t ON t."id" = e."tenantId"
    ORDER BY e."at" DESC, e."id" DESC`;
  return cutPage(rows, limit, (row) => ({
    id: row.id.toString(),
    at: row.at.toISOString(),
    kind: row.kind,
    tenantId: row.tenantId,
    tenantSlug: row.tenantSlug,
    subject: row.subject,
    clientId: row.clientId,
    result: row.result,
    errorCode: row.errorCode,
  }));
}

/** GET /api/console/activity and the activity view. */
export function listActivityEvents(
  db: Db,
  context: ConsoleContext,
  query: unknown,
): Promise<Page<ActivityEntry>> {
  return listPage(db, context, query, queryActivityPage);
}
