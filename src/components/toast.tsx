"use client";

/**
 * A small toast system: a module-level store (so a toast survives a client-side navigation, e.g. after a
 * deletion) and one region rendered by the console providers. Successes are announced politely and
 * fade; failures are announced assertively and stay until dismissed.
 */
import { useSyncExternalStore } from "react";

export type ToastKind = "success" | "error" | "info";

export interface Toast {
  id: number;
  kind: ToastKind;
  message: string;
}

const SUCCESS_MS = 5_000;
let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const timers = new Map<number, ReturnType<typeof setTimeout>>();

function emit() {
  for (const listener of listeners) listener();
}

export function dismissToast(id: number) {
  const timer = timers.get(id);
  if (timer) clearTimeout(timer);
  timers.delete(id);
  toasts = toasts.filter((toast) => toast.id !== id);
  emit();
}

function push(kind: ToastKind, message: string): number {
  const id = nextId++;
  // Keep the stack short: the oldest goes first.
  toasts = [...toasts.slice(-3), { id, kind, message }];
  if (kind !== "error")
    timers.set(
      id,
      setTimeout(() => dismissToast(id), SUCCESS_MS),
    );
  emit();
  return id;
}

export const toast = {
  success: (message: string) => push("success", message),
  error: (message: string) => push("error", message),
  info: (message: string) => push("info", message),
};

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const empty: Toast[] = [];

export function useToasts(): Toast[] {
  return useSyncExternalStore(
    subscribe,
    () => toasts,
    () => empty,
  );
}

function ToastItem({ item }: { item: Toast }) {
  return (
    <div className={`toast ${item.kind}`}>
      <span className="toast-icon" aria-hidden="true">
        {item.kind === "error" ? "!" : item.kind === "success" ? "✓" : "i"}
      </span>
      <span className="toast-message">{item.message}</span>
      <button
        type="button"
        className="toast-close"
        onClick={() => dismissToast(item.id)}
        aria-label="Dismiss notification"
      >
        ×
      </button>
    </div>
  );
}

/** Two live regions that always exist in the page, so screen readers announce what is added to them. */
export function ToastRegion() {
  const items = useToasts();
  return (
    <div className="toasts">
      <div role="status" aria-live="polite" className="toast-stack">
        {items
          .filter((item) => item.kind !== "error")
          .map((item) => (
            <ToastItem key={item.id} item={item} />
          ))}
      </div>
      <div role="alert" aria-live="assertive" className="toast-stack">
        {items
          .filter((item) => item.kind === "error")
          .map((item) => (
            <ToastItem key={item.id} item={item} />
          ))}
      </div>
    </div>
  );
}
