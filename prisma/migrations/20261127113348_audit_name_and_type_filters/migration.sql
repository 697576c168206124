-- CreateIndex
CREATE INDEX "AuditEvent_actorName_at_id_idx" ON "AuditEvent"("actorName", "at", "id");

-- CreateIndex
CREATE INDEX "AuditEvent_targetType_at_id_idx" ON "AuditEvent"("targetType", "at", "id");
