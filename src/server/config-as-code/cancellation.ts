import { DomainError } from "../http/errors";

/** The client went away or pressed Cancel: whatever the transaction wrote is rolled back. */
export class CancelledError extends DomainError {
  constructor() {
    super(499, "cancelled", "Cancelled before anything was committed; nothing changed.");
  }
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}
