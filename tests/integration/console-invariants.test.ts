/**
 * What must hold whatever the order of requests: no lost update, exact revisions and audit records
 * under parallel writes, at least one manager per organisation, and bad input rejected with the
 * database unchanged.
 */
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/server/db/client";
import { createMappings } from "@/server/mappings/create-mappings";
import { deleteMapping } from "@/server/mappings/delete-mapping";
import { updateMapping } from "@/server/mappings/update-mapping";
import { createTenantRole } from "@/server/roles/create-role";
import { deleteRole } from "@/server/roles/delete-role";
import { updateRole } from "@/server/roles/update-role";
import { createTenant } from "@/server/tenants/create-tenant";
import { MAPPINGS_CHANNEL } from "@/server/tenants/tenant-changes";
import { updateTenant } from "@/server/tenants/update-tenant";
import { fileDatabaseUrl } from "../helpers/database";
import { contextOf, openWorld, outcome } from "../fixtures/console-world";

let db: Db;
beforeAll(async () => {
  db = await openWorld();
});
afterAll(async () => {
  await db.$disconnect();
});

async function globalRoleId(key: string) {
  return (await db.role.findFirstOrThrow({ where: { tenantId: null, key } })).id;
}

async function snapshot() {
  const [tenants, roles, mappings, rolePermissions, audit] = await Promise.all([
    db.tenant.findMany({ orderBy: { id: "asc" } }),
    db.role.findMany({ orderBy: { id: "asc" } }),
    db.mapping.findMany({ orderBy: { id: "asc" } }),
    db.rolePermission.count(),
    db.auditEvent.count(),
  ]);
  return { tenants, roles, mappings, rolePermissions, audit };
}

describe("optimistic concurrency", () => {
  it("lets exactly one of two conflicting mapping edits win; the other gets 409 with the current state", async () => {
    const boot = await contextOf(db, "bootstrap");
    const [mapping] = await createMappings(db, boot, "acme", {
      subject: "race-group",
      roleIds: [await globalRoleId("verifier")],
    });
    const edits = await Promise.allSettled([
      updateMapping(db, boot, "acme", mapping!.id, { version: mapping!.version, note: "first" }),
      updateMapping(db, boot, "acme", mapping!.id, { version: mapping!.version, note: "second" }),
    ]);
    const winners = edits.filter((edit) => edit.status === "fulfilled");
    const losers = edits.filter((edit): edit is PromiseRejectedResult => edit.status === "rejected");
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    expect(losers[0]!.reason).toMatchObject({ status: 409 });
    const stored = await db.mapping.findUniqueOrThrow({ where: { id: mapping!.id } });
    expect(stored.version).toBe(mapping!.version + 1);
    expect((losers[0]!.reason as { current: { note: string } }).current.note).toBe(stored.note);
  });

  it("refuses a stale role edit instead of overwriting it", async () => {
    const admin = await contextOf(db, "adminA");
    const role = await createTenantRole(db, admin, "acme", {
      key: "stale-role",
      name: "Stale",
      permissions: ["STS_IAM_ROLE_LIST"],
    });
    await updateRole(db, admin, role.id, "acme", { version: role.version, name: "Fresh" });
    await expect(
      updateRole(db, admin, role.id, "acme", { version: role.version, name: "Overwrite" }),
    ).rejects.toMatchObject({
      status: 409,
    });
    expect((await db.role.findUniqueOrThrow({ where: { id: role.id } })).name).toBe("Fresh");
  });

  it("refuses a stale organisation rename", async () => {
    const boot = await contextOf(db, "bootstrap");
    const tenant = await createTenant(db, boot, { slug: "stale-org", name: "Stale org" });
    await updateTenant(db, boot, "stale-org", { version: tenant.version, name: "Renamed once" });
    expect(
      await outcome(() =>
        updateTenant(db, boot, "stale-org", { version: tenant.version, name: "Renamed twice" }),
      ),
    ).toBe(409);
  });
});

describe("parallel writes", () => {
  it("records 50 parallel mapping creations with an exact revision and audit count", async () => {
    const boot = await contextOf(db, "bootstrap");
    const tenant = await createTenant(db, boot, { slug: "busy-org", name: "Busy" });
    const roleId = await globalRoleId("verifier");
    const auditBefore = await db.auditEvent.count({
      where: { tenantId: tenant.id, action: "mapping.create" },
    });
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, index) =>
        createMappings(db, boot, "busy-org", { subject: `team-${index}`, roleIds: [roleId] }),
      ),
    );
    expect(results.filter((result) => result.status === "rejected")).toEqual([]);
    const stored = await db.tenant.findUniqueOrThrow({ where: { id: tenant.id } });
    expect(stored.revision).toBe(tenant.revision + 50);
    expect(await db.mapping.count({ where: { tenantId: tenant.id } })).toBe(50);
    expect(await db.auditEvent.count({ where: { tenantId: tenant.id, action: "mapping.create" } })).toBe(
      auditBefore + 50,
    );
    const chain = await db.auditEvent.findMany({
      orderBy: { id: "asc" },
      select: { prevHash: true, hash: true },
    });
    for (let index = 1; index < chain.length; index += 1)
      expect(chain[index]!.prevHash).toBe(chain[index - 1]!.hash);
  });

  it("notifies readers once per committed change and never for a refused one", async () => {
    const listener = new Client({ connectionString: fileDatabaseUrl() });
    await listener.connect();
    const payloads: string[] = [];
    listener.on("notification", (message) => payloads.push(message.payload ?? ""));
    await listener.query(`LISTEN ${MAPPINGS_CHANNEL}`);
    try {
      const boot = await contextOf(db, "bootstrap");
      const before = await db.tenant.findUniqueOrThrow({ where: { slug: "initech" } });
      await createMappings(db, boot, "initech", {
        subject: "notify-me",
        roleIds: [await globalRoleId("verifier")],
      });
      // A refused change (duplicate) rolls back and must not notify.
      expect(
        await outcome(() => createMappings(db, boot, "initech", { subject: "notify-me", roleIds: [] })),
      ).toBe(400);
      expect(
        await outcome(async () =>
          createMappings(db, boot, "initech", {
            subject: "notify-me",
            roleIds: [await globalRoleId("verifier")],
          }),
        ),
      ).toBe(409);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(payloads.map((payload) => JSON.parse(payload) as unknown)).toEqual([
        { tenant: "initech", revision: before.revision + 1 },
      ]);
    } finally {
      await listener.end();
    }
  });
});

describe("managers", () => {
  it("never leaves an organisation without a manager", async () => {
    const boot = await contextOf(db, "bootstrap");
    await createTenant(db, boot, { slug: "managed-org", name: "Managed" });
    const [only] = await createMappings(db, boot, "managed-org", {
      subject: "managed-admins",
      roleIds: [await globalRoleId("organisation-admin")],
    });
    const refusal = await outcome(() =>
      deleteMapping(db, boot, "managed-org", only!.id, { version: only!.version }),
    );
    expect(refusal).toBe(409);
    await expect(
      deleteMapping(db, boot, "managed-org", only!.id, { version: only!.version }),
    ).rejects.toThrow(/without a manager/);
    // Expiring the last manager is the same thing.
    const soon = new Date(Date.now() + 60_000).toISOString();
    expect(
      await outcome(() =>
        updateMapping(db, boot, "managed-org", only!.id, { version: only!.version, expiresAt: soon }),
      ),
    ).toBe("ok");
    const [second] = await createMappings(db, boot, "managed-org", {
      subject: "managed-backup",
      roleIds: [await globalRoleId("organisation-admin")],
    });
    expect(second).toBeDefined();
    const current = await db.mapping.findUniqueOrThrow({ where: { id: only!.id } });
    expect(
      await outcome(() => deleteMapping(db, boot, "managed-org", only!.id, { version: current.version })),
    ).toBe("ok");
  });

  it("refuses deleting a role that holds the last managers", async () => {
    const boot = await contextOf(db, "bootstrap");
    await createTenant(db, boot, { slug: "role-managed", name: "Role managed" });
    const role = await createTenantRole(db, boot, "role-managed", {
      key: "local-admin",
      name: "Local admin",
      permissions: ["STS_IAM_ROLE_EDIT", "STS_IAM_ROLE_LIST"],
    });
    await createMappings(db, boot, "role-managed", { subject: "local-admins", roleIds: [role.id] });
    expect(
      await outcome(() => deleteRole(db, boot, role.id, "role-managed", { version: role.version })),
    ).toBe(409);
    expect(
      await outcome(() =>
        updateRole(db, boot, role.id, "role-managed", {
          version: role.version,
          permissions: ["STS_IAM_ROLE_LIST"],
        }),
      ),
    ).toBe(409);
    expect(await db.role.count({ where: { id: role.id } })).toBe(1);
  });
});

describe("bad input", () => {
  const badInputs: { name: string; status: number; run: () => Promise<unknown> }[] = [
    {
      name: "over-long organisation name",
      status: 400,
      run: async () =>
        createTenant(db, await contextOf(db, "bootstrap"), { slug: "long-name", name: "x".repeat(201) }),
    },
    {
      name: "control characters in a name",
      status: 400,
      run: async () =>
        createTenant(db, await contextOf(db, "bootstrap"), { slug: "ctl-name", name: "Evil\u0000Corp" }),
    },
    {
      name: "upper-case slug",
      status: 400,
      run: async () => createTenant(db, await contextOf(db, "bootstrap"), { slug: "Acme2", name: "Acme 2" }),
    },
    {
      name: "taken slug",
      status: 409,
      run: async () =>
        createTenant(db, await contextOf(db, "bootstrap"), { slug: "acme", name: "Acme again" }),
    },
    {
      name: "id that is not a UUID",
      status: 400,
      run: async () =>
        createTenant(db, await contextOf(db, "bootstrap"), { slug: "bad-id", name: "Bad id", id: "42" }),
    },
    {
      name: "unknown permission key",
      status: 400,
      run: async () =>
        createTenantRole(db, await contextOf(db, "bootstrap"), "acme", {
          key: "ghost",
          name: "Ghost",
          permissions: ["NOT_A_PERMISSION"],
        }),
    },
    {
      name: "lower-case permission key",
      status: 400,
      run: async () =>
        createTenantRole(db, await contextOf(db, "bootstrap"), "acme", {
          key: "ghost",
          name: "Ghost",
          permissions: ["credential_list"],
        }),
    },
    {
      name: "duplicate mapping",
      status: 409,
      run: async () =>
        createMappings(db, await contextOf(db, "bootstrap"), "acme", {
          subject: "acme-auditors",
          roleIds: [await globalRoleId("read-only-auditor")],
        }),
    },
    {
      name: "subject with a newline",
      status: 400,
      run: async () =>
        createMappings(db, await contextOf(db, "bootstrap"), "acme", {
          subject: "a\nb",
          roleIds: [await globalRoleId("verifier")],
        }),
    },
    {
      name: "expiry in the past",
      status: 400,
      run: async () =>
        createMappings(db, await contextOf(db, "bootstrap"), "acme", {
          subject: "late",
          roleIds: [await globalRoleId("verifier")],
          expiresAt: "2001-01-01T00:00:00Z",
        }),
    },
    {
      name: "role of another organisation",
      status: 400,
      run: async () => {
        const initechRole = await createTenantRole(db, await contextOf(db, "bootstrap"), "initech", {
          key: "only-initech",
          name: "Only initech",
          permissions: ["TASK_CREATE"],
        });
        await db.$executeRaw`SELECT 1`;
        const before = await snapshot();
        const result = await outcome(async () =>
          createMappings(db, await contextOf(db, "bootstrap"), "acme", {
            subject: "cross",
            roleIds: [initechRole.id],
          }),
        );
        expect(await snapshot()).toEqual(before);
        if (result !== "ok") throw Object.assign(new Error("refused"), { status: result });
        return result;
      },
    },
    {
      name: "a body that is not an object",
      status: 400,
      run: async () => createTenant(db, await contextOf(db, "bootstrap"), "slug=x"),
    },
  ];

  for (const testCase of badInputs) {
    it(`rejects ${testCase.name} and changes nothing`, async () => {
      const before = testCase.name === "role of another organisation" ? undefined : await snapshot();
      expect(await outcome(testCase.run)).toBe(testCase.status);
      if (before) expect(await snapshot()).toEqual(before);
    });
  }

  it("names the field in a validation error", async () => {
    await expect(
      createTenant(db, await contextOf(db, "bootstrap"), { slug: "ok-slug", name: "" }),
    ).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining("name"),
      fieldErrors: { name: expect.any(Array) },
    });
  });
});
