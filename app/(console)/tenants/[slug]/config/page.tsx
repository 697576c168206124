import type { Metadata } from "next";
import { ConfigImport } from "@/components/config/config-import";
import { requireConsolePage } from "@/server/auth/require-permission";
import { loadTenantForPage } from "../load-tenant";

export async function generateMetadata({ params }: { params: Promise<{ slug: string }> }): Promise<Metadata> {
  return { title: `Config as code · ${(await params).slug}` };
}

export default async function TenantConfigPage({ params }: { params: Promise<{ slug: string }> }) {
  const context = await requireConsolePage();
  const { slug } = await params;
  const { tenant } = await loadTenantForPage(context, slug);
  if (!tenant) return null;
  const exportUrl = (format: string) =>
    `/api/console/config/export?tenant=${encodeURIComponent(tenant.slug)}&format=${format}`;
  const mayChange = tenant.can.create || tenant.can.edit || tenant.can.delete || tenant.can.editOrganisation;
  return (
    <>
      <div className="page-header">
        <h1>Config as code</h1>
        <p>
          {tenant.name} as a file: roles with their permissions and scope, and every mapping. Importing a file
          shows a plan first; applying it is one change, one revision and one audit record, and can be rolled
          back from the History tab.
        </p>
      </div>
      <div className="card row export-row">
        <strong>Export {tenant.slug}</strong>
        <a className="button secondary" href={exportUrl("yaml")} download>
          Download YAML
        </a>
        <a className="button secondary" href={exportUrl("json")} download>
          Download JSON
        </a>
      </div>
      <h2 className="section-gap">Import</h2>
      {mayChange ? (
        <ConfigImport tenant={tenant.slug} />
      ) : (
        <p className="muted">
          You have read-only access here: importing needs STS_IAM_ROLE_CREATE, _EDIT or _DELETE.
        </p>
      )}
    </>
  );
}
