import { getDb } from "@/server/db/client";
import { planTenantRollback } from "@/server/config-as-code/tenant-history";
import { readJsonBody } from "@/server/http/read-json-body";
import { json, routeParam, withConsoleAuth } from "@/server/http/route-handler";

export const POST = withConsoleAuth(async (request, context, route) =>
  json(
    await planTenantRollback(getDb(), context, await routeParam(route, "slug"), await readJsonBody(request)),
  ),
);
