import { signOutFromConsole } from "@/server/auth/sign-out";
import { toErrorResponse } from "@/server/http/route-handler";

export async function POST(request: Request) {
  try {
    return Response.json(await signOutFromConsole(request));
  } catch (error) {
    return toErrorResponse(error);
  }
}
