import type { Metadata } from "next";
import { requireConsolePage } from "@/server/auth/require-permission";
import { getConfig } from "@/server/config";
import { getDb } from "@/server/db/client";
import { listPermissions } from "@/server/permissions/list-permissions";
import { listTenantRoles } from "@/server/roles/list-roles";
import { loadTenantForPage } from "../load-tenant";
import { AccessExplorer } from "./access-explorer";
import "../../../access-views.css";

export async function generateMetadata({ params }: { params: Promise<{ slug: string }> }): Promise<Metadata> {
  return { title: `Explorer · ${(await params).slug}` };
}

export default async function TenantExplorerPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const context = await requireConsolePage();
  const { slug } = await params;
  const { tenant } = await loadTenantForPage(context, slug);
  if (!tenant) return null;
  const query = await searchParams;
  const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
  const config = getConfig();
  const [roles, catalog] = await Promise.all([
    listTenantRoles(getDb(), context, slug),
    listPermissions(getDb()),
  ]);
  return (
    <>
      <div className="page-header">
        <h1>Explorer</h1>
        <p>
          Why does someone have a permission in {tenant.name}? Give their IAM roles / groups — typed, picked
          from the names seen before, or read from a pasted IAM token — and see their roles and permissions
          with the mapping behind each, the names that match nothing, and what a mapping change would do
          before it is saved.
        </p>
      </div>
      <AccessExplorer
        tenant={{ slug: tenant.slug, name: tenant.name, status: tenant.status }}
        mayMap={tenant.can.create}
        roles={roles.map((role) => ({ id: role.id, key: role.key, name: role.name, scope: role.scope }))}
        permissions={catalog.permissions.map((permission) => ({
          key: permission.key,
          category: permission.category,
        }))}
        claimPaths={{
          role: config.STS_ROLE_PATH,
          groups: config.STS_GROUPS_PATH,
          separator: config.STS_CLAIM_SEPARATOR ?? null,
        }}
        initialGroups={
          first(query.groups)
            ?.split("\n")
            .filter((name) => name.length > 0) ?? []
        }
        initialPermission={first(query.permission) ?? ""}
      />
    </>
  );
}
