import type { ConsoleContext } from "../auth/authorize";

/** The console acting on its own behalf (seeding, imports): bootstrap rights, audited as SYSTEM. */
export function systemContext(name: string): ConsoleContext {
  return {
    identity: { sub: "system", name, email: "", roles: [], groups: [] },
    isBootstrapAdmin: true,
    tenantPermissions: new Map(),
    request: { requestId: "", ip: "", userAgent: "" },
    actorType: "SYSTEM",
  };
}
