"use client";

import type { ReactNode } from "react";
import type { ZodType } from "zod";
import { ApiError } from "./api";

export type FieldErrors = Record<string, string[]>;

/** Runs the server's own zod schema in the browser; errors keyed by field path, like the API's fieldErrors. */
export function validate<T>(
  schema: ZodType<T>,
  input: unknown,
): { data: T; errors: null } | { data: null; errors: FieldErrors } {
  const result = schema.safeParse(input);
  if (result.success) return { data: result.data, errors: null };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = issue.path.length > 0 ? issue.path.join(".") : "form";
    (errors[field] ??= []).push(issue.message);
  }
  return { data: null, errors };
}

/** Field errors that came back from the API (400), or none. */
export function serverFieldErrors(error: unknown): FieldErrors {
  return error instanceof ApiError ? error.fieldErrors : {};
}

/** Errors of one field, including those of its items (e.g. "permissions.3"). */
export function errorsFor(errors: FieldErrors | null | undefined, field: string): string[] {
  if (!errors) return [];
  return Object.entries(errors)
    .filter(([key]) => key === field || key.startsWith(`${field}.`))
    .flatMap(([, messages]) => messages);
}

/**
 * A labelled control with its hint and errors, wired with aria-describedby / aria-invalid. The child
 * receives the ids through the render function so any input element can be used.
 */
export function Field({
  id,
  label,
  hint,
  errors = [],
  optional = false,
  children,
}: {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  errors?: string[];
  optional?: boolean;
  children: (props: { id: string; "aria-describedby"?: string; "aria-invalid"?: boolean }) => ReactNode;
}) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = errors.length > 0 ? `${id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`field${errors.length > 0 ? " has-error" : ""}`}>
      <label htmlFor={id}>
        {label}
        {optional && <span className="optional"> (optional)</span>}
      </label>
      {children({ id, "aria-describedby": describedBy, "aria-invalid": errors.length > 0 || undefined })}
      {errorId && (
        <p id={errorId} className="field-error">
          {errors.join(" ")}
        </p>
      )}
      {hint && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
    </div>
  );
}

/** After a failed client-side check: move focus to the first invalid control (or show the first error). */
export function focusFirstError(form: HTMLFormElement | null) {
  if (!form) return;
  requestAnimationFrame(() => {
    const invalid = form.querySelector<HTMLElement>('[aria-invalid="true"]');
    if (invalid) {
      invalid.focus();
      return;
    }
    form.querySelector(".field-error")?.scrollIntoView({ block: "nearest" });
  });
}
