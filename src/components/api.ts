/**
 * The console's JSON API as seen from the browser: same-origin fetch, JSON in and out, and the API's
 * error shape ({error, message, fieldErrors?, missingPermission?, current?}) as a typed ApiError.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fieldErrors: Record<string, string[]> = {},
    readonly current: unknown = undefined,
    readonly missingPermission: string | undefined = undefined,
  ) {
    super(message);
    this.name = "ApiError";
  }

  get isConflict(): boolean {
    return this.status === 409;
  }

  get isSessionEnded(): boolean {
    return this.status === 401;
  }
}

interface ErrorBody {
  error?: unknown;
  message?: unknown;
  fieldErrors?: unknown;
  missingPermission?: unknown;
  current?: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function toFieldErrors(value: unknown): Record<string, string[]> {
  if (!isRecord(value)) return {};
  const result: Record<string, string[]> = {};
  for (const [field, messages] of Object.entries(value)) {
    if (Array.isArray(messages))
      result[field] = messages.filter((item): item is string => typeof item === "string");
  }
  return result;
}

const FALLBACK_MESSAGES: Record<number, string> = {
  401: "Your session has ended. Sign in again.",
  403: "You are not allowed to do this.",
  404: "Not found: it may have been removed, or you cannot see it.",
  409: "Someone else changed this in the meantime.",
  413: "The request is too large.",
  415: "The request was not sent as JSON.",
};

export async function toApiError(response: Response): Promise<ApiError> {
  let body: ErrorBody = {};
  try {
    const parsed: unknown = await response.json();
    if (isRecord(parsed)) body = parsed;
  } catch {
    // Not JSON (a proxy error page, for instance): fall back to a message by status.
  }
  const message =
    typeof body.message === "string" && body.message
      ? body.message
      : (FALLBACK_MESSAGES[response.status] ?? `The server answered ${response.status}. Try again.`);
  return new ApiError(
    response.status,
    typeof body.error === "string" ? body.error : "http_error",
    message,
    toFieldErrors(body.fieldErrors),
    body.current,
    typeof body.missingPermission === "string" ? body.missingPermission : undefined,
  );
}

type Method = "GET" | "POST" | "PATCH" | "DELETE";

export async function apiRequest<T>(method: Method, url: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      credentials: "same-origin",
      headers:
        body === undefined
          ? { accept: "application/json" }
          : { accept: "application/json", "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    });
  } catch {
    throw new ApiError(
      0,
      "network_error",
      "The console could not be reached. Check your connection and try again.",
    );
  }
  if (!response.ok) throw await toApiError(response);
  return (await response.json()) as T;
}

export const api = {
  get: <T>(url: string) => apiRequest<T>("GET", url),
  post: <T>(url: string, body: unknown) => apiRequest<T>("POST", url, body),
  patch: <T>(url: string, body: unknown) => apiRequest<T>("PATCH", url, body),
  delete: <T>(url: string, body?: unknown) => apiRequest<T>("DELETE", url, body ?? {}),
};

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return "Something went wrong. Try again.";
}

/** Query-string for the API, dropping empty values. */
export function queryString(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === "") continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

export function tenantApi(slug: string): string {
  return `/api/console/tenants/${encodeURIComponent(slug)}`;
}
