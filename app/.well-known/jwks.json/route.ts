import { handleJwks } from "@/server/machine-api/sts-handlers";

export const dynamic = "force-dynamic";

export async function GET() {
  return handleJwks();
}
