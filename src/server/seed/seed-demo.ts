/**
 * The demo data set: two organisations, role templates like the platform's documented system roles, and
 * mappings that make the demo users useful. Built through the same domain functions as the console
 * (so every row is validated and audited) and safe to run again: what exists is left alone.
 */
import type { Db } from "../db/client";
import { createMappings } from "../mappings/create-mappings";
import { recordObservedInTenants } from "../observed/record-observed-subjects";
import { createGlobalRole, createTenantRole } from "../roles/create-role";
import { createTenant } from "../tenants/create-tenant";
import { systemContext } from "./system-context";

interface RoleSeed {
  key: string;
  name: string;
  description: string;
  permissions: (allKeys: string[]) => string[];
}

const byPrefix =
  (...prefixes: string[]) =>
  (keys: string[]) =>
    keys.filter((key) => prefixes.some((prefix) => key.startsWith(prefix)));

export const demoGlobalRoles: RoleSeed[] = [
  {
    key: "organisation-admin",
    name: "Organisation administrator",
    description: "Manages the organisation and its IAM role mappings in the STS console.",
    permissions: (keys) => [
      ...byPrefix("STS_IAM_ROLE_")(keys),
      ...keys.filter((key) => key === "STS_ORGANISATION_DETAIL" || key === "STS_ORGANISATION_EDIT"),
    ],
  },
  {
    key: "read-only-auditor",
    name: "Read-only auditor",
    description: "Every list and detail permission: sees everything, changes nothing.",
    permissions: (keys) => keys.filter((key) => key.endsWith("_LIST") || key.endsWith("_DETAIL")),
  },
  {
    key: "credential-issuer",
    name: "Credential issuer",
    description: "Issues and manages credentials and credential schemas.",
    permissions: byPrefix("CREDENTIAL_"),
  },
  {
    key: "verifier",
    name: "Verifier",
    description: "Requests and inspects proofs.",
    permissions: (keys) => [
      ...byPrefix("PROOF_")(keys).filter((key) => !key.startsWith("PROOF_SCHEMA_")),
      "CREDENTIAL_DETAIL",
    ],
  },
];

export const demoTenants = [
  {
    slug: "acme",
    name: "Acme Corporation",
    id: "7b1c5c2e-3f3a-4c55-9f0e-2d8a4f6b1a01",
    roles: [
      {
        key: "support-desk",
        name: "Support desk",
        description: "Looks up credentials and their history for support calls.",
        permissions: () => ["CREDENTIAL_LIST", "CREDENTIAL_DETAIL", "HISTORY_LIST", "HISTORY_DETAIL"],
      },
    ] as RoleSeed[],
    mappings: [
      {
        subject: "acme-sts-admins",
        roles: ["organisation-admin"],
        note: "Acme's STS administrators (Okta group)",
      },
      { subject: "acme-auditors", roles: ["read-only-auditor"], note: "Internal audit" },
      { subject: "acme-issuers", roles: ["credential-issuer"], note: "" },
      { subject: "acme-support", roles: ["support-desk"], note: "First-line support" },
    ],
    /** Names the demo users carry, as if presented in token requests for this organisation. */
    sightings: ["acme-sts-admins", "acme-auditors", "Domain Users"],
  },
  {
    slug: "initech",
    name: "Initech",
    id: "2e9d8b7a-6c5f-4e3d-8a1b-0c9f8e7d6a02",
    roles: [] as RoleSeed[],
    mappings: [
      { subject: "initech-admins", roles: ["organisation-admin"], note: "" },
      { subject: "initech-verifiers", roles: ["verifier"], note: "Border checks" },
    ],
    sightings: ["initech-admins", "initech-helpdesk"],
  },
];

export async function seedDemo(db: Db): Promise<{ created: number }> {
  const context = systemContext("Demo seed");
  const allKeys = (
    await db.permission.findMany({ select: { key: true }, where: { deprecatedAt: null } })
  ).map((permission) => permission.key);
  let created = 0;
  for (const role of demoGlobalRoles) {
    if (await db.role.findFirst({ where: { tenantId: null, key: role.key } })) continue;
    await createGlobalRole(db, context, { ...role, permissions: role.permissions(allKeys) });
    created += 1;
  }
  for (const tenantSeed of demoTenants) {
    let tenant = await db.tenant.findUnique({ where: { slug: tenantSeed.slug } });
    if (!tenant) {
      await createTenant(db, context, { id: tenantSeed.id, slug: tenantSeed.slug, name: tenantSeed.name });
      tenant = await db.tenant.findUniqueOrThrow({ where: { slug: tenantSeed.slug } });
      created += 1;
    }
    for (const role of tenantSeed.roles) {
      if (await db.role.findFirst({ where: { tenantId: tenant.id, key: role.key } })) continue;
      await createTenantRole(db, context, tenantSeed.slug, {
        ...role,
        permissions: role.permissions(allKeys),
      });
      created += 1;
    }
    for (const mapping of tenantSeed.mappings) {
      const roles = await db.role.findMany({
        where: { key: { in: mapping.roles }, OR: [{ tenantId: tenant.id }, { tenantId: null }] },
        select: { id: true },
      });
      const already = await db.mapping.count({
        where: {
          tenantId: tenant.id,
          subjectType: "GROUP",
          subject: mapping.subject,
          roleId: { in: roles.map((r) => r.id) },
        },
      });
      if (already > 0) continue;
      await createMappings(db, context, tenantSeed.slug, {
        subjectType: "GROUP",
        subject: mapping.subject,
        roleIds: roles.map((role) => role.id),
        note: mapping.note,
      });
      created += 1;
    }
    const sightings = "sightings" in tenantSeed ? tenantSeed.sightings : [];
    if (
      sightings.length > 0 &&
      (await db.observedSubjectInTenant.count({ where: { tenantId: tenant.id } })) === 0
    ) {
      const seenAt = new Date();
      await recordObservedInTenants(
        db,
        sightings.map((subject) => ({
          tenantId: tenant.id,
          subjectType: "GROUP",
          subject,
          lastSeen: seenAt,
          count: 1,
        })),
      );
      created += 1;
    }
  }
  return { created };
}
