// Counting the IAM roles/groups and clients the console has seen, against a real Postgres database.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient, type Db } from "@/server/db/client";
import { recordObservedSubjects } from "@/server/observed/record-observed-subjects";
import { fileDatabaseUrl } from "../helpers/database";

const RUN = randomBytes(4).toString("hex");
let db: Db;
let sequence = 0;

beforeAll(() => {
  db = createPrismaClient(fileDatabaseUrl());
});

afterAll(async () => {
  await db.$disconnect();
});

/** A subject name no other test (or run) uses. */
function unique(label: string): string {
  sequence += 1;
  return `${label}-${RUN}-${sequence}`;
}

async function rowsOf(subjects: string[], subjectType: "GROUP" | "CLIENT" = "GROUP") {
  const rows = await db.observedGroup.findMany({ where: { subjectType, subject: { in: subjects } } });
  return new Map(rows.map((row) => [row.subject, row]));
}

const t1 = new Date("2026-11-27T10:00:00.123Z");
const t2 = new Date("2026-11-27T11:30:00.456Z");
const t0 = new Date("2026-11-27T08:00:00.000Z");

describe("recordObservedSubjects", () => {
  it("creates a row with count 1 on the first sighting", async () => {
    const a = unique("acme-sts-admins");
    const b = unique("/acme/admins");
    await recordObservedSubjects(db, "GROUP", [a, b], t1);

    const rows = await rowsOf([a, b]);
    expect(rows.size).toBe(2);
    for (const subject of [a, b]) {
      expect(rows.get(subject)).toEqual({
        subjectType: "GROUP",
        subject,
        firstSeenAt: t1,
        lastSeenAt: t1,
        count: 1n,
      });
    }
  });

  it("increments the count and moves lastSeenAt on later sightings, keeping firstSeenAt", async () => {
    const a = unique("Everyone");
    const b = unique("acme-auditors");
    await recordObservedSubjects(db, "GROUP", [a], t1);
    await recordObservedSubjects(db, "GROUP", [a, b], t2);

    const rows = await rowsOf([a, b]);
    expect(rows.get(a)).toMatchObject({ firstSeenAt: t1, lastSeenAt: t2, count: 2n });
    expect(rows.get(b)).toMatchObject({ firstSeenAt: t2, lastSeenAt: t2, count: 1n });
  });

  it("never moves lastSeenAt backwards when an older sighting arrives late", async () => {
    const a = unique("late-batch");
    await recordObservedSubjects(db, "GROUP", [a], t2);
    await recordObservedSubjects(db, "GROUP", [a], t0);

    const row = (await rowsOf([a])).get(a);
    expect(row?.lastSeenAt).toEqual(t2);
    expect(row?.count).toBe(2n);
  });

  it("counts a subject repeated within one call once", async () => {
    const a = unique("dup");
    await recordObservedSubjects(db, "GROUP", [a, a, a], t1);
    expect((await rowsOf([a])).get(a)?.count).toBe(1n);
  });

  it("adds `times` sightings at once (batched flushes)", async () => {
    const a = unique("batched");
    await recordObservedSubjects(db, "GROUP", [a], t1, 5);
    await recordObservedSubjects(db, "GROUP", [a], t2, 3);
    expect((await rowsOf([a])).get(a)).toMatchObject({ count: 8n, firstSeenAt: t1, lastSeenAt: t2 });
  });

  it("does nothing for an empty list", async () => {
    const before = await db.observedGroup.count();
    await recordObservedSubjects(db, "GROUP", [], t1);
    expect(await db.observedGroup.count()).toBe(before);
  });

  it("keeps groups and clients with the same name apart", async () => {
    const name = unique("sts-reader");
    await recordObservedSubjects(db, "GROUP", [name], t1);
    await recordObservedSubjects(db, "CLIENT", [name], t1, 2);
    expect((await rowsOf([name], "GROUP")).get(name)?.count).toBe(1n);
    expect((await rowsOf([name], "CLIENT")).get(name)?.count).toBe(2n);
  });

  it("keeps subjects byte-exact: case, slashes, white space and Unicode forms are distinct", async () => {
    const base = `acme-${RUN}`;
    const nfc = `caf\u00e9-${RUN}`;
    const nfd = `cafe\u0301-${RUN}`;
    const subjects = [`/${base}`, `A${base.slice(1)}`, `${base} `, base, ` ${base}`, nfc, nfd];
    await recordObservedSubjects(db, "GROUP", subjects, t1);
    await recordObservedSubjects(db, "GROUP", [`${base} `], t2);

    const rows = await rowsOf(subjects);
    expect([...rows.keys()].sort()).toEqual([...subjects].sort());
    expect(rows.size).toBe(7);
    expect(rows.get(`${base} `)?.count).toBe(2n);
    for (const subject of subjects.filter((subject) => subject !== `${base} `)) {
      expect(rows.get(subject)?.count, JSON.stringify(subject)).toBe(1n);
    }
    // Stored exactly as sent, trailing space included.
    const raw = await db.$queryRaw<Array<{ subject: string; len: number }>>`
      SELECT "subject", length("subject")::int AS len FROM "ObservedGroup" WHERE "subject" = ${`${base} `}`;
    expect(raw).toEqual([{ subject: `${base} `, len: base.length + 1 }]);
  });

  it("gives exact counts for 10 concurrent calls with overlapping subjects", async () => {
    const common = unique("Everyone");
    const shared = [unique("shared-a"), unique("shared-b"), unique("shared-c")];
    const own = Array.from({ length: 10 }, (_, index) => unique(`own-${index}`));
    const expected = new Map<string, bigint>([[common, 0n], ...own.map((subject) => [subject, 0n] as const)]);
    for (const subject of shared) expected.set(subject, 0n);

    const calls = Array.from({ length: 10 }, (_, index) => {
      // Overlapping sets in differing orders: every call has the common group, some shared ones and its own.
      const subjects = [own[index] as string, ...shared.filter((_, s) => (index + s) % 2 === 0), common];
      if (index % 2 === 1) subjects.reverse();
      for (const subject of subjects) expected.set(subject, (expected.get(subject) ?? 0n) + 1n);
      const seenAt = new Date(t1.getTime() + index * 1000);
      return { subjects, seenAt };
    });

    await Promise.all(
      calls.map(({ subjects, seenAt }) => recordObservedSubjects(db, "GROUP", subjects, seenAt)),
    );

    const rows = await rowsOf([...expected.keys()]);
    expect(rows.size).toBe(expected.size);
    for (const [subject, count] of expected) expect(rows.get(subject)?.count, subject).toBe(count);
    expect(rows.get(common)?.count).toBe(10n);
    // The latest sighting wins, whatever order the calls committed in.
    expect(rows.get(common)?.lastSeenAt).toEqual(new Date(t1.getTime() + 9 * 1000));
    expect(rows.get(common)?.firstSeenAt.getTime()).toBeGreaterThanOrEqual(t1.getTime());
  });

  it("defaults seenAt to now", async () => {
    const a = unique("now");
    const before = Date.now();
    await recordObservedSubjects(db, "GROUP", [a]);
    const after = Date.now();
    const row = (await rowsOf([a])).get(a);
    expect(row?.count).toBe(1n);
    expect(row?.lastSeenAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(row?.lastSeenAt.getTime()).toBeLessThanOrEqual(after);
  });
});
