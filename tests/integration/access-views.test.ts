/**
 * The access views (matrix, explorer, what-if, reverse lookups, unmapped groups) against the two
 * other answers the product gives to the same questions: the resolve API (through its real handler,
 * authenticated as a registered technical client) and the SQL view `sts_effective_permissions`
 * (plain pg, no app code), over randomised data with overlapping mappings, expired mappings and a
 * disabled tenant. Then who may ask: tenant readers see their tenant only.
 */
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { decodePositions, encodePositions } from "@/server/access/access.types";
import { explainSubjects } from "@/server/access/explain-subjects";
import { getPermissionMatrix } from "@/server/access/get-permission-matrix";
import { listUnmappedEverywhere, listUnmappedInTenant } from "@/server/access/list-unmapped-subjects";
import { whatIfMapping } from "@/server/access/what-if-mapping";
import { whereSubjectHasAccess } from "@/server/access/where-subject-has-access";
import { whoHasPermission } from "@/server/access/who-has-permission";
import type { ConsoleContext } from "@/server/auth/authorize";
import { registerClient } from "@/server/clients/manage-clients";
import type { Db } from "@/server/db/client";
import { handleResolve } from "@/server/machine-api/machine-handlers";
import { closeMachineRuntime } from "@/server/machine-api/machine-runtime";
import { createMappings } from "@/server/mappings/create-mappings";
import { deleteMapping } from "@/server/mappings/delete-mapping";
import { getSubjectHints } from "@/server/mappings/subject-hints";
import { recordObservedInTenants, recordObservedSubjects } from "@/server/observed/record-observed-subjects";
import { createGlobalRole, createTenantRole } from "@/server/roles/create-role";
import { createTenant } from "@/server/tenants/create-tenant";
import { updateTenant } from "@/server/tenants/update-tenant";
import { fileDatabaseUrl } from "../helpers/database";
import { contextOf, openWorld, outcome } from "../fixtures/console-world";
import { seededRandom } from "../helpers/seeded-random";

let db: Db;
let sql: Client;
let boot: ConsoleContext;
let reader: { clientId: string; secret: string };
const SLUGS = ["mx-a", "mx-b", "mx-off"] as const;

// Hundreds of comparisons against the view per test: give them room when the machine is busy.
vi.setConfig({ testTimeout: 60_000 });

const SEED = 7_2026_11;
const groupName = (index: number) =>
  index % 7 === 0 ? `Team ${index}` : index % 5 === 0 ? `/dept/${index}` : `grp-${index}`;

beforeAll(async () => {
  Object.assign(process.env, {
    OIDC_ISSUER: "http://127.0.0.1:9/unused-idp",
    OIDC_CLIENT_ID: "console",
    OIDC_CLIENT_SECRET: "secret",
    NEXTAUTH_SECRET: "x".repeat(40),
    STS_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
    STS_PUBLIC_URL: "http://sts.test",
  });
  db = await openWorld();
  sql = new Client({ connectionString: fileDatabaseUrl() });
  await sql.connect();
  boot = await contextOf(db, "bootstrap");
  const rand = seededRandom(SEED);
  const keys = (await db.permission.findMany({ select: { key: true } })).map((permission) => permission.key);
  const pick = (count: number) => [
    ...new Set(Array.from({ length: count }, () => keys[Math.floor(rand() * keys.length)]!)),
  ];
  const globalRoles = [];
  for (let index = 0; index < 6; index += 1) {
    globalRoles.push(
      await createGlobalRole(db, boot, {
        key: `mx-global-${index}`,
        name: `Matrix global ${index}`,
        permissions: pick(1 + Math.floor(rand() * 14)),
      }),
    );
  }
  for (const slug of SLUGS) {
    await createTenant(db, boot, { slug, name: `Tenant ${slug}` });
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
      if (rand() < 0.3) continue;
      const chosen = [
        ...new Set(
          Array.from(
            { length: 1 + Math.floor(rand() * 3) },
            () => roles[Math.floor(rand() * roles.length)]!.id,
          ),
        ),
      ];
      await createMappings(db, boot, slug, { subject: groupName(group), roleIds: chosen });
    }
    await createMappings(db, boot, slug, {
      subjectType: "CLIENT",
      subject: `${slug}-robot`,
      roleIds: [roles[0]!.id, roles[7]!.id],
    });
  }
  await sql.query(
    `UPDATE "Mapping" SET "expiresAt" = now() - interval '1 minute'
     WHERE "tenantId" IN (SELECT id FROM "Tenant" WHERE slug LIKE 'mx-%') AND abs(hashtext(id::text)) % 4 = 0`,
  );
  const off = await db.tenant.findUniqueOrThrow({ where: { slug: "mx-off" } });
  await updateTenant(db, boot, "mx-off", { version: off.version, status: "DISABLED" });
  const registered = await registerClient(db, boot, {
    clientId: "mx-reader",
    name: "Matrix reader",
    readAllTenants: true,
  });
  reader = { clientId: registered.client.clientId, secret: registered.clientSecret };
  // Seeding goes through the domain functions (each change audited): slow on a busy machine.
}, 120_000);

afterAll(async () => {
  await closeMachineRuntime();
  await sql.end();
  await db.$disconnect();
});

async function resolveApi(body: unknown): Promise<unknown> {
  const response = await handleResolve(
    new Request("http://sts.test/api/v1/resolve", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Basic ${Buffer.from(`${reader.clientId}:${reader.secret}`).toString("base64")}`,
      },
      body: JSON.stringify(body),
    }),
  );
  expect(response.status).toBe(200);
  return response.json();
}

async function viewAnswer(slug: string, subjectType: "GROUP" | "CLIENT", subjects: string[]) {
  const { rows } = await sql.query<{ subject: string; role_key: string; permission_key: string }>(
    `SELECT DISTINCT subject, role_key, permission_key FROM sts_effective_permissions
     WHERE tenant_slug = $1 AND subject_type = $2 AND subject = ANY($3::text[])`,
    [slug, subjectType, subjects],
  );
  const provenance: Record<string, string[]> = {};
  for (const row of rows) (provenance[row.permission_key] ??= []).push(`${row.subject} → ${row.role_key}`);
  for (const list of Object.values(provenance)) list.sort();
  return {
    roles: [...new Set(rows.map((row) => row.role_key))].sort(),
    permissions: [...new Set(rows.map((row) => row.permission_key))].sort(),
    provenance,
  };
}

const flatProvenance = (provenance: Record<string, { subject: string; role: string }[]>) =>
  Object.fromEntries(
    Object.entries(provenance).map(([permission, entries]) => [
      permission,
      [...new Set(entries.map((entry) => `${entry.subject} → ${entry.role}`))].sort(),
    ]),
  );

function randomGroups(rand: () => number): string[] {
  return [
    ...new Set(Array.from({ length: 1 + Math.floor(rand() * 8) }, () => groupName(Math.floor(rand() * 45)))),
  ];
}

describe("explorer", () => {
  it("answers exactly like the resolve API and the SQL view, provenance included", async () => {
    const rand = seededRandom(SEED + 1);
    let nonEmpty = 0;
    for (const slug of SLUGS) {
      for (let user = 0; user < 30; user += 1) {
        const groups = randomGroups(rand);
        const explained = await explainSubjects(db, boot, slug, { groups });
        expect(explained.resolution).toEqual(await resolveApi({ tenant: slug, groups }));
        const view = await viewAnswer(slug, "GROUP", groups);
        expect({
          roles: explained.resolution.roles,
          permissions: [...explained.resolution.permissions].sort(),
          provenance: flatProvenance(explained.resolution.provenance),
        }).toEqual(view);
        // Every name is accounted for: matched through a live mapping, or listed as matching nothing
        // (everything, while the tenant is disabled).
        for (const subject of explained.subjects) {
          expect(explained.resolution.unmapped.includes(subject.subject)).toBe(
            slug === "mx-off" || subject.roles.length === 0,
          );
        }
        if (view.permissions.length > 0) nonEmpty += 1;
      }
      const clientId = `${slug}-robot`;
      const client = await explainSubjects(db, boot, slug, { clientId });
      expect(client.resolution).toEqual(await resolveApi({ tenant: slug, clientId }));
      expect(client.resolution.roles).toEqual((await viewAnswer(slug, "CLIENT", [clientId])).roles);
    }
    expect(nonEmpty).toBeGreaterThan(30);
  });

  it("flags names that differ from a mapped one by case, a leading slash or white space, and expired-only names", async () => {
    const boot2 = await contextOf(db, "bootstrap");
    const auditors = await explainSubjects(db, boot2, "acme", {
      groups: ["ACME-Auditors", "/acme-support", " acme-issuers", "marketing"],
    });
    expect(auditors.resolution.permissions).toEqual([]);
    expect(auditors.resolution.unmapped).toEqual([
      "ACME-Auditors",
      "/acme-support",
      " acme-issuers",
      "marketing",
    ]);
    expect(auditors.subjects.map((subject) => subject.nearMisses)).toEqual([
      [{ subject: "acme-auditors", difference: "letter case" }],
      [{ subject: "acme-support", difference: 'a leading "/"' }],
      [{ subject: "acme-issuers", difference: "white space" }],
      [],
    ]);
    expect(auditors.warnings.filter((warning) => warning.includes("only by"))).toHaveLength(3);

    const expired = await sql.query<{ subject: string }>(
      `SELECT m.subject FROM "Mapping" m JOIN "Tenant" t ON t.id = m."tenantId"
       WHERE t.slug = 'mx-a' AND m."subjectType" = 'GROUP' GROUP BY m.subject
       HAVING bool_and(m."expiresAt" IS NOT NULL AND m."expiresAt" <= now()) LIMIT 1`,
    );
    const name = expired.rows[0]!.subject;
    const answer = await explainSubjects(db, boot2, "mx-a", { groups: [name] });
    expect(answer.resolution.unmapped).toEqual([name]);
    expect(answer.subjects[0]!.expiredRoles.length).toBeGreaterThan(0);
    expect(answer.warnings).toContain(
      `"${name}" is mapped only through expired mappings: they grant nothing.`,
    );
  });

  it("refuses malformed requests with 400 naming the field", async () => {
    for (const [body, field] of [
      [{ groups: "acme-auditors" }, "groups"],
      [{ groups: ["a\nb"] }, "groups.0"],
      [{}, "groups"],
      [{ groups: ["x"], clientId: "y" }, "groups"],
      [{ groups: ["x"], token: "eyJ…" }, "explain request"],
    ] as const) {
      await expect(explainSubjects(db, boot, "acme", body)).rejects.toMatchObject({
        status: 400,
        fieldErrors: { [field]: expect.any(Array) },
      });
    }
  });
});

describe("matrix", () => {
  it("encodes position sets losslessly", () => {
    const rand = seededRandom(SEED + 3);
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const set = [
        ...new Set(Array.from({ length: Math.floor(rand() * 40) }, () => Math.floor(rand() * 250))),
      ].sort((a, b) => a - b);
      expect(decodePositions(encodePositions(set))).toEqual(set);
    }
    expect(encodePositions([])).toBe("");
    expect(encodePositions([0, 5, 7])).toBe("1a");
  });

  it("shows for every subject exactly what the SQL view holds, and each role's catalog permissions", async () => {
    for (const slug of SLUGS) {
      const matrix = await getPermissionMatrix(db, boot, slug);
      expect(matrix.subjects.length).toBeGreaterThan(20);
      for (const row of matrix.subjects) {
        const granted = decodePositions(row.grants)
          .map((at) => matrix.permissions[at]!.key)
          .sort();
        expect({ subject: row.subject, granted }).toEqual({
          subject: row.subject,
          granted: (await viewAnswer(slug, row.subjectType, [row.subject])).permissions,
        });
        // What a cell names as its reason (the subject's live roles holding the permission) is never empty.
        for (const at of decodePositions(row.grants)) {
          expect(row.roles.some((role) => decodePositions(matrix.roles[role]!.grants).includes(at))).toBe(
            true,
          );
        }
      }
      const dbRoles = await db.role.findMany({
        where: { OR: [{ tenant: { slug } }, { tenantId: null }] },
        select: { id: true, permissions: { select: { permissionKey: true } } },
      });
      expect(matrix.roles.map((role) => role.id).sort()).toEqual(dbRoles.map((role) => role.id).sort());
      for (const role of dbRoles) {
        const shown = matrix.roles.find((item) => item.id === role.id)!;
        expect(
          decodePositions(shown.grants)
            .map((at) => matrix.permissions[at]!.key)
            .sort(),
        ).toEqual(role.permissions.map((item) => item.permissionKey).sort());
      }
    }
    const off = await getPermissionMatrix(db, boot, "mx-off");
    expect(off.tenant.status).toBe("DISABLED");
    expect(off.subjects.every((row) => decodePositions(row.grants).length === 0)).toBe(true);
  });
});

describe("reverse lookups", () => {
  it("who has a permission equals the SQL view, for a third of the permissions roles hold", async () => {
    // Every third permission some role holds (deterministic), in each tenant.
    const { rows: held } = await sql.query<{ key: string }>(
      `SELECT key FROM (SELECT DISTINCT rp."permissionKey" AS key FROM "RolePermission" rp) k
       ORDER BY key`,
    );
    const sample = held.filter((_, at) => at % 3 === 0);
    let nonEmpty = 0;
    for (const slug of SLUGS) {
      for (const { key } of sample) {
        const answer = await whoHasPermission(db, boot, slug, { permission: key });
        const { rows } = await sql.query<{ subject_type: string; subject: string; role_key: string }>(
          `SELECT DISTINCT subject_type::text, subject, role_key FROM sts_effective_permissions
           WHERE tenant_slug = $1 AND permission_key = $2`,
          [slug, key],
        );
        const expected = rows.map((row) => `${row.subject_type}:${row.subject}:${row.role_key}`).sort();
        const actual = answer.holders
          .map((item) => `${item.subjectType}:${item.subject}:${item.role.key}`)
          .sort();
        expect({ slug, key, holders: actual }).toEqual({ slug, key, holders: expected });
        if (actual.length > 0) nonEmpty += 1;
      }
    }
    expect(nonEmpty).toBeGreaterThan(10);
    await expect(whoHasPermission(db, boot, "acme", { permission: "NOT_IN_CATALOG" })).rejects.toMatchObject({
      status: 404,
    });
    await expect(whoHasPermission(db, boot, "acme", { permission: "lower" })).rejects.toMatchObject({
      status: 400,
      fieldErrors: { permission: expect.any(Array) },
    });
  });

  it("where a group has access covers every tenant where the view grants it something", async () => {
    const rand = seededRandom(SEED + 2);
    for (let attempt = 0; attempt < 25; attempt += 1) {
      const subject = groupName(Math.floor(rand() * 45));
      const answer = await whereSubjectHasAccess(db, boot, { subject });
      expect(answer.scope).toBe("all");
      const { rows } = await sql.query<{ tenant_slug: string; permission_key: string }>(
        `SELECT DISTINCT tenant_slug, permission_key FROM sts_effective_permissions
         WHERE subject_type = 'GROUP' AND subject = $1`,
        [subject],
      );
      const fromView: Record<string, string[]> = {};
      for (const row of rows) (fromView[row.tenant_slug] ??= []).push(row.permission_key);
      const fromAnswer = Object.fromEntries(
        answer.tenants
          .filter((entry) => entry.permissions.length > 0)
          .map((entry) => [entry.tenant.slug, [...entry.permissions].sort()]),
      );
      for (const list of Object.values(fromView)) list.sort();
      expect({ subject, tenants: fromAnswer }).toEqual({ subject, tenants: fromView });
    }
  });
});

describe("what-if", () => {
  it("predicts exactly what adding and then removing a mapping does to the view, and writes nothing", async () => {
    const slug = "mx-b";
    const tenant = await db.tenant.findUniqueOrThrow({ where: { slug } });
    const role = await db.role.findFirstOrThrow({ where: { tenantId: tenant.id, key: "local-3" } });
    const subject = "grp-1";
    const groups = ["grp-1", "grp-2", "Team 7"];
    const mappingCount = await db.mapping.count();

    const adding = await whatIfMapping(db, boot, slug, {
      change: { op: "add", subject, roleId: role.id },
      groups,
    });
    expect(await db.mapping.count()).toBe(mappingCount);
    expect((await db.tenant.findUniqueOrThrow({ where: { slug } })).revision).toBe(tenant.revision);
    expect(adding.subject.before.permissions.sort()).toEqual(
      (await viewAnswer(slug, "GROUP", [subject])).permissions,
    );

    const existing = await db.mapping.findFirst({ where: { tenantId: tenant.id, subject, roleId: role.id } });
    if (existing) await sql.query(`DELETE FROM "Mapping" WHERE id = $1`, [existing.id]);
    const prediction = existing
      ? await whatIfMapping(db, boot, slug, { change: { op: "add", subject, roleId: role.id }, groups })
      : adding;
    const [created] = await createMappings(db, boot, slug, { subject, roleIds: [role.id] });
    expect([...prediction.subject.after.permissions].sort()).toEqual(
      (await viewAnswer(slug, "GROUP", [subject])).permissions,
    );
    expect([...prediction.groups!.after.permissions].sort()).toEqual(
      (await viewAnswer(slug, "GROUP", groups)).permissions,
    );
    expect(prediction.change.role.key).toBe("local-3");

    const removing = await whatIfMapping(db, boot, slug, {
      change: { op: "remove", mappingId: created!.id },
      groups,
    });
    expect(removing.subject.permissionsGained).toEqual([]);
    await deleteMapping(db, boot, slug, created!.id, { version: created!.version });
    expect([...removing.subject.after.permissions].sort()).toEqual(
      (await viewAnswer(slug, "GROUP", [subject])).permissions,
    );
    expect([...removing.groups!.after.permissions].sort()).toEqual(
      (await viewAnswer(slug, "GROUP", groups)).permissions,
    );
  });

  it("refuses roles and mappings of another tenant with 404, and bad input with 400", async () => {
    const initech = await db.tenant.findUniqueOrThrow({ where: { slug: "initech" } });
    const foreignRole = await db.role.create({
      data: { tenantId: initech.id, key: "mx-foreign", name: "Foreign" },
    });
    const foreignMapping = await db.mapping.findFirstOrThrow({ where: { tenantId: initech.id } });
    await expect(
      whatIfMapping(db, boot, "acme", { change: { op: "add", subject: "x", roleId: foreignRole.id } }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(
      whatIfMapping(db, boot, "acme", { change: { op: "remove", mappingId: foreignMapping.id } }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(whatIfMapping(db, boot, "acme", { change: { op: "rename" } })).rejects.toMatchObject({
      status: 400,
      fieldErrors: { "change.op": expect.any(Array) },
    });
    await expect(
      whatIfMapping(db, boot, "acme", { change: { op: "add", subject: "x", roleId: "nope" } }),
    ).rejects.toMatchObject({ status: 400, fieldErrors: { "change.roleId": expect.any(Array) } });
  });
});

describe("unmapped groups", () => {
  it("lists observed names without a live mapping here (or anywhere), searchable and paged", async () => {
    const acmeId = (await db.tenant.findUniqueOrThrow({ where: { slug: "acme" } })).id;
    const initechId = (await db.tenant.findUniqueOrThrow({ where: { slug: "initech" } })).id;
    // Seen at sign-ins (no organisation) …
    await recordObservedSubjects(db, "GROUP", ["zz-unmapped-1", "zz-unmapped-2", "ZZ-Acme-Auditors-x"]);
    await recordObservedSubjects(db, "GROUP", ["acme-auditors", "initech-admins", "ACME-AUDITORS"]);
    // … and presented in requests for one organisation.
    const seen = (tenantId: string, subjects: string[]) =>
      subjects.map((subject) => ({
        tenantId,
        subjectType: "GROUP" as const,
        subject,
        lastSeen: new Date(),
        count: 1,
      }));
    await recordObservedInTenants(db, [
      ...seen(acmeId, ["zz-unmapped-1", "zz-unmapped-2", "acme-auditors", "ACME-AUDITORS"]),
      ...seen(initechId, ["initech-admins", "zz-initech-only"]),
    ]);
    const acme = await listUnmappedInTenant(db, boot, "acme", { q: "", pageSize: 200 });
    const names = acme.rows.map((row) => row.subject);
    expect(names).toEqual(expect.arrayContaining(["zz-unmapped-1", "zz-unmapped-2", "ACME-AUDITORS"]));
    expect(names).not.toContain("acme-auditors");
    // Names presented only to another organisation, or only at sign-in, stay out of acme's list.
    expect(names).not.toContain("zz-initech-only");
    expect(names).not.toContain("initech-admins");
    expect(names).not.toContain("ZZ-Acme-Auditors-x");
    expect(acme.total).toBe(names.length);
    expect(acme.rows.find((row) => row.subject === "ACME-AUDITORS")!.nearMisses).toEqual([
      { subject: "acme-auditors", difference: "letter case" },
    ]);
    const initech = await listUnmappedInTenant(db, boot, "initech", { q: "", pageSize: 200 });
    expect(initech.rows.map((row) => row.subject)).toContain("zz-initech-only");
    expect(initech.rows.map((row) => row.subject)).not.toContain("zz-unmapped-1");
    const global = await listUnmappedEverywhere(db, boot, { q: "", pageSize: 200 });
    expect(global.rows.map((row) => row.subject)).not.toContain("initech-admins");
    expect(global.rows.map((row) => row.subject)).toContain("zz-unmapped-1");
    expect(global.rows.map((row) => row.subject)).toContain("ZZ-Acme-Auditors-x");

    const searched = await listUnmappedInTenant(db, boot, "acme", { q: "ZZ-UNMAPPED", pageSize: 1, page: 2 });
    expect(searched).toMatchObject({ total: 2, page: 2, pageSize: 1 });
    expect(searched.rows).toHaveLength(1);
    const row = searched.rows[0]!;
    expect(row.count).toBe(1);
    expect(new Date(row.firstSeenAt).getTime()).toBeLessThanOrEqual(new Date(row.lastSeenAt).getTime());
    await expect(listUnmappedInTenant(db, boot, "acme", { pageSize: "1000" })).rejects.toMatchObject({
      status: 400,
      fieldErrors: { pageSize: expect.any(Array) },
    });
  });
});

describe("name suggestions", () => {
  it("show an organisation's administrators the names presented to it; the bootstrap administrator every name", async () => {
    const acmeId = (await db.tenant.findUniqueOrThrow({ where: { slug: "acme" } })).id;
    const initechId = (await db.tenant.findUniqueOrThrow({ where: { slug: "initech" } })).id;
    await recordObservedSubjects(db, "GROUP", ["zz-hint-sign-in-only", "zz-hint-acme", "zz-hint-initech"]);
    await recordObservedInTenants(db, [
      { tenantId: acmeId, subjectType: "GROUP", subject: "zz-hint-acme", lastSeen: new Date(), count: 1 },
      {
        tenantId: initechId,
        subjectType: "GROUP",
        subject: "zz-hint-initech",
        lastSeen: new Date(),
        count: 1,
      },
    ]);
    const acmeAdmin = await contextOf(db, "adminA");
    const mine = await getSubjectHints(db, acmeAdmin, "acme", { q: "zz-hint" });
    expect(mine.suggestions.map((suggestion) => suggestion.subject)).toEqual(["zz-hint-acme"]);
    const other = await getSubjectHints(db, acmeAdmin, "acme", { q: "zz-hint-initech" });
    expect(other.suggestions).toEqual([]);
    expect(other.check?.seen).toBeNull();
    expect(other.check?.warnings[0]).toContain(
      "never been seen in a token or resolve request for this organisation",
    );
    const everything = await getSubjectHints(db, boot, "acme", { q: "zz-hint" });
    expect(everything.suggestions.map((suggestion) => suggestion.subject).sort()).toEqual([
      "zz-hint-acme",
      "zz-hint-initech",
      "zz-hint-sign-in-only",
    ]);
    expect((await getSubjectHints(db, boot, "acme", { q: "zz-hint-initech" })).check?.seen).not.toBeNull();
  });
});

describe("who may ask", () => {
  it("an auditor of acme reads acme's views, and gets 404 for initech; a user without access gets 404", async () => {
    const auditor = await contextOf(db, "auditor");
    const nobody = await contextOf(db, "noAccess");
    const acmeRole = await db.role.findFirstOrThrow({ where: { key: "read-only-auditor", tenantId: null } });
    const calls = (context: ConsoleContext, slug: string) => ({
      matrix: () => getPermissionMatrix(db, context, slug),
      explain: () => explainSubjects(db, context, slug, { groups: ["acme-auditors"] }),
      whatIf: () =>
        whatIfMapping(db, context, slug, { change: { op: "add", subject: "x", roleId: acmeRole.id } }),
      whoHas: () => whoHasPermission(db, context, slug, { permission: "STS_IAM_ROLE_LIST" }),
      unmapped: () => listUnmappedInTenant(db, context, slug, {}),
    });
    for (const [name, call] of Object.entries(calls(auditor, "acme"))) {
      expect([name, await outcome(call)]).toEqual([name, "ok"]);
    }
    for (const [name, call] of Object.entries(calls(auditor, "initech"))) {
      expect([name, await outcome(call)]).toEqual([name, 404]);
    }
    for (const [name, call] of Object.entries(calls(nobody, "acme"))) {
      expect([name, await outcome(call)]).toEqual([name, 404]);
    }
    expect(await outcome(() => listUnmappedEverywhere(db, auditor, {}))).toBe(403);
  });

  it("where a group has access shows a tenant reader only the tenants they may read", async () => {
    const auditor = await contextOf(db, "auditor");
    const adminB = await contextOf(db, "adminB");
    const nobody = await contextOf(db, "noAccess");
    // initech-admins is mapped in initech only; the acme auditor must not learn about it.
    expect(
      (await whereSubjectHasAccess(db, boot, { subject: "initech-admins" })).tenants.map(
        (t) => t.tenant.slug,
      ),
    ).toEqual(["initech"]);
    expect(await whereSubjectHasAccess(db, auditor, { subject: "initech-admins" })).toMatchObject({
      tenants: [],
      scope: "readable",
    });
    expect(
      (await whereSubjectHasAccess(db, auditor, { subject: "acme-auditors" })).tenants.map(
        (t) => t.tenant.slug,
      ),
    ).toEqual(["acme"]);
    expect((await whereSubjectHasAccess(db, adminB, { subject: "initech-admins" })).tenants).toHaveLength(1);
    expect((await whereSubjectHasAccess(db, nobody, { subject: "acme-auditors" })).tenants).toEqual([]);
    await expect(whereSubjectHasAccess(db, boot, { subject: "" })).rejects.toMatchObject({
      status: 400,
      fieldErrors: { subject: expect.any(Array) },
    });
  });
});
