"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

export interface NavItem {
  href: string;
  label: string;
  note?: string;
}

export function NavLinks({ label, items }: { label: string; items: NavItem[] }) {
  const pathname = usePathname();
  return (
    <>
      <div className="nav-label">{label}</div>
      {items.map((item) => {
        const active =
          item.href === "/"
            ? pathname === "/"
            : pathname === item.href || pathname.startsWith(`${item.href}/`);
        return (
          <Link key={item.href} href={item.href} aria-current={active ? "page" : undefined}>
            <span>{item.label}</span>
            {item.note && <span className="soon">{item.note}</span>}
          </Link>
        );
      })}
    </>
  );
}
