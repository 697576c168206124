import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Brand } from "@/components/brand";
import { getConfig } from "@/server/config";
import { getSessionState } from "@/server/auth/console-context";
import { getIssuerMetadata } from "@/server/auth/oidc-discovery";
import { SignInPanel } from "./sign-in-panel";

export const metadata: Metadata = { title: "Sign in" };

const reasons: Record<string, string> = {
  idle: "Your session ended after a period of inactivity. Sign in again to continue.",
  expired: "Your session reached its maximum age. Sign in again to continue.",
};

// next-auth error codes → what an administrator can do about them.
const errors: Record<string, string> = {
  OAuthCallback:
    "The identity provider's answer could not be verified (state, nonce or PKCE check failed, or the code expired). Try again.",
  OAuthSignin:
    "The sign-in request to the identity provider could not be started. Check OIDC_ISSUER and the client settings.",
  Callback: "Signing in failed while processing the identity provider's answer.",
  AccessDenied: "The identity provider denied the sign-in.",
  Configuration:
    "The console's sign-in configuration is incomplete. An administrator must check the OIDC settings.",
};

function safeCallback(value: string | undefined): string {
  return value && value.startsWith("/") && !value.startsWith("//") ? value : "/";
}

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const single = (key: string) => (typeof params[key] === "string" ? (params[key] as string) : undefined);
  const callbackUrl = safeCallback(single("callbackUrl"));
  const session = await getSessionState();
  if (session.state === "signed-in") redirect(callbackUrl);

  const config = getConfig();
  let idpProblem: string | undefined;
  try {
    await getIssuerMetadata();
  } catch (error) {
    idpProblem = error instanceof Error ? error.message : String(error);
  }
  const errorCode = single("error");
  const notice = errorCode
    ? (errors[errorCode] ?? `Signing in failed (${errorCode}).`)
    : reasons[single("reason") ?? ""];

  return (
    <main className="centered">
      <div className="panel">
        <Brand />
        <h1>Sign in</h1>
        <p className="muted">
          The console signs you in through {config.OIDC_DISPLAY_NAME} (<code>{config.OIDC_ISSUER}</code>).
          Access is decided by the roles and groups it sends.
        </p>
        <SignInPanel
          callbackUrl={callbackUrl}
          autoStart={!idpProblem && !notice}
          notice={notice}
          idpProblem={idpProblem}
          providerName={config.OIDC_DISPLAY_NAME}
        />
      </div>
    </main>
  );
}
