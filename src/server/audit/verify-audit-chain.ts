/**
 * Tamper evidence: rebuilds every hash of the audit chain from the stored rows, in id order, and
 * reports the first row whose content or link does not match. Used by the console ("Verify integrity")
 * and by `npm run audit:verify`.
 */
import type { Db } from "../db/client";
import { GENESIS_HASH, hashAuditEvent, type HashedFields } from "./record-audit-event";

export type ChainVerification =
  | { ok: true; count: number; lastId: string | null }
  | {
      ok: false;
      /** Rows checked before the broken one. */
      count: number;
      brokenId: string;
      reason: "hash_mismatch" | "broken_link";
      message: string;
    };

const BATCH = 2_000;

/** A stored row: the hashed fields (with `at` as the database returns it) plus its place in the chain. */
export type StoredAuditRow = Omit<HashedFields, "at"> & {
  id: bigint;
  at: Date;
  prevHash: string;
  hash: string;
};

/** What the writer hashed, rebuilt from what is stored. */
export function storedHashedFields(row: StoredAuditRow): HashedFields {
  return {
    at: row.at.toISOString(),
    actorSub: row.actorSub,
    actorName: row.actorName,
    actorType: row.actorType,
    tenantId: row.tenantId,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    before: row.before ?? null,
    after: row.after ?? null,
    requestId: row.requestId,
    ip: row.ip,
    userAgent: row.userAgent,
  };
}

export async function verifyAuditChain(
  db: Db,
  onProgress?: (checked: number) => void,
): Promise<ChainVerification> {
  let expectedPrev = GENESIS_HASH;
  let afterId = 0n;
  let count = 0;
  let lastId: string | null = null;
  for (;;) {
    const rows: StoredAuditRow[] = await db.auditEvent.findMany({
      where: { id: { gt: afterId } },
      orderBy: { id: "asc" },
      take: BATCH,
    });
    for (const row of rows) {
      const id = row.id.toString();
      if (row.prevHash !== expectedPrev) {
        return {
          ok: false,
          count,
          brokenId: id,
          reason: "broken_link",
          message: `Entry ${id} does not link to the entry before it: an entry was removed, inserted or re-hashed.`,
        };
      }
      if (hashAuditEvent(storedHashedFields(row), row.prevHash) !== row.hash) {
        return {
          ok: false,
          count,
          brokenId: id,
          reason: "hash_mismatch",
          message: `Entry ${id} was changed after it was written: its content no longer matches its hash.`,
        };
      }
      expectedPrev = row.hash;
      count += 1;
      lastId = id;
    }
    onProgress?.(count);
    if (rows.length < BATCH) return { ok: true, count, lastId };
    afterId = rows[rows.length - 1]!.id;
  }
}
