import { getDb } from "@/server/db/client";
import { json, routeParam, withConsoleAuth } from "@/server/http/route-handler";
import { readJsonBody } from "@/server/http/read-json-body";
import { deleteMapping } from "@/server/mappings/delete-mapping";
import { updateMapping } from "@/server/mappings/update-mapping";

export const PATCH = withConsoleAuth(async (request, context, route) =>
  json(
    await updateMapping(
      getDb(),
      context,
      await routeParam(route, "slug"),
      await routeParam(route, "mappingId"),
      await readJsonBody(request),
    ),
  ),
);

export const DELETE = withConsoleAuth(async (request, context, route) =>
  json(
    await deleteMapping(
      getDb(),
      context,
      await routeParam(route, "slug"),
      await routeParam(route, "mappingId"),
      await readJsonBody(request),
    ),
  ),
);
