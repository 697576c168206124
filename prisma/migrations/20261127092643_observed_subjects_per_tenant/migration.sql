-- CreateTable
CREATE TABLE "ObservedSubjectInTenant" (
    "tenantId" UUID NOT NULL,
    "subjectType" "SubjectType" NOT NULL DEFAULT 'GROUP',
    "subject" VARCHAR(255) NOT NULL,
    "firstSeenAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "count" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "ObservedSubjectInTenant_pkey" PRIMARY KEY ("tenantId","subjectType","subject")
);

-- CreateIndex
CREATE INDEX "ObservedSubjectInTenant_tenantId_lastSeenAt_idx" ON "ObservedSubjectInTenant"("tenantId", "lastSeenAt");

-- AddForeignKey
ALTER TABLE "ObservedSubjectInTenant" ADD CONSTRAINT "ObservedSubjectInTenant_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
