import { listClients, registerClient } from "@/server/clients/manage-clients";
import { getDb } from "@/server/db/client";
import { json, withConsoleAuth } from "@/server/http/route-handler";
import { readJsonBody } from "@/server/http/read-json-body";

export const GET = withConsoleAuth(async (_request, context) =>
  json({ clients: await listClients(getDb(), context) }),
);

/** Registers a technical client; the answer carries its secret, shown this once. */
export const POST = withConsoleAuth(async (request, context) =>
  json(await registerClient(getDb(), context, await readJsonBody(request)), 201),
);
