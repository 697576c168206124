/** Typed domain errors, mapped to HTTP status codes in one place (toErrorResponse). */
export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  constructor(
    message: string,
    readonly fieldErrors: Record<string, string[]> = {},
  ) {
    super(400, "validation_failed", message, { fieldErrors });
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = "Sign in first.") {
    super(401, "unauthenticated", message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(
    message: string,
    readonly missingPermission?: string,
  ) {
    super(403, "forbidden", message, missingPermission ? { missingPermission } : undefined);
  }
}

export class NotFoundError extends DomainError {
  constructor(message: string) {
    super(404, "not_found", message);
  }
}

/**
 * 409. `stale_version` when someone else changed the thing since it was loaded (then `current` carries
 * the state now); `conflict` when the change itself is refused (a taken name, the last manager, a key in use).
 */
export class ConflictError extends DomainError {
  constructor(
    message: string,
    readonly current?: unknown,
    kind: "stale_version" | "conflict" = current === undefined ? "conflict" : "stale_version",
  ) {
    super(409, kind, message, current === undefined ? undefined : { current });
  }
}

export class PayloadTooLargeError extends DomainError {
  constructor(limitBytes: number) {
    super(413, "payload_too_large", `The request body exceeds ${limitBytes} bytes.`);
  }
}

/** A request body sent compressed (RFC 9110 §8.4 Content-Encoding): bodies are read as they are. */
export class UnsupportedContentEncodingError extends DomainError {
  constructor() {
    super(
      415,
      "unsupported_content_encoding",
      "The request body is compressed (Content-Encoding); send it uncompressed.",
    );
  }
}

export class UnsupportedMediaTypeError extends DomainError {
  constructor(expected: string) {
    super(415, "unsupported_media_type", `Send the body as ${expected}.`);
  }
}
