/**
 * Observed groups that no live mapping grants anything to: in one tenant (names presented in that
 * tenant's resolve and token requests), or — for the bootstrap administrator — in any tenant (every
 * name seen, sign-ins included). The usual answer to "someone can't
 * log in": the name their IdP sends is not the one that was mapped.
 */
import { Prisma } from "../../generated/prisma/client";
import { requireBootstrapAdmin, type ConsoleContext } from "../auth/authorize";
import type { Db } from "../db/client";
import { nearMissesAmong } from "../mappings/subject-hints";
import { parseInput } from "../shared/parse-input";
import { getTenant } from "../tenants/get-tenant";
import { unmappedQuerySchema, type UnmappedPage } from "./access.types";

interface ObservedRow {
  subjectType: "GROUP" | "CLIENT";
  subject: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  count: bigint;
}

async function unmappedPage(db: Db, tenantId: string | null, query: unknown): Promise<UnmappedPage> {
  const { q, subjectType, page, pageSize } = parseInput(unmappedQuerySchema, query, "query");
  const search = q.trim();
  // In one organisation: the names presented in its own requests (never another organisation's).
  // Everywhere (bootstrap administrator): every name seen, mapped nowhere.
  const source = tenantId ? Prisma.sql`"ObservedSubjectInTenant" o` : Prisma.sql`"ObservedGroup" o`;
  const where = Prisma.sql`
    WHERE o."subjectType" = ${subjectType}::"SubjectType"
      ${tenantId ? Prisma.sql`AND o."tenantId" = ${tenantId}::uuid` : Prisma.empty}
      ${search ? Prisma.sql`AND strpos(lower(o."subject"), lower(${search})) > 0` : Prisma.empty}
      AND NOT EXISTS (
        SELECT 1 FROM "Mapping" m
        WHERE m."subjectType" = o."subjectType" AND m."subject" = o."subject"
          AND (m."expiresAt" IS NULL OR m."expiresAt" > now())
          ${tenantId ? Prisma.sql`AND m."tenantId" = o."tenantId"` : Prisma.empty}
      )`;
  const [rows, totals, mapped] = await Promise.all([
    db.$queryRaw<ObservedRow[]>`
      SELECT o."subjectType"::text AS "subjectType", o."subject", o."firstSeenAt", o."lastSeenAt", o."count"
      FROM ${source} ${where}
      ORDER BY o."lastSeenAt" DESC, o."subject"
      LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
    db.$queryRaw<{ total: bigint }[]>`SELECT count(*) AS total FROM ${source} ${where}`,
    db.mapping.findMany({
      where: {
        subjectType,
        ...(tenantId ? { tenantId } : {}),
        OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }],
      },
      select: { subject: true },
      distinct: ["subject"],
    }),
  ]);
  const mappedNames = mapped.map((mapping) => mapping.subject);
  return {
    rows: rows.map((row) => ({
      subjectType: row.subjectType,
      subject: row.subject,
      firstSeenAt: row.firstSeenAt.toISOString(),
      lastSeenAt: row.lastSeenAt.toISOString(),
      count: Number(row.count),
      nearMisses: nearMissesAmong(row.subject, mappedNames, "mapped").map(({ subject, difference }) => ({
        subject,
        difference,
      })),
    })),
    total: Number(totals[0]?.total ?? 0),
    page,
    pageSize,
  };
}

/** Observed subjects with no live mapping in this tenant (`?q=&subjectType=&page=&pageSize=`). */
export async function listUnmappedInTenant(
  db: Db,
  context: ConsoleContext,
  slug: string,
  query: unknown,
): Promise<UnmappedPage> {
  const tenant = await getTenant(db, context, slug);
  return unmappedPage(db, tenant.id, query);
}

/** Observed subjects with no live mapping in any tenant: the bootstrap administrator's view. */
export async function listUnmappedEverywhere(
  db: Db,
  context: ConsoleContext,
  query: unknown,
): Promise<UnmappedPage> {
  requireBootstrapAdmin(context, "list unmapped groups across all organisations");
  return unmappedPage(db, null, query);
}
