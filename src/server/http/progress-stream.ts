/**
 * Long work (config plan and apply) answered as NDJSON: `{"type":"progress",…}` lines while it runs,
 * then one `{"type":"result",…}` or `{"type":"error","status",…}` line. The client going away, or the
 * client's Cancel (which closes the stream), aborts the work: before commit that rolls it back.
 */
import type { ConfigProgress } from "../config-as-code/config-plan.types";
import { errorToMachineResponse } from "./error-response";

export const NDJSON = "application/x-ndjson";

export function wantsProgress(request: Request): boolean {
  return (request.headers.get("accept") ?? "").includes(NDJSON);
}

export function progressResponse(
  request: Request,
  work: (onProgress: (progress: ConfigProgress) => void, signal: AbortSignal) => Promise<unknown>,
): Response {
  const controller = new AbortController();
  const abort = () => controller.abort();
  request.signal.addEventListener("abort", abort, { once: true });
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    start(sink) {
      const send = (line: unknown) => {
        if (controller.signal.aborted) return;
        try {
          sink.enqueue(encoder.encode(`${JSON.stringify(line)}\n`));
        } catch {
          controller.abort();
        }
      };
      // Progress is sent at most every 50 ms, plus the last one of each phase.
      let lastSent = 0;
      const onProgress = (progress: ConfigProgress) => {
        const now = Date.now();
        if (progress.done !== progress.total && now - lastSent < 50) return;
        lastSent = now;
        send({ type: "progress", ...progress });
      };
      work(onProgress, controller.signal)
        .then((result) => send({ type: "result", result }))
        .catch((error: unknown) => {
          const response = errorToMachineResponse(error);
          send({
            type: "error",
            status: response.status,
            ...(JSON.parse(response.body?.toString() ?? "{}") as object),
          });
        })
        .finally(() => {
          request.signal.removeEventListener("abort", abort);
          try {
            sink.close();
          } catch {
            // Already closed by a cancelled client.
          }
        });
    },
    cancel() {
      controller.abort();
    },
  });
  return new Response(stream, {
    status: 200,
    headers: { "content-type": NDJSON, "cache-control": "no-store", "x-accel-buffering": "no" },
  });
}
