import type { Metadata } from "next";
import { EmptyState } from "@/components/empty-state";
import { requireConsolePage } from "@/server/auth/require-permission";

export const metadata: Metadata = { title: "Organisations" };

export default async function TenantsPage() {
  await requireConsolePage();
  return (
    <>
      <div className="page-header">
        <h1>Organisations</h1>
      </div>
      <EmptyState title="Not available yet">
        Organisations (the platform's tenants) will be listed here. Creating them, their roles and their IAM role mappings is not available in this version of the console yet.
      </EmptyState>
    </>
  );
}
