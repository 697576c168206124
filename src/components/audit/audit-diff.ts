/** A readable before/after diff of an audit entry: one line per field that was added, removed or changed. */
export interface DiffLine {
  field: string;
  kind: "added" | "removed" | "changed";
  before?: string;
  after?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Nested objects become dotted fields; arrays and scalars are shown as compact JSON. */
function flatten(value: unknown, prefix = "", into = new Map<string, string>()): Map<string, string> {
  if (isRecord(value)) {
    for (const [key, item] of Object.entries(value)) flatten(item, prefix ? `${prefix}.${key}` : key, into);
  } else if (prefix) {
    into.set(prefix, typeof value === "string" ? value : JSON.stringify(value));
  } else if (value !== null && value !== undefined) {
    into.set("value", typeof value === "string" ? value : JSON.stringify(value));
  }
  return into;
}

export function auditDiff(before: unknown, after: unknown): DiffLine[] {
  const old = flatten(before);
  const now = flatten(after);
  const fields = [...new Set([...old.keys(), ...now.keys()])].sort();
  const lines: DiffLine[] = [];
  for (const field of fields) {
    const was = old.get(field);
    const is = now.get(field);
    if (was === is) continue;
    if (was === undefined) lines.push({ field, kind: "added", after: is });
    else if (is === undefined) lines.push({ field, kind: "removed", before: was });
    else lines.push({ field, kind: "changed", before: was, after: is });
  }
  return lines;
}
