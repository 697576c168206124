// The user as the console sees them, built from realistic IdP claim sets.
import { describe, expect, it } from "vitest";
import type { Claims } from "@/server/auth/claim-path";
import {
  holdsBootstrapRole,
  identityFromClaims,
  MAX_SUBJECT_LENGTH,
  MAX_SUBJECTS,
  mappingSubjects,
} from "@/server/auth/identity";

const defaults = { STS_ROLE_PATH: "roles", STS_GROUPS_PATH: "groups", STS_CLAIM_SEPARATOR: undefined };
const BOOTSTRAP = "ONE_STS_ADMIN";

describe("identityFromClaims", () => {
  it("builds an Okta identity: groups from the groups claim filter, roles from a custom claim", () => {
    const claims: Claims = {
      sub: "00u1a2b3c4D5e6F7g8h9",
      name: "Ada Lovelace",
      email: "ada@acme.example",
      preferred_username: "ada@acme.example",
      groups: ["Everyone", "acme-sts-admins"],
      sts_roles: ["ONE_STS_ADMIN"],
    };
    const identity = identityFromClaims(claims, { ...defaults, STS_ROLE_PATH: "sts_roles" });
    expect(identity).toEqual({
      sub: "00u1a2b3c4D5e6F7g8h9",
      name: "Ada Lovelace",
      email: "ada@acme.example",
      roles: ["ONE_STS_ADMIN"],
      groups: ["Everyone", "acme-sts-admins"],
    });
    expect(holdsBootstrapRole(identity, BOOTSTRAP)).toBe(true);
    expect(mappingSubjects(identity)).toEqual(["ONE_STS_ADMIN", "Everyone", "acme-sts-admins"]);
  });

  it("builds a Keycloak identity from client roles and slash-prefixed group paths", () => {
    const claims: Claims = {
      sub: "f1b2c3d4-0000-4000-8000-000000000001",
      preferred_username: "ada",
      email: "ada@acme.example",
      realm_access: { roles: ["offline_access", "uma_authorization", "default-roles-acme"] },
      resource_access: {
        "sts-console": { roles: ["ONE_STS_ADMIN"] },
        account: { roles: ["manage-account"] },
      },
      groups: ["/acme/admins", "/acme"],
    };
    const identity = identityFromClaims(claims, {
      ...defaults,
      STS_ROLE_PATH: "resource_access.sts-console.roles",
    });
    expect(identity).toEqual({
      sub: "f1b2c3d4-0000-4000-8000-000000000001",
      name: "ada",
      email: "ada@acme.example",
      roles: ["ONE_STS_ADMIN"],
      groups: ["/acme/admins", "/acme"],
    });

    const realm = identityFromClaims(claims, { ...defaults, STS_ROLE_PATH: "realm_access.roles" });
    expect(realm.roles).toEqual(["offline_access", "uma_authorization", "default-roles-acme"]);
    expect(holdsBootstrapRole(realm, BOOTSTRAP)).toBe(false);
  });

  it("builds an Entra ID identity: app roles and GUID groups", () => {
    const claims: Claims = {
      sub: "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
      name: "Ada Lovelace",
      preferred_username: "ada@acme.onmicrosoft.com",
      roles: ["ONE_STS_ADMIN", "STS.Reader"],
      groups: ["2d0d2f4a-1c9e-4f6b-9a77-4f8e0c1a2b3c"],
    };
    const identity = identityFromClaims(claims, defaults);
    expect(identity.roles).toEqual(["ONE_STS_ADMIN", "STS.Reader"]);
    expect(identity.groups).toEqual(["2d0d2f4a-1c9e-4f6b-9a77-4f8e0c1a2b3c"]);
    expect(identity.email).toBe("");
    expect(holdsBootstrapRole(identity, BOOTSTRAP)).toBe(true);
  });

  it("survives an Entra ID group overage token: no groups, roles still read", () => {
    const claims: Claims = {
      sub: "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
      roles: ["STS.Reader"],
      _claim_names: { groups: "src1" },
      _claim_sources: { src1: { endpoint: "https://graph.windows.net/tid/users/oid/getMemberObjects" } },
    };
    const identity = identityFromClaims(claims, defaults);
    expect(identity.groups).toEqual([]);
    expect(identity.roles).toEqual(["STS.Reader"]);
    expect(mappingSubjects(identity)).toEqual(["STS.Reader"]);
  });

  it("builds an Auth0 identity from namespaced claims", () => {
    const claims: Claims = {
      sub: "auth0|64f1a2b3c4d5e6f7a8b9c0d1",
      nickname: "ada",
      email: "ada@acme.example",
      "https://example.com/claims/roles": ["ONE_STS_ADMIN"],
      "https://example.com/claims/groups": ["finance"],
      // Would be reached by splitting the namespaced path on dots; must not be used.
      "https://example": { "com/claims/roles": ["decoy"] },
    };
    const identity = identityFromClaims(claims, {
      ...defaults,
      STS_ROLE_PATH: "https://example.com/claims/roles",
      STS_GROUPS_PATH: "https://example.com/claims/groups",
    });
    expect(identity.roles).toEqual(["ONE_STS_ADMIN"]);
    expect(identity.groups).toEqual(["finance"]);
    expect(identity.name).toBe("ada@acme.example");
  });

  describe("name", () => {
    it("prefers name", () => {
      expect(
        identityFromClaims({ sub: "s", name: "N", preferred_username: "p", email: "e@x" }, defaults).name,
      ).toBe("N");
    });

    it("falls back to preferred_username, then email, then sub", () => {
      expect(identityFromClaims({ sub: "s", preferred_username: "p", email: "e@x" }, defaults).name).toBe(
        "p",
      );
      expect(identityFromClaims({ sub: "s", email: "e@x" }, defaults).name).toBe("e@x");
      expect(identityFromClaims({ sub: "s" }, defaults).name).toBe("s");
    });

    it("skips empty and non-string candidates", () => {
      expect(identityFromClaims({ sub: "s", name: "", preferred_username: "p" }, defaults).name).toBe("p");
      expect(
        identityFromClaims({ sub: "s", name: 42, preferred_username: null, email: "e@x" }, defaults).name,
      ).toBe("e@x");
      expect(identityFromClaims({ sub: "s", name: { given: "A" } }, defaults).name).toBe("s");
    });

    it("is cut to 255 characters", () => {
      const identity = identityFromClaims({ sub: "s", name: "n".repeat(300) }, defaults);
      expect(identity.name).toBe("n".repeat(255));
    });
  });

  it("gives empty strings for a missing or non-string sub and email", () => {
    const identity = identityFromClaims({ sub: 12345, email: ["a@x"] }, defaults);
    expect(identity.sub).toBe("");
    expect(identity.email).toBe("");
    expect(identity.name).toBe("");
  });

  it("keeps roles and groups apart", () => {
    const identity = identityFromClaims(
      { sub: "s", roles: ["r1", "shared"], groups: ["g1", "shared"] },
      defaults,
    );
    expect(identity.roles).toEqual(["r1", "shared"]);
    expect(identity.groups).toEqual(["g1", "shared"]);
  });

  it("reads nothing when both paths are absent", () => {
    const identity = identityFromClaims({ sub: "s" }, defaults);
    expect(identity.roles).toEqual([]);
    expect(identity.groups).toEqual([]);
  });

  it("applies the claim separator to string claims on both paths", () => {
    const identity = identityFromClaims(
      { sub: "s", roles: "ONE_STS_ADMIN,auditor", groups: "Domain Admins,Domain Users" },
      { ...defaults, STS_CLAIM_SEPARATOR: "," },
    );
    expect(identity.roles).toEqual(["ONE_STS_ADMIN", "auditor"]);
    expect(identity.groups).toEqual(["Domain Admins", "Domain Users"]);
  });

  it("keeps a string claim whole without a separator", () => {
    const identity = identityFromClaims({ sub: "s", groups: "Domain Admins" }, defaults);
    expect(identity.groups).toEqual(["Domain Admins"]);
  });

  it(`drops values longer than ${MAX_SUBJECT_LENGTH} characters and keeps those of exactly that length`, () => {
    const exact = "g".repeat(MAX_SUBJECT_LENGTH);
    const tooLong = "g".repeat(MAX_SUBJECT_LENGTH + 1);
    const identity = identityFromClaims(
      { sub: "s", roles: ["r", "R".repeat(1000)], groups: [tooLong, exact, "short"] },
      defaults,
    );
    expect(MAX_SUBJECT_LENGTH).toBe(255);
    expect(identity.roles).toEqual(["r"]);
    expect(identity.groups).toEqual([exact, "short"]);
  });

  it(`keeps at most ${MAX_SUBJECTS} values per path`, () => {
    const groups = Array.from({ length: MAX_SUBJECTS + 500 }, (_, index) => `group-${index}`);
    const identity = identityFromClaims({ sub: "s", groups }, defaults);
    expect(identity.groups).toHaveLength(MAX_SUBJECTS);
    expect(identity.groups[0]).toBe("group-0");
    expect(identity.groups.at(-1)).toBe(`group-${MAX_SUBJECTS - 1}`);
  });
});

describe("mappingSubjects", () => {
  it("is the union of roles and groups without duplicates", () => {
    expect(mappingSubjects({ roles: ["a", "b"], groups: ["b", "c", "/acme/admins"] })).toEqual([
      "a",
      "b",
      "c",
      "/acme/admins",
    ]);
    expect(mappingSubjects({ roles: [], groups: [] })).toEqual([]);
  });

  it("does not merge values differing in case", () => {
    expect(mappingSubjects({ roles: ["Admins"], groups: ["admins"] })).toEqual(["Admins", "admins"]);
  });
});

describe("holdsBootstrapRole", () => {
  it("is recognised in roles", () => {
    expect(holdsBootstrapRole({ roles: ["x", BOOTSTRAP] }, BOOTSTRAP)).toBe(true);
  });

  it("is not recognised in groups: a group of that name grants nothing", () => {
    const identity = identityFromClaims({ sub: "s", roles: ["viewer"], groups: [BOOTSTRAP] }, defaults);
    expect(identity.groups).toEqual([BOOTSTRAP]);
    expect(holdsBootstrapRole(identity, BOOTSTRAP)).toBe(false);
  });

  it("compares exactly: case, white space and substrings do not count", () => {
    for (const role of ["one_sts_admin", "ONE_STS_ADMIN ", " ONE_STS_ADMIN", "ONE_STS_ADMINS", "ONE_STS"]) {
      expect(holdsBootstrapRole({ roles: [role] }, BOOTSTRAP), role).toBe(false);
    }
  });

  it("does not count a role longer than the subject limit", () => {
    const longRole = "A".repeat(300);
    const identity = identityFromClaims({ sub: "s", roles: [longRole] }, defaults);
    expect(holdsBootstrapRole(identity, longRole)).toBe(false);
  });

  it("uses a configured bootstrap role name", () => {
    expect(holdsBootstrapRole({ roles: ["sts-superuser"] }, "sts-superuser")).toBe(true);
    expect(holdsBootstrapRole({ roles: ["sts-superuser"] }, BOOTSTRAP)).toBe(false);
  });
});
