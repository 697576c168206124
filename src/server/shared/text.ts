import { z } from "zod";

// C0/C1 control characters (tab, newline, NUL, escape…) are never valid in names, notes or subjects.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/** A single-line human text: trimmed is not enforced (subjects are exact), control characters refused. */
export function plainText(label: string, max: number, min = 1) {
  return z
    .string({ error: `${label} must be text` })
    .min(min, min === 1 ? `${label} is required` : `${label} must be at least ${min} characters`)
    .max(max, `${label} must be at most ${max} characters`)
    .refine((value) => !CONTROL_CHARACTERS.test(value), `${label} must not contain control characters`);
}

/** Names: no leading or trailing spaces either (they are shown and searched, not compared with tokens). */
export function displayName(label: string, max = 200) {
  return plainText(label, max).refine(
    (value) => value.trim() === value,
    `${label} must not start or end with spaces`,
  );
}

export const versionSchema = z.number({ error: "version is required" }).int().min(1);
