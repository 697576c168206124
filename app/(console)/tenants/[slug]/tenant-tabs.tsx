"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

/** The organisation's sub-pages; only those that exist are linked. */
export function TenantTabs({ slug }: { slug: string }) {
  const pathname = usePathname();
  const base = `/tenants/${slug}`;
  const tabs = [
    { href: base, label: "Overview" },
    { href: `${base}/mappings`, label: "Mappings" },
    { href: `${base}/roles`, label: "Roles" },
    { href: `${base}/matrix`, label: "Matrix" },
    { href: `${base}/explorer`, label: "Explorer" },
    { href: `${base}/unmapped`, label: "Unmapped groups" },
    { href: `${base}/audit`, label: "Audit" },
    { href: `${base}/history`, label: "History" },
    { href: `${base}/config`, label: "Config as code" },
  ];
  return (
    <nav className="tabs" aria-label="Organisation sections">
      {tabs.map((tab) => {
        const active = tab.href === base ? pathname === base : pathname.startsWith(tab.href);
        return (
          <Link key={tab.href} href={tab.href} aria-current={active ? "page" : undefined} className="tab">
            {tab.label}
          </Link>
        );
      })}
    </nav>
  );
}
