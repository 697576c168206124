"use client";

import Link from "next/link";
import { useRef, useState } from "react";
import type { ApplyResult } from "@/server/config-as-code/apply-config";
import type { ConfigPlan, ConfigProgress } from "@/server/config-as-code/config-plan.types";
import { ErrorAlert } from "../error-alert";
import { plural } from "../format";
import { toast } from "../toast";
import { TenantPlanView } from "./plan-view";
import { ProgressBar } from "./progress-bar";
import { streamRequest } from "./stream-request";

const MAX_BYTES = 8 * 1024 * 1024;

type Stage =
  | { kind: "idle" }
  | { kind: "planning" }
  | { kind: "planned"; plan: ConfigPlan }
  | { kind: "applying"; plan: ConfigPlan }
  | { kind: "applied"; result: ApplyResult };

/**
 * Upload a config file, review the plan, apply it. The plan carries the revisions (and digests) it was
 * computed against; apply is refused when an organisation moved since. Cancel stops before the commit.
 */
export function ConfigImport({ tenant }: { tenant?: string }) {
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [stage, setStage] = useState<Stage>({ kind: "idle" });
  const [progress, setProgress] = useState<ConfigProgress | null>(null);
  const [error, setError] = useState<unknown>(null);
  const abort = useRef<AbortController | null>(null);

  const run = async <T,>(url: string, body: unknown): Promise<T> => {
    const controller = new AbortController();
    abort.current = controller;
    setProgress(null);
    setError(null);
    try {
      return await streamRequest<T>(url, body, { signal: controller.signal, onProgress: setProgress });
    } finally {
      abort.current = null;
    }
  };

  const makePlan = async () => {
    if (!file) return;
    setStage({ kind: "planning" });
    try {
      const plan = await run<ConfigPlan>("/api/console/config/plan", {
        file: file.text,
        fileName: file.name,
        tenant,
      });
      setStage({ kind: "planned", plan });
    } catch (failure) {
      setError(failure);
      setStage({ kind: "idle" });
    }
  };

  const apply = async (plan: ConfigPlan) => {
    if (!file) return;
    setStage({ kind: "applying", plan });
    try {
      const result = await run<ApplyResult>("/api/console/config/apply", {
        file: file.text,
        fileName: file.name,
        tenant,
        baseRevisions: Object.fromEntries(plan.tenants.map((item) => [item.slug, item.baseRevision])),
        baseDigests: Object.fromEntries(plan.tenants.map((item) => [item.slug, item.baseDigest])),
      });
      setStage({ kind: "applied", result });
      toast.success(`Applied ${file.name}.`);
    } catch (failure) {
      setError(failure);
      setStage({ kind: "planned", plan });
    }
  };

  const busy = stage.kind === "planning" || stage.kind === "applying";
  const plan = stage.kind === "planned" || stage.kind === "applying" ? stage.plan : null;
  return (
    <div className="stack">
      <form
        className="card stack"
        onSubmit={(event) => {
          event.preventDefault();
          void makePlan();
        }}
      >
        <div className="field">
          <label htmlFor="config-file">Config file (YAML or JSON, at most 8 MiB)</label>
          <input
            id="config-file"
            className="input"
            type="file"
            accept=".yaml,.yml,.json,application/json,application/yaml"
            disabled={busy}
            onChange={async (event) => {
              const chosen = event.target.files?.[0];
              setStage({ kind: "idle" });
              setError(null);
              if (!chosen) return setFile(null);
              if (chosen.size > MAX_BYTES) {
                setFile(null);
                setError(
                  new Error(
                    `${chosen.name} is ${(chosen.size / 1048576).toFixed(1)} MiB; the limit is 8 MiB.`,
                  ),
                );
                return;
              }
              setFile({ name: chosen.name, text: await chosen.text() });
            }}
          />
          <p className="field-hint">
            Nothing changes until you review the plan and apply it. Format: <code>sts-config/v1</code> (
            <a href="/api/console/config/schema">JSON Schema</a>).
          </p>
        </div>
        <div className="row">
          <button type="submit" className="button" disabled={!file || busy}>
            Make plan
          </button>
        </div>
      </form>

      {busy && <ProgressBar progress={progress} onCancel={() => abort.current?.abort()} />}
      {error !== null && (
        <ErrorAlert error={error} title={stage.kind === "planned" ? "Not applied." : "No plan."} />
      )}

      {plan && (
        <div className="stack" aria-label="Plan">
          <div className="card row plan-summary">
            <strong>Plan for {file?.name}</strong>
            <span>
              +{plan.counts.added} · −{plan.counts.removed} · ~{plan.counts.changed}
            </span>
            <span className={plan.counts.errors > 0 ? "danger-text" : "muted"}>
              {plural(plan.counts.errors, "error")}, {plural(plan.counts.warnings, "warning")}
            </span>
            <button
              type="button"
              className="button"
              disabled={
                busy || plan.counts.errors > 0 || plan.tenants.every((item) => item.action === "unchanged")
              }
              onClick={() => void apply(plan)}
            >
              Apply plan
            </button>
          </div>
          {plan.tenants.map((item) => (
            <TenantPlanView key={item.slug} plan={item} />
          ))}
        </div>
      )}

      {stage.kind === "applied" && (
        <div className="alert ok" role="status">
          <p>
            <strong>Applied.</strong>{" "}
            {stage.result.tenants.map((item, index) => (
              <span key={item.slug}>
                {index > 0 && ", "}
                <Link href={`/tenants/${item.slug}/history`}>{item.slug}</Link>{" "}
                {item.action === "unchanged" ? "unchanged" : `now at revision ${item.revision}`}
              </span>
            ))}
            .
          </p>
        </div>
      )}
    </div>
  );
}
