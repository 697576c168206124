/**
 * The one audit writer. Called inside the transaction of the change it records, so the change and its
 * record commit or roll back together. Each event is chained to the previous one by sha256.
 */
import { createHash } from "node:crypto";
import type { Prisma } from "../../generated/prisma/client";
import { canonicalJson } from "./canonical-json";

export type AuditTransaction = Prisma.TransactionClient;

export interface AuditActor {
  sub: string;
  name: string;
  type: "USER" | "CLIENT" | "SYSTEM";
}

export interface AuditRequestContext {
  requestId: string;
  ip: string;
  userAgent: string;
}

export interface AuditEventInput {
  actor: AuditActor;
  tenantId?: string | null;
  action: string;
  targetType: string;
  targetId?: string;
  before?: unknown;
  after?: unknown;
  request?: AuditRequestContext;
}

export const GENESIS_HASH = "0".repeat(64);
/** Serialises writers of the chain; any fixed 64-bit number unique to this purpose. */
const AUDIT_CHAIN_LOCK = 7_345_001_001n;

export interface HashedFields {
  at: string;
  actorSub: string;
  actorName: string;
  actorType: string;
  tenantId: string | null;
  action: string;
  targetType: string;
  targetId: string;
  before: unknown;
  after: unknown;
  requestId: string;
  ip: string;
  userAgent: string;
}

export function hashAuditEvent(fields: HashedFields, prevHash: string): string {
  return createHash("sha256").update(prevHash).update("\n").update(canonicalJson(fields)).digest("hex");
}

/** JSON-safe copy (Dates as ISO strings, BigInts as strings) so what is hashed is what jsonb stores. */
export function toAuditJson(value: unknown): unknown {
  if (value === undefined) return null;
  return JSON.parse(
    JSON.stringify(value, (_key, item: unknown) => (typeof item === "bigint" ? item.toString() : item)),
  ) as unknown;
}

function hashedFieldsOf(input: AuditEventInput, at: Date): HashedFields {
  return {
    at: at.toISOString(),
    actorSub: input.actor.sub,
    actorName: input.actor.name,
    actorType: input.actor.type,
    tenantId: input.tenantId ?? null,
    action: input.action,
    targetType: input.targetType,
    targetId: input.targetId ?? "",
    before: toAuditJson(input.before),
    after: toAuditJson(input.after),
    requestId: input.request?.requestId ?? "",
    ip: input.request?.ip ?? "",
    userAgent: (input.request?.userAgent ?? "").slice(0, 500),
  };
}

function rowOf(fields: HashedFields, at: Date, prevHash: string, hash: string) {
  return {
    ...fields,
    at,
    actorType: fields.actorType as AuditActor["type"],
    before: fields.before === null ? undefined : (fields.before as Prisma.InputJsonValue),
    after: fields.after === null ? undefined : (fields.after as Prisma.InputJsonValue),
    prevHash,
    hash,
  };
}

async function lockChainHead(tx: AuditTransaction): Promise<string> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`;
  const last = await tx.auditEvent.findFirst({ orderBy: { id: "desc" }, select: { hash: true } });
  return last?.hash ?? GENESIS_HASH;
}

export async function recordAuditEvent(
  tx: AuditTransaction,
  input: AuditEventInput,
): Promise<{ id: bigint; hash: string }> {
  const prevHash = await lockChainHead(tx);
  const at = new Date();
  const fields = hashedFieldsOf(input, at);
  const hash = hashAuditEvent(fields, prevHash);
  const created = await tx.auditEvent.create({
    data: rowOf(fields, at, prevHash, hash),
    select: { id: true },
  });
  return { id: created.id, hash };
}

/**
 * Several events under one chain lock and one insert, in the given order (the security-event queue
 * writes its batches this way). Ids are assigned in array order, so the chain follows the ids.
 */
export async function recordAuditEvents(
  tx: AuditTransaction,
  inputs: readonly AuditEventInput[],
): Promise<void> {
  if (inputs.length === 0) return;
  let prevHash = await lockChainHead(tx);
  const at = new Date();
  const rows = inputs.map((input) => {
    const fields = hashedFieldsOf(input, at);
    const hash = hashAuditEvent(fields, prevHash);
    const row = rowOf(fields, at, prevHash, hash);
    prevHash = hash;
    return row;
  });
  // One multi-row INSERT: PostgreSQL evaluates the id default row by row in VALUES order, so ids
  // follow chain order (verify-audit-chain.ts walks by id and would report any disorder).
  await tx.auditEvent.createMany({ data: rows });
}
