/** The request id, client address and user agent of the current request, for audit records. */
import { randomUUID } from "node:crypto";
import { headers } from "next/headers";
import type { AuditRequestContext } from "../audit/record-audit-event";
import { CLIENT_IP_HEADER, REQUEST_ID_HEADER, isUsableRequestId } from "./client-address";

export async function readRequestContext(): Promise<AuditRequestContext> {
  const incoming = await headers();
  const requestId = incoming.get(REQUEST_ID_HEADER) ?? undefined;
  return {
    requestId: isUsableRequestId(requestId) ? requestId : randomUUID(),
    ip: incoming.get(CLIENT_IP_HEADER) ?? "",
    userAgent: (incoming.get("user-agent") ?? "").slice(0, 500),
  };
}
