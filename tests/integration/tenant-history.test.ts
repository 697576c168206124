/**
 * Every path that moves a tenant's revision writes the history entry of that revision in the same
 * transaction, holding the configuration as it is right after the change; a refused change writes none.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Db } from "@/server/db/client";
import { exportConfig } from "@/server/config-as-code/export-config";
import { tenantFromSnapshot } from "@/server/config-as-code/load-tenant-config";
import { serialiseConfig } from "@/server/config-as-code/config-file";
import { CONFIG_FORMAT } from "@/server/config-as-code/config-document.types";
import { createMappings } from "@/server/mappings/create-mappings";
import { deleteMapping } from "@/server/mappings/delete-mapping";
import { updateMapping } from "@/server/mappings/update-mapping";
import { createGlobalRole } from "@/server/roles/create-role";
import { deleteRole } from "@/server/roles/delete-role";
import { updateRole } from "@/server/roles/update-role";
import { systemContext } from "@/server/seed/system-context";
import { createTenant } from "@/server/tenants/create-tenant";
import { updateTenant } from "@/server/tenants/update-tenant";
import { contextOf, openWorld, outcome } from "../fixtures/console-world";

let db: Db;
beforeAll(async () => {
  db = await openWorld();
});
afterAll(async () => {
  await db.$disconnect();
});

/** Each tenant's newest history entry is its current revision, and holds what an export shows now. */
async function expectHistoryCurrent() {
  const tenants = await db.tenant.findMany({ select: { id: true, slug: true, revision: true } });
  for (const tenant of tenants) {
    const newest = await db.tenantRevision.findFirst({
      where: { tenantId: tenant.id },
      orderBy: { revision: "desc" },
    });
    expect(newest?.revision, tenant.slug).toBe(tenant.revision);
    const exported = (await exportConfig(db, systemContext("test"), { tenant: tenant.slug })).body;
    expect(
      serialiseConfig({ format: CONFIG_FORMAT, tenants: [tenantFromSnapshot(newest!.snapshot)] }, "yaml"),
      tenant.slug,
    ).toBe(exported);
  }
}

it("records a history entry for every revision bump, with actor and action", async () => {
  const boot = await contextOf(db, "bootstrap");
  await expectHistoryCurrent();
  const acme = await db.tenant.findUniqueOrThrow({ where: { slug: "acme" } });
  const start = acme.revision;

  const template = await createGlobalRole(db, boot, {
    key: "history-template",
    name: "History template",
    permissions: ["PROOF_LIST"],
  });
  const [mapping] = await createMappings(db, boot, "acme", {
    subject: "history-group",
    roleIds: [template.id],
  });
  await createMappings(db, boot, "initech", { subject: "history-group", roleIds: [template.id] });
  await updateMapping(db, boot, "acme", mapping!.id, {
    version: mapping!.version,
    expiresAt: "2031-01-01T00:00:00.000Z",
  });
  // A global template's permissions: one new revision in every tenant that maps it.
  await updateRole(db, boot, template.id, null, {
    version: template.version,
    permissions: ["PROOF_LIST", "PROOF_DETAIL"],
  });
  await updateTenant(db, boot, "initech", {
    version: (await db.tenant.findUniqueOrThrow({ where: { slug: "initech" } })).version,
    status: "DISABLED",
  });
  await updateTenant(db, boot, "initech", {
    version: (await db.tenant.findUniqueOrThrow({ where: { slug: "initech" } })).version,
    status: "ACTIVE",
  });
  const current = await db.mapping.findUniqueOrThrow({ where: { id: mapping!.id } });
  await deleteMapping(db, boot, "acme", mapping!.id, { version: current.version });
  const role = await db.role.findUniqueOrThrow({ where: { id: template.id } });
  await deleteRole(db, boot, template.id, null, { version: role.version });
  await createTenant(db, boot, { slug: "history-new", name: "History new" });
  await expectHistoryCurrent();

  const acmeHistory = await db.tenantRevision.findMany({
    where: { tenantId: acme.id, revision: { gt: start } },
    orderBy: { revision: "asc" },
  });
  expect(acmeHistory.map((row) => row.action)).toEqual([
    "mapping.create",
    "mapping.update",
    "role.update",
    "mapping.delete",
  ]);
  expect(acmeHistory.every((row) => row.actorSub === "u-boot" && row.actorName === "Bootstrap Admin")).toBe(
    true,
  );
  const initech = await db.tenant.findUniqueOrThrow({ where: { slug: "initech" } });
  const initechActions = (
    await db.tenantRevision.findMany({ where: { tenantId: initech.id }, orderBy: { revision: "asc" } })
  ).map((row) => row.action);
  expect(initechActions.slice(-5)).toEqual([
    "mapping.create",
    "role.update",
    "tenant.disable",
    "tenant.enable",
    "role.delete",
  ]);
  const created = await db.tenant.findUniqueOrThrow({ where: { slug: "history-new" } });
  expect(await db.tenantRevision.findMany({ where: { tenantId: created.id } })).toEqual([
    expect.objectContaining({ revision: 0, action: "tenant.create" }),
  ]);
});

it("writes no history for a refused change", async () => {
  const adminA = await contextOf(db, "adminA");
  const before = await db.tenantRevision.count();
  const support = await db.role.findFirstOrThrow({ where: { key: "support-desk" } });
  // adminA does not hold the support desk's CREDENTIAL_* permissions: refused, nothing written.
  expect(
    await outcome(() => createMappings(db, adminA, "acme", { subject: "nope", roleIds: [support.id] })),
  ).toBe(403);
  expect(await db.tenantRevision.count()).toBe(before);
});
