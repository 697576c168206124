/**
 * The small request/response shape the machine endpoints are written against. The lean server builds
 * it straight from Node's IncomingMessage (no web-stream or undici objects on the hot path); Next.js
 * route handlers adapt their web Request/Response to it. Same handlers, every rule once.
 */
import type { IncomingMessage } from "node:http";
import { PayloadTooLargeError } from "./errors";

export interface MachineRequest {
  readonly method: string;
  header(name: string): string | null;
  /** The body, refused with 413 as soon as it grows past `limitBytes` (declared or streamed). */
  body(limitBytes: number): Promise<Buffer>;
}

export interface MachineResponse {
  status: number;
  headers: Record<string, string>;
  /** Text, or bytes already encoded as UTF-8 (large answers are written straight into a buffer). */
  body: string | Buffer | null;
}

export function fromWebRequest(request: Request): MachineRequest {
  return {
    method: request.method,
    header: (name) => request.headers.get(name),
    async body(limitBytes) {
      if (Number(request.headers.get("content-length") ?? "0") > limitBytes)
        throw new PayloadTooLargeError(limitBytes);
      const reader = request.body?.getReader();
      if (!reader) return Buffer.alloc(0);
      const chunks: Uint8Array[] = [];
      let size = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > limitBytes) {
          await reader.cancel().catch(() => undefined);
          throw new PayloadTooLargeError(limitBytes);
        }
        chunks.push(value);
      }
      return Buffer.concat(chunks);
    },
  };
}

/** A body being read: where its chunks go and whom to tell (kept on the request, see below). */
interface BodyRead {
  chunks: Buffer[];
  size: number;
  limitBytes: number;
  resolve: (body: Buffer) => void;
  reject: (error: unknown) => void;
}

const BODY_READ = Symbol("bodyRead");
type ReadingMessage = IncomingMessage & { [BODY_READ]?: BodyRead };

// Shared listeners (`this` is the request) rather than closures made for every request.
function onBodyData(this: ReadingMessage, chunk: Buffer): void {
  const read = this[BODY_READ];
  if (!read) return;
  read.size += chunk.length;
  if (read.size > read.limitBytes) {
    stopReading(this);
    this.resume();
    read.reject(new PayloadTooLargeError(read.limitBytes));
    return;
  }
  read.chunks.push(chunk);
}

function onBodyEnd(this: ReadingMessage): void {
  const read = this[BODY_READ];
  if (!read) return;
  stopReading(this);
  read.resolve(read.chunks.length === 1 ? read.chunks[0]! : Buffer.concat(read.chunks, read.size));
}

function onBodyError(this: ReadingMessage, error: unknown): void {
  const read = this[BODY_READ];
  if (!read) return;
  stopReading(this);
  read.reject(error);
}

function stopReading(req: ReadingMessage): void {
  req[BODY_READ] = undefined;
  req.off("data", onBodyData);
  req.off("end", onBodyEnd);
  req.off("error", onBodyError);
}

/** Node's request as a MachineRequest: one small object per request. */
class NodeMachineRequest implements MachineRequest {
  constructor(private readonly req: ReadingMessage) {}

  get method(): string {
    return this.req.method ?? "GET";
  }

  header(name: string): string | null {
    const value = this.req.headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(", ") : (value ?? null);
  }

  body(limitBytes: number): Promise<Buffer> {
    const req = this.req;
    if (Number(req.headers["content-length"] ?? "0") > limitBytes) {
      return Promise.reject(new PayloadTooLargeError(limitBytes));
    }
    // Listeners rather than for-await: leaving an async iterator early destroys the socket, and the
    // client should still receive its 413.
    return new Promise<Buffer>((resolve, reject) => {
      req[BODY_READ] = { chunks: [], size: 0, limitBytes, resolve, reject };
      req.on("data", onBodyData);
      req.on("end", onBodyEnd);
      req.on("error", onBodyError);
    });
  }
}

export function fromNodeRequest(req: IncomingMessage): MachineRequest {
  return new NodeMachineRequest(req);
}

export function toWebResponse(response: MachineResponse): Response {
  const body =
    typeof response.body === "string" || response.body === null
      ? response.body
      : new Uint8Array(response.body);
  return new Response(body, { status: response.status, headers: response.headers });
}

/** Adapts a machine handler to a Next.js route handler. */
export function asRouteHandler(handler: (request: MachineRequest) => Promise<MachineResponse>) {
  return async (request: Request): Promise<Response> => toWebResponse(await handler(fromWebRequest(request)));
}
