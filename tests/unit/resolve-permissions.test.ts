import { describe, expect, it } from "vitest";
import {
  encodeBitmask,
  explainAccess,
  explainAccessJson,
  resolveAccess,
} from "@/server/sts/resolve-permissions";
import type { IndexedGrant, TenantIndex } from "@/server/sts/tenant-index";

const permissionKeys = [
  "A_LIST",
  "B_EDIT",
  "C_DETAIL",
  ...Array.from({ length: 40 }, (_, index) => `X_${String(index).padStart(2, "0")}`),
];

function words(...keys: string[]): Uint32Array {
  const set = new Uint32Array(2);
  for (const key of keys) {
    const at = permissionKeys.indexOf(key);
    set[at >>> 5]! |= 1 << (at & 31);
  }
  return set;
}

function grant(
  subject: string,
  role: number,
  roleKey: string,
  expiresAt: number | null = null,
): IndexedGrant {
  return {
    role,
    expiresAt,
    provenance: { subject, role: roleKey },
    provenanceJson: JSON.stringify({ subject, role: roleKey }),
  };
}

const NOW = 1_000_000;

function index(status: "ACTIVE" | "DISABLED" = "ACTIVE"): TenantIndex {
  return {
    tenantId: "t-1",
    slug: "acme",
    name: "Acme",
    status,
    revision: 7,
    roles: [
      { id: "role-reader", key: "reader", words: words("A_LIST", "C_DETAIL") },
      { id: "role-editor", key: "editor", words: words("B_EDIT", "X_39") },
    ],
    permissionKeys,
    catalogBits: Int16Array.from(permissionKeys, (key) =>
      key === "A_LIST" ? 0 : key === "B_EDIT" ? 9 : key === "X_39" ? 70 : -1,
    ),
    grants: new Map([
      ["GROUP\u0000readers", [grant("readers", 0, "reader")]],
      [
        "GROUP\u0000Domain Admins",
        [grant("Domain Admins", 0, "reader"), grant("Domain Admins", 1, "editor")],
      ],
      ["GROUP\u0000former", [grant("former", 1, "editor", NOW - 1)]],
      ["CLIENT\u0000robot", [grant("robot", 1, "editor")]],
    ]),
    builtAt: NOW,
  };
}

describe("resolveAccess", () => {
  it("unions the roles and permissions of every matching subject, sorted", () => {
    const access = resolveAccess(index(), "GROUP", ["readers", "Domain Admins", "nobody"], NOW);
    expect(access.roles).toEqual(["editor", "reader"]);
    expect(access.permissions).toEqual(["A_LIST", "B_EDIT", "C_DETAIL", "X_39"]);
    expect(access.unmapped).toEqual(["nobody"]);
    expect(access.revision).toBe(7);
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
    for (const subjects of [["readers", "Domain Admins", "nobody"], ["former"], [], ['Domain "Admins"']]) {
      expect(JSON.parse(explainAccessJson(index(), "GROUP", subjects, NOW))).toEqual(
        JSON.parse(JSON.stringify(explainAccess(index(), "GROUP", subjects, NOW))),
      );
    }
  });
});
