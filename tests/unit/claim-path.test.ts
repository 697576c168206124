// Reading IAM roles/groups out of OIDC claims, with claim sets shaped as Okta, Keycloak, Entra ID and
// Auth0 send them.
import { describe, expect, it } from "vitest";
import {
  claimValues,
  claimValuesOf,
  mergeClaimSources,
  readClaimPath,
  type Claims,
} from "@/server/auth/claim-path";

/** Okta org authorization server ID token with a groups claim filter (".*") and a custom role claim. */
const okta: Claims = {
  sub: "00u1a2b3c4D5e6F7g8h9",
  name: "Ada Lovelace",
  email: "ada@acme.example",
  ver: 1,
  iss: "https://acme.okta.com/oauth2/aus1a2b3c4d5e6f7g8h9",
  aud: "0oa1a2b3c4d5e6f7g8h9",
  groups: ["Everyone", "acme-sts-admins"],
  // Custom authorization server claim "sts_role" from the expression user.stsRole: a single string.
  sts_role: "ONE_STS_ADMIN",
};

/** Keycloak access token / ID token with the realm and client role mappers and a group mapper (full path). */
const keycloak: Claims = {
  sub: "f1b2c3d4-0000-4000-8000-000000000001",
  preferred_username: "ada",
  realm_access: { roles: ["offline_access", "uma_authorization", "default-roles-acme", "sts-admin"] },
  resource_access: {
    "sts-console": { roles: ["ONE_STS_ADMIN", "auditor"] },
    account: { roles: ["manage-account", "view-profile"] },
  },
  groups: ["/acme/admins", "/acme", "/acme/ops team"],
};

/** Entra ID ID token: app roles in `roles`, security groups as object ids in `groups`. */
const entra: Claims = {
  sub: "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
  oid: "00000000-0000-0000-66f3-3332eca7ea81",
  tid: "9122040d-6c67-4c5b-b112-36a304b66dad",
  preferred_username: "ada@acme.onmicrosoft.com",
  roles: ["STS.Admin", "STS.Reader"],
  groups: ["2d0d2f4a-1c9e-4f6b-9a77-4f8e0c1a2b3c", "7b1e5a2c-8d3f-4e6a-b1c2-d3e4f5a6b7c8"],
};

/** Entra ID group overage: more than 200 groups, so no `groups` array, only a pointer to Graph. */
const entraOverage: Claims = {
  sub: "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
  roles: ["STS.Admin"],
  _claim_names: { groups: "src1" },
  _claim_sources: {
    src1: {
      endpoint:
        "https://graph.windows.net/9122040d-6c67-4c5b-b112-36a304b66dad/users/00000000-0000-0000-66f3-3332eca7ea81/getMemberObjects",
    },
  },
};

/** Auth0 with an Action adding namespaced custom claims. */
const auth0: Claims = {
  sub: "auth0|64f1a2b3c4d5e6f7a8b9c0d1",
  nickname: "ada",
  "https://example.com/claims/roles": ["sts-admin", "sts-viewer"],
  "https://example.com/claims/groups": ["acme:finance"],
};

describe("readClaimPath", () => {
  it("reads a top-level claim", () => {
    expect(readClaimPath(okta, "groups")).toEqual(["Everyone", "acme-sts-admins"]);
    expect(readClaimPath(okta, "sts_role")).toBe("ONE_STS_ADMIN");
  });

  it("follows a dot path into nested objects (Keycloak realm and client roles)", () => {
    expect(readClaimPath(keycloak, "realm_access.roles")).toEqual([
      "offline_access",
      "uma_authorization",
      "default-roles-acme",
      "sts-admin",
    ]);
    expect(readClaimPath(keycloak, "resource_access.sts-console.roles")).toEqual([
      "ONE_STS_ADMIN",
      "auditor",
    ]);
    expect(readClaimPath(keycloak, "resource_access.account")).toEqual({
      roles: ["manage-account", "view-profile"],
    });
  });

  it("reads a namespaced claim whose name contains dots and slashes as one exact key", () => {
    expect(readClaimPath(auth0, "https://example.com/claims/roles")).toEqual(["sts-admin", "sts-viewer"]);
  });

  it("prefers the exact key over a dot path that would also resolve", () => {
    const claims: Claims = {
      "https://example.com/claims/roles": ["from-exact-key"],
      // "https://example" + "com/claims/roles" is what splitting the path on dots would reach.
      "https://example": { "com/claims/roles": ["from-dot-path"] },
      "realm_access.roles": ["flat-key"],
      realm_access: { roles: ["nested"] },
    };
    expect(readClaimPath(claims, "https://example.com/claims/roles")).toEqual(["from-exact-key"]);
    expect(readClaimPath(claims, "realm_access.roles")).toEqual(["flat-key"]);
  });

  it("falls back to the dot path when the exact key is absent", () => {
    const claims: Claims = { "https://example": { "com/claims/roles": ["from-dot-path"] } };
    expect(readClaimPath(claims, "https://example.com/claims/roles")).toEqual(["from-dot-path"]);
  });

  it("returns undefined for a missing claim or a path through a non-object", () => {
    expect(readClaimPath(okta, "roles")).toBeUndefined();
    expect(readClaimPath(keycloak, "realm_access.missing")).toBeUndefined();
    expect(readClaimPath(keycloak, "resource_access.other-client.roles")).toBeUndefined();
    expect(readClaimPath(okta, "name.first")).toBeUndefined();
    expect(readClaimPath(okta, "ver.x")).toBeUndefined();
    // Arrays are not indexed into.
    expect(readClaimPath(okta, "groups.0")).toBeUndefined();
    expect(readClaimPath({ a: null }, "a.b")).toBeUndefined();
    expect(readClaimPath({}, "")).toBeUndefined();
  });

  it("never reads Object.prototype members", () => {
    const claims: Claims = { groups: ["a"], nested: { roles: ["b"] } };
    for (const path of [
      "__proto__",
      "constructor",
      "toString",
      "hasOwnProperty",
      "valueOf",
      "__proto__.constructor",
      "constructor.prototype",
      "constructor.name",
      "nested.__proto__",
      "nested.constructor",
      "groups.constructor",
      "groups.length",
    ]) {
      expect(readClaimPath(claims, path), path).toBeUndefined();
    }
  });

  it("reads an own __proto__ claim of a JSON-parsed token as data, not the prototype", () => {
    const claims = JSON.parse('{"__proto__": ["x"], "sub": "u1"}') as Claims;
    expect(readClaimPath(claims, "__proto__")).toEqual(["x"]);
    expect(claimValues(claims, "__proto__")).toEqual(["x"]);
  });

  it("works on claims without a prototype", () => {
    const claims = Object.assign(Object.create(null) as Claims, { realm_access: { roles: ["r"] } });
    expect(readClaimPath(claims, "realm_access.roles")).toEqual(["r"]);
    expect(readClaimPath(claims, "constructor")).toBeUndefined();
  });
});

describe("claimValuesOf", () => {
  it("gives each value of several claims once, in order of appearance", () => {
    const claims = { roles: ["a", "b", "", "a"], groups: ["b", "c", 7, "d"], team: "x,y,,a" };
    expect(claimValuesOf(claims, ["roles", "groups"])).toEqual(["a", "b", "c", "d"]);
    expect(claimValuesOf(claims, ["team", "roles"], ",")).toEqual(["x", "y", "a", "b"]);
    expect(claimValuesOf(claims, ["team"])).toEqual(["x,y,,a"]);
    expect(claimValuesOf(claims, ["missing", "groups"])).toEqual(["b", "c", "d"]);
  });
});

describe("claimValues", () => {
  it("reads Okta groups from the groups claim filter", () => {
    expect(claimValues(okta, "groups")).toEqual(["Everyone", "acme-sts-admins"]);
  });

  it("reads a custom authorization server role claim sent as one string", () => {
    expect(claimValues(okta, "sts_role")).toEqual(["ONE_STS_ADMIN"]);
  });

  it("reads Keycloak realm roles and client roles through nested paths", () => {
    expect(claimValues(keycloak, "realm_access.roles")).toEqual([
      "offline_access",
      "uma_authorization",
      "default-roles-acme",
      "sts-admin",
    ]);
    expect(claimValues(keycloak, "resource_access.sts-console.roles")).toEqual(["ONE_STS_ADMIN", "auditor"]);
  });

  it("keeps Keycloak group paths exactly, leading slash and spaces included", () => {
    expect(claimValues(keycloak, "groups")).toEqual(["/acme/admins", "/acme", "/acme/ops team"]);
  });

  it("reads Entra app roles and GUID groups", () => {
    expect(claimValues(entra, "roles")).toEqual(["STS.Admin", "STS.Reader"]);
    expect(claimValues(entra, "groups")).toEqual([
      "2d0d2f4a-1c9e-4f6b-9a77-4f8e0c1a2b3c",
      "7b1e5a2c-8d3f-4e6a-b1c2-d3e4f5a6b7c8",
    ]);
  });

  it("gives no groups for an Entra group overage token, without reading the _claim_names pointer", () => {
    expect(claimValues(entraOverage, "groups")).toEqual([]);
    expect(claimValues(entraOverage, "roles")).toEqual(["STS.Admin"]);
    // The overage pointer is an object: nothing of it is taken as a value.
    expect(claimValues(entraOverage, "_claim_sources")).toEqual([]);
    expect(claimValues(entraOverage, "_claim_names")).toEqual([]);
  });

  it("reads Auth0 namespaced claims as exact keys", () => {
    expect(claimValues(auth0, "https://example.com/claims/roles")).toEqual(["sts-admin", "sts-viewer"]);
    expect(claimValues(auth0, "https://example.com/claims/groups")).toEqual(["acme:finance"]);
    expect(claimValues(auth0, "https://example.com/claims/missing")).toEqual([]);
  });

  it("does not use the dot path when the exact namespaced key exists, even if that key holds nothing usable", () => {
    const claims: Claims = {
      "https://example.com/claims/roles": [],
      "https://example": { "com/claims/roles": ["should-not-be-read"] },
    };
    expect(claimValues(claims, "https://example.com/claims/roles")).toEqual([]);
  });

  it("never splits a string on spaces", () => {
    expect(claimValues({ groups: "Domain Admins" }, "groups")).toEqual(["Domain Admins"]);
    expect(claimValues({ groups: "Domain Admins" }, "groups", ",")).toEqual(["Domain Admins"]);
    expect(claimValues({ groups: ["Domain Admins", "Domain Users"] }, "groups", ",")).toEqual([
      "Domain Admins",
      "Domain Users",
    ]);
  });

  it("splits a string on the configured separator, keeping the parts exactly", () => {
    expect(claimValues({ roles: "a,b" }, "roles", ",")).toEqual(["a", "b"]);
    expect(claimValues({ roles: "a;b;;c;" }, "roles", ";")).toEqual(["a", "b", "c"]);
    // No trimming: " b" is what the IdP sent.
    expect(claimValues({ roles: "a, b" }, "roles", ",")).toEqual(["a", " b"]);
    expect(claimValues({ roles: "a||b" }, "roles", "||")).toEqual(["a", "b"]);
    // Without a separator the comma is part of the value.
    expect(claimValues({ roles: "a,b" }, "roles")).toEqual(["a,b"]);
  });

  it("does not split array items on the separator", () => {
    expect(claimValues({ roles: ["a,b", "c"] }, "roles", ",")).toEqual(["a,b", "c"]);
  });

  it("drops empty strings", () => {
    expect(claimValues({ groups: "" }, "groups")).toEqual([]);
    expect(claimValues({ groups: ["", "a", ""] }, "groups")).toEqual(["a"]);
    expect(claimValues({ groups: ",,," }, "groups", ",")).toEqual([]);
  });

  it("removes duplicates, keeping first-seen order", () => {
    expect(claimValues({ groups: ["b", "a", "b", "a", "c"] }, "groups")).toEqual(["b", "a", "c"]);
    expect(claimValues({ roles: "x,y,x" }, "roles", ",")).toEqual(["x", "y"]);
  });

  it("keeps values that differ only in case or white space apart", () => {
    expect(claimValues({ groups: ["Admins", "admins", "admins ", " admins"] }, "groups")).toEqual([
      "Admins",
      "admins",
      "admins ",
      " admins",
    ]);
  });

  it("ignores non-string array items", () => {
    expect(
      claimValues({ groups: ["a", 1, null, undefined, true, { name: "b" }, ["c"], "d"] }, "groups"),
    ).toEqual(["a", "d"]);
  });

  it("gives nothing for numbers, booleans, objects or null at the path", () => {
    expect(claimValues({ groups: 42 }, "groups")).toEqual([]);
    expect(claimValues({ groups: 0 }, "groups")).toEqual([]);
    expect(claimValues({ groups: true }, "groups")).toEqual([]);
    expect(claimValues({ groups: { admins: true } }, "groups")).toEqual([]);
    expect(claimValues({ groups: null }, "groups")).toEqual([]);
    expect(claimValues({}, "groups")).toEqual([]);
    expect(claimValues(keycloak, "realm_access")).toEqual([]);
  });

  it("gives nothing for prototype member paths", () => {
    for (const path of ["__proto__", "constructor", "toString", "constructor.name", "__proto__.toString"]) {
      expect(claimValues({ groups: ["a"] }, path, ","), path).toEqual([]);
    }
  });
});

describe("mergeClaimSources", () => {
  const idToken: Claims = {
    sub: "u-1",
    name: "Ada (id token)",
    groups: ["Everyone", "acme-sts-admins"],
    roles: ["ONE_STS_ADMIN"],
    amr: ["pwd"],
  };
  const userinfo: Claims = {
    sub: "u-1",
    name: "Ada (userinfo)",
    email: "ada@acme.example",
    groups: ["acme-sts-admins", "acme-auditors"],
    department: "Finance",
  };

  it("id_token: uses the ID token claims only", () => {
    const merged = mergeClaimSources("id_token", idToken, userinfo);
    expect(merged).toEqual(idToken);
    expect(merged.email).toBeUndefined();
    expect(merged.groups).toEqual(["Everyone", "acme-sts-admins"]);
  });

  it("userinfo: uses the userinfo claims, keeping the subject", () => {
    const merged = mergeClaimSources("userinfo", idToken, userinfo);
    expect(merged).toEqual({
      sub: "u-1",
      name: "Ada (userinfo)",
      email: "ada@acme.example",
      groups: ["acme-sts-admins", "acme-auditors"],
      department: "Finance",
    });
    // Roles present only in the ID token are not carried over in this mode.
    expect(merged.roles).toBeUndefined();
  });

  it("userinfo: takes the subject from the ID token when userinfo omits it", () => {
    const { sub: _sub, ...withoutSub } = userinfo;
    expect(mergeClaimSources("userinfo", idToken, withoutSub).sub).toBe("u-1");
  });

  it("both: unions arrays, lets the ID token win scalar conflicts and adds what it lacks", () => {
    const merged = mergeClaimSources("both", idToken, userinfo);
    expect(merged).toEqual({
      sub: "u-1",
      name: "Ada (id token)",
      email: "ada@acme.example",
      department: "Finance",
      groups: ["Everyone", "acme-sts-admins", "acme-auditors"],
      roles: ["ONE_STS_ADMIN"],
      amr: ["pwd"],
    });
  });

  it("both: unions nested claim arrays only at the top level (ID token nested objects win)", () => {
    const merged = mergeClaimSources(
      "both",
      { sub: "u-1", realm_access: { roles: ["a"] } },
      { sub: "u-1", realm_access: { roles: ["b"] } },
    );
    expect(merged.realm_access).toEqual({ roles: ["a"] });
  });

  it("both: an array in one source and a string in the other keeps the ID token's value", () => {
    expect(mergeClaimSources("both", { sub: "u", groups: "g1" }, { sub: "u", groups: ["g2"] }).groups).toBe(
      "g1",
    );
    expect(
      mergeClaimSources("both", { sub: "u", groups: ["g1"] }, { sub: "u", groups: "g2" }).groups,
    ).toEqual(["g1"]);
  });

  it("both: Entra overage in the ID token with groups from userinfo yields the userinfo groups", () => {
    const merged = mergeClaimSources("both", entraOverage, { sub: entraOverage.sub, groups: ["g-guid-1"] });
    expect(claimValues(merged, "groups")).toEqual(["g-guid-1"]);
    expect(claimValues(merged, "roles")).toEqual(["STS.Admin"]);
  });

  it("falls back to the ID token when there are no userinfo claims", () => {
    expect(mergeClaimSources("both", idToken, undefined)).toEqual(idToken);
    expect(mergeClaimSources("userinfo", idToken, undefined)).toEqual(idToken);
  });

  it("does not modify its inputs", () => {
    const id = structuredClone(idToken);
    const info = structuredClone(userinfo);
    mergeClaimSources("both", id, info);
    mergeClaimSources("userinfo", id, info);
    expect(id).toEqual(idToken);
    expect(info).toEqual(userinfo);
  });
});
