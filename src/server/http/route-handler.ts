/**
 * Wrappers for route handlers: parse → authorise → call one domain function → shape the response.
 * Every error leaves through toErrorResponse, the one place that maps errors to status codes.
 */
import "server-only";
import { ZodError } from "zod";
import { logger } from "../logger";
import { requireConsoleUser } from "../auth/require-permission";
import type { ConsoleContext } from "../auth/console-context";
import { DomainError, ValidationError } from "./errors";

export function zodToValidationError(error: ZodError, what = "request"): ValidationError {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const field = issue.path.join(".") || what;
    (fieldErrors[field] ??= []).push(issue.message);
  }
  const first = error.issues[0];
  const where = first && first.path.length > 0 ? `${first.path.join(".")}: ` : "";
  return new ValidationError(`Invalid ${what}: ${where}${first?.message ?? "malformed"}`, fieldErrors);
}

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

type RouteParams = { params: Promise<Record<string, string | string[]>> };

export function withConsoleAuth(
  handler: (request: Request, context: ConsoleContext, route: RouteParams) => Promise<Response>,
): (request: Request, route: RouteParams) => Promise<Response> {
  return async (request, route) => {
    try {
      const context = await requireConsoleUser();
      return await handler(request, context, route);
    } catch (error) {
      return toErrorResponse(error);
    }
  };
}
