import { describe, expect, it } from "vitest";
import { grantClaims } from "@/server/sts/grant-claims";
import { resolveAccess } from "@/server/sts/resolve-permissions";
import { buildTenantIndex, type TenantIndexSource } from "@/server/sts/tenant-index";

const role = (id: string, key: string, permissions: string[]) => ({
  id,
  key,
  permissions: permissions.map((permissionKey) => ({ permissionKey })),
});
const reader = role("r-1", "reader", ["A_LIST", "C_DETAIL"]);
const editor = role("r-2", "editor", ["B_EDIT"]);

function index(mappings: TenantIndexSource["mappings"]) {
  return buildTenantIndex({
    tenant: { id: "t-1", slug: "acme", name: "Acme", status: "ACTIVE", revision: 3 },
    mappings,
    bitRows: [{ key: "B_EDIT", bit: 9 }],
  });
}

const mapping = (id: string, subject: string, mapped: typeof reader, expiresAt: number | null = null) => ({
  id,
  subject,
  subjectType: "GROUP" as const,
  role: mapped,
  expiresAt: expiresAt === null ? null : new Date(expiresAt),
});

/** What the claims must say: the resolution's roles, permissions and bitmask. */
function expected(at: ReturnType<typeof index>, subjects: string[], now: number) {
  const access = resolveAccess(at, "GROUP", subjects, now);
  return {
    roles: access.roles,
    permissions: access.permissions,
    ...(access.bitmask ? { permissionsBitmask: access.bitmask } : {}),
  };
}

describe("grantClaims", () => {
  it("gives the resolution's roles, permissions and bitmask as JSON members", () => {
    const at = index([mapping("m1", "readers", reader), mapping("m2", "editors", editor)]);
    for (const subjects of [["readers"], ["editors", "readers"], ["nobody"], ["readers", "readers"]]) {
      const granted = grantClaims(at, "GROUP", subjects, 1_000);
      expect(JSON.parse(`{${granted.json}}`)).toEqual(expected(at, subjects, 1_000));
      expect(granted.permissionCount).toBe(expected(at, subjects, 1_000).permissions.length);
    }
  });

  it("answers from memory only until the next mapping expiry, and never across indexes", () => {
    const expiring = index([mapping("m1", "temps", editor, 5_000), mapping("m2", "temps", reader)]);
    const before = grantClaims(expiring, "GROUP", ["temps"], 1_000);
    expect(JSON.parse(`{${before.json}}`).roles).toEqual(["editor", "reader"]);
    expect(grantClaims(expiring, "GROUP", ["temps"], 4_999)).toBe(before);
    const after = grantClaims(expiring, "GROUP", ["temps"], 5_000);
    expect(JSON.parse(`{${after.json}}`)).toEqual(expected(expiring, ["temps"], 5_000));
    expect(JSON.parse(`{${after.json}}`).roles).toEqual(["reader"]);

    // The same subjects in a rebuilt index (a new revision) are resolved afresh.
    const rebuilt = index([mapping("m3", "temps", editor)]);
    expect(JSON.parse(`{${grantClaims(rebuilt, "GROUP", ["temps"], 1_000).json}}`).roles).toEqual(["editor"]);
  });
});
