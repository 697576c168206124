import type { Metadata } from "next";
import { requireConsolePage } from "@/server/auth/require-permission";
import { getDb } from "@/server/db/client";
import { listPermissions } from "@/server/permissions/list-permissions";
import { listTenants } from "@/server/tenants/list-tenants";
import { AccessLookup } from "./access-lookup";
import { UnmappedGroups } from "./unmapped-groups";
import "../access-views.css";

export const metadata: Metadata = { title: "Access lookup" };

export default async function AccessLookupPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const context = await requireConsolePage();
  const query = await searchParams;
  const db = getDb();
  const [tenants, catalog] = await Promise.all([listTenants(db, context), listPermissions(db)]);
  const readable = tenants
    .filter((tenant) => tenant.can.read)
    .map((tenant) => ({ slug: tenant.slug, name: tenant.name }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return (
    <>
      <div className="page-header">
        <h1>Access lookup</h1>
        <p>
          Where does an IAM role / group have access, and who holds a permission?
          {context.isBootstrapAdmin
            ? " You see every organisation."
            : " Answers cover only the organisations you may read."}
        </p>
      </div>
      <div className="stack">
        <AccessLookup
          tenants={readable}
          permissions={catalog.permissions.map((permission) => ({
            key: permission.key,
            category: permission.category,
          }))}
          initialPermission={typeof query.permission === "string" ? query.permission : ""}
          initialSubject={typeof query.subject === "string" ? query.subject : ""}
        />
        {context.isBootstrapAdmin && <UnmappedGroups scope={{ kind: "global", tenants: readable }} />}
      </div>
    </>
  );
}
