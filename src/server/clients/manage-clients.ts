/**
 * Technical clients (machine users): registered for one organisation, or — by the bootstrap
 * administrator only — with read access to all organisations (an STS reading everything). The secret is
 * shown once; only its SHA-256 hash is stored.
 */
import {
  actorOf,
  canSeeTenant,
  requireBootstrapAdmin,
  requireTenantPermission,
  type ConsoleContext,
} from "../auth/authorize";
import { ConsolePermission } from "../auth/console-permissions";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { Db } from "../db/client";
import { inTransaction, type Tx } from "../db/transaction";
import { ConflictError, NotFoundError } from "../http/errors";
import { parseInput } from "../shared/parse-input";
import { lockTenantBySlug } from "../tenants/tenant-changes";
import { generateClientSecret, hashClientSecret } from "./client-secret";
import {
  clientChangeSchema,
  registerClientSchema,
  type ClientWithSecret,
  type TechnicalClientSummary,
} from "./client.types";

export const CLIENTS_CHANNEL = "sts_clients_changed";

const clientSelect = {
  clientId: true,
  name: true,
  readAllTenants: true,
  status: true,
  createdBy: true,
  createdAt: true,
  secretRotatedAt: true,
  lastUsedAt: true,
  version: true,
  tenant: { select: { id: true, slug: true } },
} as const;

type ClientRow = {
  clientId: string;
  name: string;
  readAllTenants: boolean;
  status: "ACTIVE" | "REVOKED";
  createdBy: string;
  createdAt: Date;
  secretRotatedAt: Date;
  lastUsedAt: Date | null;
  version: number;
  tenant: { id: string; slug: string } | null;
};

function summarise(row: ClientRow): TechnicalClientSummary {
  return {
    clientId: row.clientId,
    name: row.name,
    tenant: row.tenant,
    readAllTenants: row.readAllTenants,
    status: row.status,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    secretRotatedAt: row.secretRotatedAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    version: row.version,
  };
}

async function notifyClientsChanged(tx: Tx, clientId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${CLIENTS_CHANNEL}, ${JSON.stringify({ clientId })})`;
}

export async function listClients(db: Db, context: ConsoleContext): Promise<TechnicalClientSummary[]> {
  const rows = await db.technicalClient.findMany({ select: clientSelect, orderBy: { clientId: "asc" } });
  return rows
    .filter(
      (row) => context.isBootstrapAdmin || (row.tenant !== null && canSeeTenant(context, row.tenant.id)),
    )
    .map(summarise);
}

export async function registerClient(
  db: Db,
  context: ConsoleContext,
  input: unknown,
): Promise<ClientWithSecret> {
  const data = parseInput(registerClientSchema, input, "technical client");
  if (data.readAllTenants) requireBootstrapAdmin(context, "give a client read access to all organisations");
  const clientSecret = generateClientSecret();
  return inTransaction(db, async (tx) => {
    let tenantId: string | null = null;
    if (data.tenant) {
      const tenant = await lockTenantBySlug(tx, data.tenant);
      requireTenantPermission(context, tenant, [ConsolePermission.create]);
      tenantId = tenant.id;
    }
    if (
      await tx.technicalClient.findUnique({ where: { clientId: data.clientId }, select: { clientId: true } })
    ) {
      throw new ConflictError(`A technical client "${data.clientId}" already exists.`);
    }
    const row = await tx.technicalClient.create({
      data: {
        clientId: data.clientId,
        name: data.name,
        tenantId,
        readAllTenants: data.readAllTenants,
        secretHash: hashClientSecret(clientSecret),
        createdBy: context.identity.name,
      },
      select: clientSelect,
    });
    await recordAuditEvent(tx, {
      actor: actorOf(context),
      tenantId,
      action: "client.register",
      targetType: "technicalClient",
      targetId: row.clientId,
      after: {
        clientId: row.clientId,
        name: row.name,
        tenant: row.tenant?.slug ?? null,
        readAllTenants: row.readAllTenants,
      },
      request: context.request,
    });
    return { client: summarise(row), clientSecret };
  });
}

async function loadClientForChange(tx: Tx, context: ConsoleContext, clientId: string, permission: string) {
  const row = await tx.technicalClient.findUnique({ where: { clientId }, select: clientSelect });
  const notFound = new NotFoundError(`No technical client "${clientId}".`);
  if (!row) throw notFound;
  if (row.tenant) {
    if (!canSeeTenant(context, row.tenant.id)) throw notFound;
    await lockTenantBySlug(tx, row.tenant.slug);
    requireTenantPermission(context, row.tenant, [permission]);
  } else {
    requireBootstrapAdmin(context, "change clients that read all organisations");
  }
  return row;
}

export async function rotateClientSecret(
  db: Db,
  context: ConsoleContext,
  clientId: string,
  input: unknown,
): Promise<ClientWithSecret> {
  const { version } = parseInput(clientChangeSchema, input, "secret rotation");
  const clientSecret = generateClientSecret();
  return inTransaction(db, async (tx) => {
    const row = await loadClientForChange(tx, context, clientId, ConsolePermission.edit);
    if (row.status !== "ACTIVE")
      throw new ConflictError(`Client "${clientId}" is revoked; register a new one.`);
    if (row.version !== version)
      throw new ConflictError(`Client "${clientId}" was changed since you loaded it.`, summarise(row));
    const updated = await tx.technicalClient.update({
      where: { clientId },
      data: {
        secretHash: hashClientSecret(clientSecret),
        secretRotatedAt: new Date(),
        version: { increment: 1 },
      },
      select: clientSelect,
    });
    await notifyClientsChanged(tx, clientId);
    await recordAuditEvent(tx, {
      actor: actorOf(context),
      tenantId: row.tenant?.id ?? null,
      action: "client.rotate_secret",
      targetType: "technicalClient",
      targetId: clientId,
      before: { secretRotatedAt: row.secretRotatedAt.toISOString() },
      after: { secretRotatedAt: updated.secretRotatedAt.toISOString() },
      request: context.request,
    });
    return { client: summarise(updated), clientSecret };
  });
}

export async function revokeClient(
  db: Db,
  context: ConsoleContext,
  clientId: string,
  input: unknown,
): Promise<TechnicalClientSummary> {
  const { version } = parseInput(clientChangeSchema, input, "revocation");
  return inTransaction(db, async (tx) => {
    const row = await loadClientForChange(tx, context, clientId, ConsolePermission.delete);
    if (row.version !== version)
      throw new ConflictError(`Client "${clientId}" was changed since you loaded it.`, summarise(row));
    const updated = await tx.technicalClient.update({
      where: { clientId },
      data: { status: "REVOKED", version: { increment: 1 } },
      select: clientSelect,
    });
    await notifyClientsChanged(tx, clientId);
    await recordAuditEvent(tx, {
      actor: actorOf(context),
      tenantId: row.tenant?.id ?? null,
      action: "client.revoke",
      targetType: "technicalClient",
      targetId: clientId,
      before: { status: row.status },
      after: { status: updated.status },
      request: context.request,
    });
    return summarise(updated);
  });
}
