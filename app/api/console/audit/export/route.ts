import { exportAuditLog } from "@/server/audit/export-audit-log";
import { getDb } from "@/server/db/client";
import { streamedDownload, withConsoleAuth } from "@/server/http/route-handler";

export const GET = withConsoleAuth(async (request, context) =>
  streamedDownload(
    await exportAuditLog(getDb(), context, "audit", Object.fromEntries(new URL(request.url).searchParams)),
  ),
);
