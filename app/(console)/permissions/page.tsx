import type { Metadata } from "next";
import { EmptyState } from "@/components/empty-state";
import { requireConsolePage } from "@/server/auth/require-permission";

export const metadata: Metadata = { title: "Permission catalog" };

export default async function PermissionsPage() {
  await requireConsolePage();
  return (
    <>
      <div className="page-header">
        <h1>Permission catalog</h1>
      </div>
      <EmptyState title="Not available yet">
        The platform's permission names, grouped by category, will be browsable here. The catalog is already loaded into the database at start-up.
      </EmptyState>
    </>
  );
}
