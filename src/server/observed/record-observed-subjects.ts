/** Counts the IAM roles/groups (and clients) the console has seen, so admins can map what really arrives. */
import type { Db } from "../db/client";
import { textArrayLiteral } from "../db/pg-array";

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
