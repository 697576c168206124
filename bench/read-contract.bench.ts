/**
 * Read-contract benchmark: a tenant with 10,000 mappings over 2,000 groups and 200 roles; a user with
 * 50 groups. (a) in-process resolve, (b) the SQL view for the same user, (c) POST /api/v1/resolve over
 * loopback at concurrency 32 against the production build, (d) a plain node:http floor.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "pg";
import { hashClientSecret } from "../src/server/clients/client-secret";
import { createPrismaClient } from "../src/server/db/client";
import {
  importPermissionCatalog,
  readCatalogFile,
} from "../src/server/permissions/import-permission-catalog";
import { explainAccess, resolveAccess } from "../src/server/sts/resolve-permissions";
import { loadTenantIndex } from "../src/server/sts/tenant-index";
import {
  formatLatency,
  formatLoad,
  load,
  processCountsForLoad,
  startBenchServer,
  pgbenchLatency,
  type LatencyStats,
  type LoadResult,
  scratchDatabase,
  startAppServer,
  timeSequential,
} from "./lib";

const GROUPS = 2_000;
const ROLES = 200;
const MAPPINGS = 10_000;

/** The benchmark tenant "bench" and a registered client for it; shared by the token-exchange benchmark. */
export async function seedReadContractTenant(
  url: string,
): Promise<{ userGroups: string[]; clientId: string; secret: string }> {
  const db = createPrismaClient(url, 4);
  await importPermissionCatalog(db, await readCatalogFile());
  await db.$disconnect();
  const sql = new Client({ connectionString: url });
  await sql.connect();
  // Bulk SQL: a benchmark fixture, not a console workflow (those are covered by the tests).
  await sql.query(`INSERT INTO "Tenant" (slug, name) VALUES ('bench', 'Benchmark')`);
  await sql.query(`
    INSERT INTO "Role" ("tenantId", key, name)
    SELECT t.id, 'role-' || n, 'Role ' || n FROM "Tenant" t, generate_series(1, ${ROLES}) n WHERE t.slug = 'bench'`);
  await sql.query(`
    INSERT INTO "RolePermission" ("roleId", "permissionKey")
    SELECT DISTINCT r.id, p.key FROM "Role" r
    CROSS JOIN LATERAL (SELECT key FROM "Permission" ORDER BY md5(r.id::text || key) LIMIT 5 + abs(hashtext(r.id::text)) % 16) p`);
  await sql.query(`
    INSERT INTO "Mapping" ("tenantId", "subjectType", subject, "roleId", "createdBy")
    SELECT t.id, 'GROUP', 'group-' || (n % ${GROUPS}), r.id, 'bench'
    FROM "Tenant" t, generate_series(0, ${MAPPINGS - 1}) n
    -- Each group gets ${MAPPINGS / GROUPS} distinct roles: offsets k*41 (k = n / groups) differ modulo the role count.
    JOIN LATERAL (SELECT id FROM "Role" WHERE key = 'role-' || (1 + ((n / ${GROUPS}) * 41 + (n % ${GROUPS}) * 7) % ${ROLES})) r ON true
    WHERE t.slug = 'bench'
    ON CONFLICT DO NOTHING`);
  const secret = `sts_${randomBytes(32).toString("base64url")}`;
  await sql.query(
    `INSERT INTO "TechnicalClient" ("clientId", name, "secretHash", "tenantId", "createdBy")
     SELECT 'bench-sts', 'Benchmark STS', $1, id, 'bench' FROM "Tenant" WHERE slug = 'bench'`,
    [hashClientSecret(secret)],
  );
  // The steady state of a live database: statistics and visibility maps up to date (autovacuum's job).
  await sql.query("VACUUM ANALYZE");
  const { rows } = await sql.query<{ count: string }>(`SELECT count(*) FROM "Mapping"`);
  await sql.end();
  console.info(`  seeded ${rows[0]?.count} mappings over ${GROUPS} groups and ${ROLES} roles`);
  const userGroups = Array.from({ length: 50 }, (_, index) => `group-${(index * 37) % GROUPS}`);
  return { userGroups, clientId: "bench-sts", secret };
}

export async function benchReadContract(): Promise<void> {
  console.info("\n== Read contract ==");
  const database = await scratchDatabase();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "sts-bench-data-"));
  try {
    const { userGroups, clientId, secret } = await seedReadContractTenant(database.url);

    const db = createPrismaClient(database.url, 2);
    const index = await loadTenantIndex(db, "bench");
    await db.$disconnect();
    if (!index) throw new Error("bench tenant missing");
    const explained = explainAccess(index, "GROUP", userGroups);
    const provenanceEntries = Object.values(explained.provenance).reduce((sum, list) => sum + list.length, 0);
    console.info(
      `  the 50-group user holds ${explained.roles.length} roles and ${explained.permissions.length} permissions (${provenanceEntries} provenance entries, ${JSON.stringify(explained).length} bytes as JSON)`,
    );
    const inProcess = await timeSequential(50_000, () => resolveAccess(index, "GROUP", userGroups), "µs");
    console.info(`  (a) in-process resolve        ${formatLatency(inProcess)}`);
    const explainedStats = await timeSequential(
      20_000,
      () => explainAccess(index, "GROUP", userGroups),
      "µs",
    );
    console.info(`      … with provenance         ${formatLatency(explainedStats)}`);

    // (b) What an STS asks the view for this user: the permissions, and the role × permission pairs.
    const groupsLiteral = `'{${userGroups.map((group) => `"${group}"`).join(",")}}'::text[]`;
    const viewQueries = [
      {
        label: "permissions",
        text: `SELECT DISTINCT permission_key FROM sts_effective_permissions WHERE tenant_slug = $1 AND subject_type = 'GROUP' AND subject = ANY($2::text[])`,
      },
      {
        label: "role × permission pairs",
        text: `SELECT DISTINCT role_key, permission_key FROM sts_effective_permissions WHERE tenant_slug = $1 AND subject_type = 'GROUP' AND subject = ANY($2::text[])`,
      },
    ];
    const sql = new Client({ connectionString: database.url });
    await sql.connect();
    const viewStats: LatencyStats[] = [];
    for (const [at, query] of viewQueries.entries()) {
      const prepared = { name: `bench-view-${at}`, text: query.text, values: ["bench", userGroups] };
      const rows = (await sql.query(prepared)).rows.length;
      const libpq = pgbenchLatency(
        database.url,
        query.text.replace("$1", "'bench'").replace("$2::text[]", groupsLiteral),
        2_000,
      );
      if (libpq) {
        viewStats.push(libpq);
        console.info(
          `  (b) SQL view, ${query.label}, pgbench (libpq)      ${formatLatency(libpq)}  (${rows} rows)`,
        );
      }
      const nodePg = await timeSequential(2_000, () => sql.query(prepared), "ms");
      if (!libpq) viewStats.push(nodePg);
      console.info(
        `  (b) SQL view, ${query.label}, node-postgres       ${formatLatency(nodePg)}  (${rows} rows)`,
      );
    }
    await sql.end();
    const view = { p99: Math.max(...viewStats.map((stats) => stats.p99)) };

    const workerCounts = processCountsForLoad();
    const resolveBody = JSON.stringify({ tenant: "bench", groups: userGroups });
    const leanBody = JSON.stringify({ tenant: "bench", groups: userGroups, provenance: false });
    // 2,000 users shaped like the first (its 50 groups shifted by one per user: as many groups and
    // roles, a different set): answers the server cannot have remembered.
    const users = Array.from({ length: 2_000 }, (_, user) =>
      Array.from({ length: 50 }, (_, index) => `group-${(index * 37 + user) % GROUPS}`),
    );
    const distinctBodies = (provenance: boolean) =>
      users.map((groups) =>
        JSON.stringify({ tenant: "bench", groups, ...(provenance ? {} : { provenance }) }),
      );
    const variants = [
      { label: "one user, answer remembered", cacheMb: "32" },
      { label: "2,000 users, nothing remembered", cacheMb: "0" },
    ] as const;
    const resolved: {
      workers: number;
      variant: string;
      full: LoadResult;
      gzipped: LoadResult;
      lean: LoadResult;
    }[] = [];
    for (const workers of workerCounts) {
      for (const variant of variants) {
        const app = await startAppServer({
          databaseUrl: database.url,
          dataDir,
          env: { STS_MACHINE_WORKERS: String(workers), STS_RESOLVE_CACHE_MB: variant.cacheMb },
        });
        try {
          const url = `http://127.0.0.1:${app.port}/api/v1/resolve`;
          const headers = {
            "content-type": "application/json",
            authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString("base64")}`,
          };
          // Node's fetch asks for gzip on its own (as Go's net/http does): the answer must come compressed.
          const check = await fetch(url, { method: "POST", body: resolveBody, headers });
          if (check.status !== 200 || check.headers.get("content-encoding") !== "gzip")
            throw new Error(
              `resolve answered ${check.status} ${check.headers.get("content-encoding")}: ${await check.text()}`,
            );
          // wrk sends no Accept-Encoding: the answer goes as it is unless the variant asks for gzip.
          const request = (provenance: boolean, gzip = false) => {
            const sent = gzip ? { ...headers, "accept-encoding": "gzip, deflate" } : headers;
            return variant.cacheMb === "0"
              ? { url, method: "POST" as const, bodies: distinctBodies(provenance), headers: sent }
              : { url, method: "POST" as const, body: provenance ? resolveBody : leanBody, headers: sent };
          };
          await load({ ...request(true), seconds: 3 });
          const serverPid = app.child.pid;
          const full = await load({ ...request(true), serverPid });
          console.info(
            `  (c) POST /api/v1/resolve, ${workers} worker(s), ${variant.label}         ${formatLoad(full)}`,
          );
          const gzipped = await load({ ...request(true, true), serverPid });
          console.info(`      … Accept-Encoding: gzip        ${formatLoad(gzipped)}`);
          const lean = await load({ ...request(false), serverPid });
          console.info(`      … "provenance": false        ${formatLoad(lean)}`);
          resolved.push({ workers, variant: variant.label, full, gzipped, lean });
        } finally {
          await app.stop();
        }
      }
    }

    const floors = new Map<number, LoadResult>();
    for (const workers of workerCounts) {
      const floorServer = await startBenchServer("plain-http-server.ts", workers, "/");
      try {
        const url = `${floorServer.url}/`;
        await load({ url, method: "POST", body: leanBody, seconds: 3 });
        const floor = await load({ url, method: "POST", body: leanBody, serverPid: floorServer.child.pid });
        floors.set(workers, floor);
        console.info(`  (d) plain node:http floor, ${workers} process(es)     ${formatLoad(floor)}`);
      } finally {
        await floorServer.stop();
      }
    }
    for (const { workers, variant, full, gzipped, lean } of resolved) {
      const floor = floors.get(workers)!;
      const ratio = (result: LoadResult) => (result.requestsPerSecond / floor.requestsPerSecond).toFixed(3);
      console.info(
        `  ${workers} process(es), ${variant}: (c)/(d) = ${ratio(full)} with provenance, ${ratio(gzipped)} with provenance gzip-compressed, ${ratio(lean)} without`,
      );
    }
    const best = (pick: (entry: (typeof resolved)[number]) => LoadResult, variant: string) =>
      Math.max(
        ...resolved
          .filter((entry) => entry.variant === variant)
          .map((entry) => pick(entry).requestsPerSecond),
      );
    const verdict = (value: number) => (value >= 8000 ? "met" : "MISSED");
    for (const variant of variants) {
      console.info(
        `  (c) ≥ 8,000 req/s, ${variant.label}: ${verdict(best((entry) => entry.full, variant.label))} with provenance, ${verdict(best((entry) => entry.gzipped, variant.label))} with provenance gzip-compressed, ${verdict(best((entry) => entry.lean, variant.label))} without`,
      );
    }
    console.info(
      `  targets: (a) p99 < 50 µs ${inProcess.p99 < 50 ? "met" : "MISSED"}; (b) p99 < 5 ms ${view.p99 < 5 ? "met" : "MISSED"}`,
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    await database.close();
  }
}
