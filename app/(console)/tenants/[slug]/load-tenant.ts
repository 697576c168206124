import "server-only";
import { notFound } from "next/navigation";
import type { ConsoleContext } from "@/server/auth/authorize";
import { recordConsoleDenial } from "@/server/auth/require-permission";
import { getDb } from "@/server/db/client";
import { ForbiddenError, NotFoundError } from "@/server/http/errors";
import { getTenant } from "@/server/tenants/get-tenant";
import type { TenantSummary } from "@/server/tenants/tenant.types";

/**
 * The tenant of a /tenants/[slug] page, or why it cannot be shown: an unknown or invisible tenant is a
 * 404 (names do not leak), a visible one without read permission a "not allowed" notice.
 */
export async function loadTenantForPage(
  context: ConsoleContext,
  slug: string,
): Promise<{ tenant: TenantSummary; forbidden: null } | { tenant: null; forbidden: string }> {
  try {
    return { tenant: await getTenant(getDb(), context, slug), forbidden: null };
  } catch (error) {
    if (error instanceof ForbiddenError) {
      await recordConsoleDenial({ method: "GET", path: `/tenants/${slug}` }, context, error);
      return { tenant: null, forbidden: error.message };
    }
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
}
