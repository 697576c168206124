import { checkReadiness } from "@/server/health/check-readiness";

/** Readiness: the database answers and every migration is applied. 503 otherwise. */
export async function GET() {
  const readiness = await checkReadiness();
  return Response.json(readiness, {
    status: readiness.status === "ready" ? 200 : 503,
    headers: { "cache-control": "no-store" },
  });
}
