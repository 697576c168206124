import { z } from "zod";

// C0/C1 control characters (tab, newline, NUL, escape…) are never valid in names, notes or subjects.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

function plainTextMessages(label: string, max: number, min: number) {
  return {
    type: `${label} must be text`,
    tooShort: min === 1 ? `${label} is required` : `${label} must be at least ${min} characters`,
    tooLong: `${label} must be at most ${max} characters`,
    control: `${label} must not contain control characters`,
  };
}

/** A single-line human text: trimmed is not enforced (subjects are exact), control characters refused. */
export function plainText(label: string, max: number, min = 1) {
  const messages = plainTextMessages(label, max, min);
  return z
    .string({ error: messages.type })
    .min(min, messages.tooShort)
    .max(max, messages.tooLong)
    .refine((value) => !CONTROL_CHARACTERS.test(value), messages.control);
}

/**
 * A list of `plainText` values with the same rules and messages, each problem at its index, checked
 * in one pass: machine requests carry dozens of names, and a check chain per item costs several
 * times more.
 */
export function plainTextList(label: string, max: number, listError: string) {
  const messages = plainTextMessages(label, max, 1);
  return z.array(z.string({ error: messages.type }), { error: listError }).superRefine((values, context) => {
    for (let at = 0; at < values.length; at += 1) {
      const value = values[at]!;
      const message =
        value.length < 1
          ? messages.tooShort
          : value.length > max
            ? messages.tooLong
            : CONTROL_CHARACTERS.test(value)
              ? messages.control
              : undefined;
      if (message) context.addIssue({ code: "custom", message, path: [at], input: value });
    }
  });
}

/** Names: no leading or trailing spaces either (they are shown and searched, not compared with tokens). */
export function displayName(label: string, max = 200) {
  return plainText(label, max).refine(
    (value) => value.trim() === value,
    `${label} must not start or end with spaces`,
  );
}

export const versionSchema = z.number({ error: "version is required" }).int().min(1);
