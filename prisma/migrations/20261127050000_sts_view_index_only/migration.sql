-- The STS read contract, version 1, unchanged in shape: same columns, same rows.
--
-- A reader's question (tenant, subject type, subjects) is answered from the mapping index alone: the
-- index also carries the role and the expiry, so no table page is read for a mapping.
DROP INDEX "Mapping_tenantId_subjectType_subject_idx";
CREATE INDEX "Mapping_tenantId_subjectType_subject_roleId_expiresAt_idx" ON "Mapping"("tenantId", "subjectType", "subject", "roleId", "expiresAt");

-- Every role permission names a catalog permission (foreign key), so the left join yields the same
-- rows as an inner join, and lets PostgreSQL skip the catalog entirely when permission_bit is not read.
CREATE OR REPLACE VIEW "sts_effective_permissions" AS
SELECT
  t."id"             AS tenant_id,
  t."slug"           AS tenant_slug,
  t."status"::text   AS tenant_status,
  m."subjectType"    AS subject_type,
  m."subject"        AS subject,
  r."key"            AS role_key,
  rp."permissionKey" AS permission_key,
  p."bit"            AS permission_bit,
  t."revision"       AS tenant_revision
FROM "Mapping" m
JOIN "Tenant" t ON t."id" = m."tenantId"
JOIN "Role" r ON r."id" = m."roleId"
JOIN "RolePermission" rp ON rp."roleId" = r."id"
LEFT JOIN "Permission" p ON p."key" = rp."permissionKey"
WHERE t."status" = 'ACTIVE'
  AND (m."expiresAt" IS NULL OR m."expiresAt" > now());
