/**
 * Config-as-code benchmark: plan and apply of a 10,000-mapping file (2,000 groups × 200 roles) into an
 * empty tenant, then of the same file differing by 1% (100 mappings added, removed or changed) into
 * the tenant that now holds it. In-process, against a scratch database. Target: each under 3 s.
 */
import { performance } from "node:perf_hooks";
import { applyConfig } from "../src/server/config-as-code/apply-config";
import { CONFIG_FORMAT, type ConfigDocument } from "../src/server/config-as-code/config-document.types";
import { parseConfigFile, serialiseConfig } from "../src/server/config-as-code/config-file";
import { planConfig } from "../src/server/config-as-code/plan-config";
import { createPrismaClient, type Db } from "../src/server/db/client";
import {
  importPermissionCatalog,
  readCatalogFile,
} from "../src/server/permissions/import-permission-catalog";
import { systemContext } from "../src/server/seed/system-context";
import { createTenant } from "../src/server/tenants/create-tenant";
import { scratchDatabase } from "./lib";

const GROUPS = 2_000;
const ROLES = 200;
const MAPPINGS = 10_000;
const TARGET_MS = 3_000;

function benchDocument(permissionKeys: string[], slug: string, id: string): ConfigDocument {
  const roles = Array.from({ length: ROLES }, (_, index) => ({
    key: `role-${String(index).padStart(3, "0")}`,
    scope: "tenant" as const,
    name: `Role ${index}`,
    permissions: permissionKeys.filter((_, key) => (key + index) % 9 === 0),
  }));
  roles.push({ key: "managers", scope: "tenant", name: "Managers", permissions: ["STS_IAM_ROLE_EDIT"] });
  const mappings = Array.from({ length: MAPPINGS }, (_, index) => ({
    subjectType: "GROUP" as const,
    subject: `group-${String(index % GROUPS).padStart(4, "0")}`,
    role:
      index === 0
        ? "managers"
        : `role-${String(Math.floor(index / GROUPS) * 37 + (index % 37)).padStart(3, "0")}`,
    scope: "tenant" as const,
    note: index % 10 === 0 ? `note ${index}` : undefined,
  }));
  const unique = new Map(mappings.map((mapping) => [`${mapping.subject}|${mapping.role}`, mapping]));
  return {
    format: CONFIG_FORMAT,
    tenants: [
      {
        id,
        slug,
        name: "Config bench",
        status: "ACTIVE",
        roles,
        mappings: [...unique.values()],
      },
    ],
  };
}

/** 1% of the mappings differ: a third removed, a third added, a third with a new note. */
function differingByOnePercent(document: ConfigDocument): ConfigDocument {
  const tenant = document.tenants[0]!;
  const changes = Math.round(tenant.mappings.length / 100);
  const third = Math.floor(changes / 3);
  const mappings = tenant.mappings.slice(third);
  for (let index = 0; index < third; index += 1) {
    mappings.push({ subjectType: "GROUP", subject: `new-group-${index}`, role: "role-001", scope: "tenant" });
  }
  for (let index = 1; index <= changes - 2 * third; index += 1) {
    const mapping = mappings[index * 50];
    if (mapping) mappings[index * 50] = { ...mapping, note: `changed ${index}` };
  }
  return { ...document, tenants: [{ ...tenant, mappings }] };
}

async function measure(db: Db, label: string, file: string): Promise<void> {
  const context = systemContext("Bench");
  const planStart = performance.now();
  const document = parseConfigFile(file, "bench.yaml");
  const plan = await planConfig(db, context, document);
  const planMs = performance.now() - planStart;
  const tenant = plan.tenants[0]!;
  const applyStart = performance.now();
  const result = await applyConfig(db, context, parseConfigFile(file, "bench.yaml"), {
    baseRevisions: { [tenant.slug]: tenant.baseRevision },
    baseDigests: { [tenant.slug]: tenant.baseDigest },
    action: "config.import",
  });
  const applyMs = performance.now() - applyStart;
  const verdict = (ms: number) => (ms < TARGET_MS ? "ok" : "OVER TARGET");
  console.info(
    `  ${label}: +${plan.counts.added} −${plan.counts.removed} ~${plan.counts.changed}; ` +
      `plan (parse + compare) ${planMs.toFixed(0)} ms [${verdict(planMs)}], ` +
      `apply (parse + plan + write + commit) ${applyMs.toFixed(0)} ms [${verdict(applyMs)}] → revision ${result.tenants[0]?.revision}`,
  );
}

export async function benchConfigAsCode(): Promise<void> {
  console.info(
    `\nConfig as code — ${MAPPINGS.toLocaleString("en")} mappings, ${GROUPS} groups, ${ROLES} roles`,
  );
  const scratch = await scratchDatabase();
  const db = createPrismaClient(scratch.url, 4);
  try {
    await importPermissionCatalog(db, await readCatalogFile());
    const keys = (await db.permission.findMany({ select: { key: true }, orderBy: { key: "asc" } })).map(
      (permission) => permission.key,
    );
    const tenants = [
      { format: "yaml" as const, slug: "bench-yaml", id: "0b0b0b0b-0000-4000-8000-000000000001" },
      { format: "json" as const, slug: "bench-json", id: "0b0b0b0b-0000-4000-8000-000000000002" },
    ];
    for (const { format, slug, id } of tenants) {
      const full = benchDocument(keys, slug, id);
      await createTenant(db, systemContext("Bench"), { id, slug, name: "Config bench" });
      const fullFile = serialiseConfig(full, format);
      console.info(`  ${format.toUpperCase()} file: ${(Buffer.byteLength(fullFile) / 1024).toFixed(0)} KiB`);
      await measure(db, "into an empty tenant", fullFile);
      await measure(
        db,
        "into a tenant differing by 1%",
        serialiseConfig(differingByOnePercent(full), format),
      );
    }
  } finally {
    await db.$disconnect();
    await scratch.close();
  }
}
