/** The import use cases behind the console's upload and the CLI: parse a file, plan it, apply it. */
import { z } from "zod";
import type { ConsoleContext } from "../auth/authorize";
import type { Db } from "../db/client";
import { parseInput } from "../shared/parse-input";
import { plainText } from "../shared/text";
import { tenantSlugSchema } from "../tenants/tenant.types";
import { applyConfig, baseDigestsSchema, baseRevisionsSchema, type ApplyResult } from "./apply-config";
import { CONFIG_FILE_LIMIT_BYTES, parseConfigFile } from "./config-file";
import type { ConfigPlan, ProgressListener } from "./config-plan.types";
import { planConfig } from "./plan-config";

const fileFields = {
  fileName: plainText("fileName", 255).default("upload"),
  file: z
    .string({ error: "file must be the file's text" })
    .max(CONFIG_FILE_LIMIT_BYTES, "the file is too large"),
};

export const planImportSchema = z.object({ ...fileFields, tenant: tenantSlugSchema.optional() });
export const applyImportSchema = z.object({
  ...fileFields,
  tenant: tenantSlugSchema.optional(),
  baseRevisions: baseRevisionsSchema,
  baseDigests: baseDigestsSchema,
});

export interface ImportOptions {
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

export async function planImport(
  db: Db,
  context: ConsoleContext,
  input: unknown,
  options: ImportOptions = {},
): Promise<ConfigPlan> {
  const data = parseInput(planImportSchema, input, "import");
  options.onProgress?.({ phase: "read", done: 0, total: 1 });
  const document = parseConfigFile(data.file, data.fileName);
  options.onProgress?.({ phase: "read", done: 1, total: 1 });
  return planConfig(db, context, document, { ...options, onlyTenant: data.tenant });
}

export async function applyImport(
  db: Db,
  context: ConsoleContext,
  input: unknown,
  options: ImportOptions = {},
): Promise<ApplyResult> {
  const data = parseInput(applyImportSchema, input, "import");
  const document = parseConfigFile(data.file, data.fileName);
  return applyConfig(db, context, document, {
    baseRevisions: data.baseRevisions,
    baseDigests: data.baseDigests,
    action: "config.import",
    onlyTenant: data.tenant,
    ...options,
  });
}
