import { configJsonSchema } from "@/server/config-as-code/config-document.types";

/** The file format as JSON Schema, for editors (also committed as schemas/sts-config.v1.schema.json). */
export function GET(): Response {
  return Response.json(configJsonSchema(), {
    headers: { "content-type": "application/schema+json", "cache-control": "public, max-age=300" },
  });
}
