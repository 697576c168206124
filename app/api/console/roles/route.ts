import { getDb } from "@/server/db/client";
import { json, withConsoleAuth } from "@/server/http/route-handler";
import { readJsonBody } from "@/server/http/read-json-body";
import { createGlobalRole } from "@/server/roles/create-role";
import { listGlobalRoles } from "@/server/roles/list-roles";

export const GET = withConsoleAuth(async (_request, context) =>
  json({ roles: await listGlobalRoles(getDb(), context) }),
);

export const POST = withConsoleAuth(async (request, context) =>
  json(await createGlobalRole(getDb(), context, await readJsonBody(request)), 201),
);
