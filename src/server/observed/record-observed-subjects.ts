/** Counts the IAM roles/groups (and clients) the console has seen, so admins can map what really arrives. */
import type { Db } from "../db/client";
import { numberArrayLiteral, textArrayLiteral } from "../db/pg-array";

export async function recordObservedSubjects(
  db: Db,
  subjectType: "GROUP" | "CLIENT",
  subjects: readonly string[],
  seenAt = new Date(),
  times = 1,
): Promise<void> {
  if (subjects.length === 0) return;
  const unique = [...new Set(subjects)].sort();
  // One statement for the whole batch; sorted keys keep concurrent upserts from deadlocking.
  await db.$executeRaw`
    INSERT INTO "ObservedGroup" ("subjectType", "subject", "firstSeenAt", "lastSeenAt", "count")
    SELECT ${subjectType}::"SubjectType", s, ${seenAt}, ${seenAt}, ${times}
    FROM unnest(${textArrayLiteral(unique)}::text[]) AS s
    ON CONFLICT ("subjectType", "subject") DO UPDATE
      SET "lastSeenAt" = GREATEST("ObservedGroup"."lastSeenAt", EXCLUDED."lastSeenAt"),
          "count" = "ObservedGroup"."count" + EXCLUDED."count"`;
}

export interface TenantSighting {
  tenantId: string;
  subjectType: "GROUP" | "CLIENT";
  subject: string;
  lastSeen: Date;
  /** Sightings since the last write. */
  count: number;
}

/**
 * The per-organisation counterpart: one statement for any number of (organisation, subject) pairs,
 * each at most once. Pairs of an organisation deleted meanwhile are skipped.
 */
export async function recordObservedInTenants(db: Db, sightings: readonly TenantSighting[]): Promise<void> {
  if (sightings.length === 0) return;
  // Sorted keys keep concurrent upserts (several processes) from deadlocking.
  const sorted = [...sightings].sort(
    (a, b) =>
      a.tenantId.localeCompare(b.tenantId) ||
      a.subjectType.localeCompare(b.subjectType) ||
      (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0),
  );
  await db.$executeRaw`
    INSERT INTO "ObservedSubjectInTenant" ("tenantId", "subjectType", "subject", "firstSeenAt", "lastSeenAt", "count")
    SELECT x.tenant, x.type::"SubjectType", x.subject, to_timestamp(x.ms / 1000.0), to_timestamp(x.ms / 1000.0), x.n
    FROM unnest(
      ${textArrayLiteral(sorted.map((sighting) => sighting.tenantId))}::uuid[],
      ${textArrayLiteral(sorted.map((sighting) => sighting.subjectType))}::text[],
      ${textArrayLiteral(sorted.map((sighting) => sighting.subject))}::text[],
      ${numberArrayLiteral(sorted.map((sighting) => sighting.lastSeen.getTime()))}::float8[],
      ${numberArrayLiteral(sorted.map((sighting) => sighting.count))}::bigint[]
    ) AS x(tenant, type, subject, ms, n)
    WHERE EXISTS (SELECT 1 FROM "Tenant" t WHERE t.id = x.tenant)
    ON CONFLICT ("tenantId", "subjectType", "subject") DO UPDATE
      SET "lastSeenAt" = GREATEST("ObservedSubjectInTenant"."lastSeenAt", EXCLUDED."lastSeenAt"),
          "count" = "ObservedSubjectInTenant"."count" + EXCLUDED."count"`;
}
