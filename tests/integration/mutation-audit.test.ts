/**
 * Every mutation route of the product writes exactly one audit entry with the right before/after.
 * The routes are found by scanning app/api/**\/route.ts for exported POST/PUT/PATCH/DELETE, so a new
 * mutation route without a row in this table fails the test. Each row names the domain function its
 * handler calls (checked against the route's source) and runs that function as the handler would.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/server/db/client";
import type { ConsoleContext } from "@/server/auth/authorize";
import { registerClient, revokeClient, rotateClientSecret } from "@/server/clients/manage-clients";
import { createNextKey, promoteKey } from "@/server/keys/signing-keys";
import type { ConfigDocument } from "@/server/config-as-code/config-document.types";
import { exportConfig } from "@/server/config-as-code/export-config";
import { applyImport, planImport } from "@/server/config-as-code/import-config";
import { planTenantRollback, rollbackTenant } from "@/server/config-as-code/tenant-history";
import { createMappings } from "@/server/mappings/create-mappings";
import { deleteMapping } from "@/server/mappings/delete-mapping";
import { updateMapping } from "@/server/mappings/update-mapping";
import { deletePermission, setPermissionDeprecated } from "@/server/permissions/change-permission";
import { createGlobalRole, createTenantRole } from "@/server/roles/create-role";
import { deleteRole } from "@/server/roles/delete-role";
import { updateRole } from "@/server/roles/update-role";
import { createTenant } from "@/server/tenants/create-tenant";
import { deleteTenant } from "@/server/tenants/delete-tenant";
import { updateTenant } from "@/server/tenants/update-tenant";
import { contextOf, openWorld } from "../fixtures/console-world";

const API_DIR = path.join(import.meta.dirname, "../../app/api");
const MUTATING = ["POST", "PUT", "PATCH", "DELETE"] as const;
const KEY_CONFIG = {
  STS_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 7),
  STS_JWKS_PUBLISH_LEAD: 3600,
  STS_TOKEN_TTL_SECONDS: 300,
};

let db: Db;
let boot: ConsoleContext;
let counter = 0;
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(counter += 1)}`;

beforeAll(async () => {
  db = await openWorld();
  boot = await contextOf(db, "bootstrap");
});

afterAll(async () => {
  await db.$disconnect();
});

/** "METHOD /api/path" for every exported mutation handler under app/api. */
async function mutationRoutes(): Promise<Map<string, string>> {
  const routes = new Map<string, string>();
  async function walk(dir: string): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.name === "route.ts") {
        const source = await readFile(full, "utf8");
        const url = `/api/${path.relative(API_DIR, dir).split(path.sep).join("/")}`;
        const exported = new Set<string>();
        for (const match of source.matchAll(/export\s+(?:const|async\s+function|function)\s+(\w+)/g))
          exported.add(match[1]!);
        for (const match of source.matchAll(/export\s*\{([^}]*)\}/g))
          for (const part of match[1]!.split(","))
            exported.add(
              part
                .trim()
                .split(/\s+as\s+/)
                .pop()!
                .trim(),
            );
        for (const method of MUTATING) if (exported.has(method)) routes.set(`${method} ${url}`, source);
      }
    }
  }
  await walk(API_DIR);
  return routes;
}

interface Expected {
  action: string;
  targetId: string;
  tenantSlug: string | null;
  /** null = no before/after recorded; an object = at least these fields. */
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

type Row = { calls: string; run: () => Promise<Expected> } | { excluded: string };

async function tenantRevision(id: string): Promise<number> {
  return (await db.tenant.findUniqueOrThrow({ where: { id } })).revision;
}

async function tenantId(slug: string): Promise<string> {
  return (await db.tenant.findUniqueOrThrow({ where: { slug } })).id;
}

async function scratchRole(slug: string | null) {
  const input = { key: unique("role"), name: "Scratch role", permissions: ["STS_IAM_ROLE_LIST"] };
  return slug ? createTenantRole(db, boot, slug, input) : createGlobalRole(db, boot, input);
}

async function scratchMapping() {
  const role = await scratchRole("acme");
  const [mapping] = await createMappings(db, boot, "acme", { subject: unique("grp"), roleIds: [role.id] });
  return { mapping: mapping!, role };
}

const table: Record<string, Row> = {
  "POST /api/auth/[...nextauth]": {
    excluded:
      "next-auth's sign-in flow: no administrative change; sign-ins are audited as auth.sign_in (and failures as auth.sign_in_failed) by auth-options.ts",
  },
  "POST /api/session/sign-out": {
    excluded:
      "ends the caller's own session (audited as auth.sign_out by sign-out.ts); needs a live next-auth session, covered by tests/e2e/sign-out.spec.ts",
  },
  "POST /api/sts/token/v1": {
    excluded:
      "the token endpoint (machine traffic): recorded in ActivityEvent, denials in batches through security-audit-queue.ts, never one audit entry per request",
  },
  "POST /api/v1/resolve": {
    excluded: "machine read of the read contract: changes nothing (observed subjects and activity only)",
  },
  "POST /api/console/tenants/[slug]/explain": {
    excluded: "explorer read: resolves the given subjects in memory and changes nothing",
  },
  "POST /api/console/tenants/[slug]/what-if": {
    excluded:
      "explorer read: applies the proposed mapping change to an in-memory copy only; nothing is written",
  },
  "POST /api/console/config/plan": {
    excluded:
      "computes what an import would change and writes nothing (the plan is applied by /config/apply)",
  },
  "POST /api/console/tenants/[slug]/history/rollback/plan": {
    excluded: "computes what a rollback would change and writes nothing (applied by /history/rollback)",
  },
  "POST /api/console/config/apply": {
    calls: "applyImport",
    run: async () => {
      const slug = unique("org");
      const tenant = await createTenant(db, boot, { slug, name: "Imported org" });
      const before = await tenantRevision(tenant.id);
      // The organisation as exported, plus one mapping of a global template.
      const exported = JSON.parse(
        (await exportConfig(db, boot, { tenant: slug, format: "json" })).body,
      ) as ConfigDocument;
      const target = exported.tenants[0]!;
      const template = await db.role.findFirstOrThrow({
        where: { tenantId: null, key: "read-only-auditor" },
        include: { permissions: true },
      });
      target.roles.push({
        key: template.key,
        scope: "global",
        name: template.name,
        ...(template.description ? { description: template.description } : {}),
        permissions: template.permissions.map((item) => item.permissionKey).sort(),
      });
      target.mappings.push({
        subjectType: "GROUP",
        subject: unique("grp"),
        role: template.key,
        scope: "global",
      });
      const file = JSON.stringify(exported);
      const plan = await planImport(db, boot, { file, fileName: "import.json" });
      await applyImport(db, boot, {
        file,
        fileName: "import.json",
        baseRevisions: Object.fromEntries(plan.tenants.map((item) => [item.slug, item.baseRevision])),
        baseDigests: Object.fromEntries(plan.tenants.map((item) => [item.slug, item.baseDigest])),
      });
      return {
        action: "config.import",
        targetId: slug,
        tenantSlug: slug,
        before: { revision: before },
        after: { revision: before + 1, created: false },
      };
    },
  },
  "POST /api/console/tenants/[slug]/history/rollback": {
    calls: "rollbackTenant",
    run: async () => {
      const slug = unique("org");
      const tenant = await createTenant(db, boot, { slug, name: "Rolled back org" });
      const start = await tenantRevision(tenant.id);
      const role = await scratchRole(slug);
      await createMappings(db, boot, slug, { subject: unique("grp"), roleIds: [role.id] });
      const plan = await planTenantRollback(db, boot, slug, { revision: start });
      await rollbackTenant(db, boot, slug, {
        revision: start,
        baseRevision: plan.tenants[0]!.baseRevision,
        baseDigest: plan.tenants[0]!.baseDigest,
      });
      return {
        action: "config.rollback",
        targetId: slug,
        tenantSlug: slug,
        before: { revision: start + 1 },
        after: { revision: start + 2, restoredRevision: start },
      };
    },
  },
  "POST /api/console/tenants": {
    calls: "createTenant",
    run: async () => {
      const slug = unique("org");
      const tenant = await createTenant(db, boot, { slug, name: "Audited org" });
      return {
        action: "tenant.create",
        targetId: slug,
        tenantSlug: slug,
        before: null,
        after: { id: tenant.id, slug, name: "Audited org", status: "ACTIVE" },
      };
    },
  },
  "PATCH /api/console/tenants/[slug]": {
    calls: "updateTenant",
    run: async () => {
      const slug = unique("org");
      const tenant = await createTenant(db, boot, { slug, name: "Before name" });
      await updateTenant(db, boot, slug, { version: tenant.version, name: "After name" });
      return {
        action: "tenant.update",
        targetId: slug,
        tenantSlug: slug,
        before: { name: "Before name", status: "ACTIVE" },
        after: { name: "After name", status: "ACTIVE" },
      };
    },
  },
  "DELETE /api/console/tenants/[slug]": {
    calls: "deleteTenant",
    run: async () => {
      const slug = unique("org");
      const tenant = await createTenant(db, boot, { slug, name: "Doomed" });
      await deleteTenant(db, boot, slug, { version: tenant.version, confirmSlug: slug });
      // The tenant is gone; the entry keeps its id but no longer resolves to a slug.
      return {
        action: "tenant.delete",
        targetId: slug,
        tenantSlug: null,
        before: { id: tenant.id, slug, name: "Doomed", mappings: [] },
        after: { removed: { roles: 0, mappings: 0 } },
      };
    },
  },
  "POST /api/console/tenants/[slug]/roles": {
    calls: "createTenantRole",
    run: async () => {
      const key = unique("role");
      await createTenantRole(db, boot, "acme", { key, name: "New role", permissions: ["STS_IAM_ROLE_LIST"] });
      return {
        action: "role.create",
        targetId: key,
        tenantSlug: "acme",
        before: null,
        after: { key, name: "New role", permissions: ["STS_IAM_ROLE_LIST"] },
      };
    },
  },
  "PATCH /api/console/tenants/[slug]/roles/[roleId]": {
    calls: "updateRole",
    run: async () => {
      const role = await scratchRole("acme");
      await updateRole(db, boot, role.id, "acme", {
        version: role.version,
        name: "Renamed role",
        permissions: ["STS_IAM_ROLE_DETAIL"],
      });
      return {
        action: "role.update",
        targetId: role.key,
        tenantSlug: "acme",
        before: { name: "Scratch role", permissions: ["STS_IAM_ROLE_LIST"] },
        after: { name: "Renamed role", permissions: ["STS_IAM_ROLE_DETAIL"] },
      };
    },
  },
  "DELETE /api/console/tenants/[slug]/roles/[roleId]": {
    calls: "deleteRole",
    run: async () => {
      const role = await scratchRole("acme");
      await deleteRole(db, boot, role.id, "acme", { version: role.version });
      return {
        action: "role.delete",
        targetId: role.key,
        tenantSlug: "acme",
        before: { key: role.key, name: "Scratch role" },
        after: null,
      };
    },
  },
  "POST /api/console/roles": {
    calls: "createGlobalRole",
    run: async () => {
      const key = unique("template");
      await createGlobalRole(db, boot, { key, name: "Template", permissions: ["STS_IAM_ROLE_LIST"] });
      return {
        action: "role.create",
        targetId: key,
        tenantSlug: null,
        before: null,
        after: { key, name: "Template" },
      };
    },
  },
  "PATCH /api/console/roles/[roleId]": {
    calls: "updateRole",
    run: async () => {
      const role = await scratchRole(null);
      await updateRole(db, boot, role.id, null, { version: role.version, description: "Now described" });
      return {
        action: "role.update",
        targetId: role.key,
        tenantSlug: null,
        before: { description: "" },
        after: { description: "Now described" },
      };
    },
  },
  "DELETE /api/console/roles/[roleId]": {
    calls: "deleteRole",
    run: async () => {
      const role = await scratchRole(null);
      await deleteRole(db, boot, role.id, null, { version: role.version });
      return {
        action: "role.delete",
        targetId: role.key,
        tenantSlug: null,
        before: { key: role.key },
        after: null,
      };
    },
  },
  "POST /api/console/tenants/[slug]/mappings": {
    calls: "createMappings",
    run: async () => {
      const role = await scratchRole("acme");
      const subject = unique("grp");
      await createMappings(db, boot, "acme", { subject, roleIds: [role.id], note: "for the audit" });
      return {
        action: "mapping.create",
        targetId: `GROUP:${subject}`,
        tenantSlug: "acme",
        before: null,
        after: { subject, note: "for the audit" },
      };
    },
  },
  "PATCH /api/console/tenants/[slug]/mappings/[mappingId]": {
    calls: "updateMapping",
    run: async () => {
      const { mapping } = await scratchMapping();
      await updateMapping(db, boot, "acme", mapping.id, { version: mapping.version, note: "changed note" });
      return {
        action: "mapping.update",
        targetId: `GROUP:${mapping.subject}`,
        tenantSlug: "acme",
        before: { note: "" },
        after: { note: "changed note" },
      };
    },
  },
  "DELETE /api/console/tenants/[slug]/mappings/[mappingId]": {
    calls: "deleteMapping",
    run: async () => {
      const { mapping } = await scratchMapping();
      await deleteMapping(db, boot, "acme", mapping.id, { version: mapping.version });
      return {
        action: "mapping.delete",
        targetId: `GROUP:${mapping.subject}`,
        tenantSlug: "acme",
        before: { subject: mapping.subject },
        after: null,
      };
    },
  },
  "PATCH /api/console/permissions/[key]": {
    calls: "setPermissionDeprecated",
    run: async () => {
      await setPermissionDeprecated(db, boot, "TASK_CREATE", { deprecated: true });
      const after = await db.permission.findUniqueOrThrow({ where: { key: "TASK_CREATE" } });
      return {
        action: "permission.deprecate",
        targetId: "TASK_CREATE",
        tenantSlug: null,
        before: { deprecatedAt: null },
        after: { deprecatedAt: after.deprecatedAt!.toISOString() },
      };
    },
  },
  "DELETE /api/console/permissions/[key]": {
    calls: "deletePermission",
    run: async () => {
      const key = `AUDIT_PROBE_${(counter += 1)}`;
      await db.permission.create({ data: { key, category: "Audit probe", description: "unused" } });
      await deletePermission(db, boot, key);
      return {
        action: "permission.delete",
        targetId: key,
        tenantSlug: null,
        before: { description: "unused" },
        after: null,
      };
    },
  },
  "POST /api/console/clients": {
    calls: "registerClient",
    run: async () => {
      const clientId = unique("client");
      await registerClient(db, boot, { clientId, name: "Audited client", tenant: "acme" });
      return {
        action: "client.register",
        targetId: clientId,
        tenantSlug: "acme",
        before: null,
        after: { name: "Audited client" },
      };
    },
  },
  "POST /api/console/clients/[clientId]/rotate": {
    calls: "rotateClientSecret",
    run: async () => {
      const clientId = unique("client");
      const client = await registerClient(db, boot, { clientId, name: "Rotating", tenant: "acme" });
      const before = await db.technicalClient.findUniqueOrThrow({ where: { clientId } });
      await new Promise((resolve) => setTimeout(resolve, 5));
      await rotateClientSecret(db, boot, clientId, { version: client.client.version });
      const after = await db.technicalClient.findUniqueOrThrow({ where: { clientId } });
      return {
        action: "client.rotate_secret",
        targetId: clientId,
        tenantSlug: "acme",
        before: { secretRotatedAt: before.secretRotatedAt.toISOString() },
        after: { secretRotatedAt: after.secretRotatedAt.toISOString() },
      };
    },
  },
  "POST /api/console/clients/[clientId]/revoke": {
    calls: "revokeClient",
    run: async () => {
      const clientId = unique("client");
      const client = await registerClient(db, boot, { clientId, name: "Revoked", tenant: "acme" });
      await revokeClient(db, boot, clientId, { version: client.client.version });
      return {
        action: "client.revoke",
        targetId: clientId,
        tenantSlug: "acme",
        before: { status: "ACTIVE" },
        after: { status: "REVOKED" },
      };
    },
  },
  "POST /api/console/keys": {
    calls: "createNextKey",
    run: async () => {
      const key = await createNextKey(db, boot, KEY_CONFIG);
      return {
        action: "key.create",
        targetId: key.kid,
        tenantSlug: null,
        before: null,
        after: { kid: key.kid, alg: "EdDSA", status: "NEXT" },
      };
    },
  },
  "POST /api/console/keys/[kid]/promote": {
    calls: "promoteKey",
    run: async () => {
      // One NEXT key at a time: promote the one published by the previous row if there is one.
      const pending = await db.signingKey.findFirst({ where: { status: "NEXT" } });
      const key = pending
        ? { kid: pending.kid, version: pending.version, publishedAt: pending.publishedAt.toISOString() }
        : await createNextKey(db, boot, KEY_CONFIG);
      const active = await db.signingKey.findMany({ where: { status: "ACTIVE" }, select: { kid: true } });
      const afterLead = new Date(new Date(key.publishedAt).getTime() + 3_601_000);
      await promoteKey(db, boot, KEY_CONFIG, key.kid, { version: key.version }, afterLead);
      return {
        action: "key.promote",
        targetId: key.kid,
        tenantSlug: null,
        before: { status: "NEXT", active: active.map((row) => row.kid) },
        after: { status: "ACTIVE" },
      };
    },
  },
};

describe("mutation routes and their audit entries", () => {
  it("every mutation route under app/api has a row in the table, and every row a route", async () => {
    const routes = await mutationRoutes();
    const missing = [...routes.keys()].filter((route) => !(route in table));
    expect(missing, `add these routes to the table in ${path.basename(import.meta.filename)}`).toEqual([]);
    expect(Object.keys(table).filter((route) => !routes.has(route))).toEqual([]);
    for (const [route, row] of Object.entries(table)) {
      if ("excluded" in row) expect(row.excluded.length, route).toBeGreaterThan(20);
      else
        expect(routes.get(route), `${route} should call ${row.calls}`).toMatch(
          new RegExp(`\\b${row.calls}\\(`),
        );
    }
  });

  for (const [route, row] of Object.entries(table)) {
    if ("excluded" in row) continue;
    it(`${route} writes exactly one entry with its before/after`, async () => {
      // The set-up inside run() writes entries of its own (other actions or targets); the mutation's
      // entry is the only one for its action and target, and the last one written.
      const expected = await row.run();
      const entries = await db.auditEvent.findMany({
        where: { action: expected.action, targetId: expected.targetId },
        orderBy: { id: "asc" },
      });
      expect(entries, `${route}: entries for ${expected.action} ${expected.targetId}`).toHaveLength(1);
      const [entry] = entries;
      // Nothing after it: the mutation wrote one entry, not one plus side entries.
      expect(await db.auditEvent.count({ where: { id: { gt: entry!.id } } })).toBe(0);
      expect(entry!.actorSub).toBe(boot.identity.sub);
      expect(entry!.actorType).toBe("USER");
      if (expected.tenantSlug) expect(entry!.tenantId).toBe(await tenantId(expected.tenantSlug));
      else if (!route.includes("/tenants/[slug]")) expect(entry!.tenantId).toBeNull();
      if (expected.before === null) expect(entry!.before).toBeNull();
      else expect(entry!.before).toMatchObject(expected.before);
      if (expected.after === null) expect(entry!.after).toBeNull();
      else expect(entry!.after).toMatchObject(expected.after);
    });
  }
});
