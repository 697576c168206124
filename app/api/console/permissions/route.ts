import { getDb } from "@/server/db/client";
import { json, withConsoleAuth } from "@/server/http/route-handler";
import { listPermissions } from "@/server/permissions/list-permissions";

export const GET = withConsoleAuth(async () => json(await listPermissions(getDb())));
