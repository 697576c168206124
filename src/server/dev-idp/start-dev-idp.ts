/**
 * A real OpenID Connect provider for demos and tests (oidc-provider), started only when STS_DEMO=1.
 * It serves discovery, JWKS, a login form for the demo users, refresh tokens, RP-initiated logout,
 * ID tokens carrying the role and group claims, and JWT access tokens for the STS API resource.
 */
import http from "node:http";
import { URL } from "node:url";
import Provider, {
  errors,
  type AccountClaims,
  type Configuration,
  type KoaContextWithOIDC,
  type JWK,
} from "oidc-provider";
import { demoUsers, findDemoUser, findDemoUserBySub, type DemoUser } from "./demo-users";
import { renderLoginPage, renderLogoutPage } from "./pages";

export interface DevIdpOptions {
  port: number;
  /** Cookie signing keys and signing key material that should survive restarts. */
  cookieKeys: string[];
  signingJwks: JWK[];
  clientId: string;
  clientSecret: string;
  /** Redirect URI of the console (next-auth callback). */
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  /** Where roles and groups go in the tokens: a key or a dot path such as realm_access.roles. */
  roleClaimPath: string;
  groupsClaimPath: string;
  /** Resource indicator of the STS API; access tokens requested for it are JWTs with this audience. */
  apiResource: string;
  log?: (message: string) => void;
}

export interface DevIdp {
  issuer: string;
  stop: () => Promise<void>;
}

/** Places a value at a key or dot path, so tokens can mimic Keycloak's realm_access.roles. */
function placeAtPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const segments = path.split(".");
  let current = target;
  for (const segment of segments.slice(0, -1)) {
    const next = current[segment];
    if (typeof next === "object" && next !== null && !Array.isArray(next)) {
      current = next as Record<string, unknown>;
    } else {
      const created: Record<string, unknown> = {};
      current[segment] = created;
      current = created;
    }
  }
  current[segments[segments.length - 1] ?? path] = value;
}

function topLevelClaim(path: string): string {
  return path.split(".")[0] ?? path;
}

export function claimsFor(
  user: DemoUser,
  options: Pick<DevIdpOptions, "roleClaimPath" | "groupsClaimPath">,
): AccountClaims {
  const claims: AccountClaims = {
    sub: user.sub,
    name: user.name,
    given_name: user.givenName,
    family_name: user.familyName,
    preferred_username: user.login,
    email: user.email,
    email_verified: true,
  };
  placeAtPath(claims, options.groupsClaimPath, [...user.groups]);
  placeAtPath(claims, options.roleClaimPath, [...user.roles]);
  return claims;
}

export async function startDevIdp(options: DevIdpOptions): Promise<DevIdp> {
  const issuer = `http://localhost:${options.port}`;
  const claimScopes = [
    ...new Set([topLevelClaim(options.roleClaimPath), topLevelClaim(options.groupsClaimPath)]),
  ];

  const configuration: Configuration = {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        client_name: "STS Console",
        redirect_uris: options.redirectUris,
        post_logout_redirect_uris: options.postLogoutRedirectUris,
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
        id_token_signed_response_alg: "RS256",
      },
    ],
    jwks: { keys: options.signingJwks },
    cookies: {
      keys: options.cookieKeys,
      names: { session: "devidp_session", interaction: "devidp_interaction", resume: "devidp_resume" },
    },
    pkce: { required: () => true },
    conformIdTokenClaims: false,
    claims: {
      openid: ["sub"],
      profile: ["name", "given_name", "family_name", "preferred_username"],
      email: ["email", "email_verified"],
      groups: claimScopes,
      roles: claimScopes,
    },
    scopes: ["openid", "offline_access", "profile", "email", "groups", "roles"],
    ttl: {
      AccessToken: 3600,
      IdToken: 3600,
      RefreshToken: 14 * 24 * 3600,
      Session: 8 * 3600,
      Grant: 14 * 24 * 3600,
      Interaction: 3600,
    },
    async findAccount(_ctx, sub) {
      const user = findDemoUserBySub(sub);
      if (!user) return undefined;
      return {
        accountId: user.sub,
        claims: () => claimsFor(user, options),
      };
    },
    // The demo IdP is first-party: every client request gets its grant without a consent screen.
    async loadExistingGrant(ctx) {
      const session = ctx.oidc.session;
      const client = ctx.oidc.client;
      if (!session?.accountId || !client) return undefined;
      const existingId = session.grantIdFor(client.clientId);
      if (existingId) {
        const existing = await ctx.oidc.provider.Grant.find(existingId);
        if (existing) return existing;
      }
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope("openid offline_access profile email groups roles");
      grant.addOIDCClaims(["sub", "name", "email", ...claimScopes]);
      grant.addResourceScope(options.apiResource, "openid profile email groups roles");
      await grant.save();
      return grant;
    },
    extraTokenClaims(_ctx, token) {
      const user = "accountId" in token ? findDemoUserBySub(String(token.accountId)) : undefined;
      if (!user) return undefined;
      const { sub: _sub, ...claims } = claimsFor(user, options);
      return claims;
    },
    interactions: {
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx: KoaContextWithOIDC, form: string) => {
          ctx.body = renderLogoutPage(form);
        },
        postLogoutSuccessSource: (ctx: KoaContextWithOIDC) => {
          ctx.body = renderLogoutPage("");
        },
      },
      resourceIndicators: {
        enabled: true,
        // Sign-in at the console asks for no resource: its access token stays opaque and usable at
        // userinfo. Clients that ask for the STS API resource get a JWT access token for it.
        defaultResource: (_ctx, _client, oneOf) => oneOf ?? undefined,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resourceIndicator) => {
          if (resourceIndicator !== options.apiResource) throw new errors.InvalidTarget();
          return {
            scope: "openid profile email groups roles",
            audience: options.apiResource,
            accessTokenFormat: "jwt",
            accessTokenTTL: 3600,
            jwt: { sign: { alg: "RS256" } },
          };
        },
      },
    },
  };

  const provider = new Provider(issuer, configuration);
  provider.on("server_error", (_ctx, error) => options.log?.(`dev IdP error: ${error.message}`));
  const callback = provider.callback();

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", issuer);
    const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(url.pathname);
    if (!match) {
      callback(req, res);
      return;
    }
    handleInteraction(provider, req, res, match[2] === "/login").catch((error: unknown) => {
      options.log?.(`dev IdP interaction failed: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) {
        res.writeHead(400, { "content-type": "text/plain; charset=utf-8" });
        res.end("This sign-in request has expired or is invalid. Go back to the console and sign in again.");
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => resolve());
  });
  options.log?.(`development IdP listening on ${issuer}`);

  return {
    issuer,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  let body = "";
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > 10_000) throw new Error("form too large");
  }
  return new URLSearchParams(body);
}

async function handleInteraction(
  provider: Provider,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  isSubmit: boolean,
): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  const html = (status: number, body: string) => {
    res.writeHead(status, {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "x-frame-options": "DENY",
    });
    res.end(body);
  };

  if (details.prompt.name !== "login") {
    // Consent is granted by loadExistingGrant; any remaining prompt is answered with the same grant.
    await provider.interactionFinished(req, res, {}, { mergeWithLastSubmission: true });
    return;
  }
  if (!isSubmit || req.method !== "POST") {
    html(200, renderLoginPage({ uid: details.uid, users: demoUsers }));
    return;
  }
  const form = await readForm(req);
  const login = form.get("login") ?? "";
  const user = findDemoUser(login);
  if (!user || form.get("password") !== user.password) {
    html(
      401,
      renderLoginPage({
        uid: details.uid,
        users: demoUsers,
        error: "Unknown user or wrong password.",
        login,
      }),
    );
    return;
  }
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: user.sub, remember: false } },
    { mergeWithLastSubmission: false },
  );
}
