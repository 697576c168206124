"use client";

import { signIn } from "next-auth/react";
import { useEffect, useRef, useState } from "react";

export function SignInPanel(props: {
  callbackUrl: string;
  autoStart: boolean;
  notice?: string;
  idpProblem?: string;
  providerName: string;
}) {
  const [starting, setStarting] = useState(props.autoStart);
  const [failure, setFailure] = useState<string>();
  const started = useRef(false);

  const start = () => {
    if (props.idpProblem) {
      // Check the identity provider again before sending the browser there.
      window.location.reload();
      return;
    }
    setStarting(true);
    setFailure(undefined);
    signIn("oidc", { callbackUrl: props.callbackUrl }).catch((error: unknown) => {
      setStarting(false);
      setFailure(error instanceof Error ? error.message : "The sign-in could not be started.");
    });
  };

  useEffect(() => {
    if (props.autoStart && !started.current) {
      started.current = true;
      start();
    }
    // start() is stable enough for a one-time automatic start.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.autoStart]);

  return (
    <div className="stack">
      {props.idpProblem && (
        <div className="alert danger" role="alert">
          <strong>The identity provider cannot be reached.</strong>
          <p className="small" style={{ margin: "6px 0 0" }}>
            {props.idpProblem}. Check that it is running and that <code>OIDC_ISSUER</code> is right, then try
            again.
          </p>
        </div>
      )}
      {props.notice && (
        <div className="alert warn" role="status">
          {props.notice}
        </div>
      )}
      {failure && (
        <div className="alert danger" role="alert">
          {failure}
        </div>
      )}
      {starting ? (
        <p className="row" role="status" aria-live="polite">
          <span className="spinner" aria-hidden="true" /> Redirecting to {props.providerName}…
        </p>
      ) : (
        <div className="row">
          <button type="button" className="button" onClick={start}>
            {props.idpProblem ? "Try again" : `Sign in with ${props.providerName}`}
          </button>
        </div>
      )}
    </div>
  );
}
