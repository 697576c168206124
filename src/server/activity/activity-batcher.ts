/**
 * Off the request path: machine activity (ActivityEvent) and observed subjects are gathered in memory
 * and written in batches, so a busy STS endpoint does one insert per second instead of one per call.
 * Never part of the audit hash chain; tokens are never stored (only a hash of their jti).
 */
import { sqlPool, type Db } from "../db/client";
import { logger } from "../logger";
import { numberArrayLiteral, textArrayLiteral } from "../db/pg-array";
import { BatchFlusher } from "../shared/batch-flusher";
import { recordObservedInTenants, recordObservedSubjects } from "../observed/record-observed-subjects";

/** Text as a column can hold it: NUL characters (which PostgreSQL refuses) replaced, cut to length. */
function clean(value: string | null, max: number): string | null {
  if (value === null) return null;
  const cut = value.length > max ? value.slice(0, max) : value;
  return cut.includes("\u0000") ? cut.replaceAll("\u0000", "\uFFFD") : cut;
}

export interface ActivityInput {
  kind: "machine_api" | "token_exchange";
  tenantId?: string | null;
  subject?: string;
  clientId?: string;
  result: "ok" | "denied" | "error";
  errorCode?: string;
  jtiHash?: string;
}

interface ObservedEntry {
  subjectType: "GROUP" | "CLIENT";
  subject: string;
  count: number;
  /** Epoch ms. */
  lastSeen: number;
}

interface TenantObservedEntry extends ObservedEntry {
  tenantId: string;
}

export class ActivityBatcher {
  // Times are epoch ms until written: no Date objects on the request path.
  private activity: (ActivityInput & { at: number })[] = [];
  private observed = { GROUP: new Map<string, ObservedEntry>(), CLIENT: new Map<string, ObservedEntry>() };
  /** Per organisation: tenant id → subject type → name → entry. */
  private observedInTenant = new Map<
    string,
    { GROUP: Map<string, TenantObservedEntry>; CLIENT: Map<string, TenantObservedEntry> }
  >();
  private observedCount = 0;
  private clientsUsed = new Map<string, number>();
  private readonly flusher: BatchFlusher;
  readonly maxQueue: number;

  constructor(
    private readonly db: Db,
    intervalMs = 1_000,
    maxQueue = 10_000,
    /**
     * Events that start a write without waiting for the timer: building a batch's statement runs on
     * the event loop, so a busy endpoint writes several small batches a second rather than one
     * large one that holds every request behind it for milliseconds.
     */
    private readonly batchSize = 1_000,
  ) {
    this.maxQueue = maxQueue;
    this.flusher = new BatchFlusher(intervalMs, () => this.takeAndWrite());
  }

  record(event: ActivityInput): void {
    // Under extreme load the oldest unflushed records are dropped rather than growing without bound.
    if (this.activity.length >= this.maxQueue) this.activity.shift();
    // One shape for every queued event, built field by field (an object spread is far slower here).
    this.activity.push({
      kind: event.kind,
      tenantId: event.tenantId,
      subject: event.subject,
      clientId: event.clientId,
      result: event.result,
      errorCode: event.errorCode,
      jtiHash: event.jtiHash,
      at: Date.now(),
    });
    if (this.activity.length >= this.batchSize) this.flusher.flushNow();
    else this.schedule();
  }

  /** A technical client authenticated: its "last used" time is written with the next batch. */
  clientUsed(clientId: string): void {
    if (this.clientsUsed.size < this.maxQueue || this.clientsUsed.has(clientId))
      this.clientsUsed.set(clientId, Date.now());
    this.schedule();
  }

  /**
   * Subjects presented in a request; with the organisation it named (when it exists), so that
   * organisation's own lists show them and no other's do.
   */
  observe(subjectType: "GROUP" | "CLIENT", subjects: readonly string[], tenantId: string | null): void {
    const now = Date.now();
    const everywhere = this.observed[subjectType];
    let inTenant: Map<string, TenantObservedEntry> | undefined;
    if (tenantId !== null) {
      let byType = this.observedInTenant.get(tenantId);
      if (!byType) {
        byType = { GROUP: new Map(), CLIENT: new Map() };
        this.observedInTenant.set(tenantId, byType);
      }
      inTenant = byType[subjectType];
    }
    for (let at = 0; at < subjects.length; at += 1) {
      const subject = subjects[at]!;
      const entry = everywhere.get(subject);
      if (entry) this.seenAgain(entry, now);
      else if (this.roomForNew()) everywhere.set(subject, { subjectType, subject, count: 1, lastSeen: now });
      if (inTenant) {
        const tenantEntry = inTenant.get(subject);
        if (tenantEntry) this.seenAgain(tenantEntry, now);
        else if (this.roomForNew())
          inTenant.set(subject, { tenantId: tenantId!, subjectType, subject, count: 1, lastSeen: now });
      }
    }
    this.schedule();
  }

  // Written out per map rather than through a callback: this runs for every name of every request,
  // and a closure per name was most of what a token request allocated.
  private seenAgain(entry: ObservedEntry, now: number): void {
    entry.count += 1;
    entry.lastSeen = now;
  }

  /** A new entry only while the batch is under its bound. */
  private roomForNew(): boolean {
    if (this.observedCount >= this.maxQueue) return false;
    this.observedCount += 1;
    return true;
  }

  private schedule(): void {
    this.flusher.schedule();
  }

  /** Writes everything gathered so far; safe to call at shutdown. */
  flush(): Promise<void> {
    return this.flusher.flush();
  }

  private async takeAndWrite(): Promise<void> {
    const activity = this.activity;
    const observed = [...this.observed.GROUP.values(), ...this.observed.CLIENT.values()];
    const observedInTenant = [...this.observedInTenant.values()].flatMap((byType) => [
      ...byType.GROUP.values(),
      ...byType.CLIENT.values(),
    ]);
    const clientsUsed = [...this.clientsUsed.entries()];
    this.activity = [];
    this.observed = { GROUP: new Map(), CLIENT: new Map() };
    this.observedInTenant = new Map();
    this.observedCount = 0;
    this.clientsUsed = new Map();
    if (activity.length === 0 && observed.length === 0 && clientsUsed.length === 0) return;
    await this.write(activity, observed, observedInTenant, clientsUsed);
  }

  private async write(
    activity: (ActivityInput & { at: number })[],
    observed: ObservedEntry[],
    observedInTenant: TenantObservedEntry[],
    clientsUsed: [string, number][],
  ): Promise<void> {
    try {
      if (clientsUsed.length > 0) {
        await this.db.$executeRaw`
          UPDATE "TechnicalClient" c SET "lastUsedAt" = GREATEST(coalesce(c."lastUsedAt", u.at), u.at)
          FROM (SELECT id, to_timestamp(ms / 1000.0) AS at
                FROM unnest(${textArrayLiteral(clientsUsed.map(([clientId]) => clientId))}::text[],
                            ${numberArrayLiteral(clientsUsed.map(([, at]) => at))}::float8[]) AS x(id, ms)) u
          WHERE c."clientId" = u.id`;
      }
      if (activity.length > 0) {
        // One statement, one text parameter per column: thousands of rows for about a millisecond of
        // this process's time.
        const column = (pick: (event: (typeof activity)[number]) => string | null, max = 255) =>
          textArrayLiteral(activity.map((event) => clean(pick(event), max)));
        await sqlPool(this.db).query(
          `INSERT INTO "ActivityEvent" ("at", "kind", "tenantId", "subject", "clientId", "result", "errorCode", "jtiHash")
           SELECT to_timestamp(ms / 1000.0), kind, tenant, subject, client, result, code, jti
           FROM unnest($1::float8[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
             AS x(ms, kind, tenant, subject, client, result, code, jti)`,
          [
            numberArrayLiteral(activity.map((event) => event.at)),
            column((event) => event.kind),
            column((event) => event.tenantId ?? null),
            column((event) => event.subject ?? ""),
            column((event) => event.clientId ?? "", 100),
            column((event) => event.result),
            column((event) => event.errorCode ?? "", 100),
            column((event) => event.jtiHash ?? "", 64),
          ],
        );
      }
      // Grouped by (type, count) so each group is one statement.
      const groups = new Map<string, typeof observed>();
      for (const entry of observed) {
        const key = `${entry.subjectType}:${entry.count}`;
        const group = groups.get(key);
        if (group) group.push(entry);
        else groups.set(key, [entry]);
      }
      for (const entries of groups.values()) {
        const first = entries[0]!;
        const lastSeen = new Date(entries.reduce((latest, entry) => Math.max(latest, entry.lastSeen), 0));
        await recordObservedSubjects(
          this.db,
          first.subjectType,
          entries.map((entry) => entry.subject),
          lastSeen,
          first.count,
        );
      }
      await recordObservedInTenants(
        this.db,
        observedInTenant.map((entry) => ({ ...entry, lastSeen: new Date(entry.lastSeen) })),
      );
    } catch (error) {
      logger.warn("writing activity and observed subjects failed; this batch is dropped", {
        error: error instanceof Error ? error.message : String(error),
        activity: activity.length,
        observed: observed.length,
      });
    }
  }
}
