/**
 * Keyset cursors: the (at, id) of the last entry of a page, as opaque base64url. The next page is the
 * entries strictly before it in (at DESC, id DESC) order, so equal timestamps neither repeat nor skip.
 */
import { z } from "zod";
import { ValidationError } from "../http/errors";

export interface KeysetPosition {
  at: Date;
  id: bigint;
}

const payloadSchema = z.object({ a: z.iso.datetime(), i: z.string().regex(/^\d{1,19}$/) }).strict();

export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify({ a: position.at.toISOString(), i: position.id.toString() })).toString(
    "base64url",
  );
}

export function decodeCursor(cursor: string): KeysetPosition {
  try {
    const parsed = payloadSchema.safeParse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    if (parsed.success) return { at: new Date(parsed.data.a), id: BigInt(parsed.data.i) };
  } catch {
    // Falls through to the validation error below.
  }
  throw new ValidationError("Invalid query: cursor: not a cursor this console issued", {
    cursor: ["not a cursor this console issued"],
  });
}
