import type { Metadata } from "next";
import { requireConsolePage } from "@/server/auth/require-permission";
import { loadAuditView } from "@/server/audit/load-audit-view";
import { getDb } from "@/server/db/client";
import { AuditLogView } from "./audit-log-view";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const context = await requireConsolePage();
  const data = await loadAuditView(getDb(), context, undefined, await searchParams);
  return (
    <>
      <div className="page-header">
        <h1>Audit log</h1>
        <p>
          {context.isBootstrapAdmin
            ? "Every administrative change and security event of the console, hash-chained, and the machine activity of the STS."
            : "Changes and machine activity of the organisations you may read."}
        </p>
      </div>
      <AuditLogView data={data} basePath="/audit" />
    </>
  );
}
