/**
 * The machine API handlers, written against MachineRequest/MachineResponse so the same code serves
 * the lean machine server (src/server/runtime/machine-server.ts) and the Next.js route handlers.
 */
import { z } from "zod";
import { getDb } from "../db/client";
import { acceptsGzip, encodeBody, type EncodedBody } from "../http/content-encoding";
import { errorToMachineResponse } from "../http/error-response";
import {
  fromWebRequest,
  toWebResponse,
  type MachineRequest,
  type MachineResponse,
} from "../http/machine-message";
import { NotFoundError } from "../http/errors";
import { readMachineJson } from "../http/read-json-body";
import { parseInput } from "../shared/parse-input";
import { subjectListSchema } from "../mappings/mapping.types";
import { buildSnapshot, type TenantSnapshot } from "../sts/build-snapshot";
import type { AnswerCache } from "../sts/answer-cache";
import { explainAccessJson, resolveAccess } from "../sts/resolve-permissions";
import type { SubjectType, TenantIndex } from "../sts/tenant-index";
import { authenticateMachine, authorizeTenantRead, callerLabel, type MachineCaller } from "./machine-auth";
import { getMachineRuntime, type MachineRuntime } from "./machine-runtime";

export const resolveRequestSchema = z
  .object({
    tenant: z
      .string({ error: "tenant is required (slug or id)" })
      .min(1, "tenant is required (slug or id)")
      .max(100),
    groups: subjectListSchema.optional(),
    clientId: z.string().min(1).max(100).optional(),
    /** Provenance is on by default; an STS that only needs roles and permissions can skip it. */
    provenance: z.boolean({ error: "provenance must be true or false" }).default(true),
  })
  .strict()
  .refine((body) => (body.groups === undefined) !== (body.clientId === undefined), {
    message: "send either groups or clientId",
    path: ["groups"],
  });

const JSON_HEADERS = { "content-type": "application/json", "cache-control": "no-store" };

/** The error answer, recorded as machine activity (denied, or error for a 5xx). */
function refused(
  runtime: MachineRuntime,
  endpoint: "resolve" | "snapshot",
  error: unknown,
  tenantId: string | null,
  caller: MachineCaller | undefined,
): MachineResponse {
  const response = errorToMachineResponse(error);
  const label = caller ? callerLabel(caller) : undefined;
  runtime.activity.record({
    kind: "machine_api",
    tenantId,
    result: response.status >= 500 ? "error" : "denied",
    errorCode: `${endpoint}_${response.status}`,
    subject: label?.subject,
    clientId: label?.clientId,
  });
  return response;
}

function recordOk(runtime: MachineRuntime, tenantId: string, caller: MachineCaller): void {
  const { subject, clientId } = callerLabel(caller);
  runtime.activity.record({ kind: "machine_api", tenantId, result: "ok", subject, clientId });
}

async function authenticate(request: MachineRequest): Promise<MachineCaller> {
  const runtime = await getMachineRuntime();
  const caller = await authenticateMachine(request.header("authorization"), runtime.auth);
  if (caller.kind === "client") runtime.activity.clientUsed(caller.clientId);
  return caller;
}

const VARYING_JSON_HEADERS = { ...JSON_HEADERS, vary: "accept-encoding" };
const GZIP_JSON_HEADERS = { ...VARYING_JSON_HEADERS, "content-encoding": "gzip" };

/**
 * The JSON response for an encoded answer; it varies with Accept-Encoding either way. Headers are
 * copied with Object.assign: an object spread per response costs microseconds on this path.
 */
function jsonResponse(answer: EncodedBody, extra?: Record<string, string>): MachineResponse {
  const headers = Object.assign({}, answer.gzip ? GZIP_JSON_HEADERS : VARYING_JSON_HEADERS, extra);
  return { status: 200, headers, body: answer.body };
}

/**
 * The resolve answer as UTF-8 JSON, gzip-compressed when the client accepts it and it is large:
 * remembered (in the form it was sent) when the same question was answered already.
 */
function answerFor(
  answers: AnswerCache<EncodedBody>,
  index: TenantIndex,
  subjectType: SubjectType,
  subjects: string[],
  provenance: boolean,
  gzip: boolean,
): EncodedBody {
  const now = Date.now();
  const kind = `${provenance ? "provenance" : "plain"}${gzip ? "+gzip" : ""}`;
  return answers.answer(index, subjectType, subjects, kind, now, () => {
    const json = provenance
      ? explainAccessJson(index, subjectType, subjects, now)
      : Buffer.from(JSON.stringify(resolveAccess(index, subjectType, subjects, now)));
    return encodeBody(json, gzip);
  });
}

export async function resolveEndpoint(request: MachineRequest): Promise<MachineResponse> {
  const runtime = await getMachineRuntime();
  let caller: MachineCaller | undefined;
  let tenantId: string | null = null;
  try {
    caller = await authenticate(request);
    const body = parseInput(resolveRequestSchema, await readMachineJson(request), "resolve request");
    const index = await runtime.indexes.get(body.tenant);
    if (!index) throw new NotFoundError(`No organisation "${body.tenant}".`);
    tenantId = index.tenantId;
    authorizeTenantRead(caller, index);
    const subjectType = body.clientId ? "CLIENT" : "GROUP";
    const subjects = body.clientId ? [body.clientId] : (body.groups ?? []);
    const gzip = acceptsGzip(request.header("accept-encoding"));
    const answer = answerFor(runtime.answers, index, subjectType, subjects, body.provenance, gzip);
    runtime.activity.observe(subjectType, subjects, index.tenantId);
    recordOk(runtime, tenantId, caller);
    return jsonResponse(answer);
  } catch (error) {
    return refused(runtime, "resolve", error, tenantId, caller);
  }
}

/** The last snapshot per tenant, as JSON and (once a client asked for it) gzip-compressed. */
const snapshotCache = new Map<string, { revision: number; json: Buffer; gzip?: EncodedBody }>();

export async function snapshotEndpoint(request: MachineRequest, tenantRef: string): Promise<MachineResponse> {
  const runtime = await getMachineRuntime();
  let caller: MachineCaller | undefined;
  let tenantId: string | null = null;
  try {
    caller = await authenticate(request);
    const index = await runtime.indexes.get(tenantRef);
    if (!index) throw new NotFoundError(`No organisation "${tenantRef}".`);
    tenantId = index.tenantId;
    authorizeTenantRead(caller, index);
    const etag = `"${index.revision}"`;
    const ifNoneMatch = request.header("if-none-match");
    recordOk(runtime, tenantId, caller);
    if (ifNoneMatch && ifNoneMatch.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag)) {
      return {
        status: 304,
        headers: { etag, "cache-control": "no-cache", vary: "accept-encoding" },
        body: null,
      };
    }
    let cached = snapshotCache.get(index.tenantId);
    if (!cached || cached.revision !== index.revision) {
      const snapshot: TenantSnapshot | undefined = await buildSnapshot(getDb(), index.tenantId);
      if (!snapshot) throw new NotFoundError(`No organisation "${tenantRef}".`);
      // A change may have landed between the index and the snapshot: the body's revision is the truth.
      cached = { revision: snapshot.tenant.revision, json: Buffer.from(JSON.stringify(snapshot)) };
      snapshotCache.set(index.tenantId, cached);
    }
    const body = acceptsGzip(request.header("accept-encoding"))
      ? (cached.gzip ??= encodeBody(cached.json, true))
      : { body: cached.json, gzip: false };
    return jsonResponse(body, { etag: `"${cached.revision}"`, "cache-control": "no-cache" });
  } catch (error) {
    return refused(runtime, "snapshot", error, tenantId, caller);
  }
}

/** Web Request/Response forms, for the Next.js route handlers. */
export async function handleResolve(request: Request): Promise<Response> {
  return toWebResponse(await resolveEndpoint(fromWebRequest(request)));
}

export async function handleSnapshot(request: Request, tenantRef: string): Promise<Response> {
  return toWebResponse(await snapshotEndpoint(fromWebRequest(request), tenantRef));
}
