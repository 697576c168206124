/**
 * The SQL view `sts_effective_permissions`, queried with a plain pg client (no Prisma, no app code),
 * answers exactly what the console's own resolver answers, over a randomised data set with many
 * groups, overlapping mappings, a disabled tenant and expired mappings.
 */
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/server/db/client";
import { createMappings } from "@/server/mappings/create-mappings";
import { createGlobalRole, createTenantRole } from "@/server/roles/create-role";
import { resolvePermissions } from "@/server/sts/resolve-permissions";
import { loadTenantIndex } from "@/server/sts/tenant-index";
import { createTenant } from "@/server/tenants/create-tenant";
import { updateTenant } from "@/server/tenants/update-tenant";
import { fileDatabaseUrl } from "../helpers/database";
import { contextOf, openWorld } from "../fixtures/console-world";
import { seededRandom } from "../helpers/seeded-random";

let db: Db;
let sql: Client;

const SEED = 20261127;
const groupName = (index: number) =>
  index % 7 === 0 ? `Team ${index}` : index % 5 === 0 ? `/dept/${index}` : `grp-${index}`;

beforeAll(async () => {
  db = await openWorld();
  sql = new Client({ connectionString: fileDatabaseUrl() });
  await sql.connect();
  const rand = seededRandom(SEED);
  const boot = await contextOf(db, "bootstrap");
  const keys = (await db.permission.findMany({ select: { key: true } })).map((permission) => permission.key);
  const pick = (count: number) => [
    ...new Set(Array.from({ length: count }, () => keys[Math.floor(rand() * keys.length)]!)),
  ];
  const globalRoles = [];
  for (let index = 0; index < 6; index += 1) {
    globalRoles.push(
      await createGlobalRole(db, boot, {
        key: `rand-global-${index}`,
        name: `Random global ${index}`,
        permissions: pick(1 + Math.floor(rand() * 12)),
      }),
    );
  }
  for (const slug of ["rand-a", "rand-b", "rand-off"]) {
    await createTenant(db, boot, { slug, name: slug });
    const roles = [...globalRoles];
    for (let index = 0; index < 5; index += 1) {
      roles.push(
        await createTenantRole(db, boot, slug, {
          key: `local-${index}`,
          name: `Local ${index}`,
          permissions: pick(1 + Math.floor(rand() * 8)),
        }),
      );
    }
    for (let group = 0; group < 40; group += 1) {
      const chosen = [
        ...new Set(
          Array.from(
            { length: 1 + Math.floor(rand() * 3) },
            () => roles[Math.floor(rand() * roles.length)]!.id,
          ),
        ),
      ];
      if (rand() < 0.3) continue;
      await createMappings(db, boot, slug, { subject: groupName(group), roleIds: chosen });
    }
    await createMappings(db, boot, slug, {
      subjectType: "CLIENT",
      subject: `${slug}-robot`,
      roleIds: [roles[0]!.id],
    });
  }
  // Some mappings expired a minute ago (written directly: the API only accepts future expiries).
  await sql.query(
    `UPDATE "Mapping" SET "expiresAt" = now() - interval '1 minute'
     WHERE "tenantId" IN (SELECT id FROM "Tenant" WHERE slug LIKE 'rand-%') AND abs(hashtext(id::text)) % 4 = 0`,
  );
  const off = await db.tenant.findUniqueOrThrow({ where: { slug: "rand-off" } });
  await updateTenant(db, boot, "rand-off", { version: off.version, status: "DISABLED" });
});

afterAll(async () => {
  await sql.end();
  await db.$disconnect();
});

async function viewAnswer(slug: string, subjectType: "GROUP" | "CLIENT", subjects: string[]) {
  const { rows } = await sql.query<{ role_key: string; permission_key: string; tenant_revision: number }>(
    `SELECT DISTINCT role_key, permission_key, tenant_revision FROM sts_effective_permissions
     WHERE tenant_slug = $1 AND subject_type = $2 AND subject = ANY($3::text[])`,
    [slug, subjectType, subjects],
  );
  return {
    roles: [...new Set(rows.map((row) => row.role_key))].sort(),
    permissions: [...new Set(rows.map((row) => row.permission_key))].sort(),
  };
}

describe("sts_effective_permissions", () => {
  it("has the documented columns, in order", async () => {
    const { fields } = await sql.query("SELECT * FROM sts_effective_permissions LIMIT 0");
    expect(fields.map((field) => field.name)).toEqual([
      "tenant_id",
      "tenant_slug",
      "tenant_status",
      "subject_type",
      "subject",
      "role_key",
      "permission_key",
      "permission_bit",
      "tenant_revision",
    ]);
  });

  it("answers like the console's resolver for random users in every tenant", async () => {
    const rand = seededRandom(SEED + 1);
    let compared = 0;
    let nonEmpty = 0;
    for (const slug of ["rand-a", "rand-b", "rand-off"]) {
      const index = await loadTenantIndex(db, slug);
      if (!index) throw new Error(`no tenant ${slug}`);
      for (let user = 0; user < 60; user += 1) {
        const groups = [
          ...new Set(
            Array.from({ length: 1 + Math.floor(rand() * 8) }, () => groupName(Math.floor(rand() * 45))),
          ),
        ];
        const resolved = resolvePermissions(index, "GROUP", groups);
        const fromView = await viewAnswer(slug, "GROUP", groups);
        expect({ slug, groups, roles: resolved.roles, permissions: resolved.permissions }).toEqual({
          slug,
          groups,
          ...fromView,
        });
        compared += 1;
        if (fromView.permissions.length > 0) nonEmpty += 1;
      }
      const client = resolvePermissions(index, "CLIENT", [`${slug}-robot`]);
      const clientView = await viewAnswer(slug, "CLIENT", [`${slug}-robot`]);
      expect({ roles: client.roles, permissions: client.permissions }).toEqual(clientView);
    }
    expect(compared).toBe(180);
    // The data set must exercise real grants, not only empty answers.
    expect(nonEmpty).toBeGreaterThan(60);
  });

  it("yields nothing for a disabled tenant or an expired mapping", async () => {
    const { rows: disabled } = await sql.query(
      `SELECT 1 FROM sts_effective_permissions WHERE tenant_slug = 'rand-off'`,
    );
    expect(disabled).toEqual([]);
    const { rows: expired } = await sql.query(
      `SELECT m.subject FROM "Mapping" m JOIN "Tenant" t ON t.id = m."tenantId"
       WHERE t.slug = 'rand-a' AND m."expiresAt" < now()`,
    );
    expect(expired.length).toBeGreaterThan(0);
    for (const row of expired as { subject: string }[]) {
      const { rows } = await sql.query(
        `SELECT role_key FROM sts_effective_permissions v
         WHERE tenant_slug = 'rand-a' AND subject = $1
           AND role_key IN (SELECT r.key FROM "Mapping" m JOIN "Role" r ON r.id = m."roleId" JOIN "Tenant" t ON t.id = m."tenantId"
                            WHERE t.slug = 'rand-a' AND m.subject = $1 AND m."expiresAt" < now()
                              AND NOT EXISTS (SELECT 1 FROM "Mapping" m2 WHERE m2."tenantId" = m."tenantId" AND m2.subject = m.subject
                                              AND m2."roleId" = m."roleId" AND (m2."expiresAt" IS NULL OR m2."expiresAt" > now())))`,
        [row.subject],
      );
      expect(rows).toEqual([]);
    }
  });

  it("carries the tenant's current revision", async () => {
    const tenant = await db.tenant.findUniqueOrThrow({ where: { slug: "rand-b" } });
    const { rows } = await sql.query<{ tenant_revision: number }>(
      `SELECT DISTINCT tenant_revision FROM sts_effective_permissions WHERE tenant_slug = 'rand-b'`,
    );
    expect(rows).toEqual([{ tenant_revision: tenant.revision }]);
  });
});
