import { getDb } from "@/server/db/client";
import { listTenantRevisions } from "@/server/config-as-code/tenant-history";
import { json, routeParam, withConsoleAuth } from "@/server/http/route-handler";

export const GET = withConsoleAuth(async (_request, context, route) =>
  json(await listTenantRevisions(getDb(), context, await routeParam(route, "slug"))),
);
