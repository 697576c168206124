import { ForbiddenError } from "./errors";

/**
 * CSRF defence for cookie-authenticated mutations: the browser's Origin (or Sec-Fetch-Site) must say
 * the request comes from the console's own pages.
 */
export function assertSameOrigin(request: Request, publicUrl: string): void {
  const origin = request.headers.get("origin");
  if (origin) {
    if (origin === new URL(publicUrl).origin) return;
    throw new ForbiddenError("Cross-site request refused: the Origin header is not this console.");
  }
  const site = request.headers.get("sec-fetch-site");
  if (site === "same-origin" || site === "none") return;
  throw new ForbiddenError(
    "Cross-site request refused: send the request from the console (Origin header missing).",
  );
}
