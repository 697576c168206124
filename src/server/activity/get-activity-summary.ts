/**
 * "Activity at a glance" for the dashboard and a tenant's overview: sign-ins, token exchanges, denials
 * and configuration changes per hour (last 24 hours) or per day (last 14 days), the subjects refused
 * most often, and the groups seen most recently that map to nothing. Scoped like the audit log: the
 * bootstrap admin sees everything, others the tenants they may read (sign-ins belong to no tenant,
 * so they count for the bootstrap admin only).
 */
import { Prisma } from "../../generated/prisma/client";
import type { Db } from "../db/client";
import { DENIAL_ACTIONS, SECURITY_ACTIONS } from "../audit/audit-actions";
import type { ReadScope } from "../audit/list-audit-events";

export type ActivityRange = "24h" | "14d";

export interface ActivityBucket {
  /** Start of the hour or day, ISO. */
  at: string;
  signIns: number;
  tokenExchanges: number;
  denials: number;
  changes: number;
}

export interface ActivitySummary {
  range: ActivityRange;
  buckets: ActivityBucket[];
  totals: Omit<ActivityBucket, "at">;
  topDenied: { subject: string; count: number; lastAt: string }[];
  recentlyUnmapped: { subject: string; lastSeenAt: string; count: number }[];
}

function tenantFilter(scope: ReadScope, column: Prisma.Sql): Prisma.Sql {
  if (scope.tenantIds === undefined) return Prisma.sql`TRUE`;
  return Prisma.sql`${column} = ANY(${scope.tenantIds}::uuid[])`;
}

export async function getActivitySummary(
  db: Db,
  scope: ReadScope,
  range: ActivityRange,
  now = new Date(),
): Promise<ActivitySummary> {
  const unit = range === "24h" ? "hour" : "day";
  const steps = range === "24h" ? 24 : 14;
  const stepMs = range === "24h" ? 3_600_000 : 86_400_000;
  const end = new Date(Math.floor(now.getTime() / stepMs) * stepMs + stepMs);
  const start = new Date(end.getTime() - steps * stepMs);
  const occurrences = Prisma.sql`coalesce(("after"->>'occurrences')::int, 1)`;
  const empty = scope.tenantIds?.length === 0;

  const [audit, activity, denied, unmapped] = empty
    ? [[], [], [], []]
    : await Promise.all([
        db.$queryRaw<{ bucket: Date; sign_ins: number; denials: number; changes: number }[]>`
          SELECT date_trunc(${unit}, "at", 'UTC') AS bucket,
                 count(*) FILTER (WHERE "action" = 'auth.sign_in')::int AS sign_ins,
                 coalesce(sum(${occurrences}) FILTER (WHERE "action" = ANY(${DENIAL_ACTIONS}::text[])), 0)::int AS denials,
                 count(*) FILTER (WHERE NOT ("action" = ANY(${SECURITY_ACTIONS}::text[])))::int AS changes
          FROM "AuditEvent"
          WHERE "at" >= ${start} AND "at" < ${end} AND ${tenantFilter(scope, Prisma.sql`"tenantId"`)}
          GROUP BY 1`,
        db.$queryRaw<{ bucket: Date; exchanges: number; denials: number }[]>`
          SELECT date_trunc(${unit}, "at", 'UTC') AS bucket,
                 count(*) FILTER (WHERE "kind" = 'token_exchange' AND "result" = 'ok')::int AS exchanges,
                 count(*) FILTER (WHERE "result" = 'denied')::int AS denials
          FROM "ActivityEvent"
          WHERE "at" >= ${start} AND "at" < ${end} AND ${tenantFilter(scope, Prisma.sql`"tenantId"`)}
          GROUP BY 1`,
        db.$queryRaw<{ subject: string; count: number; last_at: Date }[]>`
          SELECT subject, sum(n)::int AS count, max(last_at) AS last_at FROM (
            SELECT coalesce(nullif("subject", ''), nullif("clientId", ''), '(unknown)') AS subject,
                   count(*) AS n, max("at") AS last_at
            FROM "ActivityEvent"
            WHERE "result" = 'denied' AND "at" >= ${start} AND "at" < ${end}
              AND ${tenantFilter(scope, Prisma.sql`"tenantId"`)}
            GROUP BY 1
            UNION ALL
            SELECT "actorSub", sum(${occurrences}), max("at")
            FROM "AuditEvent"
            WHERE "action" = ANY(${DENIAL_ACTIONS}::text[]) AND "at" >= ${start} AND "at" < ${end}
              AND ${tenantFilter(scope, Prisma.sql`"tenantId"`)}
            GROUP BY 1
          ) denials
          GROUP BY subject
          ORDER BY count DESC, subject
          LIMIT 5`,
        scope.tenantIds === undefined
          ? db.$queryRaw<{ subject: string; last_seen_at: Date; count: bigint }[]>`
              SELECT o."subject", o."lastSeenAt" AS last_seen_at, o."count"
              FROM "ObservedGroup" o
              WHERE o."subjectType" = 'GROUP'
                AND NOT EXISTS (
                  SELECT 1 FROM "Mapping" m
                  WHERE m."subjectType" = 'GROUP' AND m."subject" = o."subject"
                    AND (m."expiresAt" IS NULL OR m."expiresAt" > now())
                )
              ORDER BY o."lastSeenAt" DESC
              LIMIT 5`
          : // Only names presented to the organisations in scope, unmapped where they were presented.
            db.$queryRaw<{ subject: string; last_seen_at: Date; count: bigint }[]>`
              SELECT o."subject", max(o."lastSeenAt") AS last_seen_at, sum(o."count")::bigint AS count
              FROM "ObservedSubjectInTenant" o
              WHERE o."subjectType" = 'GROUP' AND o."tenantId" = ANY(${scope.tenantIds}::uuid[])
                AND NOT EXISTS (
                  SELECT 1 FROM "Mapping" m
                  WHERE m."tenantId" = o."tenantId" AND m."subjectType" = 'GROUP' AND m."subject" = o."subject"
                    AND (m."expiresAt" IS NULL OR m."expiresAt" > now())
                )
              GROUP BY o."subject"
              ORDER BY last_seen_at DESC, o."subject"
              LIMIT 5`,
      ]);

  const byBucket = new Map<number, ActivityBucket>();
  for (let index = 0; index < steps; index += 1) {
    const at = new Date(start.getTime() + index * stepMs);
    byBucket.set(at.getTime(), {
      at: at.toISOString(),
      signIns: 0,
      tokenExchanges: 0,
      denials: 0,
      changes: 0,
    });
  }
  for (const row of audit) {
    const bucket = byBucket.get(new Date(row.bucket).getTime());
    if (!bucket) continue;
    bucket.signIns += row.sign_ins;
    bucket.denials += row.denials;
    bucket.changes += row.changes;
  }
  for (const row of activity) {
    const bucket = byBucket.get(new Date(row.bucket).getTime());
    if (!bucket) continue;
    bucket.tokenExchanges += row.exchanges;
    bucket.denials += row.denials;
  }
  const buckets = [...byBucket.values()];
  const totals = { signIns: 0, tokenExchanges: 0, denials: 0, changes: 0 };
  for (const bucket of buckets) {
    totals.signIns += bucket.signIns;
    totals.tokenExchanges += bucket.tokenExchanges;
    totals.denials += bucket.denials;
    totals.changes += bucket.changes;
  }
  return {
    range,
    buckets,
    totals,
    topDenied: denied.map((row) => ({
      subject: row.subject,
      count: row.count,
      lastAt: new Date(row.last_at).toISOString(),
    })),
    recentlyUnmapped: unmapped.map((row) => ({
      subject: row.subject,
      lastSeenAt: new Date(row.last_seen_at).toISOString(),
      count: Number(row.count),
    })),
  };
}
