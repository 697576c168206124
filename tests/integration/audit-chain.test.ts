// The hash-chained audit log against a real Postgres database: chaining, verification from the stored
// rows, rollback, concurrent writers and the append-only trigger.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient, type Db } from "@/server/db/client";
import {
  GENESIS_HASH,
  hashAuditEvent,
  recordAuditEvent,
  type AuditEventInput,
} from "@/server/audit/record-audit-event";
import { storedHashedFields } from "@/server/audit/verify-audit-chain";
import { fileDatabaseUrl } from "../helpers/database";

const RUN = randomBytes(4).toString("hex");
let db: Db;

beforeAll(() => {
  db = createPrismaClient(fileDatabaseUrl());
});

afterAll(async () => {
  await db.$disconnect();
});

type AuditRow = Awaited<ReturnType<Db["auditEvent"]["findMany"]>>[number];

/** The chain as it stands: the last row's hash, or GENESIS_HASH on an empty table, and the last id. */
async function chainHead(): Promise<{ hash: string; id: bigint }> {
  const last = await db.auditEvent.findFirst({ orderBy: { id: "desc" }, select: { id: true, hash: true } });
  return { hash: last?.hash ?? GENESIS_HASH, id: last?.id ?? 0n };
}

async function rowsAfter(id: bigint): Promise<AuditRow[]> {
  return db.auditEvent.findMany({ where: { id: { gt: id } }, orderBy: { id: "asc" } });
}

/** Checks every link and every hash of the given rows, starting from `prevHash`; returns the problems. */
function verifyChain(rows: AuditRow[], prevHash: string): string[] {
  const problems: string[] = [];
  let expectedPrev = prevHash;
  for (const row of rows) {
    if (row.prevHash !== expectedPrev)
      problems.push(`row ${row.id}: prevHash does not link to the row before`);
    if (hashAuditEvent(storedHashedFields(row), row.prevHash) !== row.hash)
      problems.push(`row ${row.id}: hash mismatch`);
    expectedPrev = row.hash;
  }
  return problems;
}

function event(action: string, extra: Partial<AuditEventInput> = {}): AuditEventInput {
  return {
    actor: { sub: `user-${RUN}`, name: "Ada Lovelace", type: "USER" },
    action,
    targetType: "mapping",
    ...extra,
  };
}

describe("recordAuditEvent", () => {
  it("chains three events and the stored rows reproduce their hashes", async () => {
    const head = await chainHead();
    const tenantId = "3f2c8a1e-9b7d-4c6e-8f1a-2b3c4d5e6f70";
    const inputs: AuditEventInput[] = [
      event("mapping.create", {
        tenantId,
        targetId: `m-${RUN}-1`,
        // Keys in non-sorted order, nested arrays, a Date, a BigInt and an undefined member.
        after: {
          subject: "/acme/admins",
          roleKey: "TENANT_ADMIN",
          expiresAt: new Date("2027-01-01T00:00:00.000Z"),
          revision: 12345678901234567890n,
          note: undefined,
          grants: [{ z: 1, a: [2, 1] }, "x", null],
          ratio: 0.1,
        },
        request: {
          requestId: `req-${RUN}-0001`,
          ip: "203.0.113.7",
          userAgent: "Mozilla/5.0 (X11; Linux x86_64)",
        },
      }),
      event("mapping.update", {
        tenantId,
        targetId: `m-${RUN}-1`,
        before: { subject: "/acme/admins", note: "" },
        after: { note: 'Grüße 😀 "quoted"', subject: "/acme/admins" },
        request: { requestId: `req-${RUN}-0002`, ip: "2001:db8::1", userAgent: "u".repeat(600) },
      }),
      event("auth.sign_in", {
        actor: { sub: `client-${RUN}`, name: "", type: "CLIENT" },
        targetType: "session",
        // No tenant, no target, no before/after, no request context.
      }),
    ];

    const results = [];
    for (const input of inputs) results.push(await db.$transaction((tx) => recordAuditEvent(tx, input)));

    const rows = await rowsAfter(head.id);
    expect(rows).toHaveLength(3);
    expect(rows.map((row) => row.id)).toEqual(results.map((result) => result.id));
    expect(rows.map((row) => row.hash)).toEqual(results.map((result) => result.hash));

    expect(rows[0]?.prevHash).toBe(head.hash);
    expect(rows[1]?.prevHash).toBe(rows[0]?.hash);
    expect(rows[2]?.prevHash).toBe(rows[1]?.hash);
    for (const row of rows) expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(rows.map((row) => row.hash)).size).toBe(3);

    // A verifier rebuilds every hash from what is stored.
    for (const row of rows) expect(hashAuditEvent(storedHashedFields(row), row.prevHash)).toBe(row.hash);
    expect(verifyChain(rows, head.hash)).toEqual([]);

    // What was stored is the JSON-safe form of the input.
    const [first, second, third] = rows as [AuditRow, AuditRow, AuditRow];
    expect(first).toMatchObject({
      actorSub: `user-${RUN}`,
      actorName: "Ada Lovelace",
      actorType: "USER",
      tenantId,
      action: "mapping.create",
      targetType: "mapping",
      targetId: `m-${RUN}-1`,
      before: null,
      requestId: `req-${RUN}-0001`,
      ip: "203.0.113.7",
    });
    expect(first.after).toEqual({
      subject: "/acme/admins",
      roleKey: "TENANT_ADMIN",
      expiresAt: "2027-01-01T00:00:00.000Z",
      revision: "12345678901234567890",
      grants: [{ z: 1, a: [2, 1] }, "x", null],
      ratio: 0.1,
    });
    expect(second.userAgent).toBe("u".repeat(500));
    expect(second.after).toEqual({ note: 'Grüße 😀 "quoted"', subject: "/acme/admins" });
    expect(third).toMatchObject({
      actorType: "CLIENT",
      actorName: "",
      tenantId: null,
      targetId: "",
      before: null,
      after: null,
      requestId: "",
      ip: "",
      userAgent: "",
    });
  });

  it("detects a tampered field when recomputing the hash", async () => {
    const head = await chainHead();
    await db.$transaction((tx) =>
      recordAuditEvent(tx, event("role.update", { after: { permissions: ["A", "B"] } })),
    );
    const [row] = await rowsAfter(head.id);
    expect(row).toBeDefined();
    const stored = row as AuditRow;
    expect(hashAuditEvent(storedHashedFields(stored), stored.prevHash)).toBe(stored.hash);
    const tampered = { ...storedHashedFields(stored), after: { permissions: ["A", "B", "C"] } };
    expect(hashAuditEvent(tampered, stored.prevHash)).not.toBe(stored.hash);
    // Relinking the row to another predecessor breaks it too.
    expect(stored.prevHash).not.toBe("f".repeat(64));
    expect(hashAuditEvent(storedHashedFields(stored), "f".repeat(64))).not.toBe(stored.hash);
  });

  it("leaves no row when the transaction rolls back, together with the change it records, and the chain stays intact", async () => {
    const head = await chainHead();
    const countBefore = await db.auditEvent.count();
    const slug = `rollback-${RUN}`;

    await expect(
      db.$transaction(async (tx) => {
        await tx.tenant.create({ data: { slug, name: "Rolled back" } });
        await recordAuditEvent(tx, event("tenant.create", { targetType: "tenant", targetId: slug }));
        throw new Error("change failed after auditing");
      }),
    ).rejects.toThrow("change failed after auditing");

    expect(await db.auditEvent.count()).toBe(countBefore);
    expect(await db.tenant.findUnique({ where: { slug } })).toBeNull();
    expect(await db.auditEvent.findFirst({ where: { targetId: slug } })).toBeNull();
    expect((await chainHead()).hash).toBe(head.hash);

    // The next event links to the last committed one, not to the rolled-back one.
    await db.$transaction((tx) =>
      recordAuditEvent(tx, event("tenant.create", { targetType: "tenant", targetId: `${slug}-2` })),
    );
    const rows = await rowsAfter(head.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.prevHash).toBe(head.hash);
    expect(verifyChain(rows, head.hash)).toEqual([]);
  });

  it("keeps one unbroken chain under 20 concurrent writers", async () => {
    const head = await chainHead();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        db.$transaction(
          (tx) =>
            recordAuditEvent(
              tx,
              event("mapping.create", { targetId: `concurrent-${RUN}-${index}`, after: { index } }),
            ),
          // Twenty transactions queue for ten pooled connections and one chain lock.
          { maxWait: 15_000, timeout: 15_000 },
        ),
      ),
    );

    const rows = await rowsAfter(head.id);
    expect(rows).toHaveLength(20);
    expect(new Set(rows.map((row) => row.targetId))).toEqual(
      new Set(Array.from({ length: 20 }, (_, index) => `concurrent-${RUN}-${index}`)),
    );
    expect(new Set(results.map((result) => result.hash))).toEqual(new Set(rows.map((row) => row.hash)));
    // No fork: every prevHash is used once, and each row links to the row before it.
    expect(new Set(rows.map((row) => row.prevHash)).size).toBe(20);
    expect(rows[0]?.prevHash).toBe(head.hash);
    expect(verifyChain(rows, head.hash)).toEqual([]);

    const forks = await db.$queryRaw<Array<{ prevHash: string; n: bigint }>>`
      SELECT "prevHash", count(*) AS n FROM "AuditEvent" GROUP BY "prevHash" HAVING count(*) > 1`;
    expect(forks).toEqual([]);
  });

  it("the whole table verifies from the genesis hash", async () => {
    await db.$transaction((tx) => recordAuditEvent(tx, event("chain.check", { after: { run: RUN } })));
    // This file's database starts empty, so the first row links to the genesis hash.
    const rows = await db.auditEvent.findMany({ orderBy: { id: "asc" } });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0]?.prevHash).toBe(GENESIS_HASH);
    expect(verifyChain(rows, GENESIS_HASH)).toEqual([]);
  });
});

describe("the AuditEvent table is append-only", () => {
  async function someRow(): Promise<AuditRow> {
    await db.$transaction((tx) =>
      recordAuditEvent(tx, event("append-only.probe", { targetId: `probe-${RUN}` })),
    );
    const row = await db.auditEvent.findFirst({
      where: { targetId: `probe-${RUN}` },
      orderBy: { id: "desc" },
    });
    if (!row) throw new Error("probe row missing");
    return row;
  }

  it("refuses UPDATE through raw SQL", async () => {
    const row = await someRow();
    await expect(
      db.$executeRaw`UPDATE "AuditEvent" SET "actorName" = 'Mallory' WHERE "id" = ${row.id}`,
    ).rejects.toThrow(/append-only: UPDATE refused/);
    await expect(db.$executeRawUnsafe(`UPDATE "AuditEvent" SET "hash" = "prevHash"`)).rejects.toThrow(
      /append-only/,
    );
    expect(await db.auditEvent.findUnique({ where: { id: row.id } })).toEqual(row);
  });

  it("refuses DELETE through raw SQL", async () => {
    const row = await someRow();
    const count = await db.auditEvent.count();
    await expect(db.$executeRaw`DELETE FROM "AuditEvent" WHERE "id" = ${row.id}`).rejects.toThrow(
      /append-only: DELETE refused/,
    );
    await expect(db.$executeRawUnsafe(`DELETE FROM "AuditEvent"`)).rejects.toThrow(/append-only/);
    expect(await db.auditEvent.count()).toBe(count);
    expect(await db.auditEvent.findUnique({ where: { id: row.id } })).toEqual(row);
  });

  it("refuses TRUNCATE and updates through the Prisma client", async () => {
    const row = await someRow();
    const count = await db.auditEvent.count();
    await expect(db.$executeRawUnsafe(`TRUNCATE "AuditEvent"`)).rejects.toThrow(
      /append-only: TRUNCATE refused/,
    );
    await expect(db.auditEvent.update({ where: { id: row.id }, data: { action: "forged" } })).rejects.toThrow(
      /append-only/,
    );
    await expect(db.auditEvent.deleteMany({ where: { id: row.id } })).rejects.toThrow(/append-only/);
    expect(await db.auditEvent.count()).toBe(count);
    expect(await db.auditEvent.findUnique({ where: { id: row.id } })).toEqual(row);
  });
});
