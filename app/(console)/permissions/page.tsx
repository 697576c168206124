import type { Metadata } from "next";
import { requireConsolePage } from "@/server/auth/require-permission";
import { getDb } from "@/server/db/client";
import { listPermissions } from "@/server/permissions/list-permissions";
import { PermissionCatalog } from "./permission-catalog";

export const metadata: Metadata = { title: "Permission catalog" };

export default async function PermissionsPage() {
  const context = await requireConsolePage();
  const catalog = await listPermissions(getDb());
  return (
    <>
      <div className="page-header">
        <h1>Permission catalog</h1>
        <p>
          Every permission name the platform&apos;s core service checks, grouped by category. Roles are built
          from these keys, and app tokens carry them in their <code>permissions</code> claim. The catalog
          follows a version of the core; a newer catalog is imported, not coded. A deprecated key stays in the
          roles that hold it but can no longer be granted anew.
          {context.isBootstrapAdmin
            ? " As the bootstrap administrator you can deprecate keys and delete unused ones."
            : ""}
        </p>
      </div>
      <PermissionCatalog initial={catalog} canManage={context.isBootstrapAdmin} />
    </>
  );
}
