-- The STS read contract, version 1 (README.md → "Reading the mappings from your STS").
-- Additive changes only within v1: columns may be added at the end, never renamed or removed.
--
-- One row per (tenant, subject, role, permission) that is in force right now: the tenant is ACTIVE,
-- the mapping has not expired. Disabled tenants and expired mappings yield no rows.
CREATE VIEW "sts_effective_permissions" AS
SELECT
  t."id"             AS tenant_id,
  t."slug"           AS tenant_slug,
  t."status"::text   AS tenant_status,
  -- The enum itself (not a text cast) keeps `subject_type = 'GROUP'` index- and estimate-friendly;
  -- clients compare it with the strings 'GROUP' and 'CLIENT' as with text.
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
JOIN "Permission" p ON p."key" = rp."permissionKey"
WHERE t."status" = 'ACTIVE'
  AND (m."expiresAt" IS NULL OR m."expiresAt" > now());

COMMENT ON VIEW "sts_effective_permissions" IS
  'STS read contract v1: permissions in force per tenant and subject. NOTIFY sts_mappings_changed carries {"tenant":slug,"revision":n} after each committed change.';

-- Lookups by tenant and subject (the STS's question) stay index-driven as tenants grow.
CREATE INDEX "Mapping_tenantId_subjectType_subject_idx" ON "Mapping"("tenantId", "subjectType", "subject");
