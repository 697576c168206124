/**
 * CSV and JSON-lines exports of a filtered audit log or activity list, streamed: the same keyset
 * query as the pages runs page by page as the client reads, so memory stays flat for any size.
 */
import type { ConsoleContext } from "../auth/authorize";
import type { Db } from "../db/client";
import { queryActivityPage } from "../activity/list-activity-events";
import { parseInput } from "../shared/parse-input";
import type { KeysetPosition } from "./audit-cursor";
import { decodeCursor } from "./audit-cursor";
import {
  exportQuerySchema,
  type ActivityEntry,
  type AuditEntry,
  type AuditFilter,
  type Page,
} from "./audit-log.types";
import { queryAuditPage, resolveReadScope, type ReadScope } from "./list-audit-events";

const EXPORT_BATCH = 1_000;

export const AUDIT_CSV_COLUMNS = [
  "id",
  "at",
  "actor_type",
  "actor_sub",
  "actor_name",
  "tenant",
  "action",
  "target_type",
  "target_id",
  "before",
  "after",
  "request_id",
  "ip",
  "user_agent",
  "hash",
] as const;

export const ACTIVITY_CSV_COLUMNS = [
  "id",
  "at",
  "kind",
  "tenant",
  "subject",
  "client_id",
  "result",
  "error_code",
] as const;

/**
 * RFC 4180 quoting; a cell that a spreadsheet would run as a formula (= + - @, tab, CR at the start)
 * is prefixed with an apostrophe (OWASP "CSV injection").
 */
export function csvCell(value: unknown): string {
  let text =
    value === null || value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function auditCsvRow(entry: AuditEntry): string {
  return [
    entry.id,
    entry.at,
    entry.actor.type,
    entry.actor.sub,
    entry.actor.name,
    entry.tenantSlug ?? entry.tenantId ?? "",
    entry.action,
    entry.targetType,
    entry.targetId,
    entry.before,
    entry.after,
    entry.requestId,
    entry.ip,
    entry.userAgent,
    entry.hash,
  ]
    .map(csvCell)
    .join(",");
}

function activityCsvRow(entry: ActivityEntry): string {
  return [
    entry.id,
    entry.at,
    entry.kind,
    entry.tenantSlug ?? entry.tenantId ?? "",
    entry.subject,
    entry.clientId,
    entry.result,
    entry.errorCode,
  ]
    .map(csvCell)
    .join(",");
}

type PageQuery<Entry> = (
  db: Db,
  scope: ReadScope,
  filter: AuditFilter,
  after: KeysetPosition | undefined,
  limit: number,
) => Promise<Page<Entry>>;

function streamPages<Entry>(
  db: Db,
  scope: ReadScope,
  filter: AuditFilter,
  query: PageQuery<Entry>,
  header: string | undefined,
  line: (entry: Entry) => string,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor: KeysetPosition | undefined;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const chunks: string[] = [];
      if (!started && header !== undefined) chunks.push(`${header}\r\n`);
      started = true;
      const page = await query(db, scope, filter, cursor, EXPORT_BATCH);
      for (const entry of page.entries) chunks.push(line(entry));
      if (chunks.length > 0) controller.enqueue(encoder.encode(chunks.join("")));
      if (!page.nextCursor) controller.close();
      else cursor = decodeCursor(page.nextCursor);
    },
  });
}

export interface AuditExport {
  filename: string;
  contentType: string;
  body: ReadableStream<Uint8Array>;
}

/** GET /api/console/audit/export and /api/console/activity/export. */
export async function exportAuditLog(
  db: Db,
  context: ConsoleContext,
  what: "audit" | "activity",
  query: unknown,
): Promise<AuditExport> {
  const params = parseInput(exportQuerySchema, query, "query");
  const scope = await resolveReadScope(db, context, params.tenant);
  const stamp = new Date().toISOString().replace(/[-:]/g, "").slice(0, 15);
  const filename = `${what}-${params.tenant ?? "all"}-${stamp}.${params.format}`;
  const csv = params.format === "csv";
  const contentType = csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
  if (what === "audit") {
    return {
      filename,
      contentType,
      body: streamPages(
        db,
        scope,
        params,
        queryAuditPage,
        csv ? AUDIT_CSV_COLUMNS.join(",") : undefined,
        csv ? (entry) => `${auditCsvRow(entry)}\r\n` : (entry) => `${JSON.stringify(entry)}\n`,
      ),
    };
  }
  return {
    filename,
    contentType,
    body: streamPages(
      db,
      scope,
      params,
      queryActivityPage,
      csv ? ACTIVITY_CSV_COLUMNS.join(",") : undefined,
      csv ? (entry) => `${activityCsvRow(entry)}\r\n` : (entry) => `${JSON.stringify(entry)}\n`,
    ),
  };
}
