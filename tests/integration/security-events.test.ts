/**
 * Security events in the audit chain: denials are gathered off the request path, identical ones folded
 * into one entry with a count, written in one transaction per batch through the same hash chain, and
 * bounded, so a flood of refused token requests cannot turn into a flood of serialised audit writes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/server/db/client";
import { ActivityBatcher } from "@/server/activity/activity-batcher";
import { SecurityAuditQueue } from "@/server/audit/security-audit-queue";
import { verifyAuditChain } from "@/server/audit/verify-audit-chain";
import { RateLimiter } from "@/server/http/rate-limiter";
import type { MachineRequest } from "@/server/http/machine-message";
import { ClientCredentialCache } from "@/server/machine-api/machine-auth";
import { handleTokenRequest, type TokenEndpointDeps } from "@/server/sts/token-endpoint";
import { openWorld } from "../fixtures/console-world";

let db: Db;

beforeAll(async () => {
  db = await openWorld();
});

afterAll(async () => {
  await db.$disconnect();
});

function formRequest(form: Record<string, string>, headers: Record<string, string> = {}): MachineRequest {
  const body = Buffer.from(new URLSearchParams(form).toString());
  const all: Record<string, string> = { "content-type": "application/x-www-form-urlencoded", ...headers };
  return { method: "POST", header: (name) => all[name.toLowerCase()] ?? null, body: async () => body };
}

/**
 * The real endpoint with real activity, client and audit writers on this file's database. The tenant
 * index, keys and IAM verifiers are never reached by the refusals below (they end before that step).
 */
function endpoint(rate: number, queue: SecurityAuditQueue): TokenEndpointDeps {
  const unreachable = new Proxy(
    {},
    {
      get() {
        throw new Error("this refusal should not reach the tenant index, keys or verifiers");
      },
    },
  );
  return {
    config: {
      STS_TOKEN_ISSUER: "http://sts.test",
      STS_TOKEN_AUDIENCE: "one-core",
      STS_TOKEN_TTL_SECONDS: 300,
      STS_ACCEPT_ID_TOKEN: false,
      STS_ROLE_PATH: "roles",
      STS_GROUPS_PATH: "groups",
      STS_CLAIM_SEPARATOR: undefined,
    },
    indexes: unreachable as TokenEndpointDeps["indexes"],
    keys: unreachable as TokenEndpointDeps["keys"],
    clients: new ClientCredentialCache(db),
    activity: new ActivityBatcher(db, 60_000),
    securityAudit: queue,
    limiter: new RateLimiter(rate),
  };
}

const auditRows = (action: string) => db.auditEvent.findMany({ where: { action }, orderBy: { id: "asc" } });

describe("token-endpoint denials", () => {
  it("are audited with who and why, never the secret, after the response", async () => {
    const queue = new SecurityAuditQueue(() => db, 60_000);
    const deps = endpoint(1_000, queue);
    const secret = "sts_this-secret-must-never-be-stored-anywhere";
    const basic = Buffer.from(`ghost-client:${secret}`).toString("base64");
    const response = await handleTokenRequest(
      formRequest(
        { grant_type: "client_credentials" },
        { authorization: `Basic ${basic}`, "user-agent": "probe/1" },
      ),
      deps,
      "198.51.100.7",
    );
    expect(response.status).toBe(401);
    // Nothing is written on the request path.
    expect(await auditRows("sts.token_denied")).toHaveLength(0);
    await queue.flush();
    const [row, ...rest] = await auditRows("sts.token_denied");
    expect(rest).toHaveLength(0);
    expect(row).toMatchObject({
      actorSub: "ghost-client",
      actorType: "CLIENT",
      targetType: "token",
      targetId: "client_credentials",
      ip: "198.51.100.7",
      userAgent: "probe/1",
      after: { error: "invalid_client", status: 401 },
    });
    const [{ stored }] = await db.$queryRaw<[{ stored: string }]>`
      SELECT string_agg(row_to_json(e)::text, '') AS stored FROM "AuditEvent" e`;
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(basic);
    await deps.activity.flush();
    expect(await db.activityEvent.findFirst({ where: { clientId: "ghost-client" } })).toMatchObject({
      result: "denied",
      errorCode: "invalid_client",
    });
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it("a flood of 2,000 refused requests becomes a handful of entries, chain intact", async () => {
    const queue = new SecurityAuditQueue(() => db, 60_000);
    const deps = endpoint(5, queue);
    const before = await db.auditEvent.count();
    const statuses = new Map<number, number>();
    for (let index = 0; index < 2_000; index += 1) {
      const response = await handleTokenRequest(formRequest({ grant_type: "password" }), deps, "203.0.113.9");
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    }
    // The first burst is answered (unsupported grant), the rest rate-limited.
    expect(statuses.get(400)).toBeGreaterThan(0);
    expect(statuses.get(429)).toBeGreaterThan(1_000);
    await queue.flush();
    const rows = await db.auditEvent.findMany({
      where: { id: { gt: 0 }, action: "sts.token_denied", ip: "203.0.113.9" },
    });
    expect(rows).toHaveLength(2);
    const byError = Object.fromEntries(
      rows.map((row) => [(row.after as { error: string }).error, row.after as { occurrences: number }]),
    );
    expect(byError.unsupported_grant_type?.occurrences).toBe(statuses.get(400));
    expect(byError.temporarily_unavailable?.occurrences).toBe(statuses.get(429));
    expect(await db.auditEvent.count()).toBe(before + 2);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });
});

describe("the security-event queue", () => {
  it("keeps at most 1,000 distinct events per batch and records how many it dropped", async () => {
    const queue = new SecurityAuditQueue(() => db, 60_000);
    const before = await db.auditEvent.count();
    for (let index = 0; index < 1_250; index += 1) {
      queue.record({
        actor: { sub: `attacker-${index}`, name: "", type: "USER" },
        action: "authz.denied",
        targetType: "request",
        targetId: "GET /api/console/tenants/acme",
      });
    }
    await queue.flush();
    expect(await db.auditEvent.count()).toBe(before + 1_001);
    const [summary] = await auditRows("audit.security_events_dropped");
    expect(summary).toMatchObject({ actorType: "SYSTEM", after: { dropped: 250 } });
    expect((await verifyAuditChain(db)).ok).toBe(true);
    // An empty flush writes nothing.
    await queue.flush();
    expect(await db.auditEvent.count()).toBe(before + 1_001);
  });
});
