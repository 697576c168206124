/**
 * Reading and writing config files. YAML and JSON both go through the `yaml` parser (JSON is YAML 1.2),
 * so every error — syntax, duplicate key, schema — names a line and column of the file.
 */
import { isMap, isSeq, LineCounter, parseDocument, stringify, type Document, type Node } from "yaml";
import { ValidationError } from "../http/errors";
import {
  CONFIG_FORMAT,
  configDocumentSchema,
  type ConfigDocument,
  type ConfigFileFormat,
  type ConfigMapping,
  type ConfigRole,
  type ConfigTenant,
} from "./config-document.types";

/** Larger files are refused before parsing (the console's upload limit is the same). */
export const CONFIG_FILE_LIMIT_BYTES = 8 * 1024 * 1024;
/** The console's upload body: the file as a JSON string (escaping adds a little) and a few fields. */
export const CONFIG_UPLOAD_LIMIT_BYTES = 9 * 1024 * 1024;

export class ConfigFileError extends ValidationError {
  constructor(
    readonly fileName: string,
    readonly problems: { line: number | null; column: number | null; path: string; message: string }[],
  ) {
    const first = problems[0];
    const where = first ? formatPlace(fileName, first) : fileName;
    super(
      `${where}: ${first?.message ?? "invalid file"}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ""}`,
      Object.fromEntries(problems.map((problem) => [formatPlace(fileName, problem), [problem.message]])),
    );
  }
}

function formatPlace(
  fileName: string,
  problem: { line: number | null; column: number | null; path: string },
): string {
  const at = problem.line === null ? "" : `:${problem.line}:${problem.column ?? 1}`;
  return `${fileName}${at}${problem.path ? ` (${problem.path})` : ""}`;
}

/** `tenants[0].mappings[3].subject` — how field paths are named in every message. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) =>
      typeof part === "number" ? `[${part}]` : `${index === 0 ? "" : "."}${String(part)}`,
    )
    .join("");
}

export function parseConfigFile(text: string, fileName = "file"): ConfigDocument {
  if (Buffer.byteLength(text, "utf8") > CONFIG_FILE_LIMIT_BYTES) {
    throw new ConfigFileError(fileName, [
      {
        line: null,
        column: null,
        path: "",
        message: `the file exceeds ${CONFIG_FILE_LIMIT_BYTES / (1024 * 1024)} MiB`,
      },
    ]);
  }
  if (text.trim() === "") {
    throw new ConfigFileError(fileName, [
      { line: null, column: null, path: "", message: "the file is empty" },
    ]);
  }
  const fast = parseCleanJson(text);
  if (fast) return fast;
  const lineCounter = new LineCounter();
  const document = parseDocument(text, {
    lineCounter,
    uniqueKeys: true,
    prettyErrors: false,
    schema: "core",
    strict: true,
  });
  const syntax = [...document.errors, ...document.warnings].map((error) => {
    const position = lineCounter.linePos(error.pos[0]);
    const message =
      error.code === "DUPLICATE_KEY"
        ? "duplicate key (map keys must be unique)"
        : error.message.split("\n")[0];
    return { line: position.line, column: position.col, path: "", message: message ?? error.code };
  });
  if (syntax.length > 0) throw new ConfigFileError(fileName, syntax);

  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: 0 });
  } catch (error) {
    throw new ConfigFileError(fileName, [
      { line: null, column: null, path: "", message: error instanceof Error ? error.message : "unreadable" },
    ]);
  }
  if (value && typeof value === "object" && "format" in value && value.format !== CONFIG_FORMAT) {
    const node = nodeAt(document, ["format"]);
    throw new ConfigFileError(fileName, [
      {
        ...place(node, lineCounter),
        path: "format",
        message: `unsupported format ${JSON.stringify(value.format)}: this console reads "${CONFIG_FORMAT}"`,
      },
    ]);
  }
  const result = configDocumentSchema.safeParse(value);
  if (result.success) return result.data;
  throw new ConfigFileError(
    fileName,
    result.error.issues.slice(0, 50).map((issue) => ({
      ...place(nodeAt(document, issue.path), lineCounter),
      path: formatPath(issue.path),
      message: issue.message,
    })),
  );
}

/**
 * JSON that is valid, free of duplicate keys and matches the schema skips the YAML parser (several
 * times slower on large files). Anything else goes the slow way, which reports line and column.
 */
function parseCleanJson(text: string): ConfigDocument | null {
  if (!text.trimStart().startsWith("{")) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (hasDuplicateKeys(text)) return null;
  const result = configDocumentSchema.safeParse(value);
  return result.success ? result.data : null;
}

/** Whether any JSON object in valid JSON text repeats a key (JSON.parse keeps the last silently). */
function hasDuplicateKeys(text: string): boolean {
  const objects: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (char === '"') {
      let end = index + 1;
      while (text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      const keys = objects.at(-1);
      if (keys && expectKey) {
        const key = JSON.parse(text.slice(index, end + 1)) as string;
        if (keys.has(key)) return true;
        keys.add(key);
        expectKey = false;
      }
      index = end;
    } else if (char === "{") {
      objects.push(new Set());
      expectKey = true;
    } else if (char === "[") objects.push(null);
    else if (char === "}" || char === "]") objects.pop();
    else if (char === ",") expectKey = Boolean(objects.at(-1));
  }
  return false;
}

/** The deepest node of the document along a path (the closest place to point at). */
function nodeAt(document: Document, path: readonly PropertyKey[]): Node | null {
  let node: unknown = document.contents;
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => {
        const key: unknown = item.key;
        return (key && typeof key === "object" && "value" in key ? key.value : key) === part;
      });
      if (!pair) break;
      node = pair.value ?? pair.key;
    } else if (isSeq(node) && typeof part === "number" && node.items[part]) {
      node = node.items[part];
    } else break;
  }
  return node && typeof node === "object" && "range" in node ? (node as Node) : null;
}

function place(node: Node | null, lineCounter: LineCounter): { line: number | null; column: number | null } {
  const offset = node?.range?.[0];
  if (offset === undefined) return { line: null, column: null };
  const position = lineCounter.linePos(offset);
  return { line: position.line, column: position.col };
}

export function guessFileFormat(fileName: string, text?: string): ConfigFileFormat {
  if (/\.json$/i.test(fileName)) return "json";
  if (/\.ya?ml$/i.test(fileName)) return "yaml";
  return text?.trimStart().startsWith("{") ? "json" : "yaml";
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The canonical form of a document: fixed key order, roles and mappings sorted by code point (never by a
 * locale), defaults left out. Writing the same configuration always gives the same bytes.
 */
export function canonicalDocument(document: ConfigDocument): ConfigDocument {
  return {
    format: CONFIG_FORMAT,
    tenants: [...document.tenants]
      .sort((a, b) => byCodePoint(a.slug, b.slug))
      .map((tenant) => canonicalTenant(tenant)),
  };
}

export function canonicalTenant(tenant: ConfigTenant): ConfigTenant {
  const roles = [...tenant.roles]
    .sort((a, b) => byCodePoint(a.key, b.key) || byCodePoint(a.scope, b.scope))
    .map((role): ConfigRole => ({
      key: role.key,
      scope: role.scope,
      name: role.name,
      ...(role.description ? { description: role.description } : {}),
      permissions: [...role.permissions].sort(byCodePoint),
    }));
  const mappings = [...tenant.mappings]
    .sort(
      (a, b) =>
        byCodePoint(a.subjectType, b.subjectType) ||
        byCodePoint(a.subject, b.subject) ||
        byCodePoint(a.role, b.role) ||
        byCodePoint(a.scope, b.scope),
    )
    .map((mapping): ConfigMapping => ({
      subjectType: mapping.subjectType,
      subject: mapping.subject,
      role: mapping.role,
      scope: mapping.scope,
      ...(mapping.expiresAt ? { expiresAt: new Date(mapping.expiresAt).toISOString() } : {}),
      ...(mapping.note ? { note: mapping.note } : {}),
    }));
  return { id: tenant.id, slug: tenant.slug, name: tenant.name, status: tenant.status, roles, mappings };
}

export function serialiseConfig(document: ConfigDocument, format: ConfigFileFormat): string {
  const canonical = canonicalDocument(document);
  if (format === "json") return `${JSON.stringify(canonical, null, 2)}\n`;
  return stringify(canonical, { lineWidth: 0, indentSeq: true, aliasDuplicateObjects: false });
}
