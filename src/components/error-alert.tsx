"use client";

import { useEffect, useRef, type ReactNode } from "react";
import { ApiError, errorMessage } from "./api";

/**
 * An API failure in words: the server's message, what to do about it, and — for a 409 — a Reload
 * action so nobody overwrites a change they have not seen.
 */
export function ErrorAlert({
  error,
  onReload,
  title,
  children,
}: {
  error: unknown;
  /** What failed, e.g. "Not removed."; defaults to "Not saved.". */
  title?: string;
  onReload?: () => void;
  /** Extra detail, e.g. the current state that came with a 409. */
  children?: ReactNode;
}) {
  const apiError = error instanceof ApiError ? error : null;
  // 409 `stale_version`: someone else changed it (Reload helps); 409 `conflict`: the change itself is
  // refused to keep an invariant (a slug taken, a tenant left without managers) and the message says why.
  const stale = apiError?.code === "stale_version";
  const offerReload = stale && onReload !== undefined;
  const ref = useRef<HTMLDivElement>(null);
  // In a long dialog the failure may appear below the fold: bring it into view.
  useEffect(() => {
    ref.current?.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }, [error]);
  return (
    <div ref={ref} className={`alert ${stale ? "warn" : "danger"}`} role="alert">
      <p className="alert-title">
        <strong>{stale ? "Changed by someone else." : (title ?? "Not saved.")}</strong> {errorMessage(error)}
      </p>
      {apiError?.missingPermission && (
        <p className="small">
          Missing permission: <code>{apiError.missingPermission}</code>
        </p>
      )}
      {children}
      {apiError?.isSessionEnded && (
        <p className="small">
          <a
            href={`/signin?callbackUrl=${encodeURIComponent(typeof window === "undefined" ? "/" : window.location.pathname)}`}
          >
            Sign in again
          </a>{" "}
          (what you typed here will be lost).
        </p>
      )}
      {offerReload && (
        <div className="row">
          <button type="button" className="button secondary small" onClick={onReload}>
            Reload the current state
          </button>
        </div>
      )}
    </div>
  );
}

/** A failed query (the page could not be loaded), with a retry. */
export function LoadError({ error, onRetry, what }: { error: unknown; onRetry: () => void; what: string }) {
  return (
    <div className="alert danger" role="alert">
      <p className="alert-title">
        <strong>Could not load {what}.</strong> {errorMessage(error)}
      </p>
      {error instanceof ApiError && error.isSessionEnded && (
        <p className="small">
          <a
            href={`/signin?callbackUrl=${encodeURIComponent(typeof window === "undefined" ? "/" : window.location.pathname)}`}
          >
            Sign in again
          </a>
        </p>
      )}
      <button type="button" className="button secondary small" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}
