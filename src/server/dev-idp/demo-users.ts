/**
 * The demo identities of the development IdP (STS_DEMO=1 only). Their groups are the IAM roles that the
 * demo seed maps; the bootstrap administrator carries the bootstrap role in the role claim.
 */
export interface DemoUser {
  login: string;
  password: string;
  sub: string;
  name: string;
  givenName: string;
  familyName: string;
  email: string;
  roles: string[];
  groups: string[];
  purpose: string;
}

export const DEMO_PASSWORD = "demo";

export const demoUsers: readonly DemoUser[] = [
  {
    login: "admin",
    password: DEMO_PASSWORD,
    sub: "demo-admin",
    name: "Ada Admin",
    givenName: "Ada",
    familyName: "Admin",
    email: "ada.admin@example.com",
    roles: ["ONE_STS_ADMIN"],
    groups: ["platform-operators"],
    purpose: "bootstrap administrator (role claim ONE_STS_ADMIN)",
  },
  {
    login: "tenant-admin",
    password: DEMO_PASSWORD,
    sub: "demo-tenant-admin",
    name: "Tom Tenant",
    givenName: "Tom",
    familyName: "Tenant",
    email: "tom.tenant@example.com",
    roles: [],
    groups: ["acme-sts-admins", "Domain Users"],
    purpose: "tenant administrator (group acme-sts-admins)",
  },
  {
    login: "auditor",
    password: DEMO_PASSWORD,
    sub: "demo-auditor",
    name: "Alice Auditor",
    givenName: "Alice",
    familyName: "Auditor",
    email: "alice.auditor@example.com",
    roles: [],
    groups: ["acme-auditors", "Domain Users"],
    purpose: "auditor (group acme-auditors)",
  },
  {
    login: "visitor",
    password: DEMO_PASSWORD,
    sub: "demo-visitor",
    name: "Victor Visitor",
    givenName: "Victor",
    familyName: "Visitor",
    email: "victor.visitor@example.com",
    roles: ["employee"],
    groups: ["marketing", "Domain Users"],
    purpose: "signed-in user whose groups are mapped nowhere",
  },
  {
    login: "nogroups",
    password: DEMO_PASSWORD,
    sub: "demo-nogroups",
    name: "Nina Nogroups",
    givenName: "Nina",
    familyName: "Nogroups",
    email: "nina.nogroups@example.com",
    roles: [],
    groups: [],
    purpose: "user with no roles and no groups",
  },
];

export function findDemoUser(login: string): DemoUser | undefined {
  return demoUsers.find((user) => user.login === login);
}

export function findDemoUserBySub(sub: string): DemoUser | undefined {
  return demoUsers.find((user) => user.sub === sub);
}
