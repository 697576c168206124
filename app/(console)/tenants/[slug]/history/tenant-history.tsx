"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { api, tenantApi } from "@/components/api";
import { DiffView, TenantPlanView } from "@/components/config/plan-view";
import { ProgressBar } from "@/components/config/progress-bar";
import { streamRequest } from "@/components/config/stream-request";
import { DateTime } from "@/components/date-time";
import { BusyButton, Dialog } from "@/components/dialog";
import { ErrorAlert, LoadError } from "@/components/error-alert";
import { toast } from "@/components/toast";
import type { ApplyResult } from "@/server/config-as-code/apply-config";
import type { ConfigPlan, ConfigProgress, TenantDiff } from "@/server/config-as-code/config-plan.types";
import type { TenantRevisionRow } from "@/server/config-as-code/tenant-history";

interface History {
  revision: number;
  revisions: TenantRevisionRow[];
}

const ACTIONS: Record<string, string> = {
  "history.start": "History started",
  "tenant.create": "Organisation created",
  "tenant.disable": "Disabled",
  "tenant.enable": "Enabled",
  "mapping.create": "Mapping added",
  "mapping.update": "Mapping expiry changed",
  "mapping.delete": "Mapping removed",
  "role.update": "Role permissions changed",
  "role.delete": "Role removed",
  "config.import": "Config imported",
  "config.rollback": "Rolled back",
};

export function TenantHistory({
  slug,
  initial,
  mayRollBack,
}: {
  slug: string;
  initial: History;
  mayRollBack: boolean;
}) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const historyKey = ["tenant-history", slug];
  const historyQuery = useQuery({
    queryKey: historyKey,
    queryFn: () => api.get<History>(`${tenantApi(slug)}/history`),
    initialData: initial,
  });
  const revisions = historyQuery.data.revisions;
  const [from, setFrom] = useState<number | null>(revisions[1]?.revision ?? null);
  const [to, setTo] = useState<number | null>(revisions[0]?.revision ?? null);
  const diffQuery = useQuery({
    queryKey: ["tenant-history-diff", slug, from, to],
    queryFn: () => api.get<TenantDiff>(`${tenantApi(slug)}/history/diff?from=${from}&to=${to}`),
    enabled: from !== null && to !== null,
  });

  const [rollback, setRollback] = useState<{ revision: number; plan: ConfigPlan } | null>(null);
  const [planning, setPlanning] = useState<number | null>(null);
  const [applying, setApplying] = useState(false);
  const [progress, setProgress] = useState<ConfigProgress | null>(null);
  const [error, setError] = useState<unknown>(null);
  const abort = useRef<AbortController | null>(null);

  const planRollback = async (revision: number) => {
    setPlanning(revision);
    setError(null);
    try {
      const plan = await api.post<ConfigPlan>(`${tenantApi(slug)}/history/rollback/plan`, { revision });
      setRollback({ revision, plan });
    } catch (failure) {
      toast.error(failure instanceof Error ? failure.message : "No plan.");
    } finally {
      setPlanning(null);
    }
  };

  const applyRollback = async () => {
    if (!rollback) return;
    const tenantPlan = rollback.plan.tenants[0];
    if (!tenantPlan || tenantPlan.baseRevision === null || tenantPlan.baseDigest === null) return;
    const controller = new AbortController();
    abort.current = controller;
    setApplying(true);
    setProgress(null);
    setError(null);
    try {
      const result = await streamRequest<ApplyResult>(
        `${tenantApi(slug)}/history/rollback`,
        {
          revision: rollback.revision,
          baseRevision: tenantPlan.baseRevision,
          baseDigest: tenantPlan.baseDigest,
        },
        { signal: controller.signal, onProgress: setProgress },
      );
      const revision = result.tenants[0]?.revision;
      toast.success(`Rolled back to revision ${rollback.revision}; now at revision ${revision}.`);
      setRollback(null);
      await queryClient.invalidateQueries({ queryKey: historyKey });
      router.refresh();
    } catch (failure) {
      setError(failure);
    } finally {
      abort.current = null;
      setApplying(false);
    }
  };

  const tenantPlan = rollback?.plan.tenants[0];
  const blocked = !tenantPlan || tenantPlan.problems.some((problem) => problem.severity === "error");
  const nothing = tenantPlan?.action === "unchanged";
  return (
    <div className="stack">
      {historyQuery.error && (
        <LoadError
          error={historyQuery.error}
          what="the history"
          onRetry={() => void historyQuery.refetch()}
        />
      )}
      <div className="table-scroll" tabIndex={0} role="region" aria-label="Revisions">
        <table className="data history-table">
          <thead>
            <tr>
              <th scope="col">Revision</th>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col" className="num">
                Roles
              </th>
              <th scope="col" className="num">
                Mappings
              </th>
              <th scope="col">Compare</th>
              {mayRollBack && <th scope="col">Roll back</th>}
            </tr>
          </thead>
          <tbody>
            {revisions.map((row) => (
              <tr key={row.revision}>
                <td className="num strong">
                  {row.revision}
                  {row.revision === historyQuery.data.revision && (
                    <span className="badge ok history-current">current</span>
                  )}
                </td>
                <td>
                  <DateTime iso={row.at} />
                </td>
                <td>
                  {row.actorName || "—"}
                  {row.actorType !== "USER" && (
                    <span className="muted small"> ({row.actorType.toLowerCase()})</span>
                  )}
                </td>
                <td>{ACTIONS[row.action] ?? row.action}</td>
                <td className="num">{row.roleCount}</td>
                <td className="num">{row.mappingCount}</td>
                <td className="nowrap">
                  <label className="inline-check">
                    <input
                      type="radio"
                      name="diff-from"
                      checked={from === row.revision}
                      onChange={() => setFrom(row.revision)}
                    />
                    from
                  </label>{" "}
                  <label className="inline-check">
                    <input
                      type="radio"
                      name="diff-to"
                      checked={to === row.revision}
                      onChange={() => setTo(row.revision)}
                    />
                    to
                  </label>
                </td>
                {mayRollBack && (
                  <td>
                    {row.revision !== historyQuery.data.revision && (
                      <BusyButton
                        type="button"
                        className="button secondary small-button"
                        busy={planning === row.revision}
                        busyLabel="Planning…"
                        onClick={() => void planRollback(row.revision)}
                      >
                        Roll back to {row.revision}
                      </BusyButton>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <section className="card stack" aria-label="Difference between revisions">
        <h2 className="plan-title">
          {from !== null && to !== null ? `Revision ${from} → ${to}` : "Choose two revisions to compare"}
        </h2>
        {diffQuery.error && (
          <LoadError error={diffQuery.error} what="the difference" onRetry={() => void diffQuery.refetch()} />
        )}
        {diffQuery.data && <DiffView diff={diffQuery.data} />}
      </section>

      <Dialog
        open={rollback !== null}
        onClose={() => {
          if (applying) return;
          setRollback(null);
          setError(null);
        }}
        title={`Roll back to revision ${rollback?.revision ?? ""}`}
        size="lg"
        busy={applying}
      >
        <div className="stack">
          <p>
            This plan turns the current configuration back into revision {rollback?.revision}. Applying it
            makes a new revision and an audit record; it is refused if someone changes the organisation in the
            meantime.
          </p>
          {tenantPlan && <TenantPlanView plan={tenantPlan} />}
          {applying && <ProgressBar progress={progress} onCancel={() => abort.current?.abort()} />}
          {error !== null && <ErrorAlert error={error} title="Not rolled back." />}
          <div className="dialog-footer">
            <button
              type="button"
              className="button secondary"
              onClick={() => setRollback(null)}
              disabled={applying}
            >
              Close
            </button>
            <BusyButton
              type="button"
              className="button danger"
              busy={applying}
              busyLabel="Rolling back…"
              disabled={blocked || nothing}
              onClick={() => void applyRollback()}
            >
              Apply rollback
            </BusyButton>
          </div>
        </div>
      </Dialog>
    </div>
  );
}
