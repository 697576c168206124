/**
 * The one database client module. Prisma's Rust-free client over the pg driver adapter, the same for
 * the embedded Postgres and for a real server given by DATABASE_URL.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../../generated/prisma/client";
import { ConfigError, getConfig } from "../config";

export type Db = PrismaClient;

const pools = new WeakMap<PrismaClient, pg.Pool>();

export function createPrismaClient(connectionString: string, poolSize = 10): PrismaClient {
  const pool = new pg.Pool({ connectionString, max: poolSize });
  const db = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  pools.set(db, pool);
  return db;
}

/**
 * The pg pool under a client, for the few bulk statements whose parameters are too large for the
 * query compiler's per-call serialisation (batched activity writes). Same connections, same limits.
 */
export function sqlPool(db: PrismaClient): pg.Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error("this client was not made by createPrismaClient");
  return pool;
}

const holder = globalThis as typeof globalThis & { __stsPrisma?: PrismaClient };

/** The process-wide client, created on first use from DATABASE_URL. */
export function getDb(): PrismaClient {
  if (!holder.__stsPrisma) {
    const url = getConfig().DATABASE_URL;
    if (!url) {
      throw new ConfigError([
        "DATABASE_URL is required (start the app with `npm start` or `npm run demo`, which provide it when unset)",
      ]);
    }
    holder.__stsPrisma = createPrismaClient(url);
  }
  return holder.__stsPrisma;
}
