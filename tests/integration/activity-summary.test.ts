/** Activity at a glance: counts per hour and day, denials from both sources, scoping, unmapped groups. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/server/db/client";
import { getActivitySummary } from "@/server/activity/get-activity-summary";
import { recordAuditEvent, recordAuditEvents } from "@/server/audit/record-audit-event";
import { recordObservedInTenants, recordObservedSubjects } from "@/server/observed/record-observed-subjects";
import { openWorld } from "../fixtures/console-world";

let db: Db;
let acmeId: string;
let initechId: string;
const NOW = new Date();
const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000);

beforeAll(async () => {
  db = await openWorld();
  acmeId = (await db.tenant.findUniqueOrThrow({ where: { slug: "acme" } })).id;
  initechId = (await db.tenant.findUniqueOrThrow({ where: { slug: "initech" } })).id;
  await db.activityEvent.createMany({
    data: [
      ...Array.from({ length: 5 }, () => ({
        kind: "token_exchange",
        tenantId: acmeId,
        subject: "alice",
        result: "ok",
        at: hoursAgo(2),
      })),
      ...Array.from({ length: 3 }, () => ({
        kind: "token_exchange",
        tenantId: acmeId,
        subject: "mallory",
        result: "denied",
        errorCode: "invalid_target",
        at: hoursAgo(2),
      })),
      {
        kind: "token_exchange",
        tenantId: initechId,
        subject: "bob",
        result: "denied",
        errorCode: "invalid_target",
        at: hoursAgo(3),
      },
      // Outside the 24 hours, inside the 14 days.
      { kind: "token_exchange", tenantId: acmeId, subject: "alice", result: "ok", at: hoursAgo(50) },
    ],
  });
  await db.$transaction((tx) =>
    recordAuditEvents(tx, [
      {
        actor: { sub: "u-eve", name: "Eve", type: "USER" },
        tenantId: acmeId,
        action: "authz.denied",
        targetType: "request",
        after: { occurrences: 4 },
      },
      { actor: { sub: "u-ada", name: "Ada", type: "USER" }, action: "auth.sign_in", targetType: "session" },
    ]),
  );
  await db.$transaction((tx) =>
    recordAuditEvent(tx, {
      actor: { sub: "u-ada", name: "Ada", type: "USER" },
      tenantId: acmeId,
      action: "mapping.create",
      targetType: "mapping",
    }),
  );
  await recordObservedSubjects(db, "GROUP", ["acme-auditors", "never-mapped-group"]);
  await recordObservedInTenants(
    db,
    ["acme-auditors", "never-mapped-group"].map((subject) => ({
      tenantId: initechId,
      subjectType: "GROUP" as const,
      subject,
      lastSeen: new Date(NOW.getTime() - 60_000),
      count: 1,
    })),
  );
});

afterAll(async () => {
  await db.$disconnect();
});

describe("getActivitySummary", () => {
  it("counts the last 24 hours per hour for the bootstrap admin", async () => {
    const summary = await getActivitySummary(db, { tenantIds: undefined }, "24h", NOW);
    expect(summary.buckets).toHaveLength(24);
    // The demo seed's own changes count as changes too; ours add one.
    expect(summary.totals.tokenExchanges).toBe(5);
    expect(summary.totals.denials).toBe(3 + 1 + 4);
    expect(summary.totals.signIns).toBe(1);
    expect(summary.totals.changes).toBeGreaterThanOrEqual(1);
    expect(summary.topDenied[0]).toMatchObject({ subject: "u-eve", count: 4 });
    expect(summary.topDenied[1]).toMatchObject({ subject: "mallory", count: 3 });
    const twoHoursAgo = summary.buckets.find((bucket) => bucket.tokenExchanges === 5);
    expect(twoHoursAgo?.denials).toBe(3);
    expect(summary.recentlyUnmapped.map((group) => group.subject)).toEqual(["never-mapped-group"]);
  });

  it("counts per day over 14 days", async () => {
    const summary = await getActivitySummary(db, { tenantIds: undefined }, "14d", NOW);
    expect(summary.buckets).toHaveLength(14);
    expect(summary.totals.tokenExchanges).toBe(6);
  });

  it("a tenant's summary holds that tenant only, and no sign-ins", async () => {
    const acme = await getActivitySummary(db, { tenantIds: [acmeId] }, "24h", NOW);
    expect(acme.totals).toMatchObject({ tokenExchanges: 5, denials: 3 + 4, signIns: 0 });
    expect(acme.topDenied.map((denied) => denied.subject)).not.toContain("bob");
    const initech = await getActivitySummary(db, { tenantIds: [initechId] }, "24h", NOW);
    expect(initech.totals).toMatchObject({ tokenExchanges: 0, denials: 1 });
    expect(initech.topDenied).toEqual([expect.objectContaining({ subject: "bob", count: 1 })]);
    // Presented to initech and mapped in acme only: unmapped for initech.
    expect(initech.recentlyUnmapped.map((group) => group.subject)).toEqual(
      expect.arrayContaining(["acme-auditors", "never-mapped-group"]),
    );
    // Never presented to acme: not in acme's list, though seen at a sign-in and unmapped there.
    expect(acme.recentlyUnmapped.map((group) => group.subject)).not.toContain("never-mapped-group");
    const none = await getActivitySummary(db, { tenantIds: [] }, "24h", NOW);
    expect(none.totals).toEqual({ signIns: 0, tokenExchanges: 0, denials: 0, changes: 0 });
  });
});
