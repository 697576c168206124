-- Revision history: every tenant revision keeps who made it, how, and the tenant's configuration right
-- after it (README.md → "Config as code and history"). Rows are written by the same transaction that
-- bumps "Tenant".revision (src/server/tenants/tenant-changes.ts), never afterwards.
CREATE TABLE "TenantRevision" (
    "tenantId" UUID NOT NULL,
    "revision" INTEGER NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorSub" VARCHAR(255) NOT NULL,
    "actorName" VARCHAR(255) NOT NULL DEFAULT '',
    "actorType" "ActorType" NOT NULL,
    "action" VARCHAR(100) NOT NULL,
    "snapshot" JSONB NOT NULL,

    CONSTRAINT "TenantRevision_pkey" PRIMARY KEY ("tenantId","revision")
);

ALTER TABLE "TenantRevision" ADD CONSTRAINT "TenantRevision_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- One tenant's configuration as data: the tenant, its own roles and the global templates it maps (with
-- their permissions), and every mapping (expired ones too). Order is not meaningful here: the
-- config-as-code writer sorts by code point, independent of the database's collation.
CREATE FUNCTION sts_tenant_config(p_tenant uuid) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'id', t."id",
    'slug', t."slug",
    'name', t."name",
    'status', t."status"::text,
    'roles', COALESCE((
      SELECT jsonb_agg(jsonb_build_object(
        'key', r."key",
        'scope', CASE WHEN r."tenantId" IS NULL THEN 'global' ELSE 'tenant' END,
        'name', r."name",
        'description', r."description",
        'permissions', COALESCE((
          SELECT jsonb_agg(rp."permissionKey") FROM "RolePermission" rp WHERE rp."roleId" = r."id"
        ), '[]'::jsonb)
      ))
      FROM "Role" r
      WHERE r."tenantId" = t."id"
         OR (r."tenantId" IS NULL AND EXISTS (
           SELECT 1 FROM "Mapping" mr WHERE mr."tenantId" = t."id" AND mr."roleId" = r."id"))
    ), '[]'::jsonb),
    'mappings', COALESCE((
      SELECT jsonb_agg(jsonb_build_object(
        'subjectType', m."subjectType"::text,
        'subject', m."subject",
        'role', r."key",
        'scope', CASE WHEN r."tenantId" IS NULL THEN 'global' ELSE 'tenant' END,
        'expiresAt', to_char(m."expiresAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'note', m."note"
      ))
      FROM "Mapping" m JOIN "Role" r ON r."id" = m."roleId"
      WHERE m."tenantId" = t."id"
    ), '[]'::jsonb)
  )
  FROM "Tenant" t WHERE t."id" = p_tenant
$$;

-- Tenants that predate the history start it at their current revision.
INSERT INTO "TenantRevision" ("tenantId", "revision", "actorSub", "actorName", "actorType", "action", "snapshot")
SELECT t."id", t."revision", 'system', 'migration', 'SYSTEM', 'history.start', sts_tenant_config(t."id")
FROM "Tenant" t;
