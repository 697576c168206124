/**
 * Off the request path: machine activity (ActivityEvent) and observed subjects are gathered in memory
 * and written in batches, so a busy STS endpoint does one insert per second instead of one per call.
 * Never part of the audit hash chain; tokens are never stored (only a hash of their jti).
 */
import type { Db } from "../db/client";
import { logger } from "../logger";
import { recordObservedSubjects } from "../observed/record-observed-subjects";

export interface ActivityInput {
  kind: "machine_api" | "token_exchange";
  tenantId?: string | null;
  subject?: string;
  clientId?: string;
  result: "ok" | "denied" | "error";
  errorCode?: string;
  jtiHash?: string;
}

export class ActivityBatcher {
  private activity: (ActivityInput & { at: Date })[] = [];
  private observed = new Map<
    string,
    { subjectType: "GROUP" | "CLIENT"; subject: string; count: number; lastSeen: Date }
  >();
  private clientsUsed = new Map<string, Date>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  readonly maxQueue: number;

  constructor(
    private readonly db: Db,
    private readonly intervalMs = 1_000,
    maxQueue = 10_000,
  ) {
    this.maxQueue = maxQueue;
  }

  record(event: ActivityInput): void {
    // Under extreme load the oldest unflushed records are dropped rather than growing without bound.
    if (this.activity.length >= this.maxQueue) this.activity.shift();
    this.activity.push({ ...event, at: new Date() });
    this.schedule();
  }

  /** A technical client authenticated: its "last used" time is written with the next batch. */
  clientUsed(clientId: string): void {
    if (this.clientsUsed.size < this.maxQueue || this.clientsUsed.has(clientId))
      this.clientsUsed.set(clientId, new Date());
    this.schedule();
  }

  observe(subjectType: "GROUP" | "CLIENT", subjects: readonly string[]): void {
    const now = new Date();
    for (const subject of subjects) {
      const key = `${subjectType}\u0000${subject}`;
      const entry = this.observed.get(key);
      if (entry) {
        entry.count += 1;
        entry.lastSeen = now;
      } else if (this.observed.size < this.maxQueue) {
        this.observed.set(key, { subjectType, subject, count: 1, lastSeen: now });
      }
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Writes everything gathered so far; safe to call at shutdown. */
  async flush(): Promise<void> {
    await this.flushing;
    const activity = this.activity;
    const observed = [...this.observed.values()];
    const clientsUsed = [...this.clientsUsed.entries()];
    this.activity = [];
    this.observed = new Map();
    this.clientsUsed = new Map();
    if (activity.length === 0 && observed.length === 0 && clientsUsed.length === 0) return;
    this.flushing = this.write(activity, observed, clientsUsed).finally(() => {
      this.flushing = undefined;
    });
    await this.flushing;
  }

  private async write(
    activity: (ActivityInput & { at: Date })[],
    observed: { subjectType: "GROUP" | "CLIENT"; subject: string; count: number; lastSeen: Date }[],
    clientsUsed: [string, Date][],
  ): Promise<void> {
    try {
      if (clientsUsed.length > 0) {
        await this.db.$executeRaw`
          UPDATE "TechnicalClient" c SET "lastUsedAt" = GREATEST(coalesce(c."lastUsedAt", u.at), u.at)
          FROM unnest(${clientsUsed.map(([clientId]) => clientId)}::text[], ${clientsUsed.map(([, at]) => at)}::timestamptz[]) AS u(id, at)
          WHERE c."clientId" = u.id`;
      }
      if (activity.length > 0) {
        // One statement with arrays: thousands of rows per second at negligible cost.
        await this.db.$executeRaw`
          INSERT INTO "ActivityEvent" ("at", "kind", "tenantId", "subject", "clientId", "result", "errorCode", "jtiHash")
          SELECT * FROM unnest(
            ${activity.map((event) => event.at)}::timestamptz[],
            ${activity.map((event) => event.kind)}::text[],
            ${activity.map((event) => event.tenantId ?? null)}::uuid[],
            ${activity.map((event) => (event.subject ?? "").slice(0, 255))}::text[],
            ${activity.map((event) => (event.clientId ?? "").slice(0, 100))}::text[],
            ${activity.map((event) => event.result)}::text[],
            ${activity.map((event) => event.errorCode ?? "")}::text[],
            ${activity.map((event) => event.jtiHash ?? "")}::text[])`;
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
        const lastSeen = new Date(Math.max(...entries.map((entry) => entry.lastSeen.getTime())));
        await recordObservedSubjects(
          this.db,
          first.subjectType,
          entries.map((entry) => entry.subject),
          lastSeen,
          first.count,
        );
      }
    } catch (error) {
      logger.warn("writing activity and observed subjects failed; this batch is dropped", {
        error: error instanceof Error ? error.message : String(error),
        activity: activity.length,
        observed: observed.length,
      });
    }
  }
}
