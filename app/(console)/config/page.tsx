import type { Metadata } from "next";
import { ConfigImport } from "@/components/config/config-import";
import { requireConsolePage } from "@/server/auth/require-permission";

export const metadata: Metadata = { title: "Config as code" };

export default async function ConfigPage() {
  const context = await requireConsolePage();
  return (
    <>
      <div className="page-header">
        <h1>Config as code</h1>
        <p>
          Every organisation you can read, as one file: its id and slug, its roles (global templates by key,
          organisation roles with their permissions) and its mappings. Keep it in version control, review
          changes as diffs, and import it here or with <code>npm run sts -- apply</code>.
          {context.isBootstrapAdmin
            ? " As the bootstrap administrator you can also create organisations by importing them."
            : " You can import changes to the organisations you manage, within the permissions you hold."}
        </p>
      </div>
      <div className="card row export-row">
        <strong>Export all organisations</strong>
        <a className="button secondary" href="/api/console/config/export?format=yaml" download>
          Download YAML
        </a>
        <a className="button secondary" href="/api/console/config/export?format=json" download>
          Download JSON
        </a>
      </div>
      <h2 className="section-gap">Import</h2>
      <ConfigImport />
    </>
  );
}
