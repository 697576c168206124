/**
 * The one database client module. Prisma's Rust-free client over the pg driver adapter, the same for
 * the embedded Postgres and for a real server given by DATABASE_URL.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../../generated/prisma/client";
import { ConfigError, getConfig } from "../config";

export type Db = PrismaClient;

export function createPrismaClient(connectionString: string, poolSize = 10): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, max: poolSize }) });
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
