/**
 * Security events (failed sign-ins, refused console requests, token-exchange denials) go into the same
 * hash chain as administrative changes, but never on the request path: a flood of bad tokens must not
 * turn every refused request into a serialised write under the chain lock (a DoS amplifier). Events
 * are gathered in memory, identical ones within a flush window are folded into one entry with a count,
 * and each flush writes them in one transaction under one chain lock (recordAuditEvents). The queue
 * is bounded: beyond MAX_DISTINCT distinct events per window the rest are only counted, and that count
 * is itself recorded (`audit.security_events_dropped`), so a flood is visible without being stored.
 */
import type { Db } from "../db/client";
import { getDb } from "../db/client";
import { logger } from "../logger";
import { BatchFlusher } from "../shared/batch-flusher";
import { recordAuditEvents, type AuditEventInput } from "./record-audit-event";

const MAX_DISTINCT = 1_000;

interface Pending {
  input: AuditEventInput;
  count: number;
  firstAt: string;
  lastAt: string;
}

export class SecurityAuditQueue {
  private pending = new Map<string, Pending>();
  private dropped = 0;
  private readonly flusher: BatchFlusher;

  constructor(
    private readonly db: () => Db,
    intervalMs = 1_000,
  ) {
    this.flusher = new BatchFlusher(intervalMs, () => this.takeAndWrite());
  }

  record(input: AuditEventInput): void {
    // Folded on everything but the request id (each request has its own).
    const key = JSON.stringify([
      input.action,
      input.actor.sub,
      input.actor.type,
      input.tenantId ?? null,
      input.targetType,
      input.targetId ?? "",
      input.request?.ip ?? "",
      input.after ?? null,
    ]);
    const now = new Date().toISOString();
    const entry = this.pending.get(key);
    if (entry) {
      entry.count += 1;
      entry.lastAt = now;
    } else if (this.pending.size < MAX_DISTINCT) {
      this.pending.set(key, { input, count: 1, firstAt: now, lastAt: now });
    } else {
      this.dropped += 1;
    }
    this.flusher.schedule();
  }

  /** Writes what was gathered; safe to call at shutdown and from tests. */
  flush(): Promise<void> {
    return this.flusher.flush();
  }

  private async takeAndWrite(): Promise<void> {
    const batch = [...this.pending.values()];
    const dropped = this.dropped;
    this.pending = new Map();
    this.dropped = 0;
    if (batch.length === 0 && dropped === 0) return;
    const inputs: AuditEventInput[] = batch.map(({ input, count, firstAt, lastAt }) =>
      count === 1
        ? input
        : {
            ...input,
            after: { ...(isRecord(input.after) ? input.after : {}), occurrences: count, firstAt, lastAt },
          },
    );
    if (dropped > 0) {
      inputs.push({
        actor: { sub: "sts-console", name: "STS Console", type: "SYSTEM" },
        action: "audit.security_events_dropped",
        targetType: "audit",
        after: { dropped, reason: `more than ${MAX_DISTINCT} distinct security events in one second` },
      });
    }
    await this.db()
      .$transaction((tx) => recordAuditEvents(tx, inputs), { timeout: 30_000 })
      .catch((error: unknown) => {
        logger.error("writing security events to the audit log failed; this batch is lost", {
          error: error instanceof Error ? error.message : String(error),
          events: inputs.length,
        });
      });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const holder = globalThis as typeof globalThis & { __stsSecurityAudit?: SecurityAuditQueue };

/** The process-wide queue (shared by the Next.js handlers and the lean machine server). */
export function getSecurityAuditQueue(): SecurityAuditQueue {
  holder.__stsSecurityAudit ??= new SecurityAuditQueue(getDb);
  return holder.__stsSecurityAudit;
}

export async function flushSecurityAudit(): Promise<void> {
  await holder.__stsSecurityAudit?.flush();
}
