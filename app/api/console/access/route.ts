import { whereSubjectHasAccess } from "@/server/access/where-subject-has-access";
import { getDb } from "@/server/db/client";
import { json, withConsoleAuth } from "@/server/http/route-handler";

/** Where a group or client has access, over the organisations the asker may read. */
export const GET = withConsoleAuth(async (request, context) =>
  json(await whereSubjectHasAccess(getDb(), context, Object.fromEntries(new URL(request.url).searchParams))),
);
