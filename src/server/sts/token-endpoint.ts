/**
 * POST /api/sts/token/v1 — the STS itself.
 * - RFC 8693 token exchange: an IAM access token (ID token only with STS_ACCEPT_ID_TOKEN=true) and a
 *   tenant (`tenant` = slug or id, or `resource=urn:sts:tenant:<slug>`) → an app token for that tenant
 *   carrying the permissions mapped from the user's IAM roles/groups.
 * - client_credentials for registered technical clients, mapped through CLIENT mappings.
 * Errors follow RFC 6749 §5.2. Tokens are never stored or logged; activity keeps a hash of the jti.
 */
import { randomUUID } from "node:crypto";
import { claimValuesOf } from "../auth/claim-path";
import { bodyIsEncoded } from "../http/content-encoding";
import { hasMediaType } from "../http/read-json-body";
import type { AppConfig } from "../config";
import { secretMatches } from "../clients/client-secret";
import { hashToken } from "./iam-token-verifier";
import type { IamVerificationFailure, IamVerificationSuccess } from "./iam-token-verifier";
import type { ActivityBatcher } from "../activity/activity-batcher";
import type { SecurityAuditQueue } from "../audit/security-audit-queue";
import type { ClientCredentialCache } from "../machine-api/machine-auth";
import type { KeyStore } from "../keys/key-store";
import type { RateLimiter } from "../http/rate-limiter";
import { grantClaims } from "./grant-claims";
import { logger } from "../logger";
import { decodeBasicCredentials } from "../http/basic-credentials";
import { PayloadTooLargeError } from "../http/errors";
import type { MachineRequest, MachineResponse } from "../http/machine-message";
import { signAppToken } from "./sign-app-token";
import type { TenantIndexCache } from "./tenant-index-cache";

export const TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
export const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
export const ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token";
const TENANT_RESOURCE_PREFIX = "urn:sts:tenant:";
const MAX_BODY_BYTES = 64 * 1024;

type OAuthErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "invalid_grant"
  | "invalid_target"
  | "unsupported_grant_type"
  | "temporarily_unavailable"
  | "server_error";

export class OAuthError extends Error {
  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string,
    readonly status = 400,
  ) {
    super(description);
  }
}

export interface TokenEndpointDeps {
  config: Pick<
    AppConfig,
    | "STS_TOKEN_ISSUER"
    | "STS_TOKEN_AUDIENCE"
    | "STS_TOKEN_TTL_SECONDS"
    | "STS_ACCEPT_ID_TOKEN"
    | "STS_ROLE_PATH"
    | "STS_GROUPS_PATH"
    | "STS_CLAIM_SEPARATOR"
  >;
  indexes: TenantIndexCache;
  keys: KeyStore;
  clients: ClientCredentialCache;
  activity: ActivityBatcher;
  /** Denials go to the audit chain in batches, off the request path (see security-audit-queue.ts). */
  securityAudit: Pick<SecurityAuditQueue, "record">;
  limiter: RateLimiter;
  verifyAccessToken?: (token: string) => Promise<IamVerificationSuccess | IamVerificationFailure>;
  verifyIdToken?: (token: string) => Promise<IamVerificationSuccess | IamVerificationFailure>;
}

const RESPONSE_HEADERS = {
  "content-type": "application/json",
  "cache-control": "no-store",
  pragma: "no-cache",
};

function errorResponse(error: OAuthError): MachineResponse {
  const headers: Record<string, string> = Object.assign({}, RESPONSE_HEADERS);
  if (error.code === "invalid_client") headers["www-authenticate"] = 'Basic realm="sts"';
  if (error.status === 429) headers["retry-after"] = "1";
  return {
    status: error.status,
    headers,
    body: JSON.stringify({ error: error.code, error_description: error.description }),
  };
}

/**
 * The body as text, read no further than MAX_BODY_BYTES: a chunked body carries no content-length,
 * and request.text() would buffer all of it, however large, before its size could be checked.
 */
async function readLimitedText(request: MachineRequest): Promise<string> {
  try {
    return (await request.body(MAX_BODY_BYTES)).toString("utf8");
  } catch (error) {
    if (error instanceof PayloadTooLargeError) {
      throw new OAuthError("invalid_request", `The request body exceeds ${MAX_BODY_BYTES} bytes.`, 413);
    }
    throw error;
  }
}

async function readForm(request: MachineRequest): Promise<URLSearchParams> {
  if (!hasMediaType(request.header("content-type"), "application/x-www-form-urlencoded")) {
    throw new OAuthError(
      "invalid_request",
      "Send the parameters form-encoded (application/x-www-form-urlencoded).",
    );
  }
  if (bodyIsEncoded(request.header("content-encoding"))) {
    throw new OAuthError(
      "invalid_request",
      "The request body is compressed (Content-Encoding); send the form uncompressed.",
      415,
    );
  }
  if (Number(request.header("content-length") ?? "0") > MAX_BODY_BYTES) {
    throw new OAuthError("invalid_request", `The request body exceeds ${MAX_BODY_BYTES} bytes.`, 413);
  }
  const form = new URLSearchParams(await readLimitedText(request));
  const seen = new Set<string>();
  for (const name of form.keys()) {
    if (seen.has(name)) throw new OAuthError("invalid_request", `Parameter "${name}" is repeated.`);
    seen.add(name);
  }
  return form;
}

/** The tenant from `tenant` or `resource=urn:sts:tenant:<slug>`; both must agree when both are sent. */
function requestedTenant(form: URLSearchParams): string | undefined {
  const tenant = form.get("tenant") ?? undefined;
  const resource = form.get("resource") ?? undefined;
  let fromResource: string | undefined;
  if (resource !== undefined) {
    if (!resource.startsWith(TENANT_RESOURCE_PREFIX) || resource.length === TENANT_RESOURCE_PREFIX.length) {
      throw new OAuthError("invalid_target", `resource must be ${TENANT_RESOURCE_PREFIX}<slug>.`);
    }
    fromResource = resource.slice(TENANT_RESOURCE_PREFIX.length);
  }
  if (tenant !== undefined && fromResource !== undefined && tenant !== fromResource) {
    throw new OAuthError("invalid_target", "tenant and resource name different organisations.");
  }
  const chosen = tenant ?? fromResource;
  if (chosen !== undefined && (chosen.length === 0 || chosen.length > 100))
    throw new OAuthError("invalid_target", "Unknown organisation.");
  return chosen;
}

function basicCredentials(header: string | null): { clientId: string; secret: string } | undefined {
  if (!header || !/^basic /i.test(header)) return undefined;
  const credentials = decodeBasicCredentials(header.slice(6));
  if (!credentials) throw new OAuthError("invalid_client", "Malformed Basic credentials.", 401);
  return credentials;
}

function nameClaims(claims: Record<string, unknown>): Record<string, string> {
  const names: Record<string, string> = {};
  for (const claim of ["name", "given_name", "family_name", "email"]) {
    const value = claims[claim];
    if (typeof value === "string" && value.length > 0 && value.length <= 255) names[claim] = value;
  }
  return names;
}

interface Issued {
  response: MachineResponse;
  tenantId: string;
  subject: string;
  clientId: string;
  jti: string;
}

async function issue(
  deps: TokenEndpointDeps,
  tenantRef: string | undefined,
  subjectType: "GROUP" | "CLIENT",
  subjects: string[],
  subject: string,
  extraClaims: Record<string, string>,
  attempt: Attempt,
): Promise<Issued> {
  if (!tenantRef)
    throw new OAuthError(
      "invalid_request",
      "Name the organisation: tenant=<slug or id> or resource=urn:sts:tenant:<slug>.",
    );
  const index = await deps.indexes.get(tenantRef);
  if (!index) throw new OAuthError("invalid_target", `Unknown organisation "${tenantRef}".`);
  attempt.tenantId = index.tenantId;
  if (index.status !== "ACTIVE")
    throw new OAuthError("invalid_target", `Organisation "${index.slug}" is disabled.`);
  const granted = grantClaims(index, subjectType, subjects);
  if (granted.permissionCount === 0) {
    throw new OAuthError(
      "invalid_target",
      `Nothing is mapped for this ${subjectType === "CLIENT" ? "client" : "user"} in "${index.slug}".`,
    );
  }
  const signer = await deps.keys.signer();
  if (!signer)
    throw new OAuthError(
      "temporarily_unavailable",
      "No active signing key: an administrator must activate one.",
      503,
    );
  const now = Math.floor(Date.now() / 1000);
  const jti = randomUUID();
  const identity = JSON.stringify({
    iss: deps.config.STS_TOKEN_ISSUER,
    sub: subject,
    aud: deps.config.STS_TOKEN_AUDIENCE,
    iat: now,
    nbf: now,
    exp: now + deps.config.STS_TOKEN_TTL_SECONDS,
    jti,
    organisationId: index.tenantId,
    tenant: { id: index.tenantId, slug: index.slug },
  });
  // {identity…, roles, permissions, bitmask, names…}: the members of three JSON objects joined.
  const names = JSON.stringify(extraClaims);
  const payload = `${identity.slice(0, -1)},${granted.json}${names === "{}" ? "}" : `,${names.slice(1)}`}`;
  const token = signAppToken(signer, payload);
  return {
    response: {
      status: 200,
      headers: Object.assign({}, RESPONSE_HEADERS),
      // The token is base64url and dots: nothing in it needs escaping.
      body: `{"access_token":"${token}","issued_token_type":"${ACCESS_TOKEN_TYPE}","token_type":"Bearer","expires_in":${deps.config.STS_TOKEN_TTL_SECONDS}}`,
    },
    tenantId: index.tenantId,
    subject,
    clientId: "",
    jti,
  };
}

/** Who the request claims to be, as far as it got: for the activity and the audit of a denial. */
interface Attempt {
  subject?: string;
  clientId?: string;
  /** The organisation asked for, once it was found. */
  tenantId?: string;
}

async function exchange(
  deps: TokenEndpointDeps,
  form: URLSearchParams,
  observed: string[],
  attempt: Attempt,
): Promise<Issued> {
  const subjectToken = form.get("subject_token");
  const subjectTokenType = form.get("subject_token_type");
  if (!subjectToken) throw new OAuthError("invalid_request", "subject_token is required.");
  if (!subjectTokenType) throw new OAuthError("invalid_request", "subject_token_type is required.");
  let verify: TokenEndpointDeps["verifyAccessToken"];
  if (subjectTokenType === ACCESS_TOKEN_TYPE) verify = deps.verifyAccessToken;
  else if (subjectTokenType === ID_TOKEN_TYPE && deps.config.STS_ACCEPT_ID_TOKEN) verify = deps.verifyIdToken;
  else
    throw new OAuthError(
      "invalid_request",
      `subject_token_type must be ${ACCESS_TOKEN_TYPE}${deps.config.STS_ACCEPT_ID_TOKEN ? ` or ${ID_TOKEN_TYPE}` : ""}.`,
    );
  if (!verify)
    throw new OAuthError(
      "temporarily_unavailable",
      "IAM tokens cannot be verified: STS_IAM_AUDIENCE is not configured.",
      503,
    );
  const tenantRef = requestedTenant(form);
  const verified = await verify(subjectToken);
  if (!verified.ok) {
    if (verified.code === "jwks_unavailable")
      throw new OAuthError("temporarily_unavailable", verified.message, 503);
    throw new OAuthError("invalid_request", `The subject token was rejected: ${verified.message}`);
  }
  const claims = verified.claims;
  const sub = typeof claims.sub === "string" ? claims.sub : "";
  if (!sub) throw new OAuthError("invalid_request", "The subject token has no sub claim.");
  attempt.subject = sub.slice(0, 255);
  const { config } = deps;
  const subjects = claimValuesOf(
    claims,
    [config.STS_ROLE_PATH, config.STS_GROUPS_PATH],
    config.STS_CLAIM_SEPARATOR,
  ).filter((subject) => subject.length <= 255);
  observed.push(...subjects);
  return issue(deps, tenantRef, "GROUP", subjects, sub, nameClaims(claims), attempt);
}

async function clientCredentials(
  deps: TokenEndpointDeps,
  request: MachineRequest,
  form: URLSearchParams,
  attempt: Attempt,
): Promise<Issued> {
  const fromHeader = basicCredentials(request.header("authorization"));
  const bodyId = form.get("client_id");
  const bodySecret = form.get("client_secret");
  if (fromHeader && (bodyId !== null || bodySecret !== null)) {
    throw new OAuthError(
      "invalid_request",
      "Authenticate the client one way only (Basic or client_secret_post).",
    );
  }
  const credentials =
    fromHeader ?? (bodyId && bodySecret ? { clientId: bodyId, secret: bodySecret } : undefined);
  if (!credentials) throw new OAuthError("invalid_client", "Client authentication is required.", 401);
  attempt.clientId = credentials.clientId.slice(0, 100);
  const client = await deps.clients.find(credentials.clientId);
  const matches = secretMatches(credentials.secret, client?.secretHash ?? "0".repeat(64));
  if (!client || !client.active || !matches)
    throw new OAuthError("invalid_client", "Invalid client credentials.", 401);
  deps.activity.clientUsed(client.clientId);
  let tenantRef = requestedTenant(form);
  if (client.tenantId) {
    const own = await deps.indexes.get(client.tenantId);
    if (tenantRef === undefined) tenantRef = client.tenantId;
    else if (own && tenantRef !== own.slug && tenantRef !== own.tenantId) {
      throw new OAuthError(
        "invalid_target",
        `Client "${client.clientId}" is registered for another organisation.`,
      );
    }
  }
  const issued = await issue(deps, tenantRef, "CLIENT", [client.clientId], client.clientId, {}, attempt);
  issued.clientId = client.clientId;
  return issued;
}

export async function handleTokenRequest(
  request: MachineRequest,
  deps: TokenEndpointDeps,
  clientAddress: string,
): Promise<MachineResponse> {
  const observed: string[] = [];
  const attempt: Attempt = {};
  let grantType = "";
  try {
    if (request.method !== "POST") throw new OAuthError("invalid_request", "Use POST.", 405);
    if (!deps.limiter.take(clientAddress || "unknown")) {
      throw new OAuthError(
        "temporarily_unavailable",
        "Too many token requests from this address; slow down.",
        429,
      );
    }
    const form = await readForm(request);
    grantType = form.get("grant_type") ?? "";
    let issued: Issued;
    if (grantType === TOKEN_EXCHANGE_GRANT) issued = await exchange(deps, form, observed, attempt);
    else if (grantType === "client_credentials")
      issued = await clientCredentials(deps, request, form, attempt);
    else if (!grantType) throw new OAuthError("invalid_request", "grant_type is required.");
    else
      throw new OAuthError(
        "unsupported_grant_type",
        `grant_type "${grantType.slice(0, 100)}" is not supported.`,
      );
    deps.activity.record({
      kind: "token_exchange",
      tenantId: issued.tenantId,
      subject: issued.subject,
      clientId: issued.clientId,
      result: "ok",
      jtiHash: hashToken(issued.jti),
    });
    if (observed.length > 0) deps.activity.observe("GROUP", observed, attempt.tenantId ?? null);
    return issued.response;
  } catch (error) {
    const oauth =
      error instanceof OAuthError
        ? error
        : new OAuthError("server_error", "The token could not be issued; the error has been logged.", 500);
    if (!(error instanceof OAuthError)) {
      logger.error("token endpoint failure", {
        error: error instanceof Error ? error.message : String(error),
      });
    }
    deps.activity.record({
      kind: "token_exchange",
      tenantId: attempt.tenantId ?? null,
      subject: attempt.subject,
      clientId: attempt.clientId,
      result: oauth.status >= 500 ? "error" : "denied",
      errorCode: oauth.code,
    });
    if (oauth.status < 500) {
      // Never the token itself: who (when known), from where, and why it was refused.
      deps.securityAudit.record({
        actor: attempt.subject
          ? { sub: attempt.subject, name: "", type: "USER" }
          : attempt.clientId
            ? { sub: attempt.clientId, name: "", type: "CLIENT" }
            : { sub: "anonymous", name: "", type: "USER" },
        action: "sts.token_denied",
        targetType: "token",
        targetId: grantType.slice(0, 100),
        after: { error: oauth.code, status: oauth.status },
        request: { requestId: "", ip: clientAddress, userAgent: request.header("user-agent") ?? "" },
      });
    }
    if (observed.length > 0) deps.activity.observe("GROUP", observed, attempt.tenantId ?? null);
    return errorResponse(oauth);
  }
}
