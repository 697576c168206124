import type { Metadata } from "next";
import { requireConsolePage } from "@/server/auth/require-permission";
import { getDb } from "@/server/db/client";
import { getTenantDeletionImpact } from "@/server/tenants/delete-tenant";
import { loadTenantForPage } from "./load-tenant";
import { TenantOverview } from "./tenant-overview";

export async function generateMetadata({ params }: { params: Promise<{ slug: string }> }): Promise<Metadata> {
  return { title: `Organisation · ${(await params).slug}` };
}

export default async function TenantPage({ params }: { params: Promise<{ slug: string }> }) {
  const context = await requireConsolePage();
  const { slug } = await params;
  const { tenant } = await loadTenantForPage(context, slug);
  // The layout shows why a tenant cannot be read; nothing more to render here.
  if (!tenant) return null;
  const deletionImpact = tenant.can.deleteTenant ? await getTenantDeletionImpact(getDb(), tenant.id) : null;
  return <TenantOverview initial={{ tenant, deletionImpact }} />;
}
