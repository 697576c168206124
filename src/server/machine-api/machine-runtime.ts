/**
 * The long-lived parts of the machine API in this process: tenant index cache (LISTEN-invalidated),
 * IAM token verifier, client credential cache and the activity batcher. Created on first use and
 * shared by the lean machine server and the Next.js route handlers.
 */
import { getConfig } from "../config";
import { getDb } from "../db/client";
import { ActivityBatcher } from "../activity/activity-batcher";
import { flushSecurityAudit, getSecurityAuditQueue } from "../audit/security-audit-queue";
import { CLIENTS_CHANNEL } from "../clients/manage-clients";
import { RateLimiter } from "../http/rate-limiter";
import { KeyStore } from "../keys/key-store";
import { KEYS_CHANNEL } from "../keys/signing-keys";
import type { TokenEndpointDeps } from "../sts/token-endpoint";
import { createIamTokenVerifier } from "../sts/iam-token-verifier";
import { cacheVerifiedTokens } from "../sts/verified-token-cache";
import { TenantIndexCache } from "../sts/tenant-index-cache";
import type { EncodedBody } from "../http/content-encoding";
import { AnswerCache } from "../sts/answer-cache";
import { ClientCredentialCache, type MachineAuthDeps } from "./machine-auth";

export interface MachineRuntime {
  indexes: TenantIndexCache;
  /** Resolve answers per tenant index and question (see answer-cache.ts). */
  answers: AnswerCache<EncodedBody>;
  auth: MachineAuthDeps;
  activity: ActivityBatcher;
  keys: KeyStore;
  token: TokenEndpointDeps;
  close(): Promise<void>;
}

const holder = globalThis as typeof globalThis & { __stsMachineRuntime?: Promise<MachineRuntime> };

async function createRuntime(): Promise<MachineRuntime> {
  const config = getConfig();
  const db = getDb();
  const clients = new ClientCredentialCache(db);
  const keys = new KeyStore(db, config);
  const indexes = new TenantIndexCache({
    db,
    listenUrl: config.DATABASE_URL,
    // A rotated or revoked client secret stops working at once on every instance.
    extraChannels: [CLIENTS_CHANNEL, KEYS_CHANNEL],
    onNotification: (channel, payload) => {
      if (channel === KEYS_CHANNEL) keys.invalidate();
      if (channel !== CLIENTS_CHANNEL) return;
      let clientId: unknown;
      try {
        clientId = (JSON.parse(payload || "{}") as { clientId?: unknown }).clientId;
      } catch {
        clientId = undefined;
      }
      clients.invalidate(typeof clientId === "string" ? clientId : undefined);
    },
  });
  await indexes.start();
  const verifier = config.STS_IAM_AUDIENCE
    ? createIamTokenVerifier({
        issuer: config.STS_IAM_ISSUER,
        audience: config.STS_IAM_AUDIENCE,
        algorithms: config.STS_IAM_ALGORITHMS,
        rejectIssuers: [config.STS_TOKEN_ISSUER],
      })
    : undefined;
  const idTokenVerifier =
    config.STS_ACCEPT_ID_TOKEN && config.STS_IAM_AUDIENCE
      ? createIamTokenVerifier({
          issuer: config.STS_IAM_ISSUER,
          // An ID token is addressed to the client that signed the user in.
          audience: [config.OIDC_CLIENT_ID, config.STS_IAM_AUDIENCE],
          algorithms: config.STS_IAM_ALGORITHMS,
          rejectIssuers: [config.STS_TOKEN_ISSUER],
          acceptIdTokens: true,
        })
      : undefined;
  const activity = new ActivityBatcher(db);
  const verifyAccessToken = verifier
    ? cacheVerifiedTokens((token: string) => verifier.verify(token), config.STS_VERIFIED_TOKEN_CACHE_SIZE)
    : undefined;
  return {
    indexes,
    answers: new AnswerCache<EncodedBody>(
      config.STS_RESOLVE_CACHE_MB * 1024 * 1024,
      (answer) => answer.body.length,
    ),
    activity,
    keys,
    token: {
      config,
      indexes,
      keys,
      clients,
      activity,
      securityAudit: getSecurityAuditQueue(),
      limiter: new RateLimiter(config.STS_TOKEN_RATE_LIMIT),
      verifyAccessToken,
      verifyIdToken: idTokenVerifier ? (token: string) => idTokenVerifier.verify(token) : undefined,
    },
    auth: {
      config,
      clients,
      verifyIamToken: verifyAccessToken,
    },
    async close() {
      await activity.flush();
      await flushSecurityAudit();
      await indexes.close();
    },
  };
}

export function getMachineRuntime(): Promise<MachineRuntime> {
  holder.__stsMachineRuntime ??= createRuntime().catch((error: unknown) => {
    holder.__stsMachineRuntime = undefined;
    throw error;
  });
  return holder.__stsMachineRuntime;
}

export async function closeMachineRuntime(): Promise<void> {
  const runtime = holder.__stsMachineRuntime;
  holder.__stsMachineRuntime = undefined;
  if (runtime) await (await runtime).close();
}
