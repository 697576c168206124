import type { ZodError } from "zod";
import { ValidationError } from "./errors";

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
