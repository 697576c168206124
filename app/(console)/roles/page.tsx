import type { Metadata } from "next";
import { RolesManager } from "@/components/roles/roles-manager";
import { requireConsolePage } from "@/server/auth/require-permission";
import { getDb } from "@/server/db/client";
import { listPermissions } from "@/server/permissions/list-permissions";
import { listGlobalRoles } from "@/server/roles/list-roles";
import { meFromContext } from "../me-from-context";

export const metadata: Metadata = { title: "Role templates" };

export default async function RoleTemplatesPage() {
  const context = await requireConsolePage();
  const [roles, catalog] = await Promise.all([
    listGlobalRoles(getDb(), context),
    context.isBootstrapAdmin ? listPermissions(getDb()) : Promise.resolve(undefined),
  ]);
  return (
    <>
      <div className="page-header">
        <h1>Role templates</h1>
        <p>
          Global roles, usable in every organisation — like the platform&apos;s documented system roles
          (Credential issuer, Verifier, Read-only auditor, Organisation administrator). Changing a
          template&apos;s permissions changes them in every organisation that maps it, at the next token
          exchange; the mapping counts below are across all organisations.
          {context.isBootstrapAdmin
            ? " As the bootstrap administrator you can create, edit and delete templates."
            : " Only the bootstrap administrator can change them; organisations can also have roles of their own."}
        </p>
      </div>
      <RolesManager
        scope={{ kind: "global", canManage: context.isBootstrapAdmin }}
        initialRoles={roles}
        initialMe={meFromContext(context)}
        initialCatalog={catalog}
      />
    </>
  );
}
