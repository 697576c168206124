import { getDb } from "@/server/db/client";
import { json, routeParam, withConsoleAuth } from "@/server/http/route-handler";
import { getSubjectHints } from "@/server/mappings/subject-hints";

export const GET = withConsoleAuth(async (request, context, route) =>
  json(
    await getSubjectHints(
      getDb(),
      context,
      await routeParam(route, "slug"),
      Object.fromEntries(new URL(request.url).searchParams),
    ),
  ),
);
