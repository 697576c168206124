/**
 * Per-process cache of tenant indexes. Kept fresh two ways: NOTIFY sts_mappings_changed drops an
 * index the moment a change commits (any number of app instances stay consistent), and, as a
 * fallback when notifications are lost (listener reconnecting), an index is compared with the
 * tenant's revision at most every `revisionCheckMs`, in the background.
 */
import { Client } from "pg";
import type { Db } from "../db/client";
import { logger } from "../logger";
import { MAPPINGS_CHANNEL } from "../tenants/tenant-changes";
import { loadTenantIndex, type TenantIndex } from "./tenant-index";

export interface TenantIndexCacheOptions {
  db: Db;
  /** When set, a LISTEN connection invalidates entries on every committed change. */
  listenUrl?: string;
  revisionCheckMs?: number;
  /** Called for NOTIFY on `extraChannels` (e.g. technical clients changed). */
  onNotification?: (channel: string, payload: string) => void;
  extraChannels?: string[];
}

export class TenantIndexCache {
  private readonly bySlug = new Map<string, TenantIndex>();
  private readonly slugById = new Map<string, string>();
  private readonly loading = new Map<string, Promise<TenantIndex | undefined>>();
  private readonly checkedAt = new Map<string, number>();
  private listener: Client | undefined;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  readonly stats = { loads: 0, revisionChecks: 0, invalidations: 0 };

  constructor(private readonly options: TenantIndexCacheOptions) {}

  async start(): Promise<void> {
    if (this.options.listenUrl) await this.listen();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    await this.listener?.end().catch(() => undefined);
  }

  invalidate(slug: string): void {
    const index = this.bySlug.get(slug);
    if (index) this.slugById.delete(index.tenantId);
    this.bySlug.delete(slug);
    this.checkedAt.delete(slug);
    this.stats.invalidations += 1;
  }

  /** The index of a tenant given by slug or id; undefined when the tenant does not exist. */
  async get(tenantRef: string): Promise<TenantIndex | undefined> {
    const slug = this.bySlug.has(tenantRef) ? tenantRef : this.slugById.get(tenantRef);
    const cached = slug ? this.bySlug.get(slug) : undefined;
    if (!cached) return this.load(tenantRef);
    this.revalidate(cached);
    return cached;
  }

  /**
   * The fallback for lost notifications: at most once per `revisionCheckMs` and tenant, one look at
   * the tenant's revision, off the request path; when it moved, the index is dropped and the next
   * request loads the new one. Requests meanwhile get the index as it was: no more stale than
   * before the look began, and no burst of identical queries from every request arriving during it.
   */
  private revalidate(index: TenantIndex): void {
    const interval = this.options.revisionCheckMs ?? 1_000;
    const now = Date.now();
    if (now - (this.checkedAt.get(index.slug) ?? index.builtAt) < interval) return;
    this.checkedAt.set(index.slug, now);
    this.stats.revisionChecks += 1;
    this.options.db.tenant
      .findUnique({ where: { id: index.tenantId }, select: { revision: true, status: true } })
      .then(
        (current) => {
          if (this.bySlug.get(index.slug) !== index) return;
          if (!current || current.revision !== index.revision || current.status !== index.status)
            this.invalidate(index.slug);
        },
        (error: unknown) => {
          // The database is unreachable: nothing can have changed there; look again next interval.
          logger.warn("tenant revision check failed", {
            error: error instanceof Error ? error.message : String(error),
          });
        },
      );
  }

  private load(tenantRef: string): Promise<TenantIndex | undefined> {
    let pending = this.loading.get(tenantRef);
    if (!pending) {
      pending = loadTenantIndex(this.options.db, tenantRef)
        .then((index) => {
          this.stats.loads += 1;
          if (index) {
            this.bySlug.set(index.slug, index);
            this.slugById.set(index.tenantId, index.slug);
            this.checkedAt.set(index.slug, Date.now());
          }
          return index;
        })
        .finally(() => this.loading.delete(tenantRef));
      this.loading.set(tenantRef, pending);
    }
    return pending;
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.options.listenUrl });
    client.on("notification", (message) => {
      if (message.channel !== MAPPINGS_CHANNEL) {
        this.options.onNotification?.(message.channel, message.payload ?? "");
        return;
      }
      try {
        const payload = JSON.parse(message.payload ?? "{}") as { tenant?: unknown };
        if (typeof payload.tenant === "string") this.invalidate(payload.tenant);
      } catch {
        logger.warn("ignored a malformed change notification");
      }
    });
    client.on("error", (error) => {
      logger.warn("change listener lost its connection; relying on revision checks until it is back", {
        error: error.message,
      });
      this.scheduleReconnect();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${MAPPINGS_CHANNEL}`);
      for (const channel of this.options.extraChannels ?? []) await client.query(`LISTEN ${channel}`);
      this.listener = client;
      // Changes committed while nobody listened are unknown: start from a clean slate.
      this.bySlug.clear();
      this.slugById.clear();
    } catch (error) {
      logger.warn("change listener could not connect", {
        error: error instanceof Error ? error.message : String(error),
      });
      await client.end().catch(() => undefined);
      this.scheduleReconnect();
    }
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    this.listener = undefined;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.listen();
    }, 2_000);
    this.reconnectTimer.unref();
  }
}
