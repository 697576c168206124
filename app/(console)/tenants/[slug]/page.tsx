import type { Metadata } from "next";
import { ActivityPanel } from "@/components/activity/activity-panel";
import { getActivitySummary } from "@/server/activity/get-activity-summary";
import { requireConsolePage } from "@/server/auth/require-permission";
import { getDb } from "@/server/db/client";
import { getTenantDeletionImpact } from "@/server/tenants/delete-tenant";
import { loadTenantForPage } from "./load-tenant";
import { TenantOverview } from "./tenant-overview";

export async function generateMetadata({ params }: { params: Promise<{ slug: string }> }): Promise<Metadata> {
  return { title: `Organisation · ${(await params).slug}` };
}

export default async function TenantPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const context = await requireConsolePage();
  const { slug } = await params;
  const { tenant } = await loadTenantForPage(context, slug);
  // The layout shows why a tenant cannot be read; nothing more to render here.
  if (!tenant) return null;
  const db = getDb();
  const range = (await searchParams).activity === "14d" ? "14d" : "24h";
  const [deletionImpact, activity] = await Promise.all([
    tenant.can.deleteTenant ? getTenantDeletionImpact(db, tenant.id) : null,
    // The tenant was authorised for reading above; its activity is scoped to it alone.
    getActivitySummary(db, { tenantIds: [tenant.id] }, range),
  ]);
  return (
    <>
      <TenantOverview initial={{ tenant, deletionImpact }} />
      <div style={{ marginTop: 16 }}>
        <ActivityPanel
          summary={activity}
          basePath={`/tenants/${tenant.slug}`}
          auditPath={`/tenants/${tenant.slug}/audit`}
          unmappedTitle="Recently seen, not mapped here"
        />
      </div>
    </>
  );
}
