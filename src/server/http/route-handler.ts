/**
 * Wrappers for route handlers: parse → authorise → call one domain function → shape the response.
 * Every error leaves through toErrorResponse, the one place that maps errors to status codes.
 */
import "server-only";
import { ZodError } from "zod";
import { logger } from "../logger";
import { requireConsoleUser } from "../auth/require-permission";
import type { ConsoleContext } from "../auth/authorize";
import { getConfig } from "../config";
import { assertSameOrigin } from "./same-origin";
import { DomainError } from "./errors";
import { zodToValidationError } from "./zod-error";

export function toErrorResponse(error: unknown): Response {
  if (error instanceof ZodError) return toErrorResponse(zodToValidationError(error));
  if (error instanceof DomainError) {
    return Response.json(
      { error: error.code, message: error.message, ...error.details },
      { status: error.status, headers: { "cache-control": "no-store" } },
    );
  }
  logger.error("unhandled error in route handler", {
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  });
  return Response.json(
    { error: "internal_error", message: "Something went wrong on the server; it has been logged." },
    { status: 500, headers: { "cache-control": "no-store" } },
  );
}

export type RouteParams = { params: Promise<Record<string, string | string[] | undefined>> };

export async function routeParam(route: RouteParams, name: string): Promise<string> {
  const value = (await route.params)[name];
  return decodeURIComponent(Array.isArray(value) ? (value[0] ?? "") : (value ?? ""));
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Console API: signed in with console access; mutations must come from the console's own origin. */
export function withConsoleAuth(
  handler: (request: Request, context: ConsoleContext, route: RouteParams) => Promise<Response>,
): (request: Request, route: RouteParams) => Promise<Response> {
  return async (request, route) => {
    try {
      if (!SAFE_METHODS.has(request.method)) assertSameOrigin(request, getConfig().STS_PUBLIC_URL);
      const context = await requireConsoleUser();
      return await handler(request, context, route);
    } catch (error) {
      return toErrorResponse(error);
    }
  };
}

export function json(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: { "cache-control": "no-store" } });
}
