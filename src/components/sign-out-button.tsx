"use client";

import { signOut } from "next-auth/react";
import { useState } from "react";

/** Ends the console session, then the IdP session where the IdP offers an end-session endpoint. */
export function SignOutButton({ className = "button secondary small" }: { className?: string }) {
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    let destination = "/signed-out";
    try {
      const response = await fetch("/api/session/sign-out", { method: "POST" });
      if (response.ok) {
        const body = (await response.json()) as { endSessionUrl?: string | null };
        if (body.endSessionUrl) destination = body.endSessionUrl;
      }
    } finally {
      await signOut({ redirect: false });
      window.location.assign(destination);
    }
  };
  return (
    <button type="button" className={className} onClick={run} disabled={busy} aria-busy={busy}>
      {busy ? "Signing out…" : "Sign out"}
    </button>
  );
}
