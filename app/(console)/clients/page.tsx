import type { Metadata } from "next";
import { requireConsolePage } from "@/server/auth/require-permission";
import { listClients } from "@/server/clients/manage-clients";
import { getConfig } from "@/server/config";
import { getDb } from "@/server/db/client";
import { listTenants } from "@/server/tenants/list-tenants";
import { ClientsManager } from "./clients-manager";

export const metadata: Metadata = { title: "Technical clients" };

export default async function ClientsPage() {
  const context = await requireConsolePage();
  const db = getDb();
  const [clients, tenants] = await Promise.all([listClients(db, context), listTenants(db, context)]);
  return (
    <>
      <div className="page-header">
        <h1>Technical clients</h1>
        <p>
          Machine users with their own credentials: an STS or a script that reads mappings through the machine
          API, or a service that obtains app tokens with <code>client_credentials</code> (its permissions then
          come from CLIENT mappings in its organisation).
          {context.isBootstrapAdmin
            ? " A client belongs to one organisation, or has read access to all of them."
            : " You see the clients of your organisations and can register clients where you may add mappings."}
        </p>
      </div>
      <ClientsManager
        initialClients={clients}
        initialTenants={tenants}
        isBootstrapAdmin={context.isBootstrapAdmin}
        publicUrl={getConfig().STS_PUBLIC_URL}
      />
    </>
  );
}
