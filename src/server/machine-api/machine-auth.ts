/**
 * Authentication of the machine API (the STS, the core service, scripts):
 * - STS mode: `Authorization: Bearer <IAM access token>` verified against the IdP's JWKS (app tokens
 *   issued by this STS are refused), or `Basic` credentials of a registered technical client;
 * - UNSAFE_STATIC: one shared bearer token (STS_STATIC_TOKEN); UNSAFE_NONE: no authentication.
 * Authorisation to read a tenant: the bootstrap role, STS_IAM_ROLE_LIST/_DETAIL there, or a client
 * registered for that tenant or for all tenants.
 */
import { READ_PERMISSIONS } from "../auth/console-permissions";
import { claimValues } from "../auth/claim-path";
import { holdsBootstrapRole, mappingSubjects } from "../auth/identity";
import type { AppConfig } from "../config";
import type { Db } from "../db/client";
import { decodeBasicCredentials } from "../http/basic-credentials";
import { DomainError, ForbiddenError } from "../http/errors";
import { secretMatches } from "../clients/client-secret";
import { constantTimeEqual } from "../shared/constant-time";
import { resolveAccess } from "../sts/resolve-permissions";
import type { TenantIndex } from "../sts/tenant-index";
import type { IamVerificationFailure, IamVerificationSuccess } from "../sts/iam-token-verifier";

export type MachineCaller =
  | { kind: "client"; clientId: string; tenantId: string | null; readAllTenants: boolean }
  | { kind: "iam"; sub: string; subjects: string[]; isBootstrapAdmin: boolean }
  | { kind: "unsafe"; mode: "UNSAFE_STATIC" | "UNSAFE_NONE" };

export class MachineAuthError extends DomainError {
  constructor(
    message: string,
    readonly challenge = 'Bearer realm="sts", Basic realm="sts"',
  ) {
    super(401, "unauthenticated", message);
  }
}

interface CachedClient {
  clientId: string;
  secretHash: string;
  tenantId: string | null;
  readAllTenants: boolean;
  active: boolean;
  loadedAt: number;
}

/** Registered clients, re-read at most every `ttlMs`: a revoked or rotated secret stops working within it. */
export class ClientCredentialCache {
  private readonly clients = new Map<string, CachedClient>();
  constructor(
    private readonly db: Db,
    private readonly ttlMs = 5_000,
  ) {}

  invalidate(clientId?: string): void {
    if (clientId) this.clients.delete(clientId);
    else this.clients.clear();
  }

  async find(clientId: string): Promise<CachedClient | undefined> {
    const cached = this.clients.get(clientId);
    if (cached && Date.now() - cached.loadedAt < this.ttlMs) return cached;
    const row = await this.db.technicalClient.findUnique({
      where: { clientId },
      select: { clientId: true, secretHash: true, tenantId: true, readAllTenants: true, status: true },
    });
    if (!row) {
      this.clients.delete(clientId);
      return undefined;
    }
    const entry = { ...row, active: row.status === "ACTIVE", loadedAt: Date.now() };
    if (this.clients.size > 10_000) this.clients.clear();
    this.clients.set(clientId, entry);
    return entry;
  }
}

export interface MachineAuthDeps {
  config: Pick<
    AppConfig,
    | "STS_AUTH_MODE"
    | "STS_STATIC_TOKEN"
    | "STS_ROLE_PATH"
    | "STS_GROUPS_PATH"
    | "STS_CLAIM_SEPARATOR"
    | "STS_BOOTSTRAP_ROLE"
  >;
  clients: ClientCredentialCache;
  verifyIamToken?: (token: string) => Promise<IamVerificationSuccess | IamVerificationFailure>;
}

export async function authenticateMachine(
  authorization: string | null,
  deps: MachineAuthDeps,
): Promise<MachineCaller> {
  const { config } = deps;
  if (config.STS_AUTH_MODE === "UNSAFE_NONE") return { kind: "unsafe", mode: "UNSAFE_NONE" };
  if (!authorization)
    throw new MachineAuthError(
      "Authentication required: send a Bearer IAM access token or Basic client credentials.",
    );
  if (authorization.length > 20_000) throw new MachineAuthError("The Authorization header is too large.");
  const space = authorization.indexOf(" ");
  const scheme = authorization.slice(0, space).toLowerCase();
  const value = authorization.slice(space + 1).trim();
  if (space < 0 || !value) throw new MachineAuthError("Malformed Authorization header.");

  if (config.STS_AUTH_MODE === "UNSAFE_STATIC") {
    if (scheme === "bearer" && config.STS_STATIC_TOKEN && constantTimeEqual(value, config.STS_STATIC_TOKEN)) {
      return { kind: "unsafe", mode: "UNSAFE_STATIC" };
    }
    throw new MachineAuthError("Invalid static token.", 'Bearer realm="sts"');
  }

  if (scheme === "basic") {
    const credentials = decodeBasicCredentials(value);
    if (!credentials) throw new MachineAuthError("Malformed Basic credentials.");
    const client = await deps.clients.find(credentials.clientId);
    // The secret is compared even for unknown clients' absence of a hash: same work either way.
    const matches = secretMatches(credentials.secret, client?.secretHash ?? "0".repeat(64));
    if (!client || !client.active || !matches) throw new MachineAuthError("Invalid client credentials.");
    return {
      kind: "client",
      clientId: client.clientId,
      tenantId: client.tenantId,
      readAllTenants: client.readAllTenants,
    };
  }

  if (scheme === "bearer") {
    if (!deps.verifyIamToken) {
      throw new MachineAuthError(
        "Bearer IAM tokens are not accepted here: STS_IAM_AUDIENCE is not configured.",
      );
    }
    const verified = await deps.verifyIamToken(value);
    if (!verified.ok)
      throw new MachineAuthError(
        `The bearer token was rejected: ${verified.message}`,
        `Bearer realm="sts", error="invalid_token"`,
      );
    const claims = verified.claims;
    const roles = claimValues(claims, config.STS_ROLE_PATH, config.STS_CLAIM_SEPARATOR);
    const groups = claimValues(claims, config.STS_GROUPS_PATH, config.STS_CLAIM_SEPARATOR);
    return {
      kind: "iam",
      sub: typeof claims.sub === "string" ? claims.sub : "",
      subjects: mappingSubjects({ roles, groups }),
      isBootstrapAdmin: holdsBootstrapRole({ roles }, config.STS_BOOTSTRAP_ROLE),
    };
  }
  throw new MachineAuthError(`Unsupported authorization scheme "${scheme}".`);
}

/** May this caller read the tenant's mappings? Throws 403 naming what is missing. */
export function authorizeTenantRead(caller: MachineCaller, index: TenantIndex): void {
  if (caller.kind === "unsafe") return;
  if (caller.kind === "client") {
    if (caller.readAllTenants || caller.tenantId === index.tenantId) return;
    const granted = resolveAccess(index, "CLIENT", [caller.clientId]).permissions;
    if (READ_PERMISSIONS.some((permission) => granted.includes(permission))) return;
    throw new ForbiddenError(
      `Client "${caller.clientId}" may not read organisation "${index.slug}".`,
      READ_PERMISSIONS.join(" | "),
    );
  }
  if (caller.isBootstrapAdmin) return;
  const granted = resolveAccess(index, "GROUP", caller.subjects).permissions;
  if (READ_PERMISSIONS.some((permission) => granted.includes(permission))) return;
  throw new ForbiddenError(
    `Reading organisation "${index.slug}" needs ${READ_PERMISSIONS.join(" or ")} there.`,
    READ_PERMISSIONS.join(" | "),
  );
}

export function callerLabel(caller: MachineCaller): { subject: string; clientId: string } {
  if (caller.kind === "client") return { subject: "", clientId: caller.clientId };
  if (caller.kind === "iam") return { subject: caller.sub, clientId: "" };
  return { subject: caller.mode, clientId: "" };
}
