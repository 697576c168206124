import { getConfig } from "../config";
import { getDb } from "../db/client";
import { pendingMigrations } from "../db/migrate";

export interface Readiness {
  status: "ready" | "not_ready";
  database: "ok" | "unreachable";
  pendingMigrations: string[];
  problem?: string;
}

export async function checkReadiness(): Promise<Readiness> {
  try {
    await getDb().$queryRaw`SELECT 1`;
  } catch {
    return { status: "not_ready", database: "unreachable", pendingMigrations: [] };
  }
  try {
    const pending = await pendingMigrations(getConfig().DATABASE_URL ?? "");
    return {
      status: pending.length === 0 ? "ready" : "not_ready",
      database: "ok",
      pendingMigrations: pending,
    };
  } catch (error) {
    // An edited or failed migration: the schema cannot be trusted until an operator looks.
    return {
      status: "not_ready",
      database: "ok",
      pendingMigrations: [],
      problem: error instanceof Error ? error.message : String(error),
    };
  }
}
