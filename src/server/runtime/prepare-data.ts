/** Data every start needs: the permission catalog (idempotent), and in demo mode the demo data set. */
import { createPrismaClient } from "../db/client";
import { importPermissionCatalog, readCatalogFile } from "../permissions/import-permission-catalog";
import { seedDemo } from "../seed/seed-demo";
import { systemContext } from "../seed/system-context";
import { ensureActiveKey } from "../keys/signing-keys";
import type { AppConfig } from "../config";

export async function prepareData(
  databaseUrl: string,
  options: { demo: boolean; log: (message: string) => void; config: AppConfig },
): Promise<void> {
  const db = createPrismaClient(databaseUrl, 2);
  try {
    const catalog = await readCatalogFile();
    const result = await importPermissionCatalog(db, catalog);
    if (result.added > 0 || result.updated > 0) {
      options.log(`permission catalog ${catalog.version}: ${result.added} added, ${result.updated} updated`);
    }
    if (options.demo) {
      const seeded = await seedDemo(db);
      if (seeded.created > 0) options.log(`demo data: ${seeded.created} records created`);
      // The demo issues tokens out of the box; real deployments create and promote keys in Settings.
      const kid = await ensureActiveKey(db, systemContext("Demo set-up"), options.config);
      if (kid) options.log(`demo signing key ${kid} is active`);
    }
  } finally {
    await db.$disconnect();
  }
}
