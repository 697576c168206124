import type { Metadata } from "next";
import { EmptyState } from "@/components/empty-state";
import { requireConsolePage } from "@/server/auth/require-permission";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage() {
  await requireConsolePage();
  return (
    <>
      <div className="page-header">
        <h1>Audit log</h1>
      </div>
      <EmptyState title="Not available yet">
        Every administrative change and security event is already recorded in a hash-chained audit log.
        Browsing, filtering and verifying it here is not available in this version yet; the dashboard shows
        the most recent changes.
      </EmptyState>
    </>
  );
}
