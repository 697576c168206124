"use client";

import { useState } from "react";
import { api, errorMessage } from "../api";

type Verification =
  | { ok: true; count: number; lastId: string | null }
  | { ok: false; count: number; brokenId: string; reason: string; message: string };

/** "Verify integrity": rebuilds every hash of the chain on the server and reports OK or the first break. */
export function VerifyIntegrity() {
  const [state, setState] = useState<
    | { status: "idle" | "running" }
    | { status: "done"; result: Verification }
    | { status: "failed"; message: string }
  >({ status: "idle" });

  async function verify() {
    setState({ status: "running" });
    try {
      setState({ status: "done", result: await api.get<Verification>("/api/console/audit/verify") });
    } catch (error) {
      setState({ status: "failed", message: errorMessage(error) });
    }
  }

  return (
    <div className="verify-integrity">
      <button
        type="button"
        className="button secondary small"
        onClick={() => void verify()}
        disabled={state.status === "running"}
      >
        {state.status === "running" ? "Verifying…" : "Verify integrity"}
      </button>
      <div role="status" aria-live="polite" className="verify-result">
        {state.status === "done" && state.result.ok && (
          <span className="badge ok">
            OK: {state.result.count.toLocaleString("en")} entries, chain unbroken
          </span>
        )}
        {state.status === "done" && !state.result.ok && (
          <span className="badge danger">
            Broken at entry #{state.result.brokenId}: {state.result.message}
          </span>
        )}
        {state.status === "failed" && <span className="badge danger">{state.message}</span>}
      </div>
    </div>
  );
}
