import type { Metadata } from "next";
import { requireConsolePage } from "@/server/auth/require-permission";
import { loadAuditView } from "@/server/audit/load-audit-view";
import { getDb } from "@/server/db/client";
import { AuditLogView } from "../../../audit/audit-log-view";
import { loadTenantForPage } from "../load-tenant";

export async function generateMetadata({ params }: { params: Promise<{ slug: string }> }): Promise<Metadata> {
  return { title: `Audit log · ${(await params).slug}` };
}

export default async function TenantAuditPage({
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
  const data = await loadAuditView(getDb(), context, tenant.slug, await searchParams);
  return (
    <section aria-labelledby="tenant-audit-title">
      <h2 id="tenant-audit-title">Audit log</h2>
      <AuditLogView data={data} basePath={`/tenants/${tenant.slug}/audit`} tenantSlug={tenant.slug} />
    </section>
  );
}
