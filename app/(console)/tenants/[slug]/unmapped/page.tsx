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
          IAM roles / groups the console has seen at sign-in or token exchange that no live mapping in{" "}
          {tenant.name} grants anything — the usual answer to “someone can&apos;t log in”. Names that differ
          from a mapped one only by case, a leading “/” or white space are flagged.
        </p>
      </div>
      <UnmappedGroups
        scope={{ kind: "tenant", slug: tenant.slug, name: tenant.name, mayMap: tenant.can.create }}
      />
    </>
  );
}
