import { getDb } from "@/server/db/client";
import { json, routeParam, withConsoleAuth } from "@/server/http/route-handler";
import { readJsonBody } from "@/server/http/read-json-body";
import { deleteTenant, getTenantDeletionImpact } from "@/server/tenants/delete-tenant";
import { getTenant } from "@/server/tenants/get-tenant";
import { updateTenant } from "@/server/tenants/update-tenant";

export const GET = withConsoleAuth(async (_request, context, route) => {
  const tenant = await getTenant(getDb(), context, await routeParam(route, "slug"));
  const deletionImpact = tenant.can.deleteTenant ? await getTenantDeletionImpact(getDb(), tenant.id) : null;
  return json({ tenant, deletionImpact });
});

export const PATCH = withConsoleAuth(async (request, context, route) =>
  json(await updateTenant(getDb(), context, await routeParam(route, "slug"), await readJsonBody(request))),
);

export const DELETE = withConsoleAuth(async (request, context, route) =>
  json(await deleteTenant(getDb(), context, await routeParam(route, "slug"), await readJsonBody(request))),
);
