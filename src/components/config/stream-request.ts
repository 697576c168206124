/**
 * POSTs to a console endpoint that answers long work as NDJSON (progress lines, then a result or an
 * error). Aborting the signal closes the stream, which cancels the work on the server before it commits.
 */
import { ApiError, toApiError } from "../api";
import type { ConfigProgress } from "@/server/config-as-code/config-plan.types";

export async function streamRequest<T>(
  url: string,
  body: unknown,
  options: { signal: AbortSignal; onProgress: (progress: ConfigProgress) => void },
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { accept: "application/x-ndjson", "content-type": "application/json" },
      body: JSON.stringify(body),
      cache: "no-store",
      signal: options.signal,
    });
  } catch {
    if (options.signal.aborted) throw cancelled();
    throw new ApiError(
      0,
      "network_error",
      "The console could not be reached. Check your connection and try again.",
    );
  }
  // Refusals before the work starts (401, 403, 413, 415…) come as ordinary JSON errors.
  if (!response.ok || !response.body) throw await toApiError(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += value;
      let newline = buffer.indexOf("\n");
      while (newline >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf("\n");
        if (!line) continue;
        const event = JSON.parse(line) as
          | ({ type: "progress" } & ConfigProgress)
          | { type: "result"; result: T }
          | {
              type: "error";
              status: number;
              error: string;
              message: string;
              fieldErrors?: Record<string, string[]>;
              current?: unknown;
            };
        if (event.type === "progress") options.onProgress(event);
        else if (event.type === "result") return event.result;
        else
          throw new ApiError(
            event.status,
            event.error,
            event.message,
            event.fieldErrors ?? {},
            event.current,
          );
      }
    }
  } catch (error) {
    if (options.signal.aborted) throw cancelled();
    throw error;
  }
  if (options.signal.aborted) throw cancelled();
  throw new ApiError(
    0,
    "network_error",
    "The answer ended early; nothing is known to have changed. Plan again.",
  );
}

function cancelled(): ApiError {
  return new ApiError(499, "cancelled", "Cancelled before anything was committed; nothing changed.");
}
