import type { Metadata } from "next";
import { requireConsolePage } from "@/server/auth/require-permission";
import { getDb } from "@/server/db/client";
import { listTenants } from "@/server/tenants/list-tenants";
import { TenantsTable } from "./tenants-table";

export const metadata: Metadata = { title: "Organisations" };

export default async function TenantsPage() {
  const context = await requireConsolePage();
  const tenants = await listTenants(getDb(), context);
  return (
    <>
      <div className="page-header">
        <h1>Organisations</h1>
        <p>
          An organisation is one tenant of the platform: the STS issues app tokens per organisation, with the
          organisation&apos;s id as <code>organisationId</code>. Each organisation has its own roles and its
          own mappings from IAM roles (the groups your identity provider sends) and technical clients to those
          roles.
          {context.isBootstrapAdmin
            ? " As the bootstrap administrator you see every organisation and can create new ones."
            : " You see the organisations where one of your groups is mapped to a console permission."}
        </p>
      </div>
      <TenantsTable initialTenants={tenants} canCreate={context.isBootstrapAdmin} />
    </>
  );
}
