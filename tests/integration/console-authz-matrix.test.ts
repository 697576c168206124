/**
 * The allow/deny matrix of the mapping console: every domain operation, for each persona, against
 * tenant-scoped resources of their own tenant and of another one. "ok" = allowed; numbers are the
 * HTTP status the API answers with (403 names the missing permission, 404 hides invisible tenants).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/server/db/client";
import { createMappings } from "@/server/mappings/create-mappings";
import { deleteMapping } from "@/server/mappings/delete-mapping";
import { listMappings } from "@/server/mappings/list-mappings";
import { getSubjectHints } from "@/server/mappings/subject-hints";
import { updateMapping } from "@/server/mappings/update-mapping";
import { setPermissionDeprecated } from "@/server/permissions/change-permission";
import { createGlobalRole, createTenantRole } from "@/server/roles/create-role";
import { deleteRole } from "@/server/roles/delete-role";
import { updateRole } from "@/server/roles/update-role";
import { createTenant } from "@/server/tenants/create-tenant";
import { deleteTenant } from "@/server/tenants/delete-tenant";
import { getTenant } from "@/server/tenants/get-tenant";
import { listTenants } from "@/server/tenants/list-tenants";
import { updateTenant } from "@/server/tenants/update-tenant";
import { contextOf, openWorld, outcome, personas, type PersonaName } from "../fixtures/console-world";

let db: Db;
let counter = 0;
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(counter += 1)}`;

beforeAll(async () => {
  db = await openWorld();
  const boot = await contextOf(db, "bootstrap");
  // A role the acme admin may hand out (they hold STS_IAM_ROLE_LIST there), and a role in initech.
  await createTenantRole(db, boot, "acme", {
    key: "acme-viewer",
    name: "Acme viewer",
    permissions: ["STS_IAM_ROLE_LIST"],
  });
  await createTenantRole(db, boot, "initech", {
    key: "initech-ops",
    name: "Initech ops",
    permissions: ["TASK_CREATE"],
  });
});

afterAll(async () => {
  await db.$disconnect();
});

async function roleId(slug: string | null, key: string): Promise<string> {
  const tenant = slug ? await db.tenant.findUniqueOrThrow({ where: { slug } }) : null;
  return (await db.role.findFirstOrThrow({ where: { key, tenantId: tenant?.id ?? null } })).id;
}

async function freshMapping(slug: string): Promise<{ id: string; version: number }> {
  const boot = await contextOf(db, "bootstrap");
  const [mapping] = await createMappings(db, boot, slug, {
    subject: unique("grp"),
    roleIds: [await roleId(slug, slug === "acme" ? "acme-viewer" : "initech-ops")],
  });
  if (!mapping) throw new Error("no mapping created");
  return { id: mapping.id, version: mapping.version };
}

async function freshTenantRole(slug: string): Promise<{ id: string; version: number }> {
  const boot = await contextOf(db, "bootstrap");
  const role = await createTenantRole(db, boot, slug, {
    key: unique("role"),
    name: "Scratch role",
    permissions: ["STS_IAM_ROLE_LIST"],
  });
  return { id: role.id, version: role.version };
}

type Expect = Record<PersonaName, "ok" | number>;
const row = (
  bootstrap: Expect["bootstrap"],
  adminA: Expect["adminA"],
  adminB: Expect["adminB"],
  auditor: Expect["auditor"],
  noAccess: Expect["noAccess"],
): Expect => ({
  bootstrap,
  adminA,
  adminB,
  auditor,
  noAccess,
});

const cases: { name: string; expected: Expect; run: (persona: PersonaName) => Promise<unknown> }[] = [
  {
    name: "read organisation acme",
    expected: row("ok", "ok", 404, "ok", 404),
    run: async (p) => getTenant(db, await contextOf(db, p), "acme"),
  },
  {
    name: "read organisation initech",
    expected: row("ok", 404, "ok", 404, 404),
    run: async (p) => getTenant(db, await contextOf(db, p), "initech"),
  },
  {
    name: "read an organisation that does not exist",
    expected: row(404, 404, 404, 404, 404),
    run: async (p) => getTenant(db, await contextOf(db, p), "no-such-org"),
  },
  {
    name: "create an organisation",
    expected: row("ok", 403, 403, 403, 403),
    run: async (p) => createTenant(db, await contextOf(db, p), { slug: unique("org"), name: "New org" }),
  },
  {
    name: "rename acme (STS_ORGANISATION_EDIT)",
    expected: row("ok", "ok", 404, 403, 404),
    run: async (p) => {
      const tenant = await db.tenant.findUniqueOrThrow({ where: { slug: "acme" } });
      return updateTenant(db, await contextOf(db, p), "acme", {
        version: tenant.version,
        name: `Acme ${unique("n")}`,
      });
    },
  },
  {
    name: "delete an organisation",
    expected: row("ok", 403, 403, 403, 403),
    run: async (p) => {
      const boot = await contextOf(db, "bootstrap");
      const tenant = await createTenant(db, boot, { slug: unique("gone"), name: "Short-lived" });
      return deleteTenant(db, await contextOf(db, p), tenant.slug, {
        version: tenant.version,
        confirmSlug: tenant.slug,
      });
    },
  },
  {
    name: "create a role in acme with a permission the actor holds",
    expected: row("ok", "ok", 404, 403, 404),
    run: async (p) =>
      createTenantRole(db, await contextOf(db, p), "acme", {
        key: unique("r"),
        name: "Role",
        permissions: ["STS_IAM_ROLE_LIST"],
      }),
  },
  {
    name: "create a role in acme with a permission the actor does not hold",
    expected: row("ok", 403, 404, 403, 404),
    run: async (p) =>
      createTenantRole(db, await contextOf(db, p), "acme", {
        key: unique("r"),
        name: "Role",
        permissions: ["CREDENTIAL_ISSUE"],
      }),
  },
  {
    name: "rename a role of acme",
    expected: row("ok", "ok", 404, 403, 404),
    run: async (p) => {
      const role = await freshTenantRole("acme");
      return updateRole(db, await contextOf(db, p), role.id, "acme", {
        version: role.version,
        name: "Renamed",
      });
    },
  },
  {
    name: "delete a role of acme",
    expected: row("ok", "ok", 404, 403, 404),
    run: async (p) => {
      const role = await freshTenantRole("acme");
      return deleteRole(db, await contextOf(db, p), role.id, "acme", { version: role.version });
    },
  },
  {
    name: "change a role of initech through the acme URL",
    expected: row(404, 404, 404, 403, 404),
    run: async (p) => {
      const role = await freshTenantRole("initech");
      return updateRole(db, await contextOf(db, p), role.id, "acme", {
        version: role.version,
        name: "Hijacked",
      });
    },
  },
  {
    name: "create a global role template",
    expected: row("ok", 403, 403, 403, 403),
    run: async (p) =>
      createGlobalRole(db, await contextOf(db, p), {
        key: unique("g"),
        name: "Template",
        permissions: ["TASK_CREATE"],
      }),
  },
  {
    name: "change a global role template",
    expected: row("ok", 403, 403, 403, 403),
    run: async (p) => {
      const boot = await contextOf(db, "bootstrap");
      const role = await createGlobalRole(db, boot, {
        key: unique("g"),
        name: "Template",
        permissions: ["TASK_CREATE"],
      });
      return updateRole(db, await contextOf(db, p), role.id, null, {
        version: role.version,
        name: "Changed",
      });
    },
  },
  {
    name: "map a group in acme to a role within the actor's permissions",
    expected: row("ok", "ok", 404, 403, 404),
    run: async (p) =>
      createMappings(db, await contextOf(db, p), "acme", {
        subject: unique("grp"),
        roleIds: [await roleId("acme", "acme-viewer")],
      }),
  },
  {
    name: "map a group in acme to a role beyond the actor's permissions",
    expected: row("ok", 403, 404, 403, 404),
    run: async (p) =>
      createMappings(db, await contextOf(db, p), "acme", {
        subject: unique("grp"),
        roleIds: [await roleId(null, "credential-issuer")],
      }),
  },
  {
    name: "map a group in initech",
    expected: row("ok", 404, "ok", 404, 404),
    run: async (p) =>
      createMappings(db, await contextOf(db, p), "initech", {
        subject: unique("grp"),
        roleIds: [await roleId(null, "organisation-admin")],
      }),
  },
  {
    name: "edit a mapping's note in acme",
    expected: row("ok", "ok", 404, 403, 404),
    run: async (p) => {
      const mapping = await freshMapping("acme");
      return updateMapping(db, await contextOf(db, p), "acme", mapping.id, {
        version: mapping.version,
        note: "checked",
      });
    },
  },
  {
    name: "remove a mapping in acme",
    expected: row("ok", "ok", 404, 403, 404),
    run: async (p) => {
      const mapping = await freshMapping("acme");
      return deleteMapping(db, await contextOf(db, p), "acme", mapping.id, { version: mapping.version });
    },
  },
  {
    name: "edit a mapping of initech through the acme URL",
    expected: row(404, 404, 404, 403, 404),
    run: async (p) => {
      const mapping = await freshMapping("initech");
      return updateMapping(db, await contextOf(db, p), "acme", mapping.id, {
        version: mapping.version,
        note: "hijack",
      });
    },
  },
  {
    name: "remove a mapping of initech through the acme URL",
    expected: row(404, 404, 404, 403, 404),
    run: async (p) => {
      const mapping = await freshMapping("initech");
      return deleteMapping(db, await contextOf(db, p), "acme", mapping.id, { version: mapping.version });
    },
  },
  {
    name: "list acme's mappings",
    expected: row("ok", "ok", 404, "ok", 404),
    run: async (p) => listMappings(db, await contextOf(db, p), "acme", {}),
  },
  {
    name: "IAM role name hints in acme",
    expected: row("ok", "ok", 404, "ok", 404),
    run: async (p) => getSubjectHints(db, await contextOf(db, p), "acme", { q: "acme" }),
  },
  {
    name: "deprecate a catalog permission",
    expected: row("ok", 403, 403, 403, 403),
    run: async (p) => {
      const result = await setPermissionDeprecated(db, await contextOf(db, p), "CACHE_DELETE", {
        deprecated: true,
      });
      await setPermissionDeprecated(db, await contextOf(db, "bootstrap"), "CACHE_DELETE", {
        deprecated: false,
      });
      return result;
    },
  },
];

describe("allow/deny matrix", () => {
  for (const testCase of cases) {
    it(testCase.name, async () => {
      const actual: Partial<Expect> = {};
      for (const persona of Object.keys(personas) as PersonaName[]) {
        actual[persona] = await outcome(() => testCase.run(persona));
      }
      expect(actual).toEqual(testCase.expected);
    });
  }

  it("lists only the organisations a user may see", async () => {
    const visible = async (persona: PersonaName) =>
      (await listTenants(db, await contextOf(db, persona)))
        .map((tenant) => tenant.slug)
        .filter((slug) => slug === "acme" || slug === "initech");
    expect(await visible("bootstrap")).toEqual(["acme", "initech"]);
    expect(await visible("adminA")).toEqual(["acme"]);
    expect(await visible("adminB")).toEqual(["initech"]);
    expect(await visible("auditor")).toEqual(["acme"]);
    expect(await listTenants(db, await contextOf(db, "noAccess"))).toEqual([]);
  });

  it("names the missing permission in a 403", async () => {
    const auditor = await contextOf(db, "auditor");
    await expect(
      createMappings(db, auditor, "acme", { subject: "x", roleIds: [await roleId("acme", "acme-viewer")] }),
    ).rejects.toMatchObject({ status: 403, message: expect.stringContaining("STS_IAM_ROLE_CREATE") });
  });

  it("takes a removed mapping into account at once", async () => {
    const boot = await contextOf(db, "bootstrap");
    const [granting] = await createMappings(db, boot, "initech", {
      subject: "acme-auditors",
      roleIds: [await roleId(null, "read-only-auditor")],
    });
    expect(await outcome(async () => getTenant(db, await contextOf(db, "auditor"), "initech"))).toBe("ok");
    await deleteMapping(db, boot, "initech", granting!.id, { version: granting!.version });
    expect(await outcome(async () => getTenant(db, await contextOf(db, "auditor"), "initech"))).toBe(404);
  });
});
