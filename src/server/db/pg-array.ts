/**
 * PostgreSQL array literals built in one pass, bound as a single text parameter and cast in SQL
 * (`${literal}::text[]`). Large batches (activity, observed subjects, config apply) otherwise pay
 * for a per-element conversion in the driver stack, which blocks the event loop for tens of
 * milliseconds at a few thousand rows.
 */

const NEEDS_ESCAPE = /["\\]/g;

/** `{"a","b\"c",NULL}` for text-like values; null becomes SQL NULL. Text may not contain NUL. */
export function textArrayLiteral(values: readonly (string | null | undefined)[]): string {
  const parts = new Array<string>(values.length);
  // Runs of equal values (a batch's kind, tenant, result…) are quoted once.
  let previous: string | undefined;
  let previousQuoted = "";
  for (let at = 0; at < values.length; at += 1) {
    const value = values[at];
    if (value === null || value === undefined) {
      parts[at] = "NULL";
    } else if (value === previous) {
      parts[at] = previousQuoted;
    } else {
      if (value.includes("\u0000")) throw new RangeError("PostgreSQL text cannot hold a NUL character");
      previous = value;
      previousQuoted =
        value.includes('"') || value.includes("\\")
          ? `"${value.replace(NEEDS_ESCAPE, "\\$&")}"`
          : `"${value}"`;
      parts[at] = previousQuoted;
    }
  }
  return `{${parts.join(",")}}`;
}

/** `{1,2.5,3}` for finite numbers (cast to int[], bigint[] or float8[] in SQL). */
export function numberArrayLiteral(values: readonly number[]): string {
  for (const value of values) {
    if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  }
  return `{${values.join(",")}}`;
}
