/** The configured IdP's discovery document, fetched with a timeout and cached briefly. */
import { z } from "zod";
import { getConfig } from "../config";

const discoverySchema = z.object({
  issuer: z.string(),
  authorization_endpoint: z.string(),
  token_endpoint: z.string(),
  jwks_uri: z.string(),
  userinfo_endpoint: z.string().optional(),
  end_session_endpoint: z.string().optional(),
});

export type IssuerMetadata = z.output<typeof discoverySchema>;

const CACHE_MS = 5 * 60_000;
const FAILURE_CACHE_MS = 5_000;
let cache: { at: number; result: IssuerMetadata | Error } | undefined;

export class IdpUnreachableError extends Error {
  constructor(
    readonly issuer: string,
    reason: string,
  ) {
    super(`The identity provider ${issuer} could not be reached: ${reason}`);
    this.name = "IdpUnreachableError";
  }
}

export async function getIssuerMetadata(): Promise<IssuerMetadata> {
  const issuer = getConfig().OIDC_ISSUER;
  const now = Date.now();
  if (cache && now - cache.at < (cache.result instanceof Error ? FAILURE_CACHE_MS : CACHE_MS)) {
    if (cache.result instanceof Error) throw cache.result;
    return cache.result;
  }
  try {
    const response = await fetch(`${issuer}/.well-known/openid-configuration`, {
      signal: AbortSignal.timeout(3_000),
      headers: { accept: "application/json" },
    });
    if (!response.ok) throw new IdpUnreachableError(issuer, `discovery answered HTTP ${response.status}`);
    const parsed = discoverySchema.safeParse(await response.json());
    if (!parsed.success)
      throw new IdpUnreachableError(issuer, "the discovery document is not valid OpenID Connect metadata");
    if (parsed.data.issuer.replace(/\/+$/, "") !== issuer) {
      throw new IdpUnreachableError(
        issuer,
        `the discovery document names another issuer (${parsed.data.issuer})`,
      );
    }
    cache = { at: now, result: parsed.data };
    return parsed.data;
  } catch (error) {
    const failure =
      error instanceof IdpUnreachableError
        ? error
        : new IdpUnreachableError(issuer, error instanceof Error ? error.message : String(error));
    cache = { at: now, result: failure };
    throw failure;
  }
}

/** Claims from the userinfo endpoint, or undefined when the IdP has none or refuses the token. */
export async function fetchUserinfo(accessToken: string): Promise<Record<string, unknown> | undefined> {
  const metadata = await getIssuerMetadata();
  if (!metadata.userinfo_endpoint) return undefined;
  const response = await fetch(metadata.userinfo_endpoint, {
    headers: { authorization: `Bearer ${accessToken}`, accept: "application/json" },
    signal: AbortSignal.timeout(3_000),
  });
  if (!response.ok) return undefined;
  const body: unknown = await response.json().catch(() => undefined);
  return typeof body === "object" && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : undefined;
}
