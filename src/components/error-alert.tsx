"use client";

import type { ReactNode } from "react";
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
  // A 409 on a versioned change (the caller offers Reload): say so plainly. Other 409s (a slug taken) are refusals.
  const conflict = (apiError?.isConflict ?? false) && onReload !== undefined;
  return (
    <div className={`alert ${conflict ? "warn" : "danger"}`} role="alert">
      <p className="alert-title">
        <strong>{conflict ? "Changed by someone else." : (title ?? "Not saved.")}</strong>{" "}
        {errorMessage(error)}
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
      {conflict && (
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
      <button type="button" className="button secondary small" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}
