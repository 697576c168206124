/**
 * Reading the audit log and the machine activity: keyset paging over equal timestamps, every filter,
 * the reader's tenant scope (an auditor of acme never sees initech), CSV and JSON-lines exports, and
 * tamper evidence (a row changed by a superuser is found at exactly that row).
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/server/db/client";
import { listActivityEvents } from "@/server/activity/list-activity-events";
import { exportAuditLog } from "@/server/audit/export-audit-log";
import { listAuditEvents, queryAuditPage } from "@/server/audit/list-audit-events";
import { recordAuditEvent, recordAuditEvents } from "@/server/audit/record-audit-event";
import { verifyAuditChain } from "@/server/audit/verify-audit-chain";
import type { AuditEntry } from "@/server/audit/audit-log.types";
import { createScratchDatabase, fileDatabaseUrl } from "../helpers/database";
import { createPrismaClient } from "@/server/db/client";
import { contextOf, openWorld, outcome } from "../fixtures/console-world";

let db: Db;
let acmeId: string;
let initechId: string;
const SAME_INSTANT = "2026-03-01T12:00:00.000Z";

/** A superuser connection: the only way past the append-only trigger (as an attacker with DB access). */
async function asSuperuser<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: fileDatabaseUrl() });
  await client.connect();
  try {
    await client.query("SET session_replication_role = replica");
    return await work(client);
  } finally {
    await client.end();
  }
}

async function readAll(query: Record<string, string>, persona: "bootstrap" | "auditor" = "bootstrap") {
  const context = await contextOf(db, persona);
  const entries: AuditEntry[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await listAuditEvents(db, context, { ...query, ...(cursor ? { cursor } : {}) });
    entries.push(...page.entries);
    cursor = page.nextCursor ?? undefined;
    pages += 1;
  } while (cursor && pages < 1000);
  return { entries, pages };
}

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

beforeAll(async () => {
  db = await openWorld();
  acmeId = (await db.tenant.findUniqueOrThrow({ where: { slug: "acme" } })).id;
  initechId = (await db.tenant.findUniqueOrThrow({ where: { slug: "initech" } })).id;
  // 45 entries sharing one timestamp (as a batch writes them), across both tenants and two actions.
  await db.$transaction(async (tx) => {
    for (let index = 0; index < 45; index += 1) {
      await recordAuditEvent(tx, {
        actor: {
          sub: index % 3 === 0 ? "u-carol" : "u-dave",
          name: index % 3 === 0 ? "Carol" : "Dave",
          type: "USER",
        },
        tenantId: index % 2 === 0 ? acmeId : initechId,
        action: index % 5 === 0 ? "mapping.delete" : "mapping.create",
        targetType: "mapping",
        targetId: `same-${index}`,
        before: index % 5 === 0 ? { subject: `grp-${index}`, note: "old note" } : undefined,
        after:
          index % 5 === 0
            ? undefined
            : { subject: `grp-${index}`, note: index === 7 ? 'needle, "quoted"' : "" },
      });
    }
  });
  // Give them all the same instant, as if written in one millisecond; rehash so the chain stays valid.
  await asSuperuser(async (client) => {
    const { rows } = await client.query<{ id: string }>(
      `SELECT id FROM "AuditEvent" WHERE "targetId" LIKE 'same-%' ORDER BY id`,
    );
    for (const row of rows)
      await client.query(`UPDATE "AuditEvent" SET "at" = $1 WHERE id = $2`, [SAME_INSTANT, row.id]);
  });
  await rehashChain();
  await db.activityEvent.createMany({
    data: [
      {
        kind: "token_exchange",
        tenantId: acmeId,
        subject: "alice",
        result: "ok",
        at: new Date(SAME_INSTANT),
      },
      {
        kind: "token_exchange",
        tenantId: acmeId,
        subject: "mallory",
        result: "denied",
        errorCode: "invalid_target",
        at: new Date(SAME_INSTANT),
      },
      {
        kind: "machine_api",
        tenantId: initechId,
        clientId: "initech-sts",
        result: "ok",
        at: new Date(SAME_INSTANT),
      },
      {
        kind: "token_exchange",
        subject: "",
        result: "denied",
        errorCode: "invalid_request",
        at: new Date(SAME_INSTANT),
      },
    ],
  });
});

afterAll(async () => {
  await db.$disconnect();
});

/** After the timestamps were moved, recompute every hash in order (a valid chain to start from). */
async function rehashChain(): Promise<void> {
  const { hashAuditEvent, GENESIS_HASH } = await import("@/server/audit/record-audit-event");
  const { storedHashedFields } = await import("@/server/audit/verify-audit-chain");
  const rows = await db.auditEvent.findMany({ orderBy: { id: "asc" } });
  await asSuperuser(async (client) => {
    let prev = GENESIS_HASH;
    for (const row of rows) {
      const hash = hashAuditEvent(storedHashedFields(row), prev);
      await client.query(`UPDATE "AuditEvent" SET "prevHash" = $1, "hash" = $2 WHERE id = $3`, [
        prev,
        hash,
        row.id,
      ]);
      prev = hash;
    }
  });
  expect((await verifyAuditChain(db)).ok).toBe(true);
}

describe("keyset paging", () => {
  it("walks 45 entries with one timestamp in pages of 7 without duplicates or gaps", async () => {
    const all = await db.auditEvent.findMany({
      where: { targetId: { startsWith: "same-" } },
      select: { id: true },
    });
    expect(all).toHaveLength(45);
    const { entries, pages } = await readAll({ q: "same-", limit: "7" });
    expect(pages).toBe(7);
    const ids = entries.map((entry) => entry.id);
    expect(new Set(ids).size).toBe(45);
    expect(new Set(ids)).toEqual(new Set(all.map((row) => row.id.toString())));
    // Newest first: equal timestamps fall back to descending id.
    expect(ids).toEqual([...ids].sort((a, b) => Number(BigInt(b) - BigInt(a))));
  });

  it("pages the whole log identically in sizes 1, 13 and 200", async () => {
    const one = (await readAll({ limit: "1" })).entries.map((entry) => entry.id);
    const thirteen = (await readAll({ limit: "13" })).entries.map((entry) => entry.id);
    const big = (await readAll({ limit: "200" })).entries.map((entry) => entry.id);
    expect(one.length).toBe(await db.auditEvent.count());
    expect(thirteen).toEqual(one);
    expect(big).toEqual(one);
  });

  it("refuses a forged cursor and bad filters with a 400 naming the field", async () => {
    const boot = await contextOf(db, "bootstrap");
    const cases: [Record<string, string>, string][] = [
      [{ cursor: "not-a-cursor" }, "cursor"],
      [{ cursor: Buffer.from('{"a":"x","i":"1"}').toString("base64url") }, "cursor"],
      [{ limit: "0" }, "limit"],
      [{ limit: "abc" }, "limit"],
      [{ from: "yesterday" }, "from"],
      [{ from: "2026-03-02", to: "2026-03-01" }, "to"],
      [{ action: "DROP TABLE" }, "action"],
      [{ tenant: "Not A Slug" }, "tenant"],
    ];
    for (const [query, field] of cases) {
      const error = await listAuditEvents(db, boot, query).then(
        () => undefined,
        (caught: unknown) =>
          caught as { status: number; message: string; fieldErrors: Record<string, string[]> },
      );
      expect(error?.status, JSON.stringify(query)).toBe(400);
      expect(Object.keys(error?.fieldErrors ?? {})).toContain(field);
      expect(error?.message).toContain(field);
    }
  });
});

describe("filters", () => {
  it("filters by actor, action, target, tenant, date range and free text", async () => {
    const count = async (query: Record<string, string>) => (await readAll(query)).entries.length;
    expect(await count({ actor: "u-carol", q: "same-" })).toBe(15);
    expect(await count({ actor: "Dave", q: "same-" })).toBe(30);
    expect(await count({ action: "mapping.delete", q: "same-" })).toBe(9);
    expect(await count({ target: "same-7" })).toBe(1);
    expect(await count({ tenant: "acme", q: "same-" })).toBe(23);
    expect(await count({ tenant: "initech", q: "same-" })).toBe(22);
    expect(await count({ from: "2026-03-01", to: "2026-03-01", q: "same-" })).toBe(45);
    expect(await count({ from: "2026-03-01T12:00:00.001Z", q: "same-" })).toBe(0);
    expect(await count({ to: "2026-02-28", q: "same-" })).toBe(0);
    // Free text reaches into before/after; % and _ are literal.
    expect(await count({ q: "needle" })).toBe(1);
    expect(await count({ q: "old note" })).toBe(9);
    expect(await count({ q: "same%" })).toBe(0);
    expect(await count({ q: "grp-1_" })).toBe(0);
    // Carol (index % 3), deleted (index % 5), acme (even): indexes 0 and 30.
    expect(await count({ actor: "u-carol", action: "mapping.delete", tenant: "acme", q: "same-" })).toBe(2);
  });

  it("filters activity the same way", async () => {
    const boot = await contextOf(db, "bootstrap");
    const list = async (query: Record<string, string>) =>
      (await listActivityEvents(db, boot, query)).entries.map(
        (entry) => entry.subject || entry.clientId || entry.errorCode,
      );
    expect(await list({})).toHaveLength(4);
    expect(await list({ action: "denied" })).toEqual(expect.arrayContaining(["mallory", "invalid_request"]));
    expect(await list({ action: "denied" })).toHaveLength(2);
    expect(await list({ action: "machine_api" })).toEqual(["initech-sts"]);
    expect(await list({ actor: "alice" })).toEqual(["alice"]);
    expect(await list({ target: "invalid_target" })).toEqual(["mallory"]);
    expect(await list({ tenant: "acme" })).toHaveLength(2);
    expect(await list({ q: "mall" })).toEqual(["mallory"]);
  });
});

describe("who may read what", () => {
  it("an auditor of acme reads acme's entries only, and initech's log is a 404", async () => {
    const auditor = await contextOf(db, "auditor");
    const global = (await readAll({ q: "same-" }, "auditor")).entries;
    expect(global).toHaveLength(23);
    expect(new Set(global.map((entry) => entry.tenantSlug))).toEqual(new Set(["acme"]));
    // Entries without a tenant (sign-ins, keys, the catalog) are the bootstrap admin's.
    expect((await readAll({}, "auditor")).entries.every((entry) => entry.tenantId === acmeId)).toBe(true);
    expect(await outcome(() => listAuditEvents(db, auditor, { tenant: "initech" }))).toBe(404);
    expect(await outcome(() => listActivityEvents(db, auditor, { tenant: "initech" }))).toBe(404);
    expect(
      await outcome(() => exportAuditLog(db, auditor, "audit", { tenant: "initech", format: "csv" })),
    ).toBe(404);
    expect(await outcome(() => listAuditEvents(db, auditor, { tenant: "no-such-org" }))).toBe(404);
    const activity = await listActivityEvents(db, auditor, {});
    expect(activity.entries.map((entry) => entry.tenantSlug)).toEqual(["acme", "acme"]);
  });

  it("someone without console access reads nothing", async () => {
    const nobody = await contextOf(db, "noAccess");
    expect((await listAuditEvents(db, nobody, {})).entries).toEqual([]);
    expect(await outcome(() => listAuditEvents(db, nobody, { tenant: "acme" }))).toBe(404);
  });
});

describe("exports", () => {
  it("CSV holds exactly the filtered entries, quoted, with before/after as JSON", async () => {
    const boot = await contextOf(db, "bootstrap");
    const file = await exportAuditLog(db, boot, "audit", { format: "csv", tenant: "acme", q: "same-" });
    expect(file.contentType).toContain("text/csv");
    expect(file.filename).toMatch(/^audit-acme-\d{8}T\d{6}\.csv$/);
    const lines = (await text(file.body)).trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "id,at,actor_type,actor_sub,actor_name,tenant,action,target_type,target_id,before,after,request_id,ip,user_agent,hash",
    );
    expect(lines).toHaveLength(1 + 23);
    const expected = (await readAll({ tenant: "acme", q: "same-" })).entries;
    expect(lines.slice(1).map((line) => line.split(",")[0])).toEqual(expected.map((entry) => entry.id));
    const needle = lines.find((line) => line.includes("same-7"));
    expect(needle).toBeUndefined(); // same-7 is initech's
    const zero = lines.find((line) => line.includes(",same-0,"));
    expect(zero).toContain('"{""note"":""old note"",""subject"":""grp-0""}"');
  });

  it("JSON lines stream every entry across export batches (over 1,000 rows)", async () => {
    const boot = await contextOf(db, "bootstrap");
    await db.$transaction(
      (tx) =>
        recordAuditEvents(
          tx,
          Array.from({ length: 1_100 }, (_, index) => ({
            actor: { sub: "u-bulk", name: "Bulk", type: "SYSTEM" as const },
            tenantId: initechId,
            action: "bulk.probe",
            targetType: "probe",
            targetId: `bulk-${index}`,
          })),
        ),
      { timeout: 60_000 },
    );
    const file = await exportAuditLog(db, boot, "audit", { format: "jsonl", action: "bulk.probe" });
    const lines = (await text(file.body))
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as AuditEntry);
    expect(lines).toHaveLength(1_100);
    expect(new Set(lines.map((line) => line.targetId)).size).toBe(1_100);
    expect(lines[0]).toMatchObject({ action: "bulk.probe", tenantSlug: "initech", actor: { sub: "u-bulk" } });
  });

  it("the activity export is filtered and scoped too", async () => {
    const auditor = await contextOf(db, "auditor");
    const file = await exportAuditLog(db, auditor, "activity", { format: "csv" });
    const lines = (await text(file.body)).trimEnd().split("\r\n");
    expect(lines[0]).toBe("id,at,kind,tenant,subject,client_id,result,error_code");
    expect(lines.slice(1).every((line) => line.includes(",acme,"))).toBe(true);
    expect(lines).toHaveLength(3);
  });

  it("a cell a spreadsheet would evaluate is defused", async () => {
    const { csvCell } = await import("@/server/audit/export-audit-log");
    expect(csvCell("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvCell("@x,y")).toBe('"\'@x,y"');
    expect(csvCell("plain")).toBe("plain");
  });
});

describe("tamper evidence", () => {
  async function tamper(sql: string, id: bigint): Promise<void> {
    await asSuperuser((client) => client.query(sql, [id.toString()]));
  }

  it("the app's own connection cannot change or remove an entry", async () => {
    const first = await db.auditEvent.findFirstOrThrow({ orderBy: { id: "asc" } });
    await expect(
      db.$executeRaw`UPDATE "AuditEvent" SET "action" = 'x' WHERE id = ${first.id}`,
    ).rejects.toThrow(/append-only/);
    await expect(db.$executeRaw`DELETE FROM "AuditEvent" WHERE id = ${first.id}`).rejects.toThrow(
      /append-only/,
    );
  });

  it("finds a change to any column of any entry at exactly that entry", async () => {
    const verified = await verifyAuditChain(db);
    expect(verified).toMatchObject({ ok: true, count: await db.auditEvent.count() });
    const rows = await db.auditEvent.findMany({ orderBy: { id: "asc" }, select: { id: true } });
    // The first, some in the middle and the last entry, each with a different kind of change.
    const picks = [
      0,
      1,
      Math.floor(rows.length / 3),
      Math.floor(rows.length / 2),
      rows.length - 2,
      rows.length - 1,
    ];
    const changes = [
      `UPDATE "AuditEvent" SET "action" = 'mapping.forged' WHERE id = $1`,
      `UPDATE "AuditEvent" SET "after" = '{"subject":"x"}'::jsonb WHERE id = $1`,
      `UPDATE "AuditEvent" SET "at" = "at" + interval '1 millisecond' WHERE id = $1`,
      `UPDATE "AuditEvent" SET "actorName" = 'Mallory' WHERE id = $1`,
      `UPDATE "AuditEvent" SET "tenantId" = NULL WHERE id = $1`,
      `UPDATE "AuditEvent" SET "before" = '{"a":1}'::jsonb WHERE id = $1`,
    ];
    for (const [index, pick] of picks.entries()) {
      const id = rows[pick]!.id;
      const original = await db.auditEvent.findUniqueOrThrow({ where: { id } });
      await tamper(changes[index]!, id);
      const result = await verifyAuditChain(db);
      expect(result, `${changes[index]} at ${id}`).toMatchObject({
        ok: false,
        brokenId: id.toString(),
        reason: "hash_mismatch",
        count: pick,
      });
      // Put it back as it was: the chain verifies again.
      await asSuperuser((client) =>
        client.query(
          `UPDATE "AuditEvent" SET "action" = $2, "after" = $3::jsonb, "before" = $4::jsonb, "at" = $5, "actorName" = $6, "tenantId" = $7 WHERE id = $1`,
          [
            id.toString(),
            original.action,
            original.after === null ? null : JSON.stringify(original.after),
            original.before === null ? null : JSON.stringify(original.before),
            original.at,
            original.actorName,
            original.tenantId,
          ],
        ),
      );
      expect((await verifyAuditChain(db)).ok).toBe(true);
    }
  });

  it("a deleted entry breaks the link of the entry after it; a re-hashed one too", async () => {
    const rows = await db.auditEvent.findMany({ orderBy: { id: "asc" }, select: { id: true } });
    const victim = rows[10]!.id;
    const next = rows[11]!.id;
    const original = await db.auditEvent.findUniqueOrThrow({ where: { id: victim } });
    // Re-hashing the changed row itself moves the break to its successor's link.
    const { hashAuditEvent } = await import("@/server/audit/record-audit-event");
    const { storedHashedFields } = await import("@/server/audit/verify-audit-chain");
    const forgedHash = hashAuditEvent(
      storedHashedFields({ ...original, actorName: "Mallory" }),
      original.prevHash,
    );
    await asSuperuser((client) =>
      client.query(`UPDATE "AuditEvent" SET "actorName" = 'Mallory', "hash" = $2 WHERE id = $1`, [
        victim.toString(),
        forgedHash,
      ]),
    );
    expect(await verifyAuditChain(db)).toMatchObject({
      ok: false,
      brokenId: next.toString(),
      reason: "broken_link",
    });
    await tamper(`DELETE FROM "AuditEvent" WHERE id = $1`, victim);
    expect(await verifyAuditChain(db)).toMatchObject({
      ok: false,
      brokenId: next.toString(),
      reason: "broken_link",
      count: 10,
    });
    // The page query still reads around the hole.
    const page = await queryAuditPage(db, { tenantIds: undefined }, {}, undefined, 5);
    expect(page.entries).toHaveLength(5);
  });

  it("npm run audit:verify exits 0 on an intact chain and 1 naming the first broken entry", async () => {
    const root = path.join(import.meta.dirname, "../..");
    const run = (databaseUrl: string) =>
      promisify(execFile)(
        process.execPath,
        [path.join(root, "node_modules/tsx/dist/cli.mjs"), "scripts/audit-verify.ts"],
        {
          cwd: root,
          env: { ...process.env, DATABASE_URL: databaseUrl },
        },
      ).then(
        ({ stdout }) => ({ code: 0, output: stdout }),
        (error: { code: number; stdout: string; stderr: string }) => ({
          code: error.code,
          output: error.stdout + error.stderr,
        }),
      );
    const intact = await createScratchDatabase({ migrated: true });
    const other = createPrismaClient(intact.url, 1);
    for (let index = 0; index < 3; index += 1)
      await other.$transaction((tx) =>
        recordAuditEvent(tx, {
          actor: { sub: "u", name: "U", type: "USER" },
          action: "cli.probe",
          targetType: "probe",
        }),
      );
    await other.$disconnect();
    const ok = await run(intact.url);
    expect(ok).toEqual({ code: 0, output: "OK: 3 audit entries verified (last id 3).\n" });
    await intact.drop();
    // This file's log lost its 11th entry in the previous test.
    const broken = await run(fileDatabaseUrl());
    expect(broken.code).toBe(1);
    const rows = await db.auditEvent.findMany({ orderBy: { id: "asc" }, select: { id: true } });
    expect(broken.output).toContain(`BROKEN at entry ${rows[10]!.id} (broken_link)`);
    expect((await run("postgres://postgres@127.0.0.1:1/nowhere")).code).toBe(2);
  }, 90_000);
});
