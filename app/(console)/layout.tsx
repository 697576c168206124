import type { ReactNode } from "react";
import { Brand } from "@/components/brand";
import { SignOutButton } from "@/components/sign-out-button";
import { requireConsolePage } from "@/server/auth/require-permission";
import { NavLinks, type NavItem } from "./nav-links";
import { ConsoleProviders } from "./providers";

function initials(name: string): string {
  return (
    name
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((part) => part[0]?.toUpperCase() ?? "")
      .join("") || "?"
  );
}

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const context = await requireConsolePage();
  const { identity } = context;
  const workItems: NavItem[] = [
    { href: "/", label: "Dashboard" },
    { href: "/tenants", label: "Organisations" },
    { href: "/roles", label: "Role templates" },
    { href: "/permissions", label: "Permission catalog" },
  ];
  const adminItems: NavItem[] = [
    { href: "/audit", label: "Audit log" },
    ...(context.isBootstrapAdmin ? [{ href: "/settings", label: "Settings" }] : []),
  ];

  return (
    <ConsoleProviders>
      <a className="skip-link" href="#content">
        Skip to content
      </a>
      <div className="shell">
        <aside className="sidebar">
          <Brand />
          <nav className="nav" aria-label="Main">
            <NavLinks label="Access" items={workItems} />
            <NavLinks label="Oversight" items={adminItems} />
          </nav>
          <div className="sidebar-footer">
            {context.isBootstrapAdmin ? "Bootstrap administrator" : "Organisation access"}
          </div>
        </aside>
        <div className="main">
          <header className="topbar">
            <div className="user-chip">
              <span className="avatar" aria-hidden="true">
                {initials(identity.name)}
              </span>
              <span>
                <strong>{identity.name}</strong>
                {identity.email && <span className="muted small"> · {identity.email}</span>}
              </span>
            </div>
            <SignOutButton />
          </header>
          <main id="content" className="content">
            {children}
          </main>
        </div>
      </div>
    </ConsoleProviders>
  );
}
