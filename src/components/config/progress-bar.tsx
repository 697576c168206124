"use client";

import type { ConfigProgress } from "@/server/config-as-code/config-plan.types";

const PHASES: Record<ConfigProgress["phase"], string> = {
  read: "Reading the file",
  plan: "Comparing organisations",
  apply: "Writing changes",
  commit: "Committing",
};

/** Long work in numbers, with the one way out before it commits. */
export function ProgressBar({
  progress,
  onCancel,
}: {
  progress: ConfigProgress | null;
  onCancel?: () => void;
}) {
  const label = progress ? PHASES[progress.phase] : "Starting";
  return (
    <div className="progress-panel" role="status" aria-live="polite">
      <div className="row progress-label">
        <span>{label}</span>
        <span className="num muted">
          {progress ? `${progress.done.toLocaleString("en")} / ${progress.total.toLocaleString("en")}` : ""}
        </span>
      </div>
      <progress
        className="progress"
        max={Math.max(progress?.total ?? 1, 1)}
        value={progress ? progress.done : undefined}
        aria-label={label}
      />
      {onCancel && (
        <button type="button" className="button secondary" onClick={onCancel}>
          Cancel
        </button>
      )}
    </div>
  );
}
