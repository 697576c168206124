/**
 * next-auth configuration: one generic OpenID Connect provider (Okta, Keycloak, Entra ID, the dev IdP)
 * with PKCE, state and nonce; JWT sessions carrying the IAM roles/groups read at sign-in.
 */
import type { NextAuthOptions } from "next-auth";
import type { JWT } from "next-auth/jwt";
import { getConfig } from "../config";
import { getDb } from "../db/client";
import { recordAuditEvent } from "../audit/record-audit-event";
import { getSecurityAuditQueue } from "../audit/security-audit-queue";
import { readRequestContext } from "../http/request-context";
import { recordObservedSubjects } from "../observed/record-observed-subjects";
import { mergeClaimSources, type Claims } from "./claim-path";
import { identityFromClaims, mappingSubjects, type IamIdentity } from "./identity";
import { fetchUserinfo } from "./oidc-discovery";
import { judgeSession } from "./session-policy";
import { logger } from "../logger";

declare module "next-auth/jwt" {
  interface JWT {
    identity?: IamIdentity;
    signedInAt?: number;
    lastActivityAt?: number;
    idToken?: string;
    ended?: "idle" | "expired";
  }
}

declare module "next-auth" {
  interface Session {
    identity?: IamIdentity;
    ended?: "idle" | "expired";
  }
}

export const OIDC_PROVIDER_ID = "oidc";

async function claimsAtSignIn(idTokenClaims: Claims, accessToken: string | undefined): Promise<Claims> {
  const config = getConfig();
  if (config.OIDC_CLAIMS_SOURCE === "id_token" || !accessToken) return idTokenClaims;
  const userinfo = await fetchUserinfo(accessToken).catch((error: unknown) => {
    logger.warn("userinfo request failed; using ID token claims only", { error: String(error) });
    return undefined;
  });
  if (userinfo && userinfo.sub !== idTokenClaims.sub) {
    logger.warn("userinfo subject differs from the ID token subject; ignoring userinfo");
    return idTokenClaims;
  }
  return mergeClaimSources(config.OIDC_CLAIMS_SOURCE, idTokenClaims, userinfo);
}

async function recordSignIn(identity: IamIdentity): Promise<void> {
  const db = getDb();
  await recordObservedSubjects(db, "GROUP", mappingSubjects(identity));
  await db.$transaction((tx) =>
    recordAuditEvent(tx, {
      actor: { sub: identity.sub, name: identity.name, type: "USER" },
      action: "auth.sign_in",
      targetType: "session",
      targetId: identity.sub,
      after: { roles: identity.roles, groups: identity.groups },
    }),
  );
}

/** next-auth's codes for a sign-in that reached us and failed (bad state, IdP error, refused token…). */
const FAILED_SIGN_IN_CODES = new Set([
  "OAUTH_CALLBACK_ERROR",
  "OAUTH_CALLBACK_HANDLER_ERROR",
  "OAUTH_PARSE_PROFILE_ERROR",
  "SIGNIN_OAUTH_ERROR",
]);

/** Who failed is unknown (no verified identity): the reason and the client address are recorded. */
async function recordFailedSignIn(code: string, reason: string): Promise<void> {
  try {
    getSecurityAuditQueue().record({
      actor: { sub: "anonymous", name: "", type: "USER" },
      action: "auth.sign_in_failed",
      targetType: "session",
      after: { code, reason: reason.slice(0, 300) },
      request: await readRequestContext(),
    });
  } catch (error) {
    logger.warn("recording a failed sign-in failed", { error: String(error) });
  }
}

let cachedOptions: NextAuthOptions | undefined;

export function getAuthOptions(): NextAuthOptions {
  if (cachedOptions) return cachedOptions;
  const config = getConfig();
  cachedOptions = {
    secret: config.NEXTAUTH_SECRET,
    useSecureCookies: config.secureCookies,
    providers: [
      {
        id: OIDC_PROVIDER_ID,
        name: config.OIDC_DISPLAY_NAME,
        type: "oauth",
        wellKnown: `${config.OIDC_ISSUER}/.well-known/openid-configuration`,
        clientId: config.OIDC_CLIENT_ID,
        clientSecret: config.OIDC_CLIENT_SECRET,
        authorization: { params: { scope: config.OIDC_SCOPES } },
        client: { token_endpoint_auth_method: "client_secret_basic" },
        idToken: true,
        checks: ["pkce", "state", "nonce"],
        profile(profile: Claims) {
          const identity = identityFromClaims(profile, config);
          return { id: identity.sub, name: identity.name, email: identity.email || null };
        },
      },
    ],
    session: { strategy: "jwt", maxAge: config.STS_SESSION_MAX_HOURS * 3600, updateAge: 0 },
    pages: { signIn: "/signin", error: "/signin", signOut: "/signed-out" },
    callbacks: {
      async jwt({ token, account, profile }): Promise<JWT> {
        if (account && profile) {
          const claims = await claimsAtSignIn(profile as Claims, account.access_token);
          const identity = identityFromClaims(claims, config);
          await recordSignIn(identity).catch((error: unknown) =>
            logger.error("recording the sign-in failed", { error: String(error) }),
          );
          const now = Date.now();
          return {
            sub: identity.sub,
            name: identity.name,
            email: identity.email,
            identity,
            signedInAt: now,
            lastActivityAt: now,
            idToken: account.id_token,
          };
        }
        if (!token.identity || token.signedInAt === undefined) return token;
        const verdict = judgeSession(
          { signedInAt: token.signedInAt, lastActivityAt: token.lastActivityAt ?? token.signedInAt },
          { idleMinutes: config.STS_SESSION_IDLE_MINUTES, maxHours: config.STS_SESSION_MAX_HOURS },
        );
        // An ended session keeps no identity: every later read treats it as signed out.
        if (verdict !== "valid") return { ended: verdict };
        return { ...token, lastActivityAt: Date.now() };
      },
      session({ session, token }) {
        // The browser sees the user's own claims, never the ID token.
        if (token.identity) session.identity = token.identity;
        if (token.ended) session.ended = token.ended;
        return session;
      },
      redirect({ url, baseUrl }) {
        if (url.startsWith("/") && !url.startsWith("//")) return `${baseUrl}${url}`;
        return url.startsWith(`${baseUrl}/`) || url === baseUrl ? url : baseUrl;
      },
    },
    logger: {
      // A cookie that no longer decrypts (tampered, or from a rotated secret) is a signed-out visitor.
      error: (code, metadata) => {
        (code === "JWT_SESSION_ERROR" ? logger.warn : logger.error)(`next-auth: ${code}`, {
          detail: describe(metadata),
        });
        if (FAILED_SIGN_IN_CODES.has(code)) void recordFailedSignIn(code, describe(metadata));
      },
      warn: (code) => logger.warn(`next-auth: ${code}`),
      debug: () => undefined,
    },
  };
  return cachedOptions;
}

/** next-auth hands errors with request details; log the message only, never tokens or secrets. */
function describe(metadata: unknown): string {
  if (metadata instanceof Error) return metadata.message;
  if (typeof metadata === "object" && metadata !== null && "error" in metadata) {
    const error = (metadata as { error: unknown }).error;
    return error instanceof Error ? error.message : String(error);
  }
  return "";
}
