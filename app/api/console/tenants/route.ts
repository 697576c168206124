import { getDb } from "@/server/db/client";
import { json, withConsoleAuth } from "@/server/http/route-handler";
import { readJsonBody } from "@/server/http/read-json-body";
import { createTenant } from "@/server/tenants/create-tenant";
import { listTenants } from "@/server/tenants/list-tenants";

export const GET = withConsoleAuth(async (_request, context) =>
  json({ tenants: await listTenants(getDb(), context) }),
);

export const POST = withConsoleAuth(async (request, context) =>
  json(await createTenant(getDb(), context, await readJsonBody(request)), 201),
);
