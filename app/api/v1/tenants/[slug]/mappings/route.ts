import { handleSnapshot } from "@/server/machine-api/machine-handlers";

type Route = { params: Promise<{ slug: string }> };

/** Read contract v1: the tenant's mappings snapshot (ETag = revision). */
export async function GET(request: Request, route: Route) {
  return handleSnapshot(request, decodeURIComponent((await route.params).slug));
}
