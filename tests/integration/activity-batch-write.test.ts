// Batched machine activity and the array literals it is written with, against a real Postgres.
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActivityBatcher } from "@/server/activity/activity-batcher";
import { createPrismaClient, sqlPool, type Db } from "@/server/db/client";
import { numberArrayLiteral, textArrayLiteral } from "@/server/db/pg-array";
import { fileDatabaseUrl } from "../helpers/database";

let db: Db;

beforeAll(() => {
  db = createPrismaClient(fileDatabaseUrl());
});

afterAll(async () => {
  await db.$disconnect();
});

const AWKWARD = [
  "",
  "NULL",
  "null",
  'say "hi"',
  "back\\slash",
  "\\",
  '"',
  "{braces}",
  "a,b",
  " leading and trailing ",
  "tab\there",
  "line\nbreak",
  "ünïcödé – 組織",
  "emoji 🛂",
  "/acme/admins",
  "x".repeat(300),
];

describe("array literals", () => {
  it("round-trip every awkward text value, repeated runs and NULLs exactly through ::text[]", async () => {
    const values = [...AWKWARD, null, ...AWKWARD, "same", "same", "same", null, null, "same"];
    const { rows } = await sqlPool(db).query<{ value: string | null }>("SELECT unnest($1::text[]) AS value", [
      textArrayLiteral(values),
    ]);
    expect(rows.map((row) => row.value)).toEqual(values);
  });

  it("round-trips numbers, including epoch milliseconds as timestamps", async () => {
    const times = [Date.UTC(2026, 10, 27, 8, 0, 0, 123), Date.UTC(2026, 10, 27, 8, 0, 0, 999), 0];
    const { rows } = await sqlPool(db).query<{ at: Date }>(
      "SELECT to_timestamp(ms / 1000.0)::timestamptz(3) AS at FROM unnest($1::float8[]) AS x(ms)",
      [numberArrayLiteral(times)],
    );
    expect(rows.map((row) => row.at.getTime())).toEqual(times);
  });

  it("refuses what PostgreSQL cannot store instead of writing something else", () => {
    expect(() => textArrayLiteral(["a\u0000b"])).toThrow(/NUL/);
    expect(() => numberArrayLiteral([Number.NaN])).toThrow(/finite/);
  });

  it("gives empty arrays for empty lists", async () => {
    const { rows } = await sqlPool(db).query<{ n: number }>(
      "SELECT cardinality($1::text[]) + cardinality($2::float8[]) AS n",
      [textArrayLiteral([]), numberArrayLiteral([])],
    );
    expect(rows[0]?.n).toBe(0);
  });
});

describe("ActivityBatcher", () => {
  it("writes every recorded event with its fields and time, cut to the column sizes", async () => {
    const batcher = new ActivityBatcher(db, 60_000);
    const tenantId = randomUUID();
    const marker = randomBytes(6).toString("hex");
    const before = Date.now();
    batcher.record({
      kind: "token_exchange",
      tenantId,
      subject: `${marker} "quoted" \\ {x}`,
      result: "ok",
      jtiHash: "a".repeat(64),
    });
    batcher.record({
      kind: "machine_api",
      tenantId: null,
      clientId: `${marker}-client`,
      result: "denied",
      errorCode: "resolve_403",
    });
    batcher.record({
      kind: "machine_api",
      tenantId,
      subject: `${marker}${"y".repeat(400)}`,
      result: "error",
      errorCode: "e".repeat(150),
    });
    batcher.record({ kind: "machine_api", tenantId, subject: `${marker} nul\u0000byte`, result: "ok" });
    await batcher.flush();
    const rows = await db.activityEvent.findMany({
      where: { OR: [{ subject: { startsWith: marker } }, { clientId: `${marker}-client` }] },
      orderBy: { id: "asc" },
    });
    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatchObject({
      kind: "token_exchange",
      tenantId,
      subject: `${marker} "quoted" \\ {x}`,
      result: "ok",
      jtiHash: "a".repeat(64),
      clientId: "",
      errorCode: "",
    });
    expect(rows[1]).toMatchObject({
      kind: "machine_api",
      tenantId: null,
      clientId: `${marker}-client`,
      result: "denied",
      errorCode: "resolve_403",
      subject: "",
    });
    expect(rows[2]?.subject).toHaveLength(255);
    expect(rows[2]?.errorCode).toHaveLength(100);
    expect(rows[3]?.subject).toBe(`${marker} nul\uFFFDbyte`);
    for (const row of rows) {
      expect(row.at.getTime()).toBeGreaterThanOrEqual(before);
      expect(row.at.getTime()).toBeLessThanOrEqual(Date.now());
    }
  });

  it("writes a batch of 5,000 events in one flush", async () => {
    const batcher = new ActivityBatcher(db, 60_000, 10_000, 10_000);
    const marker = randomBytes(6).toString("hex");
    for (let index = 0; index < 5_000; index += 1) {
      batcher.record({ kind: "machine_api", subject: `${marker}-${index % 7}`, result: "ok" });
    }
    await batcher.flush();
    const count = await db.activityEvent.count({ where: { subject: { startsWith: marker } } });
    expect(count).toBe(5_000);
  });

  it("starts writing by itself once a batch is full, one write at a time", async () => {
    const batcher = new ActivityBatcher(db, 60_000, 10_000, 1_000);
    const marker = randomBytes(6).toString("hex");
    const count = () => db.activityEvent.count({ where: { subject: { startsWith: marker } } });
    for (let index = 0; index < 2_500; index += 1) {
      batcher.record({ kind: "machine_api", subject: `${marker}-${index}`, result: "ok" });
    }
    // The thousandth started a write without waiting for the timer; it took all that had gathered.
    const deadline = Date.now() + 5_000;
    while ((await count()) < 2_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await count()).toBe(2_500);
    // Below the batch size nothing is written before the timer (a minute here) or a flush.
    for (let index = 0; index < 10; index += 1) {
      batcher.record({ kind: "machine_api", subject: `${marker}-late-${index}`, result: "ok" });
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await count()).toBe(2_500);
    await batcher.flush();
    expect(await count()).toBe(2_510);
  });

  it("records presented names per organisation as well as globally, and skips an organisation that is gone", async () => {
    const batcher = new ActivityBatcher(db, 60_000);
    const marker = randomBytes(6).toString("hex");
    const acme = await db.tenant.create({ data: { slug: `a-${marker}`, name: "A" } });
    const initech = await db.tenant.create({ data: { slug: `i-${marker}`, name: "I" } });
    const shared = `${marker}-shared`;
    const acmeOnly = `${marker}-acme-only`;
    batcher.observe("GROUP", [shared, acmeOnly], acme.id);
    batcher.observe("GROUP", [shared, acmeOnly], acme.id);
    batcher.observe("GROUP", [shared], initech.id);
    batcher.observe("GROUP", [shared], null);
    batcher.observe("GROUP", [shared], randomUUID());
    await batcher.flush();
    const global = await db.observedGroup.findUniqueOrThrow({
      where: { subjectType_subject: { subjectType: "GROUP", subject: shared } },
    });
    expect(global.count).toBe(5n);
    const perTenant = await db.observedSubjectInTenant.findMany({
      where: { subject: { startsWith: marker } },
      orderBy: [{ subject: "asc" }, { tenantId: "asc" }],
    });
    expect(perTenant.map((row) => [row.tenantId, row.subject, row.count])).toEqual(
      [
        [acme.id, acmeOnly, 2n],
        [acme.id, shared, 2n],
        [initech.id, shared, 1n],
      ].sort((a, b) => `${a[1]}${a[0]}`.localeCompare(`${b[1]}${b[0]}`)),
    );
  });
});
