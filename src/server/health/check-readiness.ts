import { getConfig } from "../config";
import { getDb } from "../db/client";
import { pendingMigrations } from "../db/migrate";

export interface Readiness {
  status: "ready" | "not_ready";
  database: "ok" | "unreachable";
  pendingMigrations: string[];
}

export async function checkReadiness(): Promise<Readiness> {
  try {
    await getDb().$queryRaw`SELECT 1`;
  } catch {
    return { status: "not_ready", database: "unreachable", pendingMigrations: [] };
  }
  const pending = await pendingMigrations(getConfig().DATABASE_URL ?? "");
  return { status: pending.length === 0 ? "ready" : "not_ready", database: "ok", pendingMigrations: pending };
}
