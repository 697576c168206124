import { handleResolve } from "@/server/machine-api/machine-handlers";

/** Read contract v1: groups or a client id → roles, permissions and provenance in one tenant. */
export async function POST(request: Request) {
  return handleResolve(request);
}
