import { getDb } from "@/server/db/client";
import { json, routeParam, withConsoleAuth } from "@/server/http/route-handler";
import { readJsonBody } from "@/server/http/read-json-body";
import { createTenantRole } from "@/server/roles/create-role";
import { listTenantRoles } from "@/server/roles/list-roles";

export const GET = withConsoleAuth(async (_request, context, route) =>
  json({ roles: await listTenantRoles(getDb(), context, await routeParam(route, "slug")) }),
);

export const POST = withConsoleAuth(async (request, context, route) =>
  json(
    await createTenantRole(getDb(), context, await routeParam(route, "slug"), await readJsonBody(request)),
    201,
  ),
);
