"use client";

import type { ReactNode } from "react";
import { BusyButton, Dialog } from "./dialog";
import { ErrorAlert } from "./error-alert";

/** Asks before a destructive or far-reaching change; Cancel has the focus first. */
export function ConfirmDialog({
  open,
  onClose,
  title,
  children,
  confirmLabel,
  busyLabel,
  onConfirm,
  busy,
  error,
  onReload,
  errorTitle,
  danger = false,
  confirmDisabled = false,
  fallbackFocus,
}: {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  children: ReactNode;
  confirmLabel: string;
  busyLabel: string;
  onConfirm: () => void;
  busy: boolean;
  error?: unknown;
  /** Offered with a 409: reload the current state instead of retrying blindly. */
  onReload?: () => void;
  /** Heading of a failure, e.g. "Not removed.". */
  errorTitle?: string;
  danger?: boolean;
  confirmDisabled?: boolean;
  /** Where focus goes on close when the opener has gone (e.g. the button of a revoked row). */
  fallbackFocus?: () => HTMLElement | null;
}) {
  return (
    <Dialog open={open} onClose={onClose} title={title} size="sm" busy={busy} fallbackFocus={fallbackFocus}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!busy && !confirmDisabled) onConfirm();
        }}
        className="stack"
      >
        <div className="confirm-body">{children}</div>
        {error !== undefined && error !== null && (
          <ErrorAlert error={error} onReload={onReload} title={errorTitle} />
        )}
        <div className="dialog-footer">
          <button
            type="button"
            className="button secondary"
            onClick={onClose}
            disabled={busy}
            data-autofocus=""
          >
            Cancel
          </button>
          <BusyButton
            type="submit"
            busy={busy}
            busyLabel={busyLabel}
            className={danger ? "button danger" : "button"}
            disabled={confirmDisabled}
          >
            {confirmLabel}
          </BusyButton>
        </div>
      </form>
    </Dialog>
  );
}
