import { listAuditEvents } from "@/server/audit/list-audit-events";
import { getDb } from "@/server/db/client";
import { json, withConsoleAuth } from "@/server/http/route-handler";

export const GET = withConsoleAuth(async (request, context) =>
  json(await listAuditEvents(getDb(), context, Object.fromEntries(new URL(request.url).searchParams))),
);
