/**
 * The audit log, newest first, with filters and keyset paging. One SQL query per page: the filters
 * fold into the WHERE clause together with the reader's tenant scope, and `("at","id") < cursor`
 * continues from the previous page through the (…, "at", "id") indexes, however deep the page.
 */
import { Prisma } from "../../generated/prisma/client";
import { auditReadScope, type ConsoleContext } from "../auth/authorize";
import type { Db } from "../db/client";
import { parseInput } from "../shared/parse-input";
import { getTenant } from "../tenants/get-tenant";
import { decodeCursor, encodeCursor, type KeysetPosition } from "./audit-cursor";
import { auditPageQuerySchema, type AuditEntry, type AuditFilter, type Page } from "./audit-log.types";

export const DEFAULT_PAGE_SIZE = 50;

/** Tenants whose entries may be read: undefined = all (bootstrap admin on the global log). */
export interface ReadScope {
  tenantIds: string[] | undefined;
}

/**
 * The reader's scope for a request: one tenant (its audit needs STS_IAM_ROLE_LIST or _DETAIL there;
 * an invisible tenant is a 404 as everywhere else), or every tenant the reader may read.
 */
export async function resolveReadScope(
  db: Db,
  context: ConsoleContext,
  tenantSlug: string | undefined,
): Promise<ReadScope> {
  if (tenantSlug !== undefined) return { tenantIds: [(await getTenant(db, context, tenantSlug)).id] };
  const scope = auditReadScope(context);
  return { tenantIds: scope.all ? undefined : scope.tenantIds };
}

/** `%` and `_` typed by the user are literal characters, not patterns. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

function scopeCondition(scope: ReadScope): Prisma.Sql | undefined {
  if (scope.tenantIds === undefined) return undefined;
  if (scope.tenantIds.length === 1) return Prisma.sql`"tenantId" = ${scope.tenantIds[0]}::uuid`;
  return Prisma.sql`"tenantId" = ANY(${scope.tenantIds}::uuid[])`;
}

function auditConditions(scope: ReadScope, filter: AuditFilter, after: KeysetPosition | undefined) {
  const conditions: Prisma.Sql[] = [];
  const tenant = scopeCondition(scope);
  if (tenant) conditions.push(tenant);
  if (filter.actor)
    conditions.push(Prisma.sql`("actorSub" = ${filter.actor} OR "actorName" = ${filter.actor})`);
  if (filter.action) conditions.push(Prisma.sql`"action" = ${filter.action}`);
  if (filter.target)
    conditions.push(Prisma.sql`("targetId" = ${filter.target} OR "targetType" = ${filter.target})`);
  if (filter.from) conditions.push(Prisma.sql`"at" >= ${filter.from}`);
  if (filter.to) conditions.push(Prisma.sql`"at" < ${filter.to}`);
  if (filter.q) {
    const pattern = containsPattern(filter.q);
    conditions.push(Prisma.sql`(
      "actorSub" ILIKE ${pattern} OR "actorName" ILIKE ${pattern} OR "action" ILIKE ${pattern}
      OR "targetType" ILIKE ${pattern} OR "targetId" ILIKE ${pattern}
      OR coalesce("before"::text, '') ILIKE ${pattern} OR coalesce("after"::text, '') ILIKE ${pattern})`);
  }
  if (after) conditions.push(Prisma.sql`("at", "id") < (${after.at}, ${after.id})`);
  return conditions.length > 0 ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty;
}

interface AuditRow {
  id: bigint;
  at: Date;
  actorSub: string;
  actorName: string;
  actorType: AuditEntry["actor"]["type"];
  tenantId: string | null;
  tenantSlug: string | null;
  action: string;
  targetType: string;
  targetId: string;
  before: unknown;
  after: unknown;
  requestId: string;
  ip: string;
  userAgent: string;
  hash: string;
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id.toString(),
    at: row.at.toISOString(),
    actor: { sub: row.actorSub, name: row.actorName, type: row.actorType },
    tenantId: row.tenantId,
    tenantSlug: row.tenantSlug,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    before: row.before ?? null,
    after: row.after ?? null,
    requestId: row.requestId,
    ip: row.ip,
    userAgent: row.userAgent,
    hash: row.hash,
  };
}

/** The page query itself (the API, the pages, the exports and the benchmark all run this one). */
export async function queryAuditPage(
  db: Db,
  scope: ReadScope,
  filter: AuditFilter,
  after: KeysetPosition | undefined,
  limit: number,
): Promise<Page<AuditEntry>> {
  if (scope.tenantIds?.length === 0) return { entries: [], nextCursor: null };
  const rows = await db.$queryRaw<AuditRow[]>`
    SELECT e."id", e."at", e."actorSub", e."actorName", e."actorType"::text AS "actorType", e."tenantId",
           t."slug" AS "tenantSlug", e."action", e."targetType", e."targetId", e."before", e."after",
           e."requestId", e."ip", e."userAgent", e."hash"
    FROM (
      SELECT * FROM "AuditEvent" ${auditConditions(scope, filter, after)}
      ORDER BY "at" DESC, "id" DESC
      LIMIT ${limit + 1}
    ) e
    LEFT JOIN "Tenant" t ON t."id" = e."tenantId"
    ORDER BY e."at" DESC, e."id" DESC`;
  return cutPage(rows, limit, toEntry);
}

/**
 * A page from rows read with `LIMIT limit + 1`, newest first: the extra row only says that more
 * follow, and the cursor continues after the last row kept.
 */
export function cutPage<Row extends KeysetPosition, Entry>(
  rows: Row[],
  limit: number,
  toEntry: (row: Row) => Entry,
): Page<Entry> {
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return {
    entries: page.map(toEntry),
    nextCursor: more && last ? encodeCursor({ at: last.at, id: last.id }) : null,
  };
}

export type PageQuery<Entry> = (
  db: Db,
  scope: ReadScope,
  filter: AuditFilter,
  after: KeysetPosition | undefined,
  limit: number,
) => Promise<Page<Entry>>;

/** An API request for one page of a log: parse the query → the reader's scope → one page. */
export async function listPage<Entry>(
  db: Db,
  context: ConsoleContext,
  query: unknown,
  queryPage: PageQuery<Entry>,
): Promise<Page<Entry>> {
  const params = parseInput(auditPageQuerySchema, query, "query");
  const scope = await resolveReadScope(db, context, params.tenant);
  return queryPage(
    db,
    scope,
    params,
    params.cursor ? decodeCursor(params.cursor) : undefined,
    params.limit ?? DEFAULT_PAGE_SIZE,
  );
}

/** GET /api/console/audit and the audit pages. */
export function listAuditEvents(db: Db, context: ConsoleContext, query: unknown): Promise<Page<AuditEntry>> {
  return listPage(db, context, query, queryAuditPage);
}

/** Distinct actions in the log, for the filter's suggestions (a skip scan over the action index). */
export async function listAuditActions(db: Db): Promise<string[]> {
  const rows = await db.$queryRaw<{ action: string }[]>`
    WITH RECURSIVE actions AS (
      (SELECT "action" FROM "AuditEvent" ORDER BY "action" LIMIT 1)
      UNION ALL
      SELECT (SELECT "action" FROM "AuditEvent" WHERE "action" > a."action" ORDER BY "action" LIMIT 1)
      FROM actions a WHERE a."action" IS NOT NULL
    )
    SELECT "action" FROM actions WHERE "action" IS NOT NULL LIMIT 200`;
  return rows.map((row) => row.action);
}
