/**
 * A tenant's revisions: listed with actor and time, diffed pairwise, and rolled back to — a rollback is
 * an import of the old revision's configuration, with the same plan, checks and confirm step.
 */
import { z } from "zod";
import type { ConsoleContext } from "../auth/authorize";
import type { Db } from "../db/client";
import { NotFoundError } from "../http/errors";
import { parseInput } from "../shared/parse-input";
import { getTenant } from "../tenants/get-tenant";
import { applyConfig, type ApplyResult } from "./apply-config";
import { CONFIG_FORMAT, type ConfigDocument, type ConfigTenant } from "./config-document.types";
import type { ConfigPlan, ProgressListener, TenantDiff } from "./config-plan.types";
import { countDiff, diffTenantConfig } from "./diff-tenant-config";
import { tenantFromSnapshot } from "./load-tenant-config";
import { planConfig } from "./plan-config";

export interface TenantRevisionRow {
  revision: number;
  at: string;
  actorName: string;
  actorType: "USER" | "CLIENT" | "SYSTEM";
  action: string;
  roleCount: number;
  mappingCount: number;
}

const revisionNumber = z.coerce.number({ error: "revision must be a number" }).int().min(0);

export const diffQuerySchema = z.object({ from: revisionNumber, to: revisionNumber });
export const rollbackPlanSchema = z.object({ revision: revisionNumber });
export const rollbackSchema = z.object({
  revision: revisionNumber,
  baseRevision: z.number({ error: "baseRevision is required" }).int().min(0),
  baseDigest: z
    .string({ error: "baseDigest is required" })
    .regex(/^[0-9a-f]{64}$/, "baseDigest must come from the plan"),
});

export async function listTenantRevisions(
  db: Db,
  context: ConsoleContext,
  slug: string,
): Promise<{ revision: number; revisions: TenantRevisionRow[] }> {
  const tenant = await getTenant(db, context, slug);
  const rows = await db.$queryRaw<
    {
      revision: number;
      at: Date;
      actorName: string;
      actorType: TenantRevisionRow["actorType"];
      action: string;
      roleCount: number;
      mappingCount: number;
    }[]
  >`
    SELECT revision, at, "actorName", "actorType"::text AS "actorType", action,
           jsonb_array_length(snapshot->'roles') AS "roleCount",
           jsonb_array_length(snapshot->'mappings') AS "mappingCount"
    FROM "TenantRevision" WHERE "tenantId" = ${tenant.id}::uuid
    ORDER BY revision DESC LIMIT 500`;
  return {
    revision: tenant.revision,
    revisions: rows.map((row) => ({ ...row, at: row.at.toISOString() })),
  };
}

async function loadRevision(db: Db, tenantId: string, slug: string, revision: number): Promise<ConfigTenant> {
  const row = await db.tenantRevision.findUnique({
    where: { tenantId_revision: { tenantId, revision } },
    select: { snapshot: true },
  });
  if (!row) throw new NotFoundError(`Organisation "${slug}" has no recorded revision ${revision}.`);
  return tenantFromSnapshot(row.snapshot);
}

export async function diffTenantRevisions(
  db: Db,
  context: ConsoleContext,
  slug: string,
  query: unknown,
): Promise<TenantDiff & { from: number; to: number; counts: ReturnType<typeof countDiff> }> {
  const tenant = await getTenant(db, context, slug);
  const { from, to } = parseInput(diffQuerySchema, query, "query");
  const [before, after] = await Promise.all([
    loadRevision(db, tenant.id, slug, from),
    loadRevision(db, tenant.id, slug, to),
  ]);
  const diff = diffTenantConfig(before, after);
  return { from, to, ...diff, counts: countDiff(diff) };
}

async function rollbackDocument(db: Db, context: ConsoleContext, slug: string, revision: number) {
  const tenant = await getTenant(db, context, slug);
  const target = await loadRevision(db, tenant.id, slug, revision);
  const document: ConfigDocument = { format: CONFIG_FORMAT, tenants: [target] };
  return document;
}

export async function planTenantRollback(
  db: Db,
  context: ConsoleContext,
  slug: string,
  input: unknown,
): Promise<ConfigPlan & { revision: number }> {
  const { revision } = parseInput(rollbackPlanSchema, input, "rollback");
  const document = await rollbackDocument(db, context, slug, revision);
  return { ...(await planConfig(db, context, document, { onlyTenant: slug })), revision };
}

export async function rollbackTenant(
  db: Db,
  context: ConsoleContext,
  slug: string,
  input: unknown,
  options: { onProgress?: ProgressListener; signal?: AbortSignal } = {},
): Promise<ApplyResult> {
  const { revision, baseRevision, baseDigest } = parseInput(rollbackSchema, input, "rollback");
  const document = await rollbackDocument(db, context, slug, revision);
  return applyConfig(db, context, document, {
    baseRevisions: { [slug]: baseRevision },
    baseDigests: { [slug]: baseDigest },
    action: "config.rollback",
    onlyTenant: slug,
    auditDetail: { restoredRevision: revision },
    ...options,
  });
}
