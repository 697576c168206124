import { handleToken } from "@/server/machine-api/sts-handlers";

/** RFC 8693 token exchange and client credentials (served by the lean machine path as well). */
export async function POST(request: Request) {
  return handleToken(request);
}
