/**
 * Config as code against real Postgres: export/import round trips, plans that say exactly what apply
 * does, stale plans and concurrent edits, rollback, every kind of bad input (database unchanged), and
 * who may import what.
 */
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordObservedInTenants, recordObservedSubjects } from "@/server/observed/record-observed-subjects";
import { createPrismaClient, type Db } from "@/server/db/client";
import { applyConfig } from "@/server/config-as-code/apply-config";
import type { ConfigPlan } from "@/server/config-as-code/config-plan.types";
import {
  CONFIG_FORMAT,
  configJsonSchema,
  type ConfigDocument,
} from "@/server/config-as-code/config-document.types";
import {
  CONFIG_FILE_LIMIT_BYTES,
  parseConfigFile,
  serialiseConfig,
} from "@/server/config-as-code/config-file";
import { exportConfig } from "@/server/config-as-code/export-config";
import { tenantFromSnapshot } from "@/server/config-as-code/load-tenant-config";
import { applyImport, planImport } from "@/server/config-as-code/import-config";
import {
  diffTenantRevisions,
  listTenantRevisions,
  planTenantRollback,
  rollbackTenant,
} from "@/server/config-as-code/tenant-history";
import { updateMapping } from "@/server/mappings/update-mapping";
import { createMappings } from "@/server/mappings/create-mappings";
import { importPermissionCatalog, readCatalogFile } from "@/server/permissions/import-permission-catalog";
import { systemContext } from "@/server/seed/system-context";
import { contextOf, openWorld, outcome } from "../fixtures/console-world";
import { createScratchDatabase, type ScratchDatabase } from "../helpers/database";
import { progressResponse } from "@/server/http/progress-stream";

let db: Db;
beforeAll(async () => {
  db = await openWorld();
});
afterAll(async () => {
  await db.$disconnect();
});

const boot = () => contextOf(db, "bootstrap");

async function exportYaml(target: Db, slug?: string, format: "yaml" | "json" = "yaml") {
  return (await exportConfig(target, systemContext("test export"), { tenant: slug, format })).body;
}

async function planAndApply(target: Db, file: string, context = systemContext("test import")) {
  const plan = await planImport(target, context, { file, fileName: "test.yaml" });
  return {
    plan,
    result: await applyImport(target, context, { file, fileName: "test.yaml", ...basesOf(plan) }),
  };
}

/** What a reviewed plan hands to apply: the revisions and digests it was computed against. */
function basesOf(plan: ConfigPlan) {
  return {
    baseRevisions: Object.fromEntries(plan.tenants.map((tenant) => [tenant.slug, tenant.baseRevision])),
    baseDigests: Object.fromEntries(plan.tenants.map((tenant) => [tenant.slug, tenant.baseDigest])),
  };
}

async function databaseState(target: Db = db) {
  const [tenants, roles, mappings, rolePermissions, audit, history] = await Promise.all([
    target.tenant.findMany({ orderBy: { id: "asc" } }),
    target.role.findMany({ orderBy: { id: "asc" } }),
    target.mapping.findMany({ orderBy: { id: "asc" } }),
    target.rolePermission.count(),
    target.auditEvent.count(),
    target.tenantRevision.count(),
  ]);
  return { tenants, roles, mappings, rolePermissions, audit, history };
}

/** A small deterministic PRNG, so a failing seed can be replayed. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  return { next, pick, int: (max: number) => Math.floor(next() * max) };
}

const SUBJECT_PARTS = [
  "Domain Users",
  "/ops",
  "Grüße",
  "ACME-admins",
  "x",
  "a b",
  "データ",
  "z:1",
  "#42",
  "ünï",
];

function randomDocument(seed: number, permissionKeys: string[]): ConfigDocument {
  const rng = random(seed);
  const globalRole = {
    key: `tpl-${seed}`,
    scope: "global" as const,
    name: "Template",
    permissions: [rng.pick(permissionKeys)],
  };
  const tenants = Array.from({ length: 1 + rng.int(3) }, (_, tenantIndex) => {
    const slug = `rt-${seed}-${tenantIndex}`;
    const roles = Array.from({ length: 1 + rng.int(4) }, (_, roleIndex) => ({
      key: `role.${rng.int(1000)}-${roleIndex}`,
      scope: "tenant" as const,
      name: `Role ${roleIndex} ${rng.pick(SUBJECT_PARTS)}`,
      description: rng.next() < 0.5 ? "" : `Described ${rng.pick(SUBJECT_PARTS)}`,
      permissions: [...new Set(Array.from({ length: rng.int(6) }, () => rng.pick(permissionKeys)))],
    }));
    const allRoles = [...roles, ...(rng.next() < 0.5 ? [globalRole] : [])];
    const mappings = new Map<string, ConfigDocument["tenants"][number]["mappings"][number]>();
    for (let index = 0; index < rng.int(30); index += 1) {
      const role = rng.pick(allRoles);
      const mapping = {
        subjectType: rng.next() < 0.8 ? ("GROUP" as const) : ("CLIENT" as const),
        subject: `${rng.pick(SUBJECT_PARTS)}${rng.next() < 0.5 ? " " : ""}${rng.int(50)}`,
        role: role.key,
        scope: role.scope,
        expiresAt:
          rng.next() < 0.3
            ? new Date(
                Date.UTC(2030, rng.int(12), 1 + rng.int(28), rng.int(24), 0, 0, rng.int(1000)),
              ).toISOString()
            : null,
        note: rng.next() < 0.4 ? `note: "${rng.pick(SUBJECT_PARTS)}" – ${rng.int(99)}` : "",
      };
      mappings.set(`${mapping.subjectType}|${mapping.subject}|${mapping.role}|${mapping.scope}`, mapping);
    }
    // An export lists the global templates a tenant maps, and only those.
    const mapped = new Set([...mappings.values()].map((mapping) => `${mapping.scope}:${mapping.role}`));
    return {
      id: `00000000-0000-4000-8000-${String(seed).padStart(8, "0")}000${tenantIndex}`,
      slug,
      name: `Round trip ${seed}.${tenantIndex} ${rng.pick(SUBJECT_PARTS)}`,
      status: rng.next() < 0.8 ? ("ACTIVE" as const) : ("DISABLED" as const),
      roles: allRoles.filter((role) => role.scope === "tenant" || mapped.has(`global:${role.key}`)),
      mappings: [...mappings.values()],
    };
  });
  return { format: CONFIG_FORMAT, tenants };
}

describe("export", () => {
  it("writes a tenant in a stable order with scopes, and no internal ids except the tenant's", async () => {
    const yaml = await exportYaml(db, "acme");
    expect(yaml).toBe(await exportYaml(db, "acme"));
    expect(
      yaml.startsWith(
        `format: ${CONFIG_FORMAT}\ntenants:\n  - id: 7b1c5c2e-3f3a-4c55-9f0e-2d8a4f6b1a01\n    slug: acme\n`,
      ),
    ).toBe(true);
    const roleIds = (await db.role.findMany({ select: { id: true } })).map((role) => role.id);
    const mappingIds = (await db.mapping.findMany({ select: { id: true } })).map((mapping) => mapping.id);
    for (const id of [...roleIds, ...mappingIds]) expect(yaml).not.toContain(id);
    const document = parseConfigFile(yaml, "acme.yaml");
    const acme = document.tenants[0]!;
    expect(acme.roles.map((role) => `${role.scope}:${role.key}`)).toEqual([
      "global:credential-issuer",
      "global:organisation-admin",
      "global:read-only-auditor",
      "tenant:support-desk",
    ]);
    expect(acme.mappings.map((mapping) => mapping.subject)).toEqual([
      "acme-auditors",
      "acme-issuers",
      "acme-sts-admins",
      "acme-support",
    ]);
    const json = await exportYaml(db, "acme", "json");
    expect(JSON.parse(json)).toEqual(document);
  });

  it("exports every tenant the user can read, and refuses a tenant they cannot see", async () => {
    const all = parseConfigFile(await exportYaml(db), "all.yaml");
    expect(all.tenants.map((tenant) => tenant.slug)).toEqual(expect.arrayContaining(["acme", "initech"]));
    const adminA = await contextOf(db, "adminA");
    const own = parseConfigFile((await exportConfig(db, adminA, {})).body, "own.yaml");
    expect(own.tenants.map((tenant) => tenant.slug)).toEqual(["acme"]);
    expect(await outcome(() => exportConfig(db, adminA, { tenant: "initech" }))).toBe(404);
    expect(await outcome(() => exportConfig(db, adminA, { tenant: "acme", format: "xml" }))).toBe(400);
  });

  it("publishes the current JSON Schema in schemas/sts-config.v1.schema.json", async () => {
    const committed = JSON.parse(await readFile("schemas/sts-config.v1.schema.json", "utf8")) as unknown;
    expect(committed, "Run `npm run sts -- schema > schemas/sts-config.v1.schema.json`").toEqual(
      configJsonSchema(),
    );
  });
});

describe("round trip: export → import into an empty database → export", () => {
  let empty: ScratchDatabase;
  let emptyDb: Db;
  beforeAll(async () => {
    empty = await createScratchDatabase({ migrated: true });
    emptyDb = createPrismaClient(empty.url, 4);
    await importPermissionCatalog(emptyDb, await readCatalogFile());
  });
  afterAll(async () => {
    await emptyDb.$disconnect();
    await empty.drop();
  });

  it("gives byte-identical YAML and JSON for the demo tenants", { timeout: 60_000 }, async () => {
    for (const format of ["yaml", "json"] as const) {
      const source = await exportYaml(db, undefined, format);
      const target = createPrismaClient((await createScratchDatabase({ migrated: true })).url, 2);
      await importPermissionCatalog(target, await readCatalogFile());
      await planAndApply(target, source);
      expect(await exportYaml(target, undefined, format)).toBe(source);
      await target.$disconnect();
    }
  });

  it("gives byte-identical files for 12 randomised documents", { timeout: 90_000 }, async () => {
    const keys = (await db.permission.findMany({ where: { deprecatedAt: null }, select: { key: true } })).map(
      (permission) => permission.key,
    );
    for (let seed = 1; seed <= 12; seed += 1) {
      const document = randomDocument(seed, keys);
      const format = seed % 2 === 0 ? "json" : "yaml";
      const file = serialiseConfig(document, format);
      await planAndApply(db, file);
      const slugs = document.tenants.map((tenant) => tenant.slug);
      const exported = serialiseConfig(
        {
          format: CONFIG_FORMAT,
          tenants: parseConfigFile(await exportYaml(db, undefined, format), "x").tenants.filter((tenant) =>
            slugs.includes(tenant.slug),
          ),
        },
        format,
      );
      expect(exported, `seed ${seed}`).toBe(file);
      await planAndApply(emptyDb, exported);
      const again = serialiseConfig(
        {
          format: CONFIG_FORMAT,
          tenants: parseConfigFile(await exportYaml(emptyDb, undefined, format), "x").tenants.filter(
            (tenant) => slugs.includes(tenant.slug),
          ),
        },
        format,
      );
      expect(again, `seed ${seed}`).toBe(exported);
    }
  });
});

/** acme's export with a function applied to its only tenant. */
async function editedAcme(edit: (tenant: ConfigDocument["tenants"][number]) => void): Promise<string> {
  const document = parseConfigFile(await exportYaml(db, "acme"), "acme.yaml");
  edit(document.tenants[0]!);
  return serialiseConfig(document, "yaml");
}

describe("observed names in a plan", () => {
  it("name only names presented to that organisation for its administrators, and every name for the bootstrap administrator", async () => {
    const initech = await db.tenant.findUniqueOrThrow({ where: { slug: "initech" } });
    await recordObservedSubjects(db, "GROUP", ["Initech-Secret-Team"]);
    await recordObservedInTenants(db, [
      {
        tenantId: initech.id,
        subjectType: "GROUP",
        subject: "Initech-Secret-Team",
        lastSeen: new Date(),
        count: 1,
      },
    ]);
    const file = await editedAcme((acme) => {
      acme.mappings.push({
        subjectType: "GROUP",
        subject: "initech-secret-team",
        role: "support-desk",
        scope: "tenant",
      });
    });
    const asAdmin = await planImport(db, await contextOf(db, "adminA"), { file, fileName: "acme.yaml" });
    const adminProblems = asAdmin.tenants[0]!.problems;
    expect(adminProblems.map((problem) => problem.code)).toContain("never_observed");
    expect(JSON.stringify(adminProblems)).not.toContain("Initech-Secret-Team");
    const asBoot = await planImport(db, await boot(), { file, fileName: "acme.yaml" });
    const near = asBoot.tenants[0]!.problems.find((problem) => problem.code === "near_miss");
    expect(near?.message).toContain('"Initech-Secret-Team"');
  });
});

describe("plan and apply", () => {
  it("plans exactly the difference, applies it as one revision with one audit record, then plans nothing", async () => {
    const file = await editedAcme((acme) => {
      acme.mappings = acme.mappings.filter((mapping) => mapping.subject !== "acme-issuers");
      acme.mappings.push({
        subjectType: "GROUP",
        subject: "acme-new-team",
        role: "verifier",
        scope: "global",
      });
      acme.roles.push({ key: "verifier", scope: "global", name: "Verifier", permissions: [] });
      const support = acme.mappings.find((mapping) => mapping.subject === "acme-support")!;
      support.note = "Second-line support";
    });
    const before = await db.tenant.findUniqueOrThrow({ where: { slug: "acme" } });
    const auditBefore = await db.auditEvent.count();
    const context = await boot();
    const plan = await planImport(db, context, { file, fileName: "acme.yaml" });
    const acme = plan.tenants[0]!;
    expect(acme.action).toBe("update");
    expect(acme.baseRevision).toBe(before.revision);
    expect(acme.mappings.added.map((mapping) => mapping.subject)).toEqual(["acme-new-team"]);
    expect(acme.mappings.removed.map((mapping) => mapping.subject)).toEqual(["acme-issuers"]);
    expect(acme.mappings.changed).toEqual([
      expect.objectContaining({
        subject: "acme-support",
        note: { from: "First-line support", to: "Second-line support" },
      }),
    ]);
    expect(acme.roles).toEqual({ added: [], removed: [], changed: [] });
    // The verifier template differs from the file's copy: flagged, never changed by an import.
    expect(acme.problems.map((problem) => problem.code)).toEqual(
      expect.arrayContaining(["global_role_differs", "never_observed"]),
    );
    expect(acme.problems.every((problem) => problem.severity === "warning")).toBe(true);

    const result = await applyImport(db, context, {
      file,
      fileName: "acme.yaml",
      ...basesOf(plan),
    });
    expect(result.tenants).toEqual([{ slug: "acme", action: "update", revision: before.revision + 1 }]);
    expect(await db.auditEvent.count()).toBe(auditBefore + 1);
    const audit = await db.auditEvent.findFirstOrThrow({ orderBy: { id: "desc" } });
    expect(audit).toMatchObject({ action: "config.import", targetId: "acme", actorSub: "u-boot" });
    const history = await listTenantRevisions(db, context, "acme");
    expect(history.revisions[0]).toMatchObject({
      revision: before.revision + 1,
      action: "config.import",
      actorName: "Bootstrap Admin",
    });
    const verifier = await db.role.findFirstOrThrow({
      where: { tenantId: null, key: "verifier" },
      include: { permissions: true },
    });
    expect(verifier.permissions.length).toBeGreaterThan(0);
    const again = await planImport(db, context, { file, fileName: "acme.yaml" });
    expect(again.tenants[0]!.action).toBe("unchanged");
    expect(again.counts).toMatchObject({ added: 0, removed: 0, changed: 0 });
  });

  it("refuses a plan whose tenant moved on (409 stale_version), leaving the database unchanged", async () => {
    const context = await boot();
    const file = await editedAcme((acme) => {
      acme.mappings.push({
        subjectType: "CLIENT",
        subject: "acme-batch",
        role: "support-desk",
        scope: "tenant",
      });
    });
    const plan = await planImport(db, context, { file });
    await createMappings(db, context, "acme", {
      subject: "acme-sideways",
      roleIds: [(await db.role.findFirstOrThrow({ where: { tenantId: null, key: "verifier" } })).id],
    });
    const state = await databaseState();
    const refusal = await applyImport(db, context, {
      file,
      ...basesOf(plan),
    }).catch((error: unknown) => error);
    expect(refusal).toMatchObject({ status: 409, code: "stale_version" });
    expect(await databaseState()).toEqual(state);
  });

  it("lets one of a concurrent apply and console edit of the same mapping win; the other gets 409", async () => {
    const context = await boot();
    const mapping = await db.mapping.findFirstOrThrow({
      where: { subject: "acme-auditors" },
      select: { id: true, version: true },
    });
    const file = await editedAcme((acme) => {
      acme.mappings.find((item) => item.subject === "acme-auditors")!.note = "from the file";
    });
    const plan = await planImport(db, context, { file });
    const [apply, edit] = await Promise.allSettled([
      applyImport(db, context, { file, ...basesOf(plan) }),
      updateMapping(db, context, "acme", mapping.id, { version: mapping.version, note: "from the console" }),
    ]);
    const outcomes = [apply, edit].map((settled) => settled.status);
    expect(outcomes.filter((status) => status === "fulfilled")).toHaveLength(1);
    const loser = [apply, edit].find(
      (settled): settled is PromiseRejectedResult => settled.status === "rejected",
    )!;
    expect(loser.reason).toMatchObject({ status: 409 });
    const stored = await db.mapping.findUniqueOrThrow({ where: { id: mapping.id } });
    expect(stored.note).toBe(apply.status === "fulfilled" ? "from the file" : "from the console");
  });

  it("rolls back to an earlier revision as a new, audited revision after a plan", async () => {
    const context = await boot();
    const acmeNow = await db.tenant.findUniqueOrThrow({ where: { slug: "acme" } });
    const start = acmeNow.revision;
    // What revision `start` recorded (notes edited since, which move no revision, go back to it too).
    const recorded = await db.tenantRevision.findUniqueOrThrow({
      where: { tenantId_revision: { tenantId: acmeNow.id, revision: start } },
    });
    const original = serialiseConfig(
      { format: CONFIG_FORMAT, tenants: [tenantFromSnapshot(recorded.snapshot)] },
      "yaml",
    );
    await planAndApply(
      db,
      await editedAcme((acme) => {
        acme.mappings = acme.mappings.filter((mapping) => mapping.subject !== "acme-support");
        acme.roles.find((role) => role.key === "support-desk")!.permissions.push("PROOF_LIST");
      }),
      context,
    );
    const diff = await diffTenantRevisions(db, context, "acme", {
      from: String(start),
      to: String(start + 1),
    });
    expect(diff.mappings.removed.map((mapping) => mapping.subject)).toEqual(["acme-support"]);
    expect(diff.roles.changed).toEqual([
      expect.objectContaining({ key: "support-desk", permissionsAdded: ["PROOF_LIST"] }),
    ]);

    const plan = await planTenantRollback(db, context, "acme", { revision: start });
    expect(plan.tenants[0]!.mappings.added.map((mapping) => mapping.subject)).toEqual(["acme-support"]);
    expect(plan.tenants[0]!.roles.changed[0]!.permissionsRemoved).toEqual(["PROOF_LIST"]);
    const baseDigest = plan.tenants[0]!.baseDigest;
    const result = await rollbackTenant(db, context, "acme", {
      revision: start,
      baseRevision: start + 1,
      baseDigest,
    });
    expect(result.tenants[0]).toMatchObject({ revision: start + 2 });
    expect(await exportYaml(db, "acme")).toBe(original);
    const audit = await db.auditEvent.findFirstOrThrow({ orderBy: { id: "desc" } });
    expect(audit).toMatchObject({ action: "config.rollback", targetId: "acme" });
    expect(audit.after).toMatchObject({ restoredRevision: start });
    expect(
      await outcome(() =>
        rollbackTenant(db, context, "acme", { revision: start, baseRevision: start + 1, baseDigest }),
      ),
    ).toBe(409);
    expect(await outcome(() => planTenantRollback(db, context, "acme", { revision: 99_999 }))).toBe(404);
  });

  it("rolls everything back when cancelled before the commit", async () => {
    const context = await boot();
    const file = await editedAcme((acme) => {
      for (let index = 0; index < 2500; index += 1) {
        acme.mappings.push({
          subjectType: "GROUP",
          subject: `bulk-${index}`,
          role: "support-desk",
          scope: "tenant",
        });
      }
    });
    const plan = await planImport(db, context, { file });
    const state = await databaseState();
    const controller = new AbortController();
    const seen: number[] = [];
    const refusal = await applyImport(
      db,
      context,
      { file, ...basesOf(plan) },
      {
        signal: controller.signal,
        onProgress: (progress) => {
          seen.push(progress.done);
          if (progress.done >= 1000) controller.abort();
        },
      },
    ).catch((error: unknown) => error);
    expect(refusal).toMatchObject({ code: "cancelled" });
    expect(Math.max(...seen)).toBeGreaterThanOrEqual(1000);
    expect(await databaseState()).toEqual(state);
  });
});

describe("bad input: a 4xx naming the place, database unchanged", () => {
  const cases: [string, string, RegExp][] = [
    ["malformed YAML", `format: ${CONFIG_FORMAT}\ntenants:\n  - id: [unclosed\n`, /bad\.yaml:\d+:\d+/],
    ["malformed JSON", `{"format": "${CONFIG_FORMAT}", "tenants": [}`, /bad\.yaml:1:\d+/],
    [
      "a wrong format version",
      `format: sts-config/v9\ntenants: []\n`,
      /bad\.yaml:1:9 \(format\): unsupported format "sts-config\/v9"/,
    ],
    [
      "a duplicate key",
      `format: ${CONFIG_FORMAT}\ntenants: []\ntenants: []\n`,
      /bad\.yaml:3:1: duplicate key/,
    ],
    [
      "a duplicate key in JSON",
      `{"format": "${CONFIG_FORMAT}", "tenants": [],\n "tenants": []}`,
      /bad\.yaml:2:2: duplicate key/,
    ],
    [
      "a name with a control character",
      `format: ${CONFIG_FORMAT}\ntenants:\n  - id: 7b1c5c2e-3f3a-4c55-9f0e-2d8a4f6b1a01\n    slug: acme\n    name: "Acme\\u0007"\n    status: ACTIVE\n    roles: []\n    mappings: []\n`,
      /bad\.yaml:5:11 \(tenants\[0\]\.name\): name must not contain control characters/,
    ],
    [
      "a mapping to an unlisted role",
      `format: ${CONFIG_FORMAT}\ntenants:\n  - id: 7b1c5c2e-3f3a-4c55-9f0e-2d8a4f6b1a01\n    slug: acme\n    name: Acme\n    status: ACTIVE\n    roles: []\n    mappings:\n      - { subjectType: GROUP, subject: g, role: nope, scope: tenant }\n`,
      /bad\.yaml:9:\d+ \(tenants\[0\]\.mappings\[0\]\.role\): role nope \(tenant\) is not listed/,
    ],
  ];
  for (const [what, file, message] of cases) {
    it(`refuses ${what}`, async () => {
      const context = await boot();
      const state = await databaseState();
      const refusal = await planImport(db, context, { file, fileName: "bad.yaml" }).catch(
        (error: unknown) => error,
      );
      expect(refusal).toMatchObject({ status: 400 });
      expect((refusal as Error).message).toMatch(message);
      expect(
        await outcome(() =>
          applyImport(db, context, { file, fileName: "bad.yaml", baseRevisions: {}, baseDigests: {} }),
        ),
      ).toBe(400);
      expect(await databaseState()).toEqual(state);
    });
  }

  it("refuses a file over the limit and an unknown tenant for a tenant admin", async () => {
    const context = await boot();
    const huge = `format: ${CONFIG_FORMAT}\n#${"x".repeat(10 * 1024 * 1024)}\n`;
    expect(huge.length).toBeGreaterThan(CONFIG_FILE_LIMIT_BYTES);
    expect(await outcome(() => planImport(db, context, { file: huge }))).toBe(400);
    const adminA = await contextOf(db, "adminA");
    const unknown = serialiseConfig(
      {
        format: CONFIG_FORMAT,
        tenants: [
          {
            id: "11111111-1111-4111-8111-111111111111",
            slug: "globex",
            name: "Globex",
            status: "ACTIVE",
            roles: [],
            mappings: [],
          },
        ],
      },
      "yaml",
    );
    const refusal = await planImport(db, adminA, { file: unknown, fileName: "globex.yaml" }).catch(
      (error: unknown) => error,
    );
    expect(refusal).toMatchObject({ status: 404 });
    expect((refusal as Error).message).toMatch(/tenants\[0\]\.slug: no organisation "globex"/);
  });

  it("refuses unknown permission keys naming the role", async () => {
    const context = await boot();
    const file = await editedAcme((acme) => {
      acme.roles.find((role) => role.key === "support-desk")!.permissions.push("NOT_A_PERMISSION");
    });
    const plan = await planImport(db, context, { file });
    expect(plan.tenants[0]!.problems).toContainEqual(
      expect.objectContaining({
        severity: "error",
        code: "unknown_permission",
        path: expect.stringMatching(/^tenants\[0\]\.roles\[\d\]\.permissions$/),
      }),
    );
    const state = await databaseState();
    expect(await outcome(() => applyImport(db, context, { file, ...basesOf(plan) }))).toBe(400);
    expect(await databaseState()).toEqual(state);
  });
});

describe("who may import what", () => {
  it("lets a tenant admin import into their own tenant within their permissions only", async () => {
    const adminA = await contextOf(db, "adminA");
    const own = await editedAcme((acme) => {
      acme.mappings.push({
        subjectType: "GROUP",
        subject: "acme-deputies",
        role: "organisation-admin",
        scope: "global",
      });
    });
    const plan = await planImport(db, adminA, { file: own, tenant: "acme" });
    expect(plan.counts.errors).toBe(0);
    expect(
      await outcome(() => applyImport(db, adminA, { file: own, tenant: "acme", ...basesOf(plan) })),
    ).toBe("ok");

    const beyond = await editedAcme((acme) => {
      acme.mappings.push({
        subjectType: "GROUP",
        subject: "acme-helpers",
        role: "support-desk",
        scope: "tenant",
      });
    });
    const refused = await planImport(db, adminA, { file: beyond });
    expect(refused.tenants[0]!.problems).toContainEqual(
      expect.objectContaining({
        code: "grant_not_held",
        message: expect.stringContaining("CREDENTIAL_DETAIL"),
      }),
    );
    expect(await outcome(() => applyImport(db, adminA, { file: beyond, ...basesOf(refused) }))).toBe(403);

    const other = await exportYaml(db, "initech");
    expect(await outcome(() => planImport(db, adminA, { file: other }))).toBe(404);
    expect(await outcome(() => planImport(db, adminA, { file: other, tenant: "acme" }))).toBe(400);
  });

  it("refuses removing the last manager, and refuses every change to an auditor", async () => {
    const context = await boot();
    const noManagers = await editedAcme((acme) => {
      acme.mappings = acme.mappings.filter((mapping) => mapping.role !== "organisation-admin");
    });
    const plan = await planImport(db, context, { file: noManagers });
    expect(plan.tenants[0]!.problems).toContainEqual(
      expect.objectContaining({ severity: "error", code: "last_manager" }),
    );
    const state = await databaseState();
    expect(await outcome(() => applyImport(db, context, { file: noManagers, ...basesOf(plan) }))).toBe(409);

    const auditor = await contextOf(db, "auditor");
    const change = await editedAcme((acme) => {
      acme.mappings.find((mapping) => mapping.subject === "acme-auditors")!.note = "audited";
    });
    const auditorPlan = await planImport(db, auditor, { file: change });
    expect(auditorPlan.tenants[0]!.problems).toContainEqual(
      expect.objectContaining({ code: "forbidden", message: expect.stringContaining("STS_IAM_ROLE_EDIT") }),
    );
    expect(await outcome(() => applyImport(db, auditor, { file: change, ...basesOf(auditorPlan) }))).toBe(
      403,
    );
    expect(await databaseState()).toEqual(state);
  });

  it("lets the bootstrap admin create a tenant by import, and nobody else", async () => {
    const file = serialiseConfig(
      {
        format: CONFIG_FORMAT,
        tenants: [
          {
            id: "22222222-2222-4222-8222-222222222222",
            slug: "globex",
            name: "Globex",
            status: "ACTIVE",
            roles: [
              {
                key: "organisation-admin",
                scope: "global",
                name: "Organisation administrator",
                permissions: [],
              },
            ],
            mappings: [
              { subjectType: "GROUP", subject: "globex-admins", role: "organisation-admin", scope: "global" },
            ],
          },
        ],
      },
      "yaml",
    );
    const adminA = await contextOf(db, "adminA");
    expect(
      await outcome(() =>
        applyImport(db, adminA, { file, baseRevisions: { globex: null }, baseDigests: { globex: null } }),
      ),
    ).toBe(404);
    const context = await boot();
    const { result } = await planAndApply(db, file, context);
    expect(result.tenants).toEqual([{ slug: "globex", action: "create", revision: 1 }]);
    const globex = await db.tenant.findUniqueOrThrow({ where: { slug: "globex" } });
    expect(globex.id).toBe("22222222-2222-4222-8222-222222222222");
    expect(
      await outcome(() =>
        applyConfig(db, context, parseConfigFile(file), {
          baseRevisions: { globex: null },
          baseDigests: { globex: null },
          action: "config.import",
        }),
      ),
    ).toBe(409);
  });
});

describe("progress over HTTP (NDJSON)", () => {
  async function bulkFile(count: number, prefix: string) {
    return editedAcme((acme) => {
      for (let index = 0; index < count; index += 1) {
        acme.mappings.push({
          subjectType: "GROUP",
          subject: `${prefix}-${index}`,
          role: "verifier",
          scope: "global",
        });
      }
    });
  }

  it("streams progress lines with counts, then the result", async () => {
    const context = await boot();
    const file = await bulkFile(2500, "streamed");
    const plan = await planImport(db, context, { file });
    const response = progressResponse(new Request("http://console.test/"), (onProgress, signal) =>
      applyImport(db, context, { file, ...basesOf(plan) }, { onProgress, signal }),
    );
    expect(response.headers.get("content-type")).toBe("application/x-ndjson");
    const lines = (await response.text())
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { type: string; phase?: string; done?: number; total?: number });
    const progress = lines.filter((line) => line.type === "progress");
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.some((line) => line.phase === "apply" && line.total === 2500)).toBe(true);
    expect(lines.at(-1)).toMatchObject({
      type: "result",
      result: { tenants: [{ slug: "acme", action: "update" }] },
    });
  });

  it("cancels the apply when the client closes the stream, leaving the database unchanged", async () => {
    const context = await boot();
    const file = await bulkFile(3000, "abandoned");
    const plan = await planImport(db, context, { file });
    const state = await databaseState();
    let finished: (outcome: unknown) => void = () => undefined;
    const workDone = new Promise((resolve) => (finished = resolve));
    const response = progressResponse(new Request("http://console.test/"), (onProgress, signal) =>
      applyImport(db, context, { file, ...basesOf(plan) }, { onProgress, signal }).then(
        (result) => {
          finished("committed");
          return result;
        },
        (error: unknown) => {
          finished(error);
          throw error;
        },
      ),
    );
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let received = "";
    while (!/"phase":"apply","done":[1-9]/.test(received)) {
      const { value, done } = await reader.read();
      if (done) break;
      received += value;
    }
    await reader.cancel();
    expect(await workDone).toMatchObject({ code: "cancelled" });
    expect(await databaseState()).toEqual(state);
  });
});
