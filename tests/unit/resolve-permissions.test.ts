import { describe, expect, it } from "vitest";
import {
  encodeBitmask,
  explainAccess,
  explainAccessJson,
  resolveAccess,
} from "@/server/sts/resolve-permissions";
import { buildTenantIndex, type TenantIndex, type TenantIndexSource } from "@/server/sts/tenant-index";

type Mapping = TenantIndexSource["mappings"][number];

const NOW = 1_000_000;

const bitRows = [
  { key: "A_LIST", bit: 0 },
  { key: "B_EDIT", bit: 9 },
  { key: "X_39", bit: 70 },
];
const filler = Array.from({ length: 40 }, (_, index) => `X_${String(index).padStart(2, "0")}`);
const role = (id: string, key: string, permissions: string[]) => ({
  id,
  key,
  permissions: permissions.map((permissionKey) => ({ permissionKey })),
});
const reader = role("r-1", "reader", ["A_LIST", "C_DETAIL"]);
// Permissions beyond the first 32-bit word, and a key sorting before "reader" defined after it.
const editor = role("r-2", "editor", ["B_EDIT", "X_39"]);
const filling = role("r-3", "zz-filler", filler);

let mappingIds = 0;
function mapping(subject: string, role: Mapping["role"], expiresAt: number | null = null): Mapping {
  mappingIds += 1;
  return {
    id: `m-${mappingIds}`,
    subjectType: "GROUP",
    subject,
    role,
    expiresAt: expiresAt === null ? null : new Date(expiresAt),
  };
}

function index(status: "ACTIVE" | "DISABLED" = "ACTIVE"): TenantIndex {
  return buildTenantIndex(
    {
      tenant: { id: "t-1", slug: "acme", name: "Acme", status, revision: 7 },
      mappings: [
        mapping("readers", reader),
        mapping("Domain Admins", editor),
        mapping("Domain Admins", reader),
        mapping("former", editor, NOW - 1),
        mapping("fillers", filling),
        { ...mapping("robot", editor), subjectType: "CLIENT" },
      ],
      bitRows,
    },
    NOW,
  );
}

describe("resolveAccess", () => {
  it("unions the roles and permissions of every matching subject, sorted", () => {
    const access = resolveAccess(index(), "GROUP", ["readers", "Domain Admins", "nobody"], NOW);
    expect(access.roles).toEqual(["editor", "reader"]);
    expect(access.permissions).toEqual(["A_LIST", "B_EDIT", "C_DETAIL", "X_39"]);
    expect(access.unmapped).toEqual(["nobody"]);
    expect(access.revision).toBe(7);
  });

  it("counts a repeated subject once and sorts roles by key whatever the mapping order", () => {
    const access = resolveAccess(
      index(),
      "GROUP",
      ["Domain Admins", "fillers", "Domain Admins", "x", "x"],
      NOW,
    );
    expect(access.roles).toEqual(["editor", "reader", "zz-filler"]);
    expect(access.permissions).toHaveLength(43);
    expect(access.unmapped).toEqual(["x"]);
    const explained = explainAccess(index(), "GROUP", ["Domain Admins", "fillers", "Domain Admins"], NOW);
    expect(explained.provenance.X_39).toEqual([
      { subject: "Domain Admins", role: "editor" },
      { subject: "fillers", role: "zz-filler" },
    ]);
  });

  it("lists every unmapped name once however often and wherever it repeats, in first-seen order", () => {
    const names = Array.from({ length: 80 }, (_, at) => `unknown-${at}`);
    const presented = [...names, "readers", "former", ...names.slice().reverse(), "former", names[0]!];
    const access = resolveAccess(index(), "GROUP", presented, NOW);
    expect(access.unmapped).toEqual([...names, "former"]);
    expect(access.roles).toEqual(["reader"]);
    // The same answer as with each name given once.
    expect(resolveAccess(index(), "GROUP", [...new Set(presented)], NOW)).toEqual(access);
    expect(explainAccess(index(), "GROUP", presented, NOW).unmapped).toEqual(access.unmapped);
    expect(resolveAccess(index("DISABLED"), "GROUP", ["x", "x", "y"], NOW).unmapped).toEqual(["x", "y"]);
  });

  it("compares subjects exactly and keeps group and client namespaces apart", () => {
    expect(resolveAccess(index(), "GROUP", ["Readers", "/readers", "readers "], NOW).permissions).toEqual([]);
    expect(resolveAccess(index(), "GROUP", ["robot"], NOW).permissions).toEqual([]);
    expect(resolveAccess(index(), "CLIENT", ["robot"], NOW).roles).toEqual(["editor"]);
  });

  it("ignores expired grants and disabled tenants", () => {
    expect(resolveAccess(index(), "GROUP", ["former"], NOW)).toMatchObject({
      roles: [],
      permissions: [],
      unmapped: ["former"],
    });
    expect(resolveAccess(index(), "GROUP", ["former"], NOW - 2).roles).toEqual(["editor"]);
    expect(resolveAccess(index("DISABLED"), "GROUP", ["readers"], NOW)).toMatchObject({
      permissions: [],
      unmapped: ["readers"],
    });
  });

  it("encodes catalog bits little-endian in base64url", () => {
    const access = resolveAccess(index(), "GROUP", ["Domain Admins"], NOW);
    const bytes = Buffer.from(access.bitmask ?? "", "base64url");
    expect(bytes.length).toBe(9);
    expect(bytes[0]).toBe(0b1);
    expect(bytes[1]).toBe(0b10);
    expect(bytes[8]).toBe(0b1000000);
    expect(encodeBitmask([])).toBeUndefined();
  });
});

describe("bitmask encoding across resolutions", () => {
  it("equals Buffer's base64url of the held bits, whatever the previous resolution held", () => {
    // Deterministic pseudo-random catalog: 100 permissions with scattered bits up to 250.
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const keys = Array.from({ length: 100 }, (_, at) => `P_${String(at).padStart(3, "0")}`);
    const bits = keys.map((key, at) => ({
      key,
      bit: at * 2 + Math.floor(random() * 2) + (at > 60 ? 50 : 0),
    }));
    const roles = Array.from({ length: 12 }, (_, at) =>
      role(
        `r${at}`,
        `role-${at}`,
        keys.filter(() => random() < 0.2 + at / 40),
      ),
    );
    const big = buildTenantIndex(
      {
        tenant: { id: "t-2", slug: "big", name: "Big", status: "ACTIVE", revision: 1 },
        mappings: roles.map((item, at) => mapping(`g${at}`, item)),
        bitRows: bits,
      },
      NOW,
    );
    const bitOf = new Map(bits.map((row) => [row.key, row.bit]));
    // Wide then narrow then wide again: scratch space from one resolution must not leak into the next.
    for (const groups of [
      ["g11", "g10"],
      ["g0"],
      ["g3", "g7", "g11"],
      ["nobody"],
      ["g1"],
      ["g0", "g1", "g2"],
    ]) {
      const access = resolveAccess(big, "GROUP", groups, NOW);
      expect(access.bitmask).toBe(encodeBitmask(access.permissions.map((key) => bitOf.get(key)!)));
    }
  });
});

describe("explainAccess", () => {
  it("names the subject and role behind every permission", () => {
    const resolution = explainAccess(index(), "GROUP", ["readers", "Domain Admins"], NOW);
    expect(resolution.provenance).toEqual({
      A_LIST: [
        { subject: "readers", role: "reader" },
        { subject: "Domain Admins", role: "reader" },
      ],
      B_EDIT: [{ subject: "Domain Admins", role: "editor" }],
      C_DETAIL: [
        { subject: "readers", role: "reader" },
        { subject: "Domain Admins", role: "reader" },
      ],
      X_39: [{ subject: "Domain Admins", role: "editor" }],
    });
  });

  it("writes the same answer straight to JSON", () => {
    for (const subjects of [
      ["readers", "Domain Admins", "nobody"],
      ["former"],
      [],
      ['Domain "Admins"'],
      ["fillers", "Domain Admins", "readers"],
    ]) {
      expect(JSON.parse(explainAccessJson(index(), "GROUP", subjects, NOW).toString("utf8"))).toEqual(
        JSON.parse(JSON.stringify(explainAccess(index(), "GROUP", subjects, NOW))),
      );
    }
  });
});
