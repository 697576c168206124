"use client";

/**
 * A modal dialog on the native <dialog> element: showModal() makes the rest of the page inert (focus
 * stays inside), Escape closes it (unless a change is in flight), and focus returns to the control that
 * opened it. The content is mounted only while open, so a form starts fresh every time.
 */
import { useEffect, useId, useRef, type ReactNode } from "react";

export interface DialogProps {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  /** Short text under the title, also the dialog's accessible description. */
  description?: ReactNode;
  children: ReactNode;
  size?: "sm" | "md" | "lg";
  /** While a change is being saved, Escape and the close button do nothing. */
  busy?: boolean;
  /** Where focus goes on close when the opener has gone (e.g. a deleted row's button). */
  fallbackFocus?: () => HTMLElement | null;
}

const FOCUSABLE =
  'a[href], button, input:not([type="hidden"]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';

function focusFallback() {
  const main = document.getElementById("content");
  if (!main) return;
  main.setAttribute("tabindex", "-1");
  main.focus();
}

export function Dialog({
  open,
  onClose,
  title,
  description,
  children,
  size = "md",
  busy = false,
  fallbackFocus,
}: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const titleId = useId();
  const descriptionId = useId();
  const state = useRef({ open, busy, onClose, fallbackFocus });
  useEffect(() => {
    state.current = { open, busy, onClose, fallbackFocus };
  });

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      dialog.showModal();
      const preferred = dialog.querySelector<HTMLElement>("[data-autofocus]");
      if (preferred) preferred.focus();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open]);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const onCancel = (event: Event) => {
      event.preventDefault();
      if (!state.current.busy) state.current.onClose();
    };
    const onNativeClose = () => {
      // The browser may close a dialog on its own (a repeated Escape): keep React's state in step.
      if (state.current.open) state.current.onClose();
      const target = opener.current;
      opener.current = null;
      if (target && target.isConnected && !target.closest("dialog:not([open])")) {
        target.focus();
      } else {
        const fallback = state.current.fallbackFocus?.();
        if (fallback) fallback.focus();
        else focusFallback();
      }
    };
    // showModal() makes the page inert, but Tab may still leave for the browser's own controls: wrap it.
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== "Tab") return;
      const focusable = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
        (element) => !element.hasAttribute("disabled") && element.getClientRects().length > 0,
      );
      const first = focusable[0];
      const last = focusable[focusable.length - 1];
      if (!first || !last) return;
      if (event.shiftKey && (document.activeElement === first || !dialog.contains(document.activeElement))) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
    };
    dialog.addEventListener("cancel", onCancel);
    dialog.addEventListener("close", onNativeClose);
    dialog.addEventListener("keydown", onKeyDown);
    return () => {
      dialog.removeEventListener("cancel", onCancel);
      dialog.removeEventListener("close", onNativeClose);
      dialog.removeEventListener("keydown", onKeyDown);
      if (dialog.open) dialog.close();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className={`dialog dialog-${size}`}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
    >
      {open && (
        <>
          <div className="dialog-header">
            <h2 id={titleId}>{title}</h2>
            <button
              type="button"
              className="dialog-close"
              onClick={onClose}
              disabled={busy}
              aria-label="Close dialog"
            >
              ×
            </button>
          </div>
          {description && (
            <p id={descriptionId} className="dialog-description">
              {description}
            </p>
          )}
          <div className="dialog-body">{children}</div>
        </>
      )}
    </dialog>
  );
}

/** A button that shows progress while its change is in flight. */
export function BusyButton({
  busy,
  busyLabel,
  children,
  className = "button",
  type = "button",
  disabled,
  onClick,
  autoFocusInDialog,
}: {
  busy: boolean;
  busyLabel: string;
  children: ReactNode;
  className?: string;
  type?: "button" | "submit";
  disabled?: boolean;
  onClick?: () => void;
  autoFocusInDialog?: boolean;
}) {
  return (
    <button
      type={type}
      className={className}
      disabled={busy || disabled}
      aria-busy={busy || undefined}
      onClick={onClick}
      data-autofocus={autoFocusInDialog ? "" : undefined}
    >
      {busy ? (
        <>
          <span className="spinner spinner-sm" aria-hidden="true" />
          {busyLabel}
        </>
      ) : (
        children
      )}
    </button>
  );
}
