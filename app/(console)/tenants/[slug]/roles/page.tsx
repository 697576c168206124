import type { Metadata } from "next";
import Link from "next/link";
import { RolesManager } from "@/components/roles/roles-manager";
import { requireConsolePage } from "@/server/auth/require-permission";
import { getDb } from "@/server/db/client";
import { listPermissions } from "@/server/permissions/list-permissions";
import { listTenantRoles } from "@/server/roles/list-roles";
import { meFromContext } from "../../../me-from-context";
import { loadTenantForPage } from "../load-tenant";

export async function generateMetadata({ params }: { params: Promise<{ slug: string }> }): Promise<Metadata> {
  return { title: `Roles · ${(await params).slug}` };
}

export default async function TenantRolesPage({ params }: { params: Promise<{ slug: string }> }) {
  const context = await requireConsolePage();
  const { slug } = await params;
  const { tenant } = await loadTenantForPage(context, slug);
  if (!tenant) return null;
  const mayChange = tenant.can.create || tenant.can.edit;
  const [roles, catalog] = await Promise.all([
    listTenantRoles(getDb(), context, slug),
    mayChange ? listPermissions(getDb()) : Promise.resolve(undefined),
  ]);
  return (
    <>
      <div className="page-header">
        <h1>Roles</h1>
        <p>
          A role is a named set of permissions (what the platform calls a system role). {tenant.name} can use
          its own roles and every global role template; a mapping then gives a role to an IAM role or
          technical client.
          {context.isBootstrapAdmin ? (
            <>
              {" "}
              Global templates are edited under <Link href="/roles">Role templates</Link>.
            </>
          ) : (
            " Global templates are maintained by the bootstrap administrator and are read-only here."
          )}
        </p>
      </div>
      <RolesManager
        scope={{
          kind: "tenant",
          slug: tenant.slug,
          tenantId: tenant.id,
          tenantName: tenant.name,
          can: { create: tenant.can.create, edit: tenant.can.edit, delete: tenant.can.delete },
        }}
        initialRoles={roles}
        initialMe={meFromContext(context)}
        initialCatalog={catalog}
      />
    </>
  );
}
