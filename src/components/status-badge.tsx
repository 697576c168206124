export function StatusBadge({ status }: { status: "ACTIVE" | "DISABLED" }) {
  return status === "ACTIVE" ? (
    <span className="badge ok">
      <span className="dot" aria-hidden="true" />
      Active
    </span>
  ) : (
    <span className="badge danger">
      <span className="dot" aria-hidden="true" />
      Disabled
    </span>
  );
}

export function ScopeBadge({ scope }: { scope: "global" | "tenant" }) {
  return scope === "global" ? (
    <span className="badge accent" title="A global role template, usable in every organisation">
      Global template
    </span>
  ) : (
    <span className="badge" title="A role of this organisation only">
      Organisation role
    </span>
  );
}
