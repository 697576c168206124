import type { z } from "zod";
import { zodToValidationError } from "../http/zod-error";

/** Parses outside input with the same schema the browser form uses; a failure names the field. */
export function parseInput<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  what: string,
): z.output<Schema> {
  const result = schema.safeParse(input);
  if (!result.success) throw zodToValidationError(result.error, what);
  return result.data;
}
