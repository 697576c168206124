import type { Metadata } from "next";
import { requireConsolePage } from "@/server/auth/require-permission";
import { listTenantRevisions } from "@/server/config-as-code/tenant-history";
import { getDb } from "@/server/db/client";
import { loadTenantForPage } from "../load-tenant";
import { TenantHistory } from "./tenant-history";

export async function generateMetadata({ params }: { params: Promise<{ slug: string }> }): Promise<Metadata> {
  return { title: `History · ${(await params).slug}` };
}

export default async function TenantHistoryPage({ params }: { params: Promise<{ slug: string }> }) {
  const context = await requireConsolePage();
  const { slug } = await params;
  const { tenant } = await loadTenantForPage(context, slug);
  if (!tenant) return null;
  const history = await listTenantRevisions(getDb(), context, slug);
  return (
    <>
      <div className="page-header">
        <h1>History</h1>
        <p>
          Every revision of {tenant.name}: who made it, when and how. Compare any two, or roll back to one — a
          rollback is itself a new revision, shown as a plan before it is applied. Notes and names edited
          without a new revision are restored to the chosen revision&apos;s values too; the plan shows them.
        </p>
      </div>
      <TenantHistory
        slug={tenant.slug}
        initial={history}
        mayRollBack={tenant.can.create || tenant.can.edit || tenant.can.delete}
      />
    </>
  );
}
