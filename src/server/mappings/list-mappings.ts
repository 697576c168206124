import type { ConsoleContext } from "../auth/authorize";
import type { Prisma } from "../../generated/prisma/client";
import type { Db } from "../db/client";
import { parseInput } from "../shared/parse-input";
import { getTenant } from "../tenants/get-tenant";
import { listMappingsQuerySchema, type MappingPage, type MappingRow } from "./mapping.types";

export const mappingRowInclude = {
  role: { select: { id: true, key: true, name: true, tenantId: true } },
} as const;

type MappingWithRole = Prisma.MappingGetPayload<{ include: typeof mappingRowInclude }>;

export function toMappingRow(mapping: MappingWithRole, now = new Date()): MappingRow {
  return {
    id: mapping.id,
    subjectType: mapping.subjectType,
    subject: mapping.subject,
    role: {
      id: mapping.role.id,
      key: mapping.role.key,
      name: mapping.role.name,
      scope: mapping.role.tenantId ? "tenant" : "global",
    },
    expiresAt: mapping.expiresAt?.toISOString() ?? null,
    expired: mapping.expiresAt !== null && mapping.expiresAt <= now,
    note: mapping.note,
    createdBy: mapping.createdBy,
    createdAt: mapping.createdAt.toISOString(),
    updatedAt: mapping.updatedAt.toISOString(),
    version: mapping.version,
  };
}

/** One page of a tenant's mappings with search (subject, role, note), sorting and counts. */
export async function listMappings(
  db: Db,
  context: ConsoleContext,
  slug: string,
  query: unknown,
): Promise<MappingPage> {
  const tenant = await getTenant(db, context, slug);
  const params = parseInput(listMappingsQuerySchema, query, "query");
  const search = params.q?.trim();
  const where: Prisma.MappingWhereInput = {
    tenantId: tenant.id,
    ...(params.subjectType ? { subjectType: params.subjectType } : {}),
    ...(search
      ? {
          OR: [
            { subject: { contains: search, mode: "insensitive" } },
            { note: { contains: search, mode: "insensitive" } },
            { role: { name: { contains: search, mode: "insensitive" } } },
            { role: { key: { contains: search, mode: "insensitive" } } },
          ],
        }
      : {}),
  };
  const direction = params.order;
  const orderBy: Prisma.MappingOrderByWithRelationInput[] =
    params.sort === "role"
      ? [{ role: { name: direction } }, { subject: "asc" }]
      : params.sort === "createdAt"
        ? [{ createdAt: direction }, { id: "asc" }]
        : params.sort === "expiresAt"
          ? [{ expiresAt: { sort: direction, nulls: "last" } }, { subject: "asc" }]
          : [{ subject: direction }, { role: { name: "asc" } }];
  const now = new Date();
  const [rows, total, groups, clients, expired] = await Promise.all([
    db.mapping.findMany({
      where,
      include: mappingRowInclude,
      orderBy,
      skip: (params.page - 1) * params.pageSize,
      take: params.pageSize,
    }),
    db.mapping.count({ where }),
    db.mapping.count({ where: { tenantId: tenant.id, subjectType: "GROUP" } }),
    db.mapping.count({ where: { tenantId: tenant.id, subjectType: "CLIENT" } }),
    db.mapping.count({ where: { tenantId: tenant.id, expiresAt: { lte: now } } }),
  ]);
  return {
    rows: rows.map((row) => toMappingRow(row, now)),
    total,
    page: params.page,
    pageSize: params.pageSize,
    counts: { groups, clients, expired },
  };
}
