/** Data every start needs: the permission catalog (idempotent). Demo data is added by the demo seed. */
import { createPrismaClient } from "../db/client";
import { importPermissionCatalog, readCatalogFile } from "../permissions/import-permission-catalog";

export async function prepareData(
  databaseUrl: string,
  options: { demo: boolean; log: (message: string) => void },
): Promise<void> {
  const db = createPrismaClient(databaseUrl, 2);
  try {
    const catalog = await readCatalogFile();
    const result = await importPermissionCatalog(db, catalog);
    if (result.added > 0 || result.updated > 0) {
      options.log(`permission catalog ${catalog.version}: ${result.added} added, ${result.updated} updated`);
    }
  } finally {
    await db.$disconnect();
  }
}
