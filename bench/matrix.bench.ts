/**
 * Permission-matrix benchmark: a tenant with 300 roles × 200 catalog permissions (the real catalog
 * plus generated keys) and 900 mappings over 400 groups. (a) the matrix computed in process,
 * (b) GET /tenants/matrix/matrix server-rendered by the production build for a signed-in bootstrap
 * administrator (a next-auth session cookie minted with the server's NEXTAUTH_SECRET, as next-auth's
 * own `encode` does): time to first byte and to the last byte, sequential requests; (c) the same
 * page in Chromium: time until the grid is shown, and frame times while scrolling and switching views.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "@playwright/test";
import { encode } from "next-auth/jwt";
import { Client } from "pg";
import { getPermissionMatrix } from "../src/server/access/get-permission-matrix";
import type { ConsoleContext } from "../src/server/auth/authorize";
import { createPrismaClient } from "../src/server/db/client";
import {
  importPermissionCatalog,
  readCatalogFile,
} from "../src/server/permissions/import-permission-catalog";
import { formatLatency, scratchDatabase, startAppServer, timeSequential } from "./lib";

const ROLES = 300;
const PERMISSIONS = 200;
const GROUPS = 400;
const MAPPINGS = 900;
const BOOTSTRAP_ROLE = "ONE_STS_ADMIN";

export async function seedMatrixTenant(url: string): Promise<void> {
  const db = createPrismaClient(url, 4);
  await importPermissionCatalog(db, await readCatalogFile());
  await db.$disconnect();
  const sql = new Client({ connectionString: url });
  await sql.connect();
  // Bulk SQL: a benchmark fixture, not a console workflow (those are covered by the tests).
  const { rows } = await sql.query<{ count: string }>(`SELECT count(*) FROM "Permission"`);
  const extra = PERMISSIONS - Number(rows[0]?.count ?? 0);
  await sql.query(
    `INSERT INTO "Permission" (key, category, description)
     SELECT 'BENCH_' || lpad(n::text, 3, '0') || '_' || (ARRAY['LIST','DETAIL','CREATE','EDIT','DELETE'])[1 + n % 5],
            'Bench ' || (1 + n / 12), 'generated for the matrix benchmark'
     FROM generate_series(1, $1::int) n`,
    [extra],
  );
  await sql.query(`INSERT INTO "Tenant" (slug, name) VALUES ('matrix', 'Matrix benchmark')`);
  await sql.query(`
    INSERT INTO "Role" ("tenantId", key, name)
    SELECT t.id, 'role-' || n, 'Benchmark role ' || n FROM "Tenant" t, generate_series(1, ${ROLES}) n
    WHERE t.slug = 'matrix'`);
  await sql.query(`
    INSERT INTO "RolePermission" ("roleId", "permissionKey")
    SELECT r.id, p.key FROM "Role" r
    CROSS JOIN LATERAL (SELECT key FROM "Permission" ORDER BY md5(r.id::text || key) LIMIT 10 + abs(hashtext(r.id::text)) % 60) p`);
  await sql.query(`
    INSERT INTO "Mapping" ("tenantId", "subjectType", subject, "roleId", "createdBy")
    SELECT t.id, 'GROUP', 'group-' || (n % ${GROUPS}), r.id, 'bench'
    FROM "Tenant" t, generate_series(0, ${MAPPINGS - 1}) n
    JOIN LATERAL (SELECT id FROM "Role" WHERE key = 'role-' || (1 + ((n / ${GROUPS}) * 97 + (n % ${GROUPS}) * 13) % ${ROLES})) r ON true
    WHERE t.slug = 'matrix'
    ON CONFLICT DO NOTHING`);
  await sql.query("VACUUM ANALYZE");
  const counts = await sql.query<{ roles: string; permissions: string; mappings: string; grants: string }>(`
    SELECT (SELECT count(*) FROM "Role" WHERE "tenantId" IS NOT NULL) AS roles,
           (SELECT count(*) FROM "Permission") AS permissions,
           (SELECT count(*) FROM "Mapping") AS mappings,
           (SELECT count(*) FROM "RolePermission") AS grants`);
  await sql.end();
  const row = counts.rows[0]!;
  console.info(
    `  seeded ${row.roles} roles × ${row.permissions} permissions (${row.grants} role permissions), ${row.mappings} mappings over ${GROUPS} groups`,
  );
}

/** One GET over a fresh connection: ms until the response head, the first body byte, and the end. */
function timedGet(
  url: string,
  cookie: string,
): Promise<{ status: number; head: number; firstByte: number; total: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const since = () => Number(process.hrtime.bigint() - started) / 1e6;
    const request = http.get(url, { headers: { cookie }, agent: false }, (response) => {
      const head = since();
      let firstByte = 0;
      let bytes = 0;
      response.on("data", (chunk: Buffer) => {
        if (bytes === 0) firstByte = since();
        bytes += chunk.length;
      });
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, head, firstByte, total: since(), bytes }),
      );
      response.on("error", reject);
    });
    request.on("error", reject);
  });
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function benchMatrix(): Promise<void> {
  console.info("\n== Permission matrix ==");
  const database = await scratchDatabase();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "sts-bench-data-"));
  try {
    await seedMatrixTenant(database.url);

    const db = createPrismaClient(database.url, 2);
    const admin: ConsoleContext = {
      identity: { sub: "bench-admin", name: "Bench Admin", email: "", roles: [BOOTSTRAP_ROLE], groups: [] },
      isBootstrapAdmin: true,
      tenantPermissions: new Map(),
      request: { requestId: "bench", ip: "127.0.0.1", userAgent: "bench" },
    };
    const matrix = await getPermissionMatrix(db, admin, "matrix");
    console.info(
      `  matrix: ${matrix.roles.length} roles × ${matrix.permissions.length} permissions = ${(matrix.roles.length * matrix.permissions.length).toLocaleString("en")} cells, ${matrix.subjects.length} groups; ${JSON.stringify(matrix).length.toLocaleString("en")} bytes as JSON`,
    );
    const inProcess = await timeSequential(100, () => getPermissionMatrix(db, admin, "matrix"), "ms");
    await db.$disconnect();
    console.info(`  (a) matrix in process (database included)  ${formatLatency(inProcess)}`);

    const secret = randomBytes(32).toString("base64url");
    const app = await startAppServer({
      databaseUrl: database.url,
      dataDir,
      env: { NEXTAUTH_SECRET: secret },
    });
    const port = app.port;
    try {
      const now = Date.now();
      const identity = {
        sub: "bench-admin",
        name: "Bench Admin",
        email: "",
        roles: [BOOTSTRAP_ROLE],
        groups: [],
      };
      const sessionToken = await encode({
        token: { sub: identity.sub, name: identity.name, identity, signedInAt: now, lastActivityAt: now },
        secret,
      });
      const cookie = `next-auth.session-token=${sessionToken}`;
      const url = `http://localhost:${port}/tenants/matrix/matrix`;
      const first = await timedGet(url, cookie);
      if (first.status !== 200) throw new Error(`the matrix page answered ${first.status} (not signed in?)`);
      for (let warm = 0; warm < 10; warm += 1) await timedGet(url, cookie);
      const heads: number[] = [];
      const firstBytes: number[] = [];
      const totals: number[] = [];
      let bytes = 0;
      for (let sample = 0; sample < 60; sample += 1) {
        const result = await timedGet(url, cookie);
        if (result.status !== 200) throw new Error(`the matrix page answered ${result.status}`);
        heads.push(result.head);
        firstBytes.push(result.firstByte);
        totals.push(result.total);
        bytes = result.bytes;
      }
      const line = (samples: number[]) =>
        `p50 ${percentile(samples, 50).toFixed(1)} ms  p99 ${percentile(samples, 99).toFixed(1)} ms`;
      console.info(
        `  (b) GET /tenants/matrix/matrix, ${(bytes / 1024).toFixed(0)} KiB of HTML, 60 sequential requests:`,
      );
      console.info(`      time to first byte         ${line(firstBytes)}  (response head ${line(heads)})`);
      console.info(`      time to last byte          ${line(totals)}`);
      const ttfb99 = percentile(firstBytes, 99);
      console.info(
        `  target: TTFB < 300 ms ${ttfb99 < 300 ? "met" : "MISSED"} (p99 ${ttfb99.toFixed(1)} ms)`,
      );

      const browser = await chromium.launch({
        executablePath: process.env.STS_E2E_CHROMIUM ?? "/usr/bin/chromium",
        args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
      });
      try {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        await context.addCookies([
          { name: "next-auth.session-token", value: sessionToken, url: `http://localhost:${port}` },
        ]);
        const page = await context.newPage();
        const started = Date.now();
        await page.goto(url);
        await page.locator("table.matrix td.matrix-cell").first().waitFor();
        const shown = Date.now() - started;
        const cells = await page.locator("td.matrix-cell").count();
        const frames = await page.evaluate(async () => {
          const scroller = document.querySelector<HTMLElement>(".matrix-scroll")!;
          const times: number[] = [];
          for (let step = 0; step < 40; step += 1) {
            const before = performance.now();
            scroller.scrollTop += 400;
            await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
            times.push(performance.now() - before);
          }
          return times;
        });
        const switchStarted = Date.now();
        await page.getByText(/^Groups & clients/).click();
        await page.locator("table.matrix th.matrix-row-header", { hasText: "group-" }).first().waitFor();
        const switched = Date.now() - switchStarted;
        console.info(
          `  (c) Chromium: grid shown after ${shown} ms (${cells.toLocaleString("en")} cells in the DOM of ${(matrix.roles.length * matrix.permissions.length).toLocaleString("en")}); scrolling 400 px: frame p50 ${percentile(frames, 50).toFixed(1)} ms p99 ${percentile(frames, 99).toFixed(1)} ms; switch to groups ${switched} ms`,
        );
      } finally {
        await browser.close();
      }
    } finally {
      await app.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    await database.close();
  }
}
