import type { ReactNode } from "react";
import { Brand } from "@/components/brand";
import { SignOutButton } from "@/components/sign-out-button";
import { requireConsolePage } from "@/server/auth/require-permission";
import { getConfig } from "@/server/config";
import { NavLinks, type NavItem } from "./nav-links";
import { ConsoleProviders } from "./providers";

const unsafeModeWarnings = {
  UNSAFE_STATIC:
    "the machine API accepts one shared static token (STS_STATIC_TOKEN) instead of IAM tokens and client credentials",
  UNSAFE_NONE:
    "the machine API answers without any authentication: anyone who reaches it reads every mapping",
} as const;

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
  const authMode = getConfig().STS_AUTH_MODE;
  const workItems: NavItem[] = [
    { href: "/", label: "Dashboard" },
    { href: "/tenants", label: "Organisations" },
    { href: "/roles", label: "Role templates" },
    { href: "/permissions", label: "Permission catalog" },
    { href: "/access", label: "Access lookup" },
    { href: "/config", label: "Config as code" },
  ];
  const adminItems: NavItem[] = [
    { href: "/audit", label: "Audit log" },
    { href: "/clients", label: "Technical clients" },
    ...(context.isBootstrapAdmin ? [{ href: "/settings", label: "Settings" }] : []),
  ];

  return (
    <ConsoleProviders>
      <a className="skip-link" href="#content">
        Skip to content
      </a>
      <div className="shell">
        {authMode !== "STS" && (
          <div className="banner-unsafe" role="alert">
            Unsafe authentication mode ({authMode}): {unsafeModeWarnings[authMode]} — for trials only. Set{" "}
            <code>STS_AUTH_MODE=STS</code> before real use.
          </div>
        )}
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
