import type { Metadata } from "next";
import { getPermissionMatrix } from "@/server/access/get-permission-matrix";
import { requireConsolePage } from "@/server/auth/require-permission";
import { getDb } from "@/server/db/client";
import { loadTenantForPage } from "../load-tenant";
import { PermissionMatrixView } from "./permission-matrix";
import "../../../access-views.css";

export async function generateMetadata({ params }: { params: Promise<{ slug: string }> }): Promise<Metadata> {
  return { title: `Permission matrix · ${(await params).slug}` };
}

export default async function TenantMatrixPage({ params }: { params: Promise<{ slug: string }> }) {
  const context = await requireConsolePage();
  const { slug } = await params;
  const { tenant } = await loadTenantForPage(context, slug);
  if (!tenant) return null;
  const matrix = await getPermissionMatrix(getDb(), context, slug);
  return (
    <>
      <div className="page-header">
        <h1>Permission matrix</h1>
        <p>
          Which permissions each role holds, and what each mapped IAM role (group) or technical client gets in{" "}
          {tenant.name} right now — the same answer the STS gives at token exchange. Permissions are grouped
          by category; hover over or focus a cell to see which role grants it.
        </p>
      </div>
      <PermissionMatrixView matrix={matrix} />
    </>
  );
}
