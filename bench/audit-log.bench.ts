/**
 * The audit log's page query at depth: 100,000 entries, then "the 50 entries after a cursor 25,000
 * entries deep" under a filter, through queryAuditPage (the function behind GET /api/console/audit
 * once the reader's scope is known). Target: p99 under 50 ms.
 *
 * Seeded with one INSERT … SELECT generate_series: 100,000 entries over 30 days, 4 tenants (half of
 * the entries in the first), 3 actions (mapping.create 60 %), 20 actors, before/after JSON, and every
 * three consecutive entries sharing one timestamp (equal timestamps are what keyset paging must get
 * right). prevHash/hash are unique but do not form a valid chain: verification is not measured here.
 */
import { createPrismaClient } from "../src/server/db/client";
import { decodeCursor, encodeCursor } from "../src/server/audit/audit-cursor";
import { queryAuditPage } from "../src/server/audit/list-audit-events";
import type { AuditFilter } from "../src/server/audit/audit-log.types";
import { formatLatency, scratchDatabase, timeSequential } from "./lib";

const ENTRIES = 100_000;
const DEPTH = 25_000;
const PAGE = 50;

export async function benchAuditLog(): Promise<void> {
  console.info("\n== Audit log ==");
  const database = await scratchDatabase();
  const db = createPrismaClient(database.url, 2);
  try {
    const seedStarted = Date.now();
    const tenants = await db.$queryRaw<{ id: string }[]>`
      INSERT INTO "Tenant" ("slug", "name") SELECT 'bench-' || n, 'Bench ' || n FROM generate_series(0, 3) n
      RETURNING "id"`;
    const tenantIds = tenants.map((tenant) => tenant.id);
    await db.$executeRaw`
      INSERT INTO "AuditEvent" ("at", "actorSub", "actorName", "actorType", "tenantId", "action", "targetType",
                                "targetId", "before", "after", "requestId", "prevHash", "hash")
      SELECT timestamptz '2026-10-01 00:00:00+00' + ((i / 3) * interval '78 milliseconds'),
             'user-' || (i % 20), 'User ' || (i % 20), 'USER',
             (${tenantIds}::uuid[])[CASE WHEN i % 2 = 0 THEN 1 ELSE 2 + (i % 3) END],
             (ARRAY['mapping.create','mapping.create','mapping.create','mapping.update','mapping.delete'])[1 + ((i / 2) % 5)],
             'mapping', 'GROUP:group-' || (i % 997),
             CASE WHEN (i / 2) % 5 >= 3 THEN jsonb_build_object('subject', 'group-' || (i % 997), 'note', '') END,
             CASE WHEN (i / 2) % 5 <> 4 THEN jsonb_build_object('subject', 'group-' || (i % 997), 'note', 'note ' || i) END,
             'req-' || i, repeat('0', 64), encode(sha256(('bench-' || i)::bytea), 'hex')
      FROM generate_series(1, ${ENTRIES}) i`;
    await db.$executeRawUnsafe(`ANALYZE "AuditEvent"`);
    console.info(
      `  seeded ${ENTRIES.toLocaleString("en")} entries in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`,
    );

    const cases: { label: string; tenantIds: string[] | undefined; filter: AuditFilter; depth?: number }[] = [
      { label: "tenant (a tenant reader's log)", tenantIds: [tenantIds[0]!], filter: {} },
      {
        label: "tenant + action mapping.create",
        tenantIds: [tenantIds[0]!],
        filter: { action: "mapping.create" },
      },
      {
        label: "whole log, action mapping.create",
        tenantIds: undefined,
        filter: { action: "mapping.create" },
      },
      { label: 'tenant + free text "note"', tenantIds: [tenantIds[0]!], filter: { q: "note" } },
      // One actor of twenty (5,000 entries), one target of 997 (about 100): as deep as they go.
      { label: "whole log, actor user-3", tenantIds: undefined, filter: { actor: "user-3" }, depth: 2_500 },
      {
        label: "tenant + actor user-4",
        tenantIds: [tenantIds[0]!],
        filter: { actor: "user-4" },
        depth: 2_500,
      },
      {
        label: "whole log, target GROUP:group-5",
        tenantIds: undefined,
        filter: { target: "GROUP:group-5" },
        depth: 50,
      },
    ];
    for (const { label, tenantIds: scope, filter, depth = DEPTH } of cases) {
      // Walk to the entry `depth` deep once with the same query, then time the page after it.
      let cursor: string | null = null;
      let walked = 0;
      while (walked < depth) {
        const page = await queryAuditPage(
          db,
          { tenantIds: scope },
          filter,
          cursor ? decodeCursor(cursor) : undefined,
          Math.min(200, depth - walked),
        );
        walked += page.entries.length;
        const last = page.entries[page.entries.length - 1];
        if (!page.nextCursor || !last) throw new Error(`${label}: fewer than ${depth} matching entries`);
        cursor = encodeCursor({ at: new Date(last.at), id: BigInt(last.id) });
      }
      const position = decodeCursor(cursor!);
      let rows = 0;
      const stats = await timeSequential(
        1_000,
        async () => {
          rows = (await queryAuditPage(db, { tenantIds: scope }, filter, position, PAGE)).entries.length;
        },
        "ms",
      );
      console.info(
        `  page of ${PAGE} after ${depth.toLocaleString("en").padStart(6)} · ${label.padEnd(34)} ${formatLatency(stats)}  (${rows} rows)`,
      );
    }
  } finally {
    await db.$disconnect();
    await database.close();
  }
}
