import { listUnmappedEverywhere } from "@/server/access/list-unmapped-subjects";
import { getDb } from "@/server/db/client";
import { json, withConsoleAuth } from "@/server/http/route-handler";

/** Observed groups mapped in no organisation (bootstrap administrator). */
export const GET = withConsoleAuth(async (request, context) =>
  json(await listUnmappedEverywhere(getDb(), context, Object.fromEntries(new URL(request.url).searchParams))),
);
