import { z } from "zod";
import { plainText } from "../shared/text";
import { tenantSlugSchema } from "../tenants/tenant.types";

/** HTML forms send empty fields as ""; an empty filter is no filter. */
const optional = <Schema extends z.ZodType>(schema: Schema) =>
  z.preprocess((value) => (value === "" ? undefined : value), schema.optional());

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A day (`2026-11-27`, whole UTC day) or an ISO date-time with offset. */
function instant(label: string, endOfDay: boolean) {
  return z
    .string({ error: `${label} must be a date` })
    .max(40, `${label} must be a date (YYYY-MM-DD) or an ISO date-time`)
    .transform((value, context) => {
      const day = DAY.test(value);
      const parsed = new Date(day ? `${value}T00:00:00.000Z` : value);
      if (
        Number.isNaN(parsed.getTime()) ||
        (!day && !z.iso.datetime({ offset: true }).safeParse(value).success)
      ) {
        context.addIssue({
          code: "custom",
          message: `${label} must be a date (YYYY-MM-DD) or an ISO date-time such as 2026-11-27T08:00:00Z`,
        });
        return z.NEVER;
      }
      // `to` given as a day includes that whole day.
      return day && endOfDay ? new Date(parsed.getTime() + 86_400_000) : parsed;
    });
}

/** The filters shared by the audit log and the activity list, their exports and their pages. */
export const auditFilterSchema = z
  .object({
    tenant: optional(tenantSlugSchema),
    actor: optional(plainText("actor", 255)),
    action: optional(
      z
        .string()
        .max(100, "action must be at most 100 characters")
        .regex(/^[a-z0-9_.]+$/, "action must be an action name such as mapping.create"),
    ),
    target: optional(plainText("target", 255)),
    from: optional(instant("from", false)),
    to: optional(instant("to", true)),
    q: optional(plainText("q", 200)),
  })
  .refine((filter) => !filter.from || !filter.to || filter.from < filter.to, {
    path: ["to"],
    message: "to must be after from",
  });
export type AuditFilterInput = z.input<typeof auditFilterSchema>;
export type AuditFilter = z.output<typeof auditFilterSchema>;

export const auditPageQuerySchema = z.intersection(
  auditFilterSchema,
  z.object({
    cursor: optional(z.string().max(200, "cursor is not one this console issued")),
    limit: optional(
      z.coerce
        .number({ error: "limit must be a number" })
        .int("limit must be a whole number")
        .min(1, "limit must be between 1 and 200")
        .max(200, "limit must be between 1 and 200"),
    ),
  }),
);

export const exportQuerySchema = z.intersection(
  auditFilterSchema,
  z.object({
    format: z.enum(["csv", "jsonl"], { error: "format must be csv or jsonl" }),
  }),
);

export interface AuditEntry {
  id: string;
  at: string;
  actor: { sub: string; name: string; type: "USER" | "CLIENT" | "SYSTEM" };
  tenantId: string | null;
  tenantSlug: string | null;
  action: string;
  targetType: string;
  targetId: string;
  before: unknown;
  after: unknown;
  requestId: string;
  ip: string;
  userAgent: string;
  hash: string;
}

export interface ActivityEntry {
  id: string;
  at: string;
  kind: string;
  tenantId: string | null;
  tenantSlug: string | null;
  subject: string;
  clientId: string;
  result: string;
  errorCode: string;
}

export interface Page<Entry> {
  entries: Entry[];
  /** Opaque; pass back as `cursor` for the next (older) page. Null on the last page. */
  nextCursor: string | null;
}
