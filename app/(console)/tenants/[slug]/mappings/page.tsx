import type { Metadata } from "next";
import { requireConsolePage } from "@/server/auth/require-permission";
import { meFromContext } from "../../../me-from-context";
import { loadTenantForPage } from "../load-tenant";
import { MappingsManager } from "./mappings-manager";

export async function generateMetadata({ params }: { params: Promise<{ slug: string }> }): Promise<Metadata> {
  return { title: `Mappings · ${(await params).slug}` };
}

export default async function TenantMappingsPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const context = await requireConsolePage();
  const { slug } = await params;
  const { tenant } = await loadTenantForPage(context, slug);
  if (!tenant) return null;
  const query = await searchParams;
  const openNewAccess = query.new === "1";
  // "Map this group" links (unmapped groups, explorer) prefill the IAM role name.
  const prefill = typeof query.subject === "string" ? query.subject.slice(0, 255) : "";
  return (
    <>
      <div className="page-header">
        <h1>Mappings</h1>
        <p>
          Who gets which role in {tenant.name}. Each row maps one IAM role (a group name exactly as your
          identity provider sends it) or technical client to one role; when someone exchanges an IAM token for
          an app token, the STS collects the roles of all their mapped groups and puts their permissions into
          the token.
          {tenant.can.create || tenant.can.edit || tenant.can.delete
            ? " Changes take effect at the next token exchange."
            : " You have read-only access here."}
        </p>
      </div>
      <MappingsManager
        tenant={tenant}
        initialMe={meFromContext(context)}
        openNewAccess={openNewAccess}
        initialSubject={prefill}
      />
    </>
  );
}
