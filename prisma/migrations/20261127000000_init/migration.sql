-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "TenantStatus" AS ENUM ('ACTIVE', 'DISABLED');

-- CreateEnum
CREATE TYPE "SubjectType" AS ENUM ('GROUP', 'CLIENT');

-- CreateEnum
CREATE TYPE "SigningKeyStatus" AS ENUM ('NEXT', 'ACTIVE', 'RETIRING', 'RETIRED');

-- CreateEnum
CREATE TYPE "ActorType" AS ENUM ('USER', 'CLIENT', 'SYSTEM');

-- CreateEnum
CREATE TYPE "TechnicalClientStatus" AS ENUM ('ACTIVE', 'REVOKED');

-- CreateTable
CREATE TABLE "Tenant" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "slug" VARCHAR(63) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "status" "TenantStatus" NOT NULL DEFAULT 'ACTIVE',
    "revision" INTEGER NOT NULL DEFAULT 0,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Tenant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Permission" (
    "key" VARCHAR(100) NOT NULL,
    "description" VARCHAR(500) NOT NULL DEFAULT '',
    "category" VARCHAR(100) NOT NULL,
    "bit" SMALLINT,
    "deprecatedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Permission_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "PermissionCatalogImport" (
    "version" VARCHAR(50) NOT NULL,
    "coreVersion" VARCHAR(50) NOT NULL,
    "importedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "addedCount" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "PermissionCatalogImport_pkey" PRIMARY KEY ("version")
);

-- CreateTable
CREATE TABLE "Role" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenantId" UUID,
    "key" VARCHAR(100) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "description" VARCHAR(1000) NOT NULL DEFAULT '',
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdBy" VARCHAR(255) NOT NULL DEFAULT '',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Role_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RolePermission" (
    "roleId" UUID NOT NULL,
    "permissionKey" VARCHAR(100) NOT NULL,

    CONSTRAINT "RolePermission_pkey" PRIMARY KEY ("roleId","permissionKey")
);

-- CreateTable
CREATE TABLE "Mapping" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenantId" UUID NOT NULL,
    "subjectType" "SubjectType" NOT NULL,
    "subject" VARCHAR(255) NOT NULL,
    "roleId" UUID NOT NULL,
    "expiresAt" TIMESTAMPTZ(3),
    "note" VARCHAR(1000) NOT NULL DEFAULT '',
    "createdBy" VARCHAR(255) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "Mapping_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ObservedGroup" (
    "subjectType" "SubjectType" NOT NULL DEFAULT 'GROUP',
    "subject" VARCHAR(255) NOT NULL,
    "firstSeenAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "count" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "ObservedGroup_pkey" PRIMARY KEY ("subjectType","subject")
);

-- CreateTable
CREATE TABLE "SigningKey" (
    "kid" VARCHAR(100) NOT NULL,
    "alg" VARCHAR(20) NOT NULL DEFAULT 'EdDSA',
    "publicJwk" JSONB NOT NULL,
    "privateKeyEncrypted" TEXT NOT NULL,
    "status" "SigningKeyStatus" NOT NULL DEFAULT 'NEXT',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "publishedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "activatedAt" TIMESTAMPTZ(3),
    "retiringAt" TIMESTAMPTZ(3),
    "retiredAt" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "SigningKey_pkey" PRIMARY KEY ("kid")
);

-- CreateTable
CREATE TABLE "TechnicalClient" (
    "clientId" VARCHAR(100) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "secretHash" VARCHAR(64) NOT NULL,
    "tenantId" UUID,
    "readAllTenants" BOOLEAN NOT NULL DEFAULT false,
    "status" "TechnicalClientStatus" NOT NULL DEFAULT 'ACTIVE',
    "createdBy" VARCHAR(255) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "secretRotatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "TechnicalClient_pkey" PRIMARY KEY ("clientId")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorSub" VARCHAR(255) NOT NULL,
    "actorName" VARCHAR(255) NOT NULL DEFAULT '',
    "actorType" "ActorType" NOT NULL,
    "tenantId" UUID,
    "action" VARCHAR(100) NOT NULL,
    "targetType" VARCHAR(50) NOT NULL,
    "targetId" VARCHAR(255) NOT NULL DEFAULT '',
    "before" JSONB,
    "after" JSONB,
    "requestId" VARCHAR(100) NOT NULL DEFAULT '',
    "ip" VARCHAR(100) NOT NULL DEFAULT '',
    "userAgent" VARCHAR(500) NOT NULL DEFAULT '',
    "prevHash" VARCHAR(64) NOT NULL,
    "hash" VARCHAR(64) NOT NULL,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ActivityEvent" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" VARCHAR(50) NOT NULL,
    "tenantId" UUID,
    "subject" VARCHAR(255) NOT NULL DEFAULT '',
    "clientId" VARCHAR(100) NOT NULL DEFAULT '',
    "result" VARCHAR(20) NOT NULL,
    "errorCode" VARCHAR(100) NOT NULL DEFAULT '',
    "jtiHash" VARCHAR(64) NOT NULL DEFAULT '',

    CONSTRAINT "ActivityEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Tenant_slug_key" ON "Tenant"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "Permission_bit_key" ON "Permission"("bit");

-- CreateIndex
-- Two global roles (tenantId NULL) must not share a key either.
CREATE UNIQUE INDEX "Role_tenantId_key_key" ON "Role"("tenantId", "key") NULLS NOT DISTINCT;

-- CreateIndex
CREATE INDEX "RolePermission_permissionKey_idx" ON "RolePermission"("permissionKey");

-- CreateIndex
CREATE INDEX "Mapping_roleId_idx" ON "Mapping"("roleId");

-- CreateIndex
CREATE INDEX "Mapping_tenantId_subject_idx" ON "Mapping"("tenantId", "subject");

-- CreateIndex
CREATE UNIQUE INDEX "Mapping_tenantId_subjectType_subject_roleId_key" ON "Mapping"("tenantId", "subjectType", "subject", "roleId");

-- CreateIndex
CREATE INDEX "ObservedGroup_lastSeenAt_idx" ON "ObservedGroup"("lastSeenAt");

-- CreateIndex
CREATE INDEX "SigningKey_status_idx" ON "SigningKey"("status");

-- CreateIndex
CREATE INDEX "TechnicalClient_tenantId_idx" ON "TechnicalClient"("tenantId");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_hash_key" ON "AuditEvent"("hash");

-- CreateIndex
CREATE INDEX "AuditEvent_tenantId_id_idx" ON "AuditEvent"("tenantId", "id");

-- CreateIndex
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");

-- CreateIndex
CREATE INDEX "AuditEvent_action_id_idx" ON "AuditEvent"("action", "id");

-- CreateIndex
CREATE INDEX "AuditEvent_actorSub_id_idx" ON "AuditEvent"("actorSub", "id");

-- CreateIndex
CREATE INDEX "ActivityEvent_tenantId_at_idx" ON "ActivityEvent"("tenantId", "at");

-- CreateIndex
CREATE INDEX "ActivityEvent_at_idx" ON "ActivityEvent"("at");

-- AddForeignKey
ALTER TABLE "Role" ADD CONSTRAINT "Role_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RolePermission" ADD CONSTRAINT "RolePermission_roleId_fkey" FOREIGN KEY ("roleId") REFERENCES "Role"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RolePermission" ADD CONSTRAINT "RolePermission_permissionKey_fkey" FOREIGN KEY ("permissionKey") REFERENCES "Permission"("key") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Mapping" ADD CONSTRAINT "Mapping_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Mapping" ADD CONSTRAINT "Mapping_roleId_fkey" FOREIGN KEY ("roleId") REFERENCES "Role"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TechnicalClient" ADD CONSTRAINT "TechnicalClient_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Domain rules the Prisma schema cannot express.
ALTER TABLE "Tenant" ADD CONSTRAINT "Tenant_slug_format" CHECK ("slug" ~ '^[a-z0-9][a-z0-9-]{1,62}$');
ALTER TABLE "Permission" ADD CONSTRAINT "Permission_key_format" CHECK ("key" ~ '^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$');
ALTER TABLE "Permission" ADD CONSTRAINT "Permission_bit_range" CHECK ("bit" IS NULL OR ("bit" >= 0 AND "bit" < 4096));
ALTER TABLE "Mapping" ADD CONSTRAINT "Mapping_subject_not_empty" CHECK (length("subject") > 0);
ALTER TABLE "TechnicalClient" ADD CONSTRAINT "TechnicalClient_scope" CHECK (("tenantId" IS NULL) = "readAllTenants");

-- The audit log is append-only. Grants do not bind a superuser connection, so a trigger refuses
-- UPDATE, DELETE and TRUNCATE for everyone.
CREATE FUNCTION "audit_event_append_only"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'AuditEvent is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "AuditEvent_append_only_row"
  BEFORE UPDATE OR DELETE ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION "audit_event_append_only"();

CREATE TRIGGER "AuditEvent_append_only_truncate"
  BEFORE TRUNCATE ON "AuditEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_event_append_only"();

-- A mapping may use a global role template or a role of its own tenant, never another tenant's role.
CREATE FUNCTION "mapping_role_in_scope"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM "Role" r
    WHERE r."id" = NEW."roleId" AND (r."tenantId" IS NULL OR r."tenantId" = NEW."tenantId")
  ) THEN
    RAISE EXCEPTION 'role % is not available in tenant %', NEW."roleId", NEW."tenantId"
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER "Mapping_role_in_scope"
  BEFORE INSERT OR UPDATE OF "roleId", "tenantId" ON "Mapping"
  FOR EACH ROW EXECUTE FUNCTION "mapping_role_in_scope"();
