import type { Metadata } from "next";
import { requireConsolePage } from "@/server/auth/require-permission";
import { UnmappedGroups } from "../../../access/unmapped-groups";
import { loadTenantForPage } from "../load-tenant";
import "../../../access-views.css";

export async function generateMetadata({ params }: { params: Promise<{ slug: string }> }): Promise<Metadata> {
  return { title: `Unmapped groups · ${(await params).slug}` };
}

export default async function TenantUnmappedPage({ params }: { params: Promise<{ slug: string }> }) {
  const context = await requireConsolePage();
  const { slug } = await params;
  const { tenant } = await loadTenantForPage(context, slug);
  if (!tenant) return null;
  return (
    <>
      <div className="page-header">
        <h1>Unmapped groups</h1>
        <p>
          IAM roles / groups presented in token and resolve requests for {tenant.name} that no live mapping
          there grants anything — the usual answer to “someone can&apos;t log in”. Only names presented to
          this organisation are listed. Names that differ from a mapped one only by case, a leading “/” or
          white space are flagged.
        </p>
      </div>
      <UnmappedGroups
        scope={{ kind: "tenant", slug: tenant.slug, name: tenant.name, mayMap: tenant.can.create }}
      />
    </>
  );
}
