-- Audit log and activity browsing: keyset paging newest first on ("at", "id"), alone or after an
-- equality filter (tenant, action, actor, target; activity: tenant, subject). Replaces the single-key
-- indexes that could not serve an ORDER BY "at" DESC, "id" DESC after a filter.

-- DropIndex
DROP INDEX "ActivityEvent_at_idx";

-- DropIndex
DROP INDEX "ActivityEvent_tenantId_at_idx";

-- DropIndex
DROP INDEX "AuditEvent_action_id_idx";

-- DropIndex
DROP INDEX "AuditEvent_actorSub_id_idx";

-- DropIndex
DROP INDEX "AuditEvent_at_idx";

-- DropIndex
DROP INDEX "AuditEvent_tenantId_id_idx";

-- CreateIndex
CREATE INDEX "ActivityEvent_at_id_idx" ON "ActivityEvent"("at", "id");

-- CreateIndex
CREATE INDEX "ActivityEvent_tenantId_at_id_idx" ON "ActivityEvent"("tenantId", "at", "id");

-- CreateIndex
CREATE INDEX "ActivityEvent_subject_at_id_idx" ON "ActivityEvent"("subject", "at", "id");

-- CreateIndex
CREATE INDEX "AuditEvent_at_id_idx" ON "AuditEvent"("at", "id");

-- CreateIndex
CREATE INDEX "AuditEvent_tenantId_at_id_idx" ON "AuditEvent"("tenantId", "at", "id");

-- CreateIndex
CREATE INDEX "AuditEvent_action_at_id_idx" ON "AuditEvent"("action", "at", "id");

-- CreateIndex
CREATE INDEX "AuditEvent_actorSub_at_id_idx" ON "AuditEvent"("actorSub", "at", "id");

-- CreateIndex
CREATE INDEX "AuditEvent_targetId_at_id_idx" ON "AuditEvent"("targetId", "at", "id");
