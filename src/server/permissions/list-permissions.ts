import type { Db } from "../db/client";

export interface PermissionEntry {
  key: string;
  category: string;
  description: string;
  bit: number | null;
  deprecatedAt: string | null;
  roleCount: number;
}

export interface PermissionCatalogView {
  permissions: PermissionEntry[];
  catalog: { version: string; coreVersion: string; importedAt: string } | null;
}

/** The whole catalog (about a hundred keys): small enough to send at once and filter in the browser. */
export async function listPermissions(db: Db): Promise<PermissionCatalogView> {
  const [permissions, latest] = await Promise.all([
    db.permission.findMany({
      orderBy: [{ category: "asc" }, { key: "asc" }],
      include: { _count: { select: { roles: true } } },
    }),
    db.permissionCatalogImport.findFirst({ orderBy: { importedAt: "desc" } }),
  ]);
  return {
    permissions: permissions.map((permission) => ({
      key: permission.key,
      category: permission.category,
      description: permission.description,
      bit: permission.bit,
      deprecatedAt: permission.deprecatedAt?.toISOString() ?? null,
      roleCount: permission._count.roles,
    })),
    catalog: latest
      ? {
          version: latest.version,
          coreVersion: latest.coreVersion,
          importedAt: latest.importedAt.toISOString(),
        }
      : null,
  };
}
