/**
 * What an audit page shows: the view (changes or machine activity), the filters as typed, one page
 * of entries, or the validation error naming the bad filter. Shared by /audit and /tenants/[slug]/audit.
 */
import "server-only";
import { listActivityEvents } from "../activity/list-activity-events";
import { requireMayVerifyAuditChain, type ConsoleContext } from "../auth/authorize";
import type { Db } from "../db/client";
import { ValidationError } from "../http/errors";
import type { ActivityEntry, AuditEntry, Page } from "./audit-log.types";
import { listAuditActions, listAuditEvents } from "./list-audit-events";

export const FILTER_FIELDS = ["actor", "action", "target", "from", "to", "q"] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];

export type AuditView =
  { view: "changes"; page: Page<AuditEntry> | null } | { view: "activity"; page: Page<ActivityEntry> | null };

export type AuditViewData = AuditView & {
  filters: Partial<Record<FilterField, string>>;
  cursor: string | undefined;
  error: ValidationError | null;
  actionSuggestions: string[];
  mayVerify: boolean;
};

const ACTIVITY_ACTIONS = ["token_exchange", "machine_api", "ok", "denied", "error"];

export async function loadAuditView(
  db: Db,
  context: ConsoleContext,
  tenantSlug: string | undefined,
  searchParams: Record<string, string | string[] | undefined>,
): Promise<AuditViewData> {
  const first = (name: string) => {
    const value = searchParams[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const filters: Partial<Record<FilterField, string>> = {};
  for (const field of FILTER_FIELDS) {
    const value = first(field);
    if (value) filters[field] = value;
  }
  const cursor = first("cursor") || undefined;
  const query = { ...filters, ...(cursor ? { cursor } : {}), ...(tenantSlug ? { tenant: tenantSlug } : {}) };
  const activity = first("view") === "activity";
  let mayVerify = false;
  try {
    requireMayVerifyAuditChain(context);
    mayVerify = tenantSlug === undefined;
  } catch {
    mayVerify = false;
  }
  const base = { filters, cursor, mayVerify };
  try {
    if (activity) {
      return {
        ...base,
        view: "activity",
        page: await listActivityEvents(db, context, query),
        error: null,
        actionSuggestions: ACTIVITY_ACTIONS,
      };
    }
    const [page, actionSuggestions] = await Promise.all([
      listAuditEvents(db, context, query),
      listAuditActions(db),
    ]);
    return { ...base, view: "changes", page, error: null, actionSuggestions };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return {
      ...base,
      view: activity ? "activity" : "changes",
      page: null,
      error,
      actionSuggestions: activity ? ACTIVITY_ACTIONS : [],
    };
  }
}
