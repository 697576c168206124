import type { Metadata } from "next";
import Link from "next/link";
import { Brand } from "@/components/brand";

export const metadata: Metadata = { title: "Signed out" };

export default function SignedOutPage() {
  return (
    <main className="centered">
      <div className="panel">
        <Brand />
        <h1>You are signed out</h1>
        <p className="muted">
          Your console session has ended, and so has your session at the identity provider where it supports
          it.
        </p>
        <Link className="button" href="/signin">
          Sign in again
        </Link>
      </div>
    </main>
  );
}
