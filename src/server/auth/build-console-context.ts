import type { AuditRequestContext } from "../audit/record-audit-event";
import type { Db } from "../db/client";
import type { ConsoleContext } from "./authorize";
import { holdsBootstrapRole, mappingSubjects, type IamIdentity } from "./identity";
import { loadTenantPermissions } from "./tenant-permissions";

/** Everything the console decides with, computed fresh for each request from the database. */
export async function buildConsoleContext(
  db: Db,
  identity: IamIdentity,
  bootstrapRole: string,
  request: AuditRequestContext,
): Promise<ConsoleContext> {
  return {
    identity,
    isBootstrapAdmin: holdsBootstrapRole(identity, bootstrapRole),
    tenantPermissions: await loadTenantPermissions(db, "GROUP", mappingSubjects(identity)),
    request,
  };
}
