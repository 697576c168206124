import Link from "next/link";
import type { ReactNode } from "react";
import { ForbiddenNotice } from "@/components/forbidden-notice";
import { StatusBadge } from "@/components/status-badge";
import { requireConsolePage } from "@/server/auth/require-permission";
import { loadTenantForPage } from "./load-tenant";
import { TenantTabs } from "./tenant-tabs";

export default async function TenantLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ slug: string }>;
}) {
  const context = await requireConsolePage();
  const { slug } = await params;
  const { tenant, forbidden } = await loadTenantForPage(context, slug);
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <ol>
          <li>
            <Link href="/tenants">Organisations</Link>
          </li>
          <li aria-current="page">{tenant ? tenant.name : slug}</li>
        </ol>
      </nav>
      {tenant ? (
        <>
          <div className="tenant-strip">
            <div className="tenant-strip-name">
              <span className="tenant-strip-label">Organisation</span>
              <strong>{tenant.name}</strong>
              <code>{tenant.slug}</code>
              <StatusBadge status={tenant.status} />
            </div>
            <TenantTabs slug={tenant.slug} />
          </div>
          {tenant.status === "DISABLED" && (
            <div className="alert warn" role="note" style={{ marginBottom: 16 }}>
              <strong>This organisation is disabled.</strong> The STS issues no tokens for it until it is
              enabled again; its roles and mappings are kept.
            </div>
          )}
          {children}
        </>
      ) : (
        <ForbiddenNotice what={forbidden ?? "You may not see this organisation."} />
      )}
    </>
  );
}
