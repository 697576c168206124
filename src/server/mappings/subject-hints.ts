/**
 * Helps type IAM role names right: suggestions from the groups the console has seen at sign-in and token
 * exchange, and warnings for names never seen or differing from a known one only by case, a leading
 * "/" or white space (the usual reasons a mapping silently grants nothing). Nothing is normalised.
 */
import { z } from "zod";
import { Prisma } from "../../generated/prisma/client";
import type { ConsoleContext } from "../auth/authorize";
import type { Db } from "../db/client";
import { parseInput } from "../shared/parse-input";
import { getTenant } from "../tenants/get-tenant";

export const subjectHintsQuerySchema = z.object({
  q: z.string().max(255).default(""),
  subjectType: z.enum(["GROUP", "CLIENT"]).default("GROUP"),
});

export interface SubjectSuggestion {
  subject: string;
  lastSeenAt: string;
  count: number;
  mappedHere: boolean;
}

export interface SubjectCheck {
  subject: string;
  seen: { lastSeenAt: string; count: number } | null;
  mappedHere: boolean;
  nearMisses: { subject: string; source: "observed" | "mapped"; difference: string }[];
  warnings: string[];
}

export function foldSubject(subject: string): string {
  return subject.trim().replace(/^\/+/, "").replace(/\s+/g, " ").toLowerCase();
}

export function describeDifference(typed: string, known: string): string {
  const reasons: string[] = [];
  if (typed.trim() !== typed || known.trim() !== known || /\s{2,}/.test(typed) !== /\s{2,}/.test(known))
    reasons.push("white space");
  if (typed.startsWith("/") !== known.startsWith("/")) reasons.push('a leading "/"');
  if (
    typed.trim().replace(/^\/+/, "").toLowerCase() === known.trim().replace(/^\/+/, "").toLowerCase() &&
    typed.trim().replace(/^\/+/, "") !== known.trim().replace(/^\/+/, "")
  )
    reasons.push("letter case");
  return reasons.length > 0 ? reasons.join(" and ") : "spelling";
}

/** Known names that `typed` matches only after folding case, a leading "/" and white space. */
export function nearMissesAmong(
  typed: string,
  known: Iterable<string>,
  source: "observed" | "mapped",
): SubjectCheck["nearMisses"] {
  const folded = foldSubject(typed);
  const misses: SubjectCheck["nearMisses"] = [];
  for (const subject of known) {
    if (subject !== typed && foldSubject(subject) === folded)
      misses.push({ subject, source, difference: describeDifference(typed, subject) });
  }
  return misses;
}

export async function getSubjectHints(
  db: Db,
  context: ConsoleContext,
  slug: string,
  query: unknown,
): Promise<{ suggestions: SubjectSuggestion[]; check: SubjectCheck | null }> {
  const tenant = await getTenant(db, context, slug);
  const { q, subjectType } = parseInput(subjectHintsQuerySchema, query, "query");
  // An organisation's administrators see the names presented to their organisation only; the
  // bootstrap administrator sees every name seen anywhere (sign-ins included).
  const everywhere = context.isBootstrapAdmin;
  const filter = q ? { subject: { contains: q.trim(), mode: "insensitive" as const } } : {};
  const [observed, mappedHere] = await Promise.all([
    everywhere
      ? db.observedGroup.findMany({
          where: { subjectType, ...filter },
          orderBy: { lastSeenAt: "desc" },
          take: 20,
        })
      : db.observedSubjectInTenant.findMany({
          where: { tenantId: tenant.id, subjectType, ...filter },
          orderBy: { lastSeenAt: "desc" },
          take: 20,
        }),
    db.mapping.findMany({
      where: { tenantId: tenant.id, subjectType },
      select: { subject: true },
      distinct: ["subject"],
    }),
  ]);
  const mappedSet = new Set(mappedHere.map((mapping) => mapping.subject));
  const suggestions = observed.map((row) => ({
    subject: row.subject,
    lastSeenAt: row.lastSeenAt.toISOString(),
    count: Number(row.count),
    mappedHere: mappedSet.has(row.subject),
  }));
  if (!q) return { suggestions, check: null };

  const folded = foldSubject(q);
  const [exact, similarObserved] = await Promise.all([
    everywhere
      ? db.observedGroup.findUnique({ where: { subjectType_subject: { subjectType, subject: q } } })
      : db.observedSubjectInTenant.findUnique({
          where: { tenantId_subjectType_subject: { tenantId: tenant.id, subjectType, subject: q } },
        }),
    db.$queryRaw<{ subject: string }[]>`
      SELECT subject FROM ${everywhere ? Prisma.sql`"ObservedGroup"` : Prisma.sql`"ObservedSubjectInTenant"`}
      WHERE "subjectType" = ${subjectType}::"SubjectType"
        ${everywhere ? Prisma.empty : Prisma.sql`AND "tenantId" = ${tenant.id}::uuid`}
        AND lower(regexp_replace(regexp_replace(btrim(subject), '^/+', ''), '[[:space:]]+', ' ', 'g')) = ${folded}
        AND subject <> ${q}
      LIMIT 10`,
  ]);
  const nearMisses: SubjectCheck["nearMisses"] = [];
  for (const row of similarObserved) {
    nearMisses.push({
      subject: row.subject,
      source: "observed",
      difference: describeDifference(q, row.subject),
    });
  }
  for (const miss of nearMissesAmong(q, mappedSet, "mapped")) {
    if (!nearMisses.some((known) => known.subject === miss.subject)) nearMisses.push(miss);
  }
  const warnings: string[] = [];
  if (!exact) {
    warnings.push(
      subjectType === "GROUP"
        ? everywhere
          ? `"${q}" has never been seen in a sign-in or token exchange. Check the exact spelling the identity provider sends.`
          : `"${q}" has never been seen in a token or resolve request for this organisation. Check the exact spelling the identity provider sends.`
        : `No technical client "${q}" has been seen yet.`,
    );
  }
  if (q.trim() !== q)
    warnings.push("The name starts or ends with white space; identity providers rarely send that.");
  for (const miss of nearMisses) {
    warnings.push(
      `"${q}" differs from the ${miss.source} name "${miss.subject}" only by ${miss.difference}.`,
    );
  }
  return {
    suggestions,
    check: {
      subject: q,
      seen: exact ? { lastSeenAt: exact.lastSeenAt.toISOString(), count: Number(exact.count) } : null,
      mappedHere: mappedSet.has(q),
      nearMisses,
      warnings,
    },
  };
}
