import { getDb } from "@/server/db/client";
import { json, routeParam, withConsoleAuth } from "@/server/http/route-handler";
import { readJsonBody } from "@/server/http/read-json-body";
import { createMappings } from "@/server/mappings/create-mappings";
import { listMappings } from "@/server/mappings/list-mappings";

export const GET = withConsoleAuth(async (request, context, route) =>
  json(
    await listMappings(
      getDb(),
      context,
      await routeParam(route, "slug"),
      Object.fromEntries(new URL(request.url).searchParams),
    ),
  ),
);

export const POST = withConsoleAuth(async (request, context, route) =>
  json(
    {
      mappings: await createMappings(
        getDb(),
        context,
        await routeParam(route, "slug"),
        await readJsonBody(request),
      ),
    },
    201,
  ),
);
